'use strict';
// `--demo` loads the demo network once: 70 partnerships across states on both framework versions, gateways spread,
// designations present, three cohorts, small cells suppressed; a restart on the same data does not load it twice.
const path = require('node:path');
const { execFile } = require('node:child_process');
const { promisify } = require('node:util');
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSilo } = require('../lib/silo');
const { connect, call, eventually } = require('../lib/client');

const execFileAsync = promisify(execFile);
const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');

let silo;
let api;
let admin;

before(async () => {
  silo = await startSilo({ demo: true });
  api = connect(silo.address);
  admin = silo.adminToken;
});

after(async () => {
  api?.close();
  await silo?.stop();
});

async function listAll(filters = {}, pageSize = 25) {
  const all = [];
  let pageToken = '';
  for (let page = 0; page < 100; page += 1) {
    const res = await call(api.NetworkService, 'listPartnerships', { pageSize, pageToken, ...filters }, admin);
    assert.ok(res.partnerships.length <= pageSize);
    all.push(...res.partnerships);
    pageToken = res.nextPageToken;
    if (!pageToken) return { all, totalSize: res.totalSize };
  }
  throw new Error('paging did not end');
}

test('demo: ListPartnerships pages through 70 partnerships across states and both framework versions', async () => {
  // The listing is fed by partnership snapshots through the streams: wait until all have arrived.
  const { all, totalSize } = await eventually(async () => {
    const page = await listAll();
    const count = (g) => page.all.filter((p) => p.gateway === g).length;
    // Designations follow the indicator summaries, which arrive a little later than the registrations.
    return page.all.length === 70 && count('GATEWAY_STAGE_SYSTEMS_TRANSFORMATION') === 6 && count('GATEWAY_STAGE_PROOF_POINT') === 8 && page;
  }, { what: 'ListPartnerships to list 70 partnerships, 8 in Proof Point and 6 in Systems Transformation', timeoutMs: 60_000, intervalMs: 250 });
  assert.equal(totalSize, 70);
  const ids = all.map((p) => p.partnershipId);
  assert.equal(new Set(ids).size, 70, 'no partnership twice across pages');
  assert.deepEqual(ids, [...ids].sort(), 'ordered by id');
  const states = new Set(all.map((p) => p.usState));
  assert.ok(states.size >= 20, `partnerships in ${states.size} states`);
  const fiveGateway = all.filter((p) => p.frameworkId === 'toa-5g-2016').length;
  assert.ok(fiveGateway >= 8 && fiveGateway <= 20, `${fiveGateway} on toa-5g-2016`);
  const perGateway = {};
  for (const p of all) perGateway[p.gateway] = (perGateway[p.gateway] ?? 0) + 1;
  assert.deepEqual(perGateway, {
    GATEWAY_STAGE_EXPLORING: 9, GATEWAY_STAGE_EMERGING: 13, GATEWAY_STAGE_SUSTAINING: 16,
    GATEWAY_STAGE_SYSTEMS_CHANGE: 18, GATEWAY_STAGE_PROOF_POINT: 8, GATEWAY_STAGE_SYSTEMS_TRANSFORMATION: 6,
  });
  const { all: ohio } = await listAll({ usState: all[0].usState }, 5);
  assert.ok(ohio.length >= 1 && ohio.every((p) => p.usState === all[0].usState), 'state filter');
});

test('demo: network rollup shows designations, outcome trends and history, and equals the recomputation', async () => {
  const rollup = await eventually(async () => {
    const { rollup: r } = await call(api.NetworkService, 'getNetworkRollup', {}, admin);
    return r.partnershipCount === 70 && r;
  }, { what: 'the rollup to count 70 partnerships', timeoutMs: 60_000 });
  const designated = rollup.designations.reduce((s, d) => s + d.partnershipCount, 0);
  assert.ok(designated >= 3, `designations held: ${JSON.stringify(rollup.designations)}`);
  assert.equal(rollup.outcomeTrends.length >= 7, true);
  for (const o of rollup.outcomeTrends) {
    const sum = o.improved + o.maintained + o.worsened + o.insufficientData + o.notTracked;
    assert.equal(sum, 70, `${o.outcome} counts every partnership once`);
  }
  assert.ok(rollup.history.length >= 5, `history by year: ${rollup.history.map((y) => y.year)}`);
  const res = await eventually(async () => {
    const r = await call(api.AdminService, 'recomputeNetworkRollup', { apply: false }, admin);
    return r.consistent && r;
  }, { what: 'a consistent recomputation', timeoutMs: 60_000 });
  assert.equal(res.partnershipCount, 70);
});

