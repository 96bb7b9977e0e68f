'use strict';
// A full disk (issue 11): the silo's data directory is a 48 MiB tmpfs, filled by a file to within 1 MiB and then by
// writes through the API until SQLite reports SQLITE_FULL. Writes must answer RESOURCE_EXHAUSTED "storage is full;
// nothing was written" (not UNKNOWN), reads of what is stored must keep working (also after a restart on the full
// disk, when every grain activates afresh and may only read), and once space is freed and the silo restarted
// everything acknowledged is there and nothing refused is.
// The tmpfs needs root (the suite runs as root): when it cannot be mounted the test fails, it is never skipped.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { execFileSync } = require('node:child_process');
const { startSilo } = require('../lib/silo');
const { connect, call, callError, today, Status } = require('../lib/client');
const { profile, coreIndicator, assessments, SIX_GATEWAY } = require('../lib/fixtures');
const { MiB, assertServes } = require('../lib/hostile');

const mountDir = fs.mkdtempSync(path.join(os.tmpdir(), 'strive-e2e-full-'));
let mounted = false;
let silo;
let api;

after(async () => {
  api?.close();
  await silo?.stop({ keepData: true });
  if (mounted) {
    try {
      execFileSync('umount', [mountDir]);
    } catch {
      execFileSync('umount', ['-l', mountDir]); // a process still holding a file: detach now, freed when it lets go
    }
  }
  fs.rmSync(mountDir, { recursive: true, force: true });
});

const freeBytes = () => {
  const s = fs.statfsSync(mountDir);
  return s.bavail * s.bsize;
};

const FULL = /^storage is full; nothing was written/;
const observation = (year) => ({ year, gender: 'GENDER_ALL', population: 'POPULATION_ALL_STUDENTS', counts: { numerator: 40, denominator: 100 } });
const outcome = (promise) => promise.then(() => Status.OK, (err) => err);

async function restart(admin) {
  api.close();
  const stopped = await silo.stop({ keepData: true });
  assert.equal(stopped.code, 0, `the silo stopped cleanly (${JSON.stringify(stopped)})`);
  silo = await startSilo({ dataDir: mountDir, expectAdminToken: false });
  silo.adminToken = admin;
  api = connect(silo.address);
}

