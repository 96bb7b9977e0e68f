'use strict';
// Access control through gRPC: each role x each call, plus missing, unknown and revoked tokens. A call is
// "allowed" when the server does not answer UNAUTHENTICATED or PERMISSION_DENIED (it may still fail for another
// reason, e.g. ALREADY_EXISTS for a repeated registration: the point is that the role got past the door).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSilo } = require('../lib/silo');
const { connect, call, callError, upload, eventually, today, Status, metadata } = require('../lib/client');
const { profile, coreIndicator, assessments, SIX_GATEWAY } = require('../lib/fixtures');

const OWN = 'acl-own-partnership';
const OTHER = 'acl-other-partnership';
const COHORT_IN = 'acl-cohort-with-own';
const COHORT_OUT = 'acl-cohort-without-own';

let silo;
let api;
const tokens = {};

before(async () => {
  silo = await startSilo();
  api = connect(silo.address);
  tokens.admin = silo.adminToken;
  const admin = tokens.admin;
  await call(api.PartnershipService, 'registerPartnership', { partnershipId: OWN, profile: profile('Own Partnership', 'MN') }, admin);
  await call(api.PartnershipService, 'registerPartnership', { partnershipId: OTHER, profile: profile('Other Partnership', 'TX') }, admin);
  for (const id of [OWN, OTHER]) {
    await call(api.IndicatorService, 'defineIndicator', { partnershipId: id, indicatorId: 'grade3-reading', definition: coreIndicator('Grade 3 reading', 'OUTCOME_EARLY_GRADE_READING') }, admin);
  }
  await call(api.CohortService, 'createCohort', { cohortId: COHORT_IN, displayName: 'With own', description: '', memberIds: [OWN, OTHER] }, admin);
  await call(api.CohortService, 'createCohort', { cohortId: COHORT_OUT, displayName: 'Without own', description: '', memberIds: [OTHER] }, admin);
  tokens.viewer = (await call(api.AdminService, 'issueToken', { role: 'ROLE_NETWORK_VIEWER', description: 'national staff dashboard' }, admin)).secret;
  const issued = await call(api.AdminService, 'issueToken', { role: 'ROLE_PARTNERSHIP', partnershipId: OWN, description: 'own data system' }, admin);
  tokens.partnership = issued.secret;
  tokens.partnershipTokenId = issued.token.tokenId;
  assert.equal(issued.token.role, 'ROLE_PARTNERSHIP');
  assert.equal(issued.token.partnershipId, OWN);
  assert.match(tokens.partnership, /^\S{32,}$/, 'a long random secret');
});

after(async () => {
  api?.close();
  await silo?.stop();
});

const obs = (year) => [{ year, gender: 'GENDER_ALL', population: 'POPULATION_ALL_STUDENTS', counts: { numerator: 400, denominator: 1000 } }];

