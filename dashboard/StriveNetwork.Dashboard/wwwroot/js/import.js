// Live progress of an import job (/import/{jobId}): server-sent events from /import/{jobId}/events.
// Without JS the page still shows the state when it was loaded, with a refresh link.
(function () {
  'use strict';
  var section = document.querySelector('[data-import-events]');
  if (!section || !window.EventSource) { return; }
  var outcome = section.querySelector('[data-testid="import-outcome"]');
  if (outcome && outcome.textContent.trim() !== 'running') { return; }
  var bar = section.querySelector('[data-testid="import-progress"]');
  function set(testId, value) {
    var element = section.querySelector('[data-testid="' + testId + '"]');
    if (element && value !== undefined && value !== null) { element.textContent = String(value); }
  }
  var source = new EventSource(section.getAttribute('data-import-events'));
  source.addEventListener('progress', function (event) {
    var data = JSON.parse(event.data);
    set('import-phase', data.phase);
    set('import-rows-checked', data.rowsChecked);
    set('import-rows-applied', data.rowsApplied);
    if (data.rowsTotal) {
      bar.max = data.rowsTotal;
      bar.value = data.rowsApplied;
      bar.textContent = data.rowsApplied + ' of ' + data.rowsTotal;
    }
  });
  source.addEventListener('done', function (event) {
    source.close();
    var data = JSON.parse(event.data);
    bar.max = 1;
    bar.value = 1;
    set('import-phase', 'done');
    set('import-applied', data.applied);
    set('import-unchanged', data.unchanged);
    set('import-problems', data.problems);
    set('import-message', data.message || '');
    set('import-outcome', data.outcome);
    if (data.problems > 0) { section.querySelector('.problems-link').hidden = false; }
  });
  source.onerror = function () {
    // The job is gone (404) or the stream ended: stop instead of reconnecting forever.
    if (source.readyState === EventSource.CLOSED) { return; }
    source.close();
  };
})();
