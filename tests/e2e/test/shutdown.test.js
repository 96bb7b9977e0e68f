'use strict';
// Graceful shutdown with a live watcher: SIGTERM ends WatchNetworkRollup with UNAVAILABLE at once (the client's cue
// to reconnect) and the silo exits 0 well before its 30 s shutdown timeout, instead of waiting for the stream.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSilo } = require('../lib/silo');
const { connect, metadata, eventually, Status } = require('../lib/client');

let silo;
let api;

after(async () => {
  api?.close();
  await silo?.stop();
});

test('shutdown: SIGTERM ends a live WatchNetworkRollup with UNAVAILABLE and the silo exits 0 promptly', async () => {
  silo = await startSilo();
  api = connect(silo.address);
  const stream = api.NetworkService.watchNetworkRollup({}, metadata(silo.adminToken));
  const messages = [];
  let error;
  stream.on('data', ({ rollup }) => messages.push(rollup));
  stream.on('error', (err) => { error = err; });
  await eventually(() => messages.length > 0, { what: 'the initial rollup' });

  const started = Date.now();
  const { code, signal } = await silo.stop();
  const elapsed = Date.now() - started;

  assert.equal(code, 0, `exit code (signal ${signal})`);
  assert.ok(elapsed < 10_000, `stopped in ${elapsed} ms, expected well under the 30 s shutdown timeout`);
  await eventually(() => error !== undefined, { what: 'the stream to end' });
  assert.equal(error.code, Status.UNAVAILABLE, `${error.code} ${error.details}`);
  assert.equal(error.details, 'the server is shutting down; call again');
});