// [label, service, method, request, allowed roles]; 'partnership' means the token of OWN.
const CALLS = [
  ['GetPartnership own', 'PartnershipService', 'getPartnership', { partnershipId: OWN }, ['admin', 'viewer', 'partnership']],
  ['GetPartnership other', 'PartnershipService', 'getPartnership', { partnershipId: OTHER }, ['admin', 'viewer']],
  ['RegisterPartnership', 'PartnershipService', 'registerPartnership', { partnershipId: OWN, profile: profile('Own Partnership', 'MN') }, ['admin']],
  ['RecordAssessment own', 'PartnershipService', 'recordAssessment', () => ({ partnershipId: OWN, assessments: assessments(['6G-EXP-SCV-1'], today(), 'BENCHMARK_STATUS_IN_PROGRESS') }), ['admin', 'partnership']],
  ['RecordAssessment other', 'PartnershipService', 'recordAssessment', () => ({ partnershipId: OTHER, assessments: assessments(['6G-EXP-SCV-1'], today(), 'BENCHMARK_STATUS_IN_PROGRESS') }), ['admin']],
  ['GetProgress own', 'PartnershipService', 'getProgress', { partnershipId: OWN }, ['admin', 'viewer', 'partnership']],
  ['GetProgress other', 'PartnershipService', 'getProgress', { partnershipId: OTHER }, ['admin', 'viewer']],
  ['GetReportCard own', 'PartnershipService', 'getReportCard', { partnershipId: OWN, year: 0 }, ['admin', 'viewer', 'partnership']],
  ['GetReportCard other', 'PartnershipService', 'getReportCard', { partnershipId: OTHER, year: 0 }, ['admin', 'viewer']],
  ['ReevaluateDesignations own', 'PartnershipService', 'reevaluateDesignations', { partnershipId: OWN }, ['admin']],
  ['GetPartnershipSettings own', 'PartnershipService', 'getPartnershipSettings', { partnershipId: OWN }, ['admin', 'viewer', 'partnership']],
  ['GetPartnershipSettings other', 'PartnershipService', 'getPartnershipSettings', { partnershipId: OTHER }, ['admin', 'viewer']],
  ['UpdatePartnershipSettings own', 'PartnershipService', 'updatePartnershipSettings', { partnershipId: OWN, etag: 'stale', settings: { minimumN: 10, trendAlpha: 0.05, reevaluationPeriodMonths: 12, protectionIntervalPercentagePoints: 10 } }, ['admin']],
  ['DefineIndicator own', 'IndicatorService', 'defineIndicator', { partnershipId: OWN, indicatorId: 'grade3-reading', definition: coreIndicator('Grade 3 reading', 'OUTCOME_EARLY_GRADE_READING') }, ['admin', 'partnership']],
  ['DefineIndicator other', 'IndicatorService', 'defineIndicator', { partnershipId: OTHER, indicatorId: 'grade3-reading', definition: coreIndicator('Grade 3 reading', 'OUTCOME_EARLY_GRADE_READING') }, ['admin']],
  ['SubmitObservations own', 'IndicatorService', 'submitObservations', { partnershipId: OWN, indicatorId: 'grade3-reading', observations: obs(2024) }, ['admin', 'partnership']],
  ['SubmitObservations other', 'IndicatorService', 'submitObservations', { partnershipId: OTHER, indicatorId: 'grade3-reading', observations: obs(2024) }, ['admin']],
  ['GetIndicator own', 'IndicatorService', 'getIndicator', { partnershipId: OWN, indicatorId: 'grade3-reading' }, ['admin', 'viewer', 'partnership']],
  ['GetIndicator other', 'IndicatorService', 'getIndicator', { partnershipId: OTHER, indicatorId: 'grade3-reading' }, ['admin', 'viewer']],
  ['CreateCohort', 'CohortService', 'createCohort', { cohortId: COHORT_IN, displayName: 'x', description: '', memberIds: [] }, ['admin']],
  ['AddMember', 'CohortService', 'addMember', { cohortId: COHORT_IN, partnershipId: OWN }, ['admin']],
  ['RemoveMember', 'CohortService', 'removeMember', { cohortId: COHORT_OUT, partnershipId: OWN }, ['admin']],
  ['CompareBenchmarks member', 'CohortService', 'compareBenchmarks', { cohortId: COHORT_IN }, ['admin', 'viewer', 'partnership']],
  ['CompareBenchmarks non-member', 'CohortService', 'compareBenchmarks', { cohortId: COHORT_OUT }, ['admin', 'viewer']],
  ['GetCohortRollup member', 'CohortService', 'getCohortRollup', { cohortId: COHORT_IN }, ['admin', 'viewer', 'partnership']],
  ['GetCohortRollup non-member', 'CohortService', 'getCohortRollup', { cohortId: COHORT_OUT }, ['admin', 'viewer']],
  ['GetNetworkRollup', 'NetworkService', 'getNetworkRollup', {}, ['admin', 'viewer', 'partnership']],
  ['ListPartnerships', 'NetworkService', 'listPartnerships', { pageSize: 10 }, ['admin', 'viewer']],
  ['ListFrameworks', 'FrameworkService', 'listFrameworks', { pageSize: 0 }, ['admin', 'viewer', 'partnership']],
  ['GetFramework', 'FrameworkService', 'getFramework', { frameworkId: 'toa-6g' }, ['admin', 'viewer', 'partnership']],
  ['IssueToken', 'AdminService', 'issueToken', { role: 'ROLE_NETWORK_VIEWER', description: 'matrix' }, ['admin']],
  ['ListTokens', 'AdminService', 'listTokens', { pageSize: 10 }, ['admin']],
  ['RevokeToken', 'AdminService', 'revokeToken', { tokenId: 'tok-does-not-exist', reason: 'matrix' }, ['admin']],
  ['RecomputeNetworkRollup', 'AdminService', 'recomputeNetworkRollup', { apply: false }, ['admin']],
];

async function outcome(service, method, request, token) {
  try {
    await call(api[service], method, typeof request === 'function' ? request() : request, token);
    return Status.OK;
  } catch (err) {
    return err.code;
  }
}

test('access matrix: each role x each unary call gets through or gets PERMISSION_DENIED', async () => {
  const failures = [];
  for (const [label, service, method, request, allowed] of CALLS) {
    for (const role of ['admin', 'viewer', 'partnership']) {
      const code = await outcome(service, method, request, tokens[role]);
      const denied = code === Status.PERMISSION_DENIED || code === Status.UNAUTHENTICATED;
      if (allowed.includes(role) && denied) failures.push(`${label} as ${role}: expected allowed, got ${code}`);
      if (!allowed.includes(role) && code !== Status.PERMISSION_DENIED) failures.push(`${label} as ${role}: expected PERMISSION_DENIED, got ${code}`);
    }
  }
  assert.deepEqual(failures, []);
});