test('a full disk: writes answer RESOURCE_EXHAUSTED, reads keep working (also after a restart on the full disk), and after freeing space nothing acknowledged is lost and nothing refused was written', async () => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m,mode=0700', 'tmpfs', mountDir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`cannot mount a 48 MiB tmpfs on ${mountDir} (the disk-full test needs root and mount): ${String(err.stderr ?? err.message).trim()}`);
  }
  mounted = true;
  silo = await startSilo({ dataDir: mountDir });
  api = connect(silo.address);
  const admin = silo.adminToken;

  await call(api.PartnershipService, 'registerPartnership', { partnershipId: 'disk-a', profile: profile('Disk A', 'MN') }, admin);
  await call(api.IndicatorService, 'defineIndicator', { partnershipId: 'disk-a', indicatorId: 'reading', definition: coreIndicator('Grade 3 reading', 'OUTCOME_EARLY_GRADE_READING') }, admin);
  await call(api.PartnershipService, 'recordAssessment', { partnershipId: 'disk-a', assessments: assessments(SIX_GATEWAY.exploring, today()) }, admin);

  // Fill the file system to within 1 MiB, then write through the API until it is full.
  const filler = path.join(mountDir, 'filler');
  const fd = fs.openSync(filler, 'w');
  const piece = Buffer.alloc(MiB, 0x5a);
  for (let i = 0; i < 64 && freeBytes() > MiB; i += 1) fs.writeSync(fd, piece);
  fs.closeSync(fd);
  assert.ok(freeBytes() <= MiB, `${freeBytes()} bytes left after the filler`);

  const acknowledged = { years: [], partnerships: ['disk-a'] };
  const refused = { years: [], partnerships: [] };
  const failures = [];
  // Once full, a write may still fit now and then (SQLite rewinds its write-ahead log after a checkpoint and reuses
  // free pages): write until six were refused.
  const until = Date.now() + 60_000;
  for (let i = 0; i < 100 && failures.length < 6 && Date.now() < until; i += 1) {
    const year = 1990 + i;
    const written = await outcome(call(api.IndicatorService, 'submitObservations', { partnershipId: 'disk-a', indicatorId: 'reading', observations: [observation(year)] }, admin));
    (written === Status.OK ? acknowledged.years : refused.years).push(year);
    const id = `full-${i}`;
    const registered = await outcome(call(api.PartnershipService, 'registerPartnership', { partnershipId: id, profile: profile(`Full ${i}`, 'TX') }, admin));
    (registered === Status.OK ? acknowledged.partnerships : refused.partnerships).push(id);
    failures.push(...[written, registered].filter((r) => r !== Status.OK));
    }
  assert.ok(failures.length >= 6, `the disk never filled: ${freeBytes()} bytes free after ${acknowledged.years.length} writes`);
  for (const err of failures) {
    assert.equal(err.code, Status.RESOURCE_EXHAUSTED, `${err.code} ${err.details}`);
    assert.match(err.details, FULL);
  }
  console.log(`${acknowledged.years.length} observation writes and ${acknowledged.partnerships.length - 1} registrations acknowledged before the disk was full; ${failures.length} refused`);

  // Other kinds of write answer the same way. "Full" is not absolute: SQLite reuses free pages of its files (the
  // write-ahead log restarts after a checkpoint), so a small write may still fit. Each must succeed (and then be there
  // after the restarts) or be refused with RESOURCE_EXHAUSTED (and then be absent): never another status.
  const writes = [
    ['DefineIndicator', () => call(api.IndicatorService, 'defineIndicator', { partnershipId: 'disk-a', indicatorId: 'math-full', definition: coreIndicator('Grade 8 math', 'OUTCOME_MIDDLE_GRADE_MATH') }, admin),
      async () => (await outcome(call(api.IndicatorService, 'getIndicator', { partnershipId: 'disk-a', indicatorId: 'math-full' }, admin))) === Status.OK],
    ['CreateCohort', () => call(api.CohortService, 'createCohort', { cohortId: 'full-cohort', displayName: 'Full', description: '', memberIds: ['disk-a'] }, admin),
      async () => (await outcome(call(api.CohortService, 'getCohortRollup', { cohortId: 'full-cohort' }, admin))) === Status.OK],
    ['IssueToken', () => call(api.AdminService, 'issueToken', { role: 'ROLE_NETWORK_VIEWER', description: 'issued on a full disk' }, admin),
      async () => (await call(api.AdminService, 'listTokens', { pageSize: 100 }, admin)).tokens.some((t) => t.description === 'issued on a full disk')],
    ['RecordAssessment', () => call(api.PartnershipService, 'recordAssessment', { partnershipId: 'disk-a', assessments: assessments(SIX_GATEWAY.emerging, today()) }, admin), undefined],
  ];
  const otherWrites = [];
  for (const [label, write, stored] of writes) {
    const result = await outcome(write());
    if (result !== Status.OK) {
      assert.equal(result.code, Status.RESOURCE_EXHAUSTED, `${label}: ${result.code} ${result.details}`);
      assert.match(result.details, FULL, label);
    }
    otherWrites.push({ label, acknowledged: result === Status.OK, stored });
  }
  console.log(`on the full disk: ${otherWrites.map((w) => `${w.label} ${w.acknowledged ? 'acknowledged' : 'RESOURCE_EXHAUSTED'}`).join(', ')}`);
  const assertOtherWrites = async (when) => {
    for (const w of otherWrites.filter((x) => x.stored)) assert.equal(await w.stored(), w.acknowledged, `${when}: ${w.label} stored exactly when acknowledged`);
  };

  const assertReads = async (when) => {
    for (const id of acknowledged.partnerships) {
      const { partnership } = await call(api.PartnershipService, 'getPartnership', { partnershipId: id }, admin);
      assert.equal(partnership.partnershipId, id, `${when}: ${id}`);
    }
    const progress = await call(api.PartnershipService, 'getProgress', { partnershipId: 'disk-a' }, admin);
    assert.equal(progress.partnershipId, 'disk-a', when);
    const { indicator } = await call(api.IndicatorService, 'getIndicator', { partnershipId: 'disk-a', indicatorId: 'reading' }, admin);
    assert.deepEqual(indicator.years.filter((y) => y >= 1990 && y < 2100), acknowledged.years, `${when}: exactly the acknowledged years are stored`);
    await call(api.NetworkService, 'getNetworkRollup', {}, admin);
    for (const id of refused.partnerships) {
      const err = await callError(api.PartnershipService, 'getPartnership', { partnershipId: id }, admin);
      assert.equal(err.code, Status.NOT_FOUND, `${when}: ${id}, refused, does not exist`);
    }
  };
  await assertReads('full disk');
  await assertOtherWrites('full disk');
  assert.ok(silo.alive(), 'the silo runs on the full disk');

  // A restart on the full disk: every grain activates afresh, and an activation only reads.
  await restart(admin);
  await assertReads('restarted on the full disk');
  const stillFull = await outcome(call(api.PartnershipService, 'registerPartnership', { partnershipId: 'still-full', profile: profile('Still full', 'MN') }, admin));
  assert.equal(stillFull.code, Status.RESOURCE_EXHAUSTED, `a write after the restart: ${stillFull.code} ${stillFull.details}`);

  // Free the space: writes work again, with no restart.
  fs.rmSync(filler);
  const afterYear = 2100;
  await call(api.IndicatorService, 'submitObservations', { partnershipId: 'disk-a', indicatorId: 'reading', observations: [observation(afterYear)] }, admin);
  await call(api.PartnershipService, 'registerPartnership', { partnershipId: 'after-free', profile: profile('After free', 'MN') }, admin);
  await call(api.IndicatorService, 'defineIndicator', { partnershipId: 'disk-a', indicatorId: 'math', definition: coreIndicator('Grade 8 math', 'OUTCOME_MIDDLE_GRADE_MATH') }, admin);
  await assertServes(silo, api);

  // And after a clean restart everything acknowledged is there, nothing refused is.
  await restart(admin);
  await assertReads('restarted after freeing space');
  await assertOtherWrites('restarted after freeing space');
  const { indicator } = await call(api.IndicatorService, 'getIndicator', { partnershipId: 'disk-a', indicatorId: 'reading' }, admin);
  assert.ok(indicator.years.includes(afterYear), 'the write after freeing space is stored');
  for (const year of refused.years) assert.equal(indicator.years.includes(year), false, `refused year ${year} was not written`);
  await call(api.PartnershipService, 'getPartnership', { partnershipId: 'after-free' }, admin);
  await call(api.IndicatorService, 'getIndicator', { partnershipId: 'disk-a', indicatorId: 'math' }, admin);
  const stillFullAfter = await callError(api.PartnershipService, 'getPartnership', { partnershipId: 'still-full' }, admin);
  assert.equal(stillFullAfter.code, Status.NOT_FOUND, 'the registration refused after the restart was not written');
  await assertServes(silo, api);
});
