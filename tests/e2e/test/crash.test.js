'use strict';
// Crash during the demo load: SIGKILL the silo a fifth of the way through `--demo`, start it again with `--demo`, and the load
// completes to the same network a clean load gives, with the rollup equal to its recomputation. This exercises the
// outbox (state and events commit together), stream redelivery after a crash, and the demo's resumable writes. Where
// the kill lands among the four partnerships in flight varies; tests/StriveNetwork.Demo.Tests/DemoResumeTests.cs
// pins the one case that matters most (a crash between two assessment rounds) deterministically.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const { startSilo, resolveSiloDll, newSecret } = require('../lib/silo');
const { connect, call } = require('../lib/client');

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strive-e2e-crash-'));
let silo;
let api;

after(async () => {
  api?.close();
  await silo?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

/** Bytes the SQLite store holds so far (database + write-ahead log): the load's progress, whatever the machine's speed. */
function storeBytes() {
  return fs.readdirSync(dataDir).filter((f) => f.startsWith('strive.db'))
    .reduce((sum, f) => sum + (fs.statSync(path.join(dataDir, f), { throwIfNoEntry: false })?.size ?? 0), 0);
}

/** Starts `--demo` and SIGKILLs it once the load has written `bytes` (a full load writes about 20 MB). */
async function killMidLoad(bytes) {
  const admin = newSecret();
  const child = spawn('dotnet', [resolveSiloDll(), '--grpc-port', '0', '--web-port', '0', '--data-dir', dataDir, '--demo'],
    { stdio: ['ignore', 'pipe', 'pipe'], cwd: dataDir, env: { ...process.env, STRIVE_ADMIN_TOKEN: admin } });
  let stdout = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk) => { stdout += chunk; });
  child.stderr.resume();
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const deadline = Date.now() + 60_000;
  while (!/bootstrap admin token registered/.test(stdout) || storeBytes() < bytes) {
    if (Date.now() > deadline || child.exitCode !== null) {
      child.kill('SIGKILL');
      throw new Error(`the demo load did not reach ${bytes} bytes within 60 s:\n${stdout}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill('SIGKILL');
  assert.equal((await exited).signal, 'SIGKILL');
  assert.doesNotMatch(stdout, /demo network loaded/, 'the crash must hit the writes, not the end of the load');
  return admin;
}

test('crash: a silo killed during the demo load completes it on restart, to the same network, consistently', async () => {
  const admin = await killMidLoad(4 * 1024 * 1024);

  silo = await startSilo({ demo: true, dataDir, expectAdminToken: false });
  assert.match(silo.output(), /demo network loaded: 70 partnerships/, 'the interrupted load is completed, not skipped');
  assert.doesNotMatch(silo.output(), /still catching up/);
  api = connect(silo.address);

  const { rollup } = await call(api.NetworkService, 'getNetworkRollup', {}, admin);
  assert.equal(rollup.partnershipCount, 70);
  const count = (list, key, value) => list.find((x) => x[key] === value).partnershipCount;
  // The numbers docs/demo.md documents for a clean load.
  assert.deepEqual(
    ['EXPLORING', 'EMERGING', 'SUSTAINING', 'SYSTEMS_CHANGE', 'PROOF_POINT', 'SYSTEMS_TRANSFORMATION'].map((g) => count(rollup.gateways, 'gateway', `GATEWAY_STAGE_${g}`)),
    [9, 13, 16, 18, 8, 6]);
  assert.deepEqual(
    ['PROOF_POINT', 'ONGOING_PROOF_POINT', 'SYSTEMS_TRANSFORMATION'].map((d) => count(rollup.designations, 'designation', `DESIGNATION_${d}`)),
    [14, 12, 6]);
  const report = await call(api.AdminService, 'recomputeNetworkRollup', { apply: false }, admin);
  assert.equal(report.consistent, true, JSON.stringify(report.differences));
  for (const id of ['demo-early-literacy', 'demo-postsecondary-pathways', 'demo-rural-partnerships']) {
    const cohort = await call(api.CohortService, 'getCohortRollup', { cohortId: id }, admin);
    assert.ok(cohort.memberCount >= 4, `${id}: ${cohort.memberCount} members`);
  }
});