test('access matrix: missing, malformed and unknown tokens are UNAUTHENTICATED on every call', async () => {
  const failures = [];
  const unknown = 'x'.repeat(43);
  for (const [label, service, method, request] of CALLS) {
    for (const [what, token] of [['no token', undefined], ['unknown token', unknown]]) {
      const code = await outcome(service, method, request, token);
      if (code !== Status.UNAUTHENTICATED) failures.push(`${label} with ${what}: got ${code}`);
    }
  }
  assert.deepEqual(failures, []);
  const md = metadata();
  md.set('authorization', `Basic ${tokens.admin}`);
  const err = await new Promise((resolve) => api.NetworkService.getNetworkRollup({}, md, { deadline: Date.now() + 10_000 }, (e) => resolve(e)));
  assert.equal(err?.code, Status.UNAUTHENTICATED, 'a non-Bearer scheme is rejected');
});

test('partnership token: writing another partnership is PERMISSION_DENIED naming it, and nothing changes', async () => {
  const before = await call(api.PartnershipService, 'getProgress', { partnershipId: OTHER }, tokens.admin);
  const err = await callError(api.PartnershipService, 'recordAssessment', { partnershipId: OTHER, assessments: assessments(SIX_GATEWAY.exploring, today()) }, tokens.partnership);
  assert.equal(err.code, Status.PERMISSION_DENIED);
  assert.match(err.details, new RegExp(OTHER));
  const uploadErr = await upload(api.IndicatorService, [{ header: { partnershipId: OTHER } }, { chunk: { rows: [{ indicatorId: 'grade3-reading', observation: obs(2020)[0] }] } }], tokens.partnership)
    .then(() => null, (e) => e);
  assert.equal(uploadErr?.code, Status.PERMISSION_DENIED, 'upload to another partnership');
  const after = await call(api.PartnershipService, 'getProgress', { partnershipId: OTHER }, tokens.admin);
  assert.equal(after.gateway, before.gateway);
  const indicator = await call(api.IndicatorService, 'getIndicator', { partnershipId: OTHER, indicatorId: 'grade3-reading' }, tokens.admin);
  assert.equal(indicator.indicator.years.includes(2020), false, 'nothing was stored for the other partnership');
});

test('partnership token: may not list partnerships nor call AdminService', async () => {
  for (const [service, method, request] of [['NetworkService', 'listPartnerships', {}], ['AdminService', 'listTokens', {}], ['AdminService', 'issueToken', { role: 'ROLE_NETWORK_ADMIN' }]]) {
    const err = await callError(api[service], method, request, tokens.partnership);
    assert.equal(err.code, Status.PERMISSION_DENIED, `${method}: ${err.details}`);
  }
});

test('tokens: listed without secrets; a revoked token becomes UNAUTHENTICATED', async () => {
  const { tokens: listed } = await call(api.AdminService, 'listTokens', { pageSize: 50 }, tokens.admin);
  assert.ok(listed.some((t) => t.tokenId === tokens.partnershipTokenId));
  assert.ok(!JSON.stringify(listed).includes(tokens.partnership), 'no secret in the listing');
  const { secret } = await call(api.AdminService, 'issueToken', { role: 'ROLE_NETWORK_VIEWER', description: 'to revoke' }, tokens.admin);
  const { tokens: all } = await call(api.AdminService, 'listTokens', { pageSize: 50 }, tokens.admin);
  const toRevoke = all.find((t) => t.description === 'to revoke');
  await call(api.NetworkService, 'getNetworkRollup', {}, secret);
  const { token } = await call(api.AdminService, 'revokeToken', { tokenId: toRevoke.tokenId, reason: 'test' }, tokens.admin);
  assert.ok(token.revokeTime, 'revoke time set');
  // Every silo rejects a revoked token within 5 seconds (docs/api.md).
  await eventually(async () => (await callError(api.NetworkService, 'getNetworkRollup', {}, secret).catch(() => ({}))).code === Status.UNAUTHENTICATED,
    { what: 'the revoked token to be rejected', timeoutMs: 10_000 });
});

test('streaming calls: WatchNetworkRollup needs a token; UploadObservations is a write (viewer denied)', async () => {
  const watchError = await new Promise((resolve) => {
    const stream = api.NetworkService.watchNetworkRollup({}, metadata());
    stream.on('data', () => {});
    stream.on('error', resolve);
    stream.on('end', () => resolve(null));
  });
  assert.equal(watchError?.code, Status.UNAUTHENTICATED);
  const rows = [{ indicatorId: 'grade3-reading', clientRef: 'r1', observation: obs(2021)[0] }];
  const viewerUpload = await upload(api.IndicatorService, [{ header: { partnershipId: OWN } }, { chunk: { rows } }], tokens.viewer).then(() => null, (e) => e);
  assert.equal(viewerUpload?.code, Status.PERMISSION_DENIED);
  const ownUpload = await upload(api.IndicatorService, [{ header: { partnershipId: OWN } }, { chunk: { rows } }], tokens.partnership);
  assert.equal(ownUpload.acceptedCount, 1, 'a partnership uploads its own data');
});
