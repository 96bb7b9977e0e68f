// The state map: us-atlas's pre-projected (Albers USA, 975x610) state shapes via topojson-client, drawn as plain SVG
// paths and shaded by the counts of the page's no-JS table (#state-table). No projection library is needed.
(function () {
  'use strict';
  const holder = document.getElementById('state-map');
  if (!holder || !window.topojson) return;
  // FIPS code (the atlas's feature id) -> USPS code (the API's us_state).
  const usps = { '01': 'AL', '02': 'AK', '04': 'AZ', '05': 'AR', '06': 'CA', '08': 'CO', '09': 'CT', '10': 'DE', '11': 'DC', '12': 'FL',
    '13': 'GA', '15': 'HI', '16': 'ID', '17': 'IL', '18': 'IN', '19': 'IA', '20': 'KS', '21': 'KY', '22': 'LA', '23': 'ME', '24': 'MD',
    '25': 'MA', '26': 'MI', '27': 'MN', '28': 'MS', '29': 'MO', '30': 'MT', '31': 'NE', '32': 'NV', '33': 'NH', '34': 'NJ', '35': 'NM',
    '36': 'NY', '37': 'NC', '38': 'ND', '39': 'OH', '40': 'OK', '41': 'OR', '42': 'PA', '44': 'RI', '45': 'SC', '46': 'SD', '47': 'TN',
    '48': 'TX', '49': 'UT', '50': 'VT', '51': 'VA', '53': 'WA', '54': 'WV', '55': 'WI', '56': 'WY', '60': 'AS', '66': 'GU', '69': 'MP',
    '72': 'PR', '78': 'VI' };
  const counts = {};
  for (const cell of document.querySelectorAll('[data-testid="state-count"]')) counts[cell.dataset.state] = Number(cell.textContent);
  const max = Math.max(1, ...Object.values(counts));
  const shade = (n) => (n ? `hsl(211, 70%, ${Math.round(85 - 55 * (n / max))}%)` : '#e6e9ed');
  const ring = (points) => 'M' + points.map((p) => p[0].toFixed(1) + ',' + p[1].toFixed(1)).join('L') + 'Z';
  const path = (geometry) => {
    const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
    return polygons.map((polygon) => polygon.map(ring).join('')).join('');
  };
  fetch(holder.dataset.atlas).then((r) => r.json()).then((atlas) => {
    const svgNs = 'http://www.w3.org/2000/svg';
    const svg = document.createElementNS(svgNs, 'svg');
    svg.setAttribute('viewBox', '0 0 975 610');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', 'Map of partnerships by state; the table below has the numbers');
    for (const feature of topojson.feature(atlas, atlas.objects.states).features) {
      const code = usps[feature.id];
      const p = document.createElementNS(svgNs, 'path');
      p.setAttribute('d', path(feature.geometry));
      p.setAttribute('fill', shade(counts[code] || 0));
      const title = document.createElementNS(svgNs, 'title');
      title.textContent = `${feature.properties.name}: ${counts[code] || 0}`;
      p.appendChild(title);
      svg.appendChild(p);
    }
    holder.appendChild(svg);
  });
})();
