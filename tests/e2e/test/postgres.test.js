'use strict';
// The same service on PostgreSQL storage (--storage postgres): writes survive a restart, the rollup is rebuilt and
// equals the recomputation. Needs STRIVE_TEST_POSTGRES; a fresh database is created and dropped.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSilo } = require('../lib/silo');
const { createDatabase } = require('../lib/postgres');
const { connect, call, eventually, today } = require('../lib/client');
const { profile, assessments, coreIndicator, series, SIX_GATEWAY } = require('../lib/fixtures');

let database;
let silo;
let api;
let admin;
const args = () => ['--storage', 'postgres', '--postgres', database.connectionString];

before(async () => {
  database = createDatabase();
  silo = await startSilo({ storage: args() });
  api = connect(silo.address);
  admin = silo.adminToken;
});

after(async () => {
  api?.close();
  await silo?.stop();
  database?.drop();
});

test('postgres: writes survive a restart and the rebuilt rollup equals the recomputation', async () => {
  await call(api.PartnershipService, 'registerPartnership', { partnershipId: 'pg-open-doors-omaha', profile: profile('Open Doors Omaha', 'NE') }, admin);
  await call(api.PartnershipService, 'recordAssessment', { partnershipId: 'pg-open-doors-omaha', assessments: assessments(SIX_GATEWAY.exploring, today()) }, admin);
  await call(api.IndicatorService, 'defineIndicator', { partnershipId: 'pg-open-doors-omaha', indicatorId: 'grade3-reading', definition: coreIndicator('Grade 3 reading', 'OUTCOME_EARLY_GRADE_READING') }, admin);
  await call(api.IndicatorService, 'submitObservations', { partnershipId: 'pg-open-doors-omaha', indicatorId: 'grade3-reading', observations: series() }, admin);
  await eventually(async () => {
    const { rollup } = await call(api.NetworkService, 'getNetworkRollup', {}, admin);
    return rollup.partnershipCount === 1 && rollup.outcomeTrends.find((o) => o.outcome === 'OUTCOME_EARLY_GRADE_READING')?.improved === 1;
  }, { what: 'the rollup to show the partnership and its improved reading outcome' });

  api.close();
  const { dataDir } = silo;
  await silo.stop({ keepData: true });
  silo = await startSilo({ storage: args(), dataDir, expectAdminToken: false });
  api = connect(silo.address);

  const { partnership } = await call(api.PartnershipService, 'getPartnership', { partnershipId: 'pg-open-doors-omaha' }, admin);
  assert.equal(partnership.gateway, 'GATEWAY_STAGE_EMERGING');
  const indicator = await call(api.IndicatorService, 'getIndicator', { partnershipId: 'pg-open-doors-omaha', indicatorId: 'grade3-reading' }, admin);
  assert.deepEqual(indicator.indicator.years, [2019, 2020, 2021, 2022, 2023, 2024]);
  const rollup = await eventually(async () => (await call(api.NetworkService, 'getNetworkRollup', {}, admin)).rollup, { what: 'the rollup after restart' });
  assert.equal(rollup.partnershipCount, 1);
  const res = await call(api.AdminService, 'recomputeNetworkRollup', { apply: false }, admin);
  assert.equal(res.consistent, true, JSON.stringify(res.differences));
});
