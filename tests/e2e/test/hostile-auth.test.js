'use strict';
// Hostile client, authorization (issue 11): a token that is revoked or expires while its calls are open, lookups in
// flight while a token is revoked, and a partnership token trying to write another partnership or to take the stream
// slots of others. The silo runs with the default limits and the default revocation poll interval (250 ms).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { performance } = require('node:perf_hooks');
const { startSilo } = require('../lib/silo');
const { connect, call, callError, upload, metadata, eventually, today, Status } = require('../lib/client');
const { profile, coreIndicator, assessments, SIX_GATEWAY } = require('../lib/fixtures');
const { assertServes } = require('../lib/hostile');

const OWN = 'auth-own';
const OTHER = 'auth-other';
// docs/api.md: a revoked token's open calls end within the revocation poll interval (250 ms; "under 1 s"). The bound
// asserted is that second plus one more for a loaded 2-core machine; before the fix they never ended.
const END_BOUND_MS = 2_000;

let silo;
let api;

before(async () => {
  silo = await startSilo();
  api = connect(silo.address);
  for (const [id, state] of [[OWN, 'MN'], [OTHER, 'TX']]) {
    await call(api.PartnershipService, 'registerPartnership', { partnershipId: id, profile: profile(id, state) }, silo.adminToken);
    await call(api.IndicatorService, 'defineIndicator', { partnershipId: id, indicatorId: 'reading', definition: coreIndicator('Grade 3 reading', 'OUTCOME_EARLY_GRADE_READING') }, silo.adminToken);
  }
});

after(async () => {
  api?.close();
  await silo?.stop();
});

async function issue(description, extra = {}) {
  const { secret, token } = await call(api.AdminService, 'issueToken', { role: 'ROLE_PARTNERSHIP', partnershipId: OWN, description, ...extra }, silo.adminToken);
  return { secret, tokenId: token.tokenId };
}

const row = (year) => ({ indicatorId: 'reading', observation: { year, gender: 'GENDER_ALL', population: 'POPULATION_ALL_STUDENTS', counts: { numerator: 40, denominator: 100 } } });

/** Opens a WatchNetworkRollup; resolves `first` at its first message and `ended` to { err, at } when it ends. */
function openWatch(secret) {
  const stream = api.NetworkService.watchNetworkRollup({}, metadata(secret), { deadline: Date.now() + 60_000 });
  let messages = 0;
  const first = new Promise((resolve) => stream.once('data', () => resolve()));
  stream.on('data', () => { messages += 1; });
  const ended = new Promise((resolve) => {
    stream.on('error', (err) => resolve({ err, at: performance.now(), messages }));
    stream.on('end', () => resolve({ err: null, at: performance.now(), messages }));
  });
  return { stream, first, ended };
}

/** Opens an upload that keeps sending a row every 100 ms (so no idle limit ends it); `ended` resolves to { err, at }. */
function openBusyUpload(secret, firstYear) {
  let timer;
  const ended = new Promise((resolve) => {
    const stream = api.IndicatorService.uploadObservations(metadata(secret), { deadline: Date.now() + 60_000 }, (err) => {
      clearInterval(timer);
      resolve({ err, at: performance.now() });
    });
    stream.write({ header: { partnershipId: OWN } });
    let year = firstYear;
    stream.write({ chunk: { rows: [row(year)] } });
    timer = setInterval(() => {
      year = year >= firstYear + 50 ? firstYear : year + 1;
      stream.write({ chunk: { rows: [row(year)] } });
    }, 100);
  });
  return { ended };
}

async function storedYears(partnershipId) {
  const { indicator } = await call(api.IndicatorService, 'getIndicator', { partnershipId, indicatorId: 'reading' }, silo.adminToken);
  return indicator.years;
}

