'use strict';
// The front door's cached reads against a real silo process (docs/adr/0014): GetProgress is hammered by concurrent
// readers while a writer records one assessment at a time; every read issued after a write's reply must show that
// write (and every earlier one), whether the silo answered it from its response cache or from the grain.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSilo } = require('../lib/silo');
const { connect, call, today } = require('../lib/client');
const { profile, assessments, SIX_GATEWAY } = require('../lib/fixtures');

const P = 'e2e-cached-reads';
const READERS = 8;
const MAX_READS = 20_000; // bound on the reads of the whole test, whatever the machine's speed
const BENCHMARKS = [...SIX_GATEWAY.exploring, ...SIX_GATEWAY.emerging, ...SIX_GATEWAY.sustaining];

let silo;
let api;
let admin;

before(async () => {
  silo = await startSilo();
  api = connect(silo.address);
  admin = silo.adminToken;
  await call(api.PartnershipService, 'registerPartnership', { partnershipId: P, profile: profile('Cached Reads Partnership', 'OH') }, admin);
});

after(async () => {
  api?.close();
  if (silo) await silo.stop();
});

/** The benchmarks of BENCHMARKS a progress response shows as MET. */
function metOf(progress) {
  const met = new Set();
  for (const gateway of progress.gateways) {
    for (const pillar of gateway.pillars) {
      for (const benchmark of pillar.benchmarks) {
        if (benchmark.status === 'BENCHMARK_STATUS_MET') met.add(benchmark.benchmarkId);
      }
    }
  }
  return met;
}

test('every GetProgress issued after a RecordAssessment reply shows that assessment, under concurrent reads', async () => {
  let acknowledged = 0; // writes whose reply has come back, in order
  let writing = true;
  let reads = 0;
  const stale = [];

  async function reader() {
    while ((writing || reads < READERS * 4) && reads < MAX_READS) {
      const owed = acknowledged; // captured before the read is issued
      reads += 1;
      const progress = await call(api.PartnershipService, 'getProgress', { partnershipId: P }, admin);
      const met = metOf(progress);
      const missing = BENCHMARKS.slice(0, owed).filter((id) => !met.has(id));
      if (missing.length > 0) stale.push({ owed, missing });
    }
  }

  async function writer() {
    try {
      for (const [i, benchmarkId] of BENCHMARKS.entries()) {
        await call(api.PartnershipService, 'recordAssessment', { partnershipId: P, assessments: assessments([benchmarkId], today()) }, admin);
        acknowledged = i + 1;
        // Let the readers fill the cache between writes, so that most writes replace a cached response.
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } finally {
      writing = false;
    }
  }

  await Promise.all([writer(), ...Array.from({ length: READERS }, reader)]);
  assert.equal(acknowledged, BENCHMARKS.length);
  assert.ok(reads >= READERS * 4, `only ${reads} reads ran`);
  assert.deepEqual(stale.slice(0, 3), [], `${stale.length} of ${reads} reads missed a write whose reply had come back`);

  // Settled: the last write shows, and repeated reads (from the cache) agree with each other.
  const last = await call(api.PartnershipService, 'getProgress', { partnershipId: P }, admin);
  assert.deepEqual([...metOf(last)].sort(), [...BENCHMARKS].sort());
  assert.deepEqual(await call(api.PartnershipService, 'getProgress', { partnershipId: P }, admin), last);
});

test('GetPartnership issued after an UpdatePartnershipProfile reply shows the new profile and etag', async () => {
  let etag = (await call(api.PartnershipService, 'getPartnership', { partnershipId: P }, admin)).partnership.etag;
  for (let i = 1; i <= 5; i++) {
    const displayName = `Cached Reads Partnership ${i}`;
    // Read twice before the write: the second read may be served from the cache.
    await call(api.PartnershipService, 'getPartnership', { partnershipId: P }, admin);
    await call(api.PartnershipService, 'getPartnership', { partnershipId: P }, admin);
    const updated = await call(api.PartnershipService, 'updatePartnershipProfile',
      { partnershipId: P, profile: { displayName }, updateMask: { paths: ['display_name'] }, etag }, admin);
    const shown = (await call(api.PartnershipService, 'getPartnership', { partnershipId: P }, admin)).partnership;
    assert.equal(shown.profile.displayName, displayName);
    assert.equal(shown.etag, updated.partnership.etag);
    etag = shown.etag;
  }
});
