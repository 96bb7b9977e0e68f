// Live updates of the overview: one EventSource on the page's data-events URL; each `rollup` event's JSON updates the
// numbers in place, found by the same data-testid / data-* attributes the server rendered.
(function () {
  'use strict';
  const status = document.getElementById('live-status');
  if (!status || !window.EventSource) return;
  const set = (selector, value) => {
    const cell = document.querySelector(selector);
    if (cell && value !== undefined) cell.textContent = String(value);
  };
  const source = new EventSource(status.dataset.events);
  source.addEventListener('rollup', (event) => {
    const r = JSON.parse(event.data);
    set('[data-testid="network-partnership-count"]', r.partnershipCount);
    set('[data-testid="rollup-version"]', r.version);
    for (const [name, count] of Object.entries(r.gateways)) set(`[data-testid="gateway-count"][data-gateway="${name}"]`, count);
    for (const [name, count] of Object.entries(r.designations)) set(`[data-testid="designation-count"][data-designation="${name}"]`, count);
    for (const [name, o] of Object.entries(r.outcomes)) {
      for (const key of ['improved', 'maintained', 'worsened', 'insufficient']) {
        set(`[data-testid="outcome-row"][data-outcome="${name}"] [data-testid="${key}"]`, o[key]);
      }
    }
    document.dispatchEvent(new CustomEvent('strive:rollup', { detail: r }));
  });
  // The token was revoked or expired: the session is over.
  source.addEventListener('signedout', () => { source.close(); window.location.assign('/signin'); });
})();
