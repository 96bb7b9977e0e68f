// Charts drawn with ECharts from numbers already in the page: the overview's gateway funnel (from the gateway-count
// cells) and the report card's trend charts (from each indicator's <script type="application/json"> series: the
// yearly series of a core indicator, or baseline, latest and target of the others).
// Tooltips are off: ECharts builds them with inline style attributes, which the Content-Security-Policy forbids.
(function () {
  'use strict';
  if (!window.echarts) return;
  const base = { animation: false, tooltip: { show: false }, grid: { left: 150, right: 24, top: 8, bottom: 24 } };

  const funnel = document.querySelector('[data-chart="funnel"]');
  if (funnel) {
    const chart = echarts.init(funnel, null, { renderer: 'svg' });
    const draw = () => {
      const cells = [...document.querySelectorAll('[data-testid="gateway-count"]')];
      const labels = cells.map((c) => c.closest('tr').querySelector('th').textContent);
      chart.setOption({
        ...base,
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: labels, inverse: true },
        series: [{ type: 'bar', data: cells.map((c) => Number(c.textContent)), itemStyle: { color: '#0b5cad' }, label: { show: true, position: 'right' } }],
      });
    };
    draw();
    document.addEventListener('strive:rollup', draw);
    window.addEventListener('resize', () => chart.resize());
  }

  for (const holder of document.querySelectorAll('[data-chart="trend"]')) {
    const series = JSON.parse(document.getElementById(holder.dataset.series).textContent);
    const chart = echarts.init(holder, null, { renderer: 'svg' });
    chart.setOption({
      ...base,
      grid: { left: 48, right: 24, top: 24, bottom: 24 },
      legend: { top: 0 },
      xAxis: { type: 'category', data: series.years.map(String) },
      yAxis: { type: 'value', min: 0, max: 100 },
      series: [
        { name: 'Rate (%)', type: 'line', data: series.values, connectNulls: false, itemStyle: { color: '#0b5cad' } },
        { name: 'Target', type: 'line', data: series.targets, lineStyle: { type: 'dashed' }, itemStyle: { color: '#a4161a' } },
      ],
    });
    window.addEventListener('resize', () => chart.resize());
  }

  // A core indicator's published series: one line per group, broken where a year is suppressed or missing (null is
  // never drawn as a number), and the targets joined by a dashed line.
  const palette = ['#0b5cad', '#6f3c96', '#1a7f37', '#8a4b08'];
  for (const holder of document.querySelectorAll('[data-chart="yearly"]')) {
    const series = JSON.parse(document.getElementById(holder.dataset.series).textContent);
    if (series.years.length === 0) continue;
    const chart = echarts.init(holder, null, { renderer: 'svg' });
    chart.setOption({
      ...base,
      grid: { left: 48, right: 24, top: 48, bottom: 24 },
      legend: { top: 0, type: 'scroll' },
      xAxis: { type: 'category', data: series.years.map(String) },
      yAxis: { type: 'value', min: 0, max: 100 },
      series: [
        ...series.lines.map((line, i) => ({
          name: line.name, type: 'line', data: line.values, connectNulls: false, showAllSymbol: true,
          itemStyle: { color: palette[i % palette.length] }, lineStyle: { width: i === 0 ? 3 : 2 },
        })),
        { name: 'Target', type: 'line', data: series.targets, connectNulls: true, showAllSymbol: true, lineStyle: { type: 'dashed' }, itemStyle: { color: '#a4161a' } },
      ],
    });
    window.addEventListener('resize', () => chart.resize());
  }
})();
