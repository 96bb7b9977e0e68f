'use strict';
// Hostile client, writes and request strings (issue 11): a partnership token grows its history as fast as the API
// lets it, and requests carry huge or lookalike strings and out-of-range values. Each must end with the right status
// (RESOURCE_EXHAUSTED, INVALID_ARGUMENT naming the field, ABORTED), a status message of at most 300 characters that
// quotes nothing of the request, another tenant's writes within the suite's latency rule, the same client channel
// still usable for the next call, and the silo serving it. The silo runs with the default limits.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSilo } = require('../lib/silo');
const { connect, call, callError, today, Status } = require('../lib/client');
const { profile, coreIndicator, SIX_GATEWAY } = require('../lib/fixtures');
const { setUpTenants, assertLatencyHolds, duringAttack, assertServes, assertNoEcho } = require('../lib/hostile');

const ATTACKER = 'writes-attacker';
const VICTIM = 'writes-victim';
const BENCHMARKS = Object.values(SIX_GATEWAY).flat();

let silo;
let api;
let attackerToken;
let victim;

before(async () => {
  silo = await startSilo();
  api = connect(silo.address);
  ({ attackerToken, victim } = await setUpTenants(api, silo.address, silo.adminToken, ATTACKER, VICTIM));
});

after(async () => {
  await victim?.close();
  api?.close();
  await silo?.stop();
});

const daysAgo = (n) => {
  const d = new Date(Date.now() - n * 86_400_000);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
};

/** The largest RecordAssessment the protos allow in spirit: every benchmark with a 4,000-character note, 100 examples of 4,000 characters. */
function bigAssessment(call, { exampleIds }) {
  const date = daysAgo(call + 1);
  return {
    partnershipId: ATTACKER,
    assessments: BENCHMARKS.map((benchmarkId) => ({
      benchmarkId, status: 'BENCHMARK_STATUS_IN_PROGRESS', assessmentDate: date, assessor: 'attacker', evidenceNote: `${call}:`.padEnd(4_000, 'n'),
    })),
    systemsChangeExamples: exampleIds.map((exampleId) => ({ exampleId, description: `${call}:`.padEnd(4_000, 'd'), occurrenceDate: date })),
  };
}

const ids = (from, count) => Array.from({ length: count }, (_, i) => `example-${from + i}`);

test('RecordAssessment history: 100 new examples a call hit the 500-example cap with RESOURCE_EXHAUSTED; the calls the API still accepts leave the victim\'s writes on time', async () => {
  for (let c = 0; c < 5; c += 1) {
    await call(api.PartnershipService, 'recordAssessment', bigAssessment(c, { exampleIds: ids(c * 100, 100) }), attackerToken);
  }
  const refused = await callError(api.PartnershipService, 'recordAssessment', bigAssessment(5, { exampleIds: ids(500, 100) }), attackerToken);
  assert.equal(refused.code, Status.RESOURCE_EXHAUSTED, `${refused.code} ${refused.details}`);
  assert.match(refused.details, /^systems_change_examples:/);
  assertNoEcho(refused, 'd'.repeat(21));

  // Then as many calls as the API accepts (notes on ever new dates, examples replacing existing ids) while another
  // tenant writes: with the history unbounded each call made the row bigger and every tenant's write slower.
  const baseline = await victim.measure(15);
  let accepted = 0;
  const { during } = await duringAttack(victim, 15, async (shouldStop) => {
    const until = Date.now() + 25_000;
    for (let c = 6; c < 66 && (c < 12 || !shouldStop()) && Date.now() < until; c += 1) {
      await call(api.PartnershipService, 'recordAssessment', bigAssessment(c, { exampleIds: ids((c % 5) * 100, 100) }), attackerToken);
      accepted += 1;
    }
  });
  console.log(`${accepted} more RecordAssessment calls of ~530 KB accepted during the measurement`);
  console.log(assertLatencyHolds(baseline, during, 'RecordAssessment history growth'));
  const progress = await call(api.PartnershipService, 'getProgress', { partnershipId: ATTACKER }, attackerToken);
  assert.equal(progress.partnershipId, ATTACKER, 'the attacker\'s partnership is still readable');
  await assertServes(silo, api);
});