test('demo: small cells are suppressed on report cards, never shown as numbers', async () => {
  const { all } = await listAll();
  let suppressed = 0;
  let shown = 0;
  for (const p of all.slice(0, 5)) {
    const card = await call(api.PartnershipService, 'getReportCard', { partnershipId: p.partnershipId, year: 0 }, admin);
    for (const i of card.outcomes.flatMap((o) => o.indicators)) {
      for (const c of i.disaggregated) {
        if (c.rate.value === 'suppressed') {
          suppressed += 1;
          assert.equal(c.rate.shown ?? null, null);
        }
        if (c.rate.value === 'shown') {
          shown += 1;
          if (c.rate.shown.counts) assert.ok(c.rate.shown.counts.denominator >= card.minimumN);
        }
      }
    }
  }
  assert.ok(suppressed > 0, 'some demo cells are below the minimum n');
  assert.ok(shown > suppressed, 'most cells are shown');
});

test('demo: three cohorts with members and a comparison matrix', async () => {
  const { all } = await listAll();
  const cohortIds = ['demo-early-literacy', 'demo-postsecondary-pathways', 'demo-rural-partnerships'];
  for (const id of cohortIds) {
    const rollup = await call(api.CohortService, 'getCohortRollup', { cohortId: id }, admin);
    assert.ok(rollup.memberCount >= 4, `${id} has ${rollup.memberCount} members`);
    const res = await call(api.CohortService, 'compareBenchmarks', { cohortId: id }, admin);
    const rows = res.matrices.reduce((s, m) => s + m.rows.length, 0);
    assert.equal(rows, rollup.memberCount);
    for (const m of res.matrices) for (const r of m.rows) assert.ok(all.some((p) => p.partnershipId === r.partnershipId));
  }
});

test('demo: the README quickstart (examples/node/quickstart.js) runs against it and prints the settled network', async () => {
  const script = path.join(REPO_ROOT, 'examples', 'node', 'quickstart.js');
  const env = { ...process.env, STRIVE_ADDRESS: silo.address, STRIVE_TOKEN: admin, NODE_PATH: path.join(__dirname, '..', 'node_modules') };
  const { stdout } = await execFileAsync(process.execPath, [script], { env, timeout: 30_000 });
  // The demo waits for the streams before announcing the endpoint, so the very first read sees all of it.
  assert.doesNotMatch(silo.output(), /still catching up/);
  assert.match(stdout, /^network: 70 partnerships/m);
  assert.match(stdout, /by gateway: exploring \d+, emerging \d+, sustaining \d+, systems change \d+, proof point \d+, systems transformation \d+/);
  assert.match(stdout, /^first 5 of 70 partnerships:/m);
  assert.match(stdout, /^progress of demo-[a-z0-9-]+: /m);
  assert.match(stdout, /^report card \d{4} \(cells under 10 students are suppressed\):/m);
  assert.doesNotMatch(stdout, /undefined|NaN/);
});

test('demo: a restart with --demo on the same data loads nothing twice and keeps the data', async () => {
  const { dataDir } = silo;
  const before = (await call(api.NetworkService, 'getNetworkRollup', {}, admin)).rollup;
  api.close();
  const { code, signal } = await silo.stop({ keepData: true });
  assert.ok(code === 0 || signal === 'SIGTERM', `graceful stop: code ${code}, signal ${signal}`);
  silo = await startSilo({ demo: true, dataDir, expectAdminToken: false });
  api = connect(silo.address);
  assert.doesNotMatch(silo.output(), /admin token/, 'no second bootstrap token on a store that has one');
  assert.match(silo.output(), /demo network already loaded/, 'the demo is not loaded twice');
  const { totalSize } = await call(api.NetworkService, 'listPartnerships', { pageSize: 500 }, admin);
  assert.equal(totalSize, 70, 'the first admin token still works and the partnerships survived the restart');
  const after = (await call(api.NetworkService, 'getNetworkRollup', {}, admin)).rollup;
  assert.equal(after.partnershipCount, before.partnershipCount);
  assert.deepEqual(after.designations, before.designations);
  const cohort = await call(api.CohortService, 'getCohortRollup', { cohortId: 'demo-early-literacy' }, admin);
  assert.ok(cohort.memberCount >= 4);
});
