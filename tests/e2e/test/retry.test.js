'use strict';
// Retries with metadata `strive-request-id` against a real silo process: a retried RecordAssessment with the same id
// answers the first response and appends once (the partnership's etag moves once), the same id with another body is
// FAILED_PRECONDITION, a malformed id is INVALID_ARGUMENT and never echoed, and a retried upload stores its rows once.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSilo } = require('../lib/silo');
const { connect, call, metadata, today, Status } = require('../lib/client');
const { profile, assessments, coreIndicator } = require('../lib/fixtures');

const P = 'e2e-retry-partnership';
const DEADLINE_MS = 15_000;

let silo;
let api;
let admin;

before(async () => {
  silo = await startSilo();
  api = connect(silo.address);
  admin = silo.adminToken;
  await call(api.PartnershipService, 'registerPartnership', { partnershipId: P, profile: profile('Retry Partnership', 'OH') }, admin);
});

after(async () => {
  api?.close();
  if (silo) await silo.stop();
});

/** A unary call with `strive-request-id: requestId`; resolves to the response or to the ServiceError ({ error }). */
function callWithId(stub, method, request, requestId) {
  const md = metadata(admin);
  md.set('strive-request-id', requestId);
  return new Promise((resolve) => {
    stub[method](request, md, { deadline: Date.now() + DEADLINE_MS }, (error, response) => resolve(error ? { error } : response));
  });
}

const etagOf = async () => (await call(api.PartnershipService, 'getPartnership', { partnershipId: P }, admin)).partnership.etag;

test('a RecordAssessment retried with the same strive-request-id answers the first response and appends once', async () => {
  const request = { partnershipId: P, assessments: assessments(['6G-EXP-SCV-1'], today()) };
  const before = await etagOf();
  const first = await callWithId(api.PartnershipService, 'recordAssessment', request, 'e2e-assess-0001');
  assert.equal(first.error, undefined, first.error?.details);
  assert.notEqual(first.etag, before);

  const retried = await callWithId(api.PartnershipService, 'recordAssessment', request, 'e2e-assess-0001');
  assert.deepEqual(retried, first, 'the retry answers the first response');
  assert.equal(await etagOf(), first.etag, 'the retry wrote nothing: the etag moved once');

  // Without the id, the same request is a second write.
  const again = await call(api.PartnershipService, 'recordAssessment', request, admin);
  assert.notEqual(again.etag, first.etag);
});

test('the same strive-request-id with another body is FAILED_PRECONDITION; a malformed one INVALID_ARGUMENT, never echoed', async () => {
  const request = { partnershipId: P, assessments: assessments(['6G-EXP-SCV-2'], today()) };
  const first = await callWithId(api.PartnershipService, 'recordAssessment', request, 'e2e-assess-0002');
  assert.equal(first.error, undefined, first.error?.details);
  const etag = await etagOf();

  const other = { partnershipId: P, assessments: assessments(['6G-EXP-SCV-2'], today(), 'BENCHMARK_STATUS_IN_PROGRESS') };
  const { error: reused } = await callWithId(api.PartnershipService, 'recordAssessment', other, 'e2e-assess-0002');
  assert.equal(reused?.code, Status.FAILED_PRECONDITION, reused?.details);
  assert.doesNotMatch(reused.details, /e2e-assess-0002/);
  assert.equal(await etagOf(), etag, 'nothing written');

  const { error: malformed } = await callWithId(api.PartnershipService, 'recordAssessment', request, 'not an id <script>');
  assert.equal(malformed?.code, Status.INVALID_ARGUMENT, malformed?.details);
  assert.match(malformed.details, /^strive-request-id: is not a valid request id/);
  assert.doesNotMatch(malformed.details, /script/);
});

test('an UploadObservations stream retried with the same strive-request-id stores its rows once', async () => {
  await call(api.IndicatorService, 'defineIndicator', {
    partnershipId: P, indicatorId: 'grade3-reading', definition: coreIndicator('Grade 3 reading', 'OUTCOME_EARLY_GRADE_READING'),
  }, admin);
  const rows = [2019, 2020, 2021, 2022].map((year) => ({
    indicatorId: 'grade3-reading',
    observation: { year, gender: 'GENDER_ALL', population: 'POPULATION_ALL_STUDENTS', counts: { numerator: 40 + year - 2019, denominator: 100 } },
  }));
  const uploadWithId = () => new Promise((resolve, reject) => {
    const md = metadata(admin);
    md.set('strive-request-id', 'e2e-upload-0001');
    const stream = api.IndicatorService.uploadObservations(md, { deadline: Date.now() + 60_000 }, (err, res) => (err ? reject(err) : resolve(res)));
    stream.write({ header: { partnershipId: P } });
    stream.write({ chunk: { rows } });
    stream.end();
  });

  const first = await uploadWithId();
  assert.equal(first.acceptedCount, 4);
  assert.equal(first.replacedCount, 0);
  const { indicator } = await call(api.IndicatorService, 'getIndicator', { partnershipId: P, indicatorId: 'grade3-reading' }, admin);

  const retried = await uploadWithId();
  assert.deepEqual(retried, first, 'the retry answers as the first upload did (no row replaced)');
  const after = await call(api.IndicatorService, 'getIndicator', { partnershipId: P, indicatorId: 'grade3-reading' }, admin);
  assert.deepEqual(after.indicator.updateTime, indicator.updateTime, 'nothing was written again');
});