// [label, service, method, request with a 1,000,000-character string, the field named]
const HUGE = 'q'.repeat(1_000_000);
const HUGE_FIELDS = [
  ['GetPartnership partnership_id', 'PartnershipService', 'getPartnership', { partnershipId: HUGE }, 'partnership_id'],
  ['RegisterPartnership profile.display_name', 'PartnershipService', 'registerPartnership', { partnershipId: 'huge-name', profile: { ...profile('x', 'MN'), displayName: HUGE } }, 'profile.display_name'],
  ['DefineIndicator indicator_id', 'IndicatorService', 'defineIndicator', { partnershipId: ATTACKER, indicatorId: HUGE, definition: coreIndicator('R', 'OUTCOME_EARLY_GRADE_READING') }, 'indicator_id'],
  ['GetFramework framework_id', 'FrameworkService', 'getFramework', { frameworkId: HUGE }, 'framework_id'],
  ['CreateCohort description', 'CohortService', 'createCohort', { cohortId: 'huge-cohort', displayName: 'Huge', description: HUGE, memberIds: [] }, 'description'],
  ['IssueToken description', 'AdminService', 'issueToken', { role: 'ROLE_NETWORK_VIEWER', description: HUGE }, 'description'],
];

test('a 1 MB string in any request field: INVALID_ARGUMENT naming the field in a short message, and the same channel serves the next call', async () => {
  for (const [label, service, method, request, field] of HUGE_FIELDS) {
    const err = await callError(api[service], method, request, silo.adminToken);
    assert.equal(err.code, Status.INVALID_ARGUMENT, `${label}: ${err.code} ${String(err.details).slice(0, 200)}`);
    assert.ok(err.details.startsWith(`${field}:`), `${label}: ${err.details}`);
    assertNoEcho(err, 'q'.repeat(21));
    // Before the fix the 1 MB echo in grpc-message broke the grpc-js channel: every later call was DEADLINE_EXCEEDED.
    const next = await call(api[service === 'FrameworkService' ? 'FrameworkService' : 'PartnershipService'],
      service === 'FrameworkService' ? 'getFramework' : 'getPartnership',
      service === 'FrameworkService' ? { frameworkId: 'toa-6g' } : { partnershipId: ATTACKER }, silo.adminToken, 5_000);
    assert.ok(next, `${label}: the next call on the same channel succeeds`);
  }
  await assertServes(silo, api);
});

