'use strict';
// A rolling restart of all three silos of a cluster under load, as a Kubernetes rolling update does it: one silo at a
// time gets SIGTERM, drains and leaves, and its replacement joins before the next one goes. A client that retries
// UNAVAILABLE on another front door sees no failed call, and every write it was told succeeded is stored.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call, Status, metadata, today } = require('../lib/client');
const { profile } = require('../lib/fixtures');
const { startAzurite } = require('../lib/azurite');
const { startClusterSilo } = require('../lib/cluster');

// Each partnership holds at most 500 systems-change examples: the calls stay well under that per partnership.
const PARTNERSHIPS = 24;
const WRITERS = 3;
const MAX_CALLS = 16_000;
const RETRIES_PER_CALL = 40;

const startMember = (azurite, index) => startClusterSilo({
  storage: 'azure', secrets: { 'azure-storage': azurite.connectionString }, label: `rolling-${index}`, expectAdminToken: index === 0,
});

test('cluster (azure): a rolling restart of every silo under load fails no call that a client retries on UNAVAILABLE', { timeout: 300_000 }, async () => {
  const azurite = await startAzurite();
  const members = [];
  let done = false;
  let drivers = [];
  try {
    for (let i = 0; i < 3; i += 1) members.push({ ...(await startMember(azurite, i)), live: true });
    const admin = members[0].silo.adminToken;
    const ids = Array.from({ length: PARTNERSHIPS }, (_, i) => `rolling-${i}`);
    for (const [i, id] of ids.entries()) {
      await call(members[i % 3].clients.PartnershipService, 'registerPartnership', { partnershipId: id, profile: profile(`Rolling ${i}`, 'WI') }, admin);
    }

    const acknowledged = new Map(ids.map((id) => [id, new Set()]));
    const failures = [];
    let unavailable = 0;
    let calls = 0;
    // Writes and reads alternate; a call that fails UNAVAILABLE is retried on the next live front door (with the
    // same request id for a write); any other status is a failure the client would see.
    const attempt = async (n, w) => {
      const partnershipId = ids[n % PARTNERSHIPS];
      const write = n % 2 === 0;
      for (let tryNo = 0; tryNo < RETRIES_PER_CALL; tryNo += 1) {
        const live = members.filter((m) => m.live);
        const door = live[(n + w + tryNo) % live.length].clients.PartnershipService;
        const md = metadata(admin);
        if (write) md.set('strive-request-id', `roll-${n}`);
        const request = write
          ? { partnershipId, systemsChangeExamples: [{ exampleId: `roll-${n}`, description: `change ${n}`, occurrenceDate: today() }] }
          : { partnershipId };
        try {
          await new Promise((resolve, reject) => door[write ? 'recordAssessment' : 'getProgress'](request, md, { deadline: Date.now() + 20_000 },
            (err, res) => (err ? reject(err) : resolve(res))));
          if (write) acknowledged.get(partnershipId).add(`roll-${n}`);
          return;
        } catch (err) {
          if (err.code !== Status.UNAVAILABLE) {
            failures.push(`${write ? 'RecordAssessment' : 'GetProgress'} ${partnershipId}: ${Status[err.code] ?? err.code} ${err.details}`);
            return;
          }
          unavailable += 1;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      failures.push(`call ${n}: still UNAVAILABLE after ${RETRIES_PER_CALL} tries`);
    };
    const driver = async (w) => {
      while (!done && calls < MAX_CALLS) await attempt(calls++, w);
    };
    drivers = Array.from({ length: WRITERS }, (_, w) => driver(w));

    for (let i = 0; i < 3; i += 1) {
      await new Promise((r) => setTimeout(r, 1_500));
      const old = members[i];
      old.live = false;
      const stopped = await old.stop();
      assert.deepEqual(stopped, { code: 0, signal: null }, `silo ${i} drains and exits 0 after SIGTERM:\n${old.silo.output().slice(-3000)}`);
      members[i] = { ...(await startMember(azurite, i + 3)), live: true };
    }
    await new Promise((r) => setTimeout(r, 1_500));
    done = true;
    await Promise.all(drivers);

    console.log(`rolling restart: ${calls} calls, ${unavailable} UNAVAILABLE answers retried`);
    assert.deepEqual(failures, [], 'calls that failed with a status other than UNAVAILABLE');
    for (const id of ids) {
      const progress = await call(members[0].clients.PartnershipService, 'getProgress', { partnershipId: id }, admin);
      const stored = new Set(progress.systemsChangeExamples.map((e) => e.exampleId));
      assert.deepEqual([...acknowledged.get(id)].filter((e) => !stored.has(e)), [], `${id}: acknowledged writes missing`);
    }
  } finally {
    done = true;
    await Promise.allSettled(drivers);
    for (const m of members) await m.stop().catch(() => {});
    await azurite.stop();
  }
});