test('revocation: the token\'s open WatchNetworkRollup and busy UploadObservations end UNAUTHENTICATED within the poll interval, and the upload stored nothing', async () => {
  const { secret, tokenId } = await issue('revoked while streaming');
  const watch = openWatch(secret);
  await watch.first;
  const busy = openBusyUpload(secret, 1995);
  await new Promise((r) => setTimeout(r, 500)); // the upload is under way

  await call(api.AdminService, 'revokeToken', { tokenId, reason: 'hostile suite' }, silo.adminToken);
  const revokedAt = performance.now();
  const [watchEnd, uploadEnd] = await Promise.all([watch.ended, busy.ended]);
  for (const [what, end] of [['WatchNetworkRollup', watchEnd], ['UploadObservations', uploadEnd]]) {
    assert.equal(end.err?.code, Status.UNAUTHENTICATED, `${what}: ${end.err?.code} ${end.err?.details}`);
    assert.match(end.err.details, /revoked/, what);
    const after = end.at - revokedAt;
    console.log(`${what} ended ${after.toFixed(0)} ms after the revocation was acknowledged`);
    assert.ok(after <= END_BOUND_MS, `${what} ended ${after.toFixed(0)} ms after the revocation (bound ${END_BOUND_MS} ms)`);
  }
  assert.deepEqual((await storedYears(OWN)).filter((y) => y >= 1995 && y <= 2045), [], 'the revoked upload stored nothing');
  const err = await callError(api.NetworkService, 'getNetworkRollup', {}, secret);
  assert.equal(err.code, Status.UNAUTHENTICATED, 'new calls are rejected');
  await assertServes(silo, api);
});

test('expiry: a token\'s open WatchNetworkRollup ends UNAUTHENTICATED when the token expires', async () => {
  const expiresAtMs = Date.now() + 3_000;
  const { secret } = await issue('expires while watching', { expireTime: { seconds: String(Math.floor(expiresAtMs / 1000)), nanos: (expiresAtMs % 1000) * 1e6 } });
  const watch = openWatch(secret);
  await watch.first;
  const { err } = await watch.ended;
  const endedAtMs = Date.now();
  assert.equal(err?.code, Status.UNAUTHENTICATED, `${err?.code} ${err?.details}`);
  assert.match(err.details, /expired/);
  console.log(`the watch ended ${endedAtMs - expiresAtMs} ms after the expire time`);
  assert.ok(endedAtMs >= expiresAtMs - 50, 'not before the expire time');
  assert.ok(endedAtMs - expiresAtMs <= END_BOUND_MS, `ended ${endedAtMs - expiresAtMs} ms after the expire time (bound ${END_BOUND_MS} ms)`);
  await assertServes(silo, api);
});

test('revoke/lookup race: with lookups in flight during the revocation, no call that starts after it is acknowledged succeeds', async () => {
  // A fresh token is not cached yet: its first calls look it up in the registry. Revoking it while those lookups are
  // in flight is the race: a lookup that read the record before the revocation and cached it after would let the
  // revoked token in for the cache's lifetime (4 s). Calls keep starting for 1.5 s after each revocation to catch it;
  // the rounds revoke at different moments of the first lookups.
  let inFlight = 0;
  for (const delayMs of [0, 2, 5, 10, 25, 60]) {
    const { secret, tokenId } = await issue(`race ${delayMs}`);
    let revokedAt = Infinity;
    let stopAt = Infinity;
    const outcomes = [];
    const loop = async () => {
      for (let i = 0; i < 2_000 && performance.now() < stopAt; i += 1) {
        const started = performance.now();
        const code = await call(api.PartnershipService, 'getProgress', { partnershipId: OWN }, secret).then(() => Status.OK, (e) => e.code);
        outcomes.push({ started, ended: performance.now(), code });
      }
    };
    const loops = Array.from({ length: 6 }, loop);
    if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
    const revokeStarted = performance.now();
    await call(api.AdminService, 'revokeToken', { tokenId, reason: 'race' }, silo.adminToken);
    revokedAt = performance.now();
    stopAt = revokedAt + 1_500;
    await Promise.all(loops);
    inFlight += outcomes.filter((o) => o.started < revokedAt && o.ended > revokeStarted).length;
    const afterRevoke = outcomes.filter((o) => o.started > revokedAt);
    assert.ok(afterRevoke.length >= 6, `delay ${delayMs} ms: ${afterRevoke.length} calls after the revocation`);
    const admitted = afterRevoke.filter((o) => o.code !== Status.UNAUTHENTICATED);
    assert.deepEqual(admitted.map((o) => `${o.code} at +${(o.started - revokedAt).toFixed(0)} ms`), [],
      `delay ${delayMs} ms: calls started after the revocation was acknowledged were not UNAUTHENTICATED`);
  }
  console.log(`${inFlight} calls were in flight while a revocation was`);
  assert.ok(inFlight > 0, 'the race was exercised: calls were in flight during revocations');
  await assertServes(silo, api);
});