test('"name\\n" and other lookalikes are rejected everywhere an id or a state is read, and create nothing', async () => {
  const admin = silo.adminToken;
  const cases = [
    ['register an existing id + "\\n"', 'PartnershipService', 'registerPartnership', { partnershipId: `${ATTACKER}\n`, profile: profile('Lookalike', 'MN') }, 'partnership_id'],
    ['register a new id + "\\n"', 'PartnershipService', 'registerPartnership', { partnershipId: 'lookalike\n', profile: profile('Lookalike', 'MN') }, 'partnership_id'],
    ['us_state "MN\\n"', 'PartnershipService', 'registerPartnership', { partnershipId: 'lookalike', profile: profile('Lookalike', 'MN\n') }, 'profile.us_state'],
    ['read an id + "\\n"', 'PartnershipService', 'getPartnership', { partnershipId: `${ATTACKER}\n` }, 'partnership_id'],
    ['indicator id + "\\n"', 'IndicatorService', 'defineIndicator', { partnershipId: ATTACKER, indicatorId: 'reading\n', definition: coreIndicator('R', 'OUTCOME_EARLY_GRADE_READING') }, 'indicator_id'],
    ['cohort id + "\\n"', 'CohortService', 'createCohort', { cohortId: 'cohort\n', displayName: 'C', description: '', memberIds: [] }, 'cohort_id'],
    ['cohort member id + "\\n"', 'CohortService', 'createCohort', { cohortId: 'cohort-two', displayName: 'C', description: '', memberIds: [`${ATTACKER}\n`] }, 'member_ids'],
    ['list filter us_state "MN\\n"', 'NetworkService', 'listPartnerships', { usState: 'MN\n', pageSize: 10 }, 'us_state'],
    ['upper case', 'PartnershipService', 'registerPartnership', { partnershipId: ATTACKER.toUpperCase(), profile: profile('Lookalike', 'MN') }, 'partnership_id'],
  ];
  for (const [label, service, method, request, field] of cases) {
    const err = await callError(api[service], method, request, admin);
    assert.equal(err.code, Status.INVALID_ARGUMENT, `${label}: ${err.code} ${err.details}`);
    assert.ok(err.details.startsWith(field), `${label}: names ${field}: ${err.details}`);
    assert.ok(!err.details.includes('\n'), `${label}: the rejected value is not quoted`);
  }
  const notFound = await callError(api.PartnershipService, 'getPartnership', { partnershipId: 'lookalike' }, admin);
  assert.equal(notFound.code, Status.NOT_FOUND, 'no lookalike partnership was created');
  const { partnerships } = await call(api.NetworkService, 'listPartnerships', { pageSize: 100 }, admin);
  assert.deepEqual(partnerships.map((p) => p.partnershipId).sort(), [ATTACKER, VICTIM]);
  await assertServes(silo, api);
});

test('out-of-range timestamps and ETag conflicts get their statuses (INVALID_ARGUMENT, ABORTED), never UNKNOWN, and no handler exception in the log', async () => {
  const admin = silo.adminToken;
  for (const [label, expireTime] of [
    ['year 10000', { seconds: '253402300800', nanos: 0 }],
    ['before year 1', { seconds: '-62135596801', nanos: 0 }],
    ['nanos out of range', { seconds: String(Math.floor(Date.now() / 1000) + 3600), nanos: 2_000_000_000 }],
    ['int64 max', { seconds: '9223372036854775807', nanos: 0 }],
  ]) {
    const err = await callError(api.AdminService, 'issueToken', { role: 'ROLE_NETWORK_VIEWER', description: label, expireTime }, admin);
    assert.equal(err.code, Status.INVALID_ARGUMENT, `${label}: ${err.code} ${err.details}`);
    assert.match(err.details, /^expire_time/, label);
    assertNoEcho(err);
  }

  const { etag, settings } = await call(api.PartnershipService, 'getPartnershipSettings', { partnershipId: VICTIM }, admin);
  await call(api.PartnershipService, 'updatePartnershipSettings', { partnershipId: VICTIM, etag, settings: { ...settings, minimumN: settings.minimumN + 1 } }, admin);
  const stale = await callError(api.PartnershipService, 'updatePartnershipSettings', { partnershipId: VICTIM, etag, settings }, admin);
  assert.equal(stale.code, Status.ABORTED, `stale settings etag: ${stale.code} ${stale.details}`);
  const staleWrite = await callError(api.PartnershipService, 'recordAssessment', {
    partnershipId: ATTACKER, etag: 'W/"not-the-current-one"',
    assessments: [{ benchmarkId: BENCHMARKS[0], status: 'BENCHMARK_STATUS_MET', assessmentDate: today(), assessor: 'attacker' }],
  }, attackerToken);
  assert.equal(staleWrite.code, Status.ABORTED, `stale assessment etag: ${staleWrite.code} ${staleWrite.details}`);
  assertNoEcho(staleWrite, 'not-the-current-one');

  assert.doesNotMatch(silo.output(), /Exception was thrown by handler/, 'no request of this file reached Grpc.AspNetCore as an unhandled exception');
  await assertServes(silo, api);
});
