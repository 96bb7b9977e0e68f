'use strict';
// The victim of the hostile-client suite, in its own worker thread: another tenant's ordinary calls, timed from here
// so that the attacker's event loop (compressing bombs, pushing thousands of frames) cannot delay the timer callbacks
// and make the silo look slower than it is. Driven by lib/hostile.js (Victim): each { id, count } message runs that
// many calls one after another and answers { id, latencies, errors }.
const { parentPort, workerData } = require('node:worker_threads');
const { performance } = require('node:perf_hooks');
const { connect, call } = require('./client');

const { address, token, kind, partnershipId, indicatorId } = workerData;
const api = connect(address);
let sequence = 0;

/** One call of the victim's kind: a read (GetProgress) or a small write (SubmitObservations of one cell). */
function victimCall() {
  sequence += 1;
  if (kind === 'getProgress') {
    return call(api.PartnershipService, 'getProgress', { partnershipId }, token);
  }
  if (kind === 'submitObservations') {
    // A different numerator each time, so every call is a real state write on the single SQLite writer.
    const numerator = 300 + (sequence % 200);
    return call(api.IndicatorService, 'submitObservations', {
      partnershipId,
      indicatorId,
      observations: [{ year: 2024, gender: 'GENDER_ALL', population: 'POPULATION_ALL_STUDENTS', counts: { numerator, denominator: 1000 } }],
    }, token);
  }
  throw new Error(`unknown victim kind '${kind}'`);
}

parentPort.on('message', async (message) => {
  if (message.close) {
    api.close();
    parentPort.close();
    return;
  }
  const latencies = [];
  const errors = [];
  for (let i = 0; i < message.count; i += 1) {
    const started = performance.now();
    try {
      await victimCall();
      latencies.push(performance.now() - started);
    } catch (err) {
      errors.push(`${err.code ?? ''} ${String(err.details ?? err.message).slice(0, 200)}`);
    }
  }
  parentPort.postMessage({ id: message.id, latencies, errors });
});