test('a partnership token cannot write another partnership by any call, stream or second header, and nothing changes there', async () => {
  const { secret } = await issue('writes elsewhere');
  const before = { progress: await call(api.PartnershipService, 'getProgress', { partnershipId: OTHER }, silo.adminToken), years: await storedYears(OTHER) };
  const denied = [
    ['RecordAssessment', 'PartnershipService', 'recordAssessment', { partnershipId: OTHER, assessments: assessments(SIX_GATEWAY.exploring, today()) }],
    ['SubmitObservations', 'IndicatorService', 'submitObservations', { partnershipId: OTHER, indicatorId: 'reading', observations: [row(2010).observation] }],
    ['DefineIndicator', 'IndicatorService', 'defineIndicator', { partnershipId: OTHER, indicatorId: 'planted', definition: coreIndicator('Planted', 'OUTCOME_EARLY_GRADE_READING') }],
    ['UpdatePartnershipSettings (own)', 'PartnershipService', 'updatePartnershipSettings', { partnershipId: OWN, etag: '', settings: { minimumN: 1 } }],
    ['IssueToken', 'AdminService', 'issueToken', { role: 'ROLE_NETWORK_ADMIN', description: 'escalate' }],
  ];
  for (const [label, service, method, request] of denied) {
    const err = await callError(api[service], method, request, secret);
    assert.equal(err.code, Status.PERMISSION_DENIED, `${label}: ${err.code} ${err.details}`);
  }
  const otherHeader = await upload(api.IndicatorService, [{ header: { partnershipId: OTHER } }, { chunk: { rows: [row(2010)] } }], secret).then(() => null, (e) => e);
  assert.equal(otherHeader?.code, Status.PERMISSION_DENIED, 'upload headed to another partnership');
  const secondHeader = await upload(api.IndicatorService, [{ header: { partnershipId: OWN } }, { chunk: { rows: [row(2011)] } }, { header: { partnershipId: OTHER } }, { chunk: { rows: [row(2010)] } }], secret)
    .then(() => null, (e) => e);
  assert.equal(secondHeader?.code, Status.INVALID_ARGUMENT, 'a second header switching partnership');
  assert.match(secondHeader.details, /^header:/);

  const after = { progress: await call(api.PartnershipService, 'getProgress', { partnershipId: OTHER }, silo.adminToken), years: await storedYears(OTHER) };
  assert.deepEqual(after, before, 'nothing changed for the other partnership');
  assert.equal((await storedYears(OWN)).includes(2011), false, 'the refused upload stored nothing of its own rows either');
  await assertServes(silo, api);
});

test('stream slots are per token: one token holding all 16 of its streams leaves another token\'s watch unharmed', async () => {
  const hog = await issue('holds every stream slot');
  const other = await issue('another data system');
  const watches = Array.from({ length: 16 }, () => openWatch(hog.secret));
  await Promise.all(watches.map((w) => w.first));
  const refused = openWatch(hog.secret);
  const { err } = await refused.ended;
  assert.equal(err?.code, Status.RESOURCE_EXHAUSTED, `17th stream of one token: ${err?.code} ${err?.details}`);
  assert.match(err.details, /limit MaxStreamsPerToken/);
  const theirs = openWatch(other.secret);
  await theirs.first;
  theirs.stream.cancel();
  for (const w of watches) w.stream.cancel();
  await Promise.all(watches.map((w) => w.ended));
  // Slots come back when the streams end (the server sees the cancellations shortly after).
  await eventually(async () => {
    const again = openWatch(hog.secret);
    const outcome = await Promise.race([again.first.then(() => 'open'), again.ended.then(() => 'refused')]);
    again.stream.cancel();
    return outcome === 'open';
  }, { what: 'a slot of the hog token to come back', timeoutMs: 10_000 });
  await assertServes(silo, api);
});
