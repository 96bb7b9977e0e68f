'use strict';
// A partition: silo C runs in a network namespace and is cut off from the storage and from the other two silos,
// while clients still reach its front door. C must stop acknowledging writes, the others declare it dead and take its
// grains, and when the partition heals C learns it was declared dead and stops; no write sent through C during the
// partition is ever stored, and every write the others acknowledged survives (a double commit by C's stale
// activations would overwrite them). Needs root (iproute2 namespaces); bounded in time.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const { call, eventually, metadata, today, Status } = require('../lib/client');
const { profile } = require('../lib/fixtures');
const { startAzurite } = require('../lib/azurite');
const { startClusterSilo, dashboardCounters, registerCounting } = require('../lib/cluster');
const { createNamespace } = require('../lib/netns');

const PARTNERSHIPS = 12;
const PARTITION_WRITE_ROUNDS = 3;

const startMember = (azurite, label, options) => startClusterSilo({
  storage: 'azure', secrets: { 'azure-storage': azurite.connectionString }, label, ...options,
});

function record(stub, partnershipId, exampleId, token, deadlineMs) {
  const md = metadata(token);
  md.set('strive-request-id', exampleId);
  const request = { partnershipId, systemsChangeExamples: [{ exampleId, description: exampleId, occurrenceDate: today() }] };
  return new Promise((resolve, reject) => stub.recordAssessment(request, md, { deadline: Date.now() + deadlineMs }, (err, res) => (err ? reject(err) : resolve(res))));
}

test('cluster (azure): a silo cut off from storage and peers stops acknowledging, is declared dead, and never commits later', { timeout: 300_000 }, async () => {
  const ns = createNamespace();
  const members = {};
  let azurite;
  try {
    azurite = await startAzurite({ host: ns.peers[0] });
    members.a = await startMember(azurite, 'part-a', { podIp: ns.peers[1], expectAdminToken: true });
    members.b = await startMember(azurite, 'part-b', { podIp: ns.peers[2] });
    // C's dashboard listens inside the namespace too; the test reads the cluster view from A.
    members.c = await startMember(azurite, 'part-c', { podIp: ns.inside, listen: ns.clientAddress, launcher: ns.launcher });
    const admin = members.a.silo.adminToken;
    const ids = Array.from({ length: PARTNERSHIPS }, (_, i) => `partition-${i}`);
    const acknowledged = new Map(ids.map((id) => [id, new Set()]));
    for (const [i, id] of ids.entries()) {
      // Registered through each silo in turn: placement prefers the calling silo, so C holds some of the grains.
      const door = [members.a, members.b, members.c][i % 3];
      await call(door.clients.PartnershipService, 'registerPartnership', { partnershipId: id, profile: profile(`Partition ${i}`, 'MN') }, admin);
      // Writes through C's front door before the partition, so some grains live on C.
      await record(members.c.clients.PartnershipService, id, `before-${i}`, admin, 15_000);
      acknowledged.get(id).add(`before-${i}`);
    }
    const cAddress = (view) => view.hosts.find((h) => h.siloAddress.startsWith(`${ns.inside}:`));
    // Placement is resource-optimized: while C scores worse than A and B (still starting up, say), the grains may all
    // go to them. Each poll that finds C without a partnership registers one more through C (bounded by the polls).
    await eventually(async () => {
      const view = await dashboardCounters(members.a.dashboardPort, admin);
      const c = cAddress(view);
      if (c && view.simpleGrainStats.some((g) => g.siloAddress === c.siloAddress && g.grainType === 'StriveNetwork.Grains.PartnershipGrain' && g.activationCount > 0)) return true;
      const i = ids.length;
      const id = `partition-${i}`;
      await registerCounting(members.c.clients.PartnershipService, id, profile(`Partition ${i}`, 'MN'), admin);
      ids.push(id);
      acknowledged.set(id, new Set());
      await record(members.c.clients.PartnershipService, id, `before-${i}`, admin, 15_000);
      acknowledged.get(id).add(`before-${i}`);
      return false;
    }, { timeoutMs: 30_000, intervalMs: 500, what: 'C to hold partnership activations' });

    // The partition: C can reach neither the storage nor A nor B; the client still reaches C.
    ns.cut();
    const cAcknowledged = [];
    const cStatuses = new Set();
    for (let round = 0; round < PARTITION_WRITE_ROUNDS; round += 1) {
      await Promise.all(ids.map(async (id, i) => {
        const exampleId = `c-${round}-${i}`;
        try {
          await record(members.c.clients.PartnershipService, id, exampleId, admin, 4_000);
          cAcknowledged.push(exampleId);
        } catch (err) {
          // Expected: C cannot commit; the status says "try again" (another silo will serve it).
          cStatuses.add(Status[err.code] ?? String(err.code));
        }
      }));
    }
    assert.deepEqual(cAcknowledged, [], 'C acknowledged writes while cut off from the storage');
    assert.deepEqual([...cStatuses].filter((c) => c !== 'UNAVAILABLE' && c !== 'DEADLINE_EXCEEDED'), [], `C answered with ${[...cStatuses].join(', ')}`);

    // A and B declare C dead; its grains answer again on them, and writes through A are acknowledged.
    // The dashboard lists the silos that are not dead: C drops out of it once it is declared dead.
    await eventually(async () => {
      const view = await dashboardCounters(members.a.dashboardPort, admin);
      return view.hosts.length === 2 && !view.hosts.some((h) => h.siloAddress.startsWith(`${ns.inside}:`) && h.status !== 'Dead');
    }, { timeoutMs: 60_000, intervalMs: 500, what: 'A to see C dead' });
    for (const [i, id] of ids.entries()) {
      await eventually(async () => {
        await record(members.a.clients.PartnershipService, id, `after-${i}`, admin, 5_000);
        return true;
      }, { timeoutMs: 30_000, intervalMs: 200, what: `a write to ${id} through A after C's death` });
      acknowledged.get(id).add(`after-${i}`);
    }

    // The partition heals: C learns from the membership table that it was declared dead and stops.
    members.c.silo.expectExit();
    ns.heal();
    const exit = await Promise.race([
      members.c.silo.exited().then(() => 'exited'),
      new Promise((r) => setTimeout(() => r('still running'), 60_000)),
    ]);
    assert.equal(exit, 'exited', `C kept running after it could see it was declared dead:\n${members.c.silo.output().slice(-3000)}`);

    // Nothing C was sent during the partition is stored; everything acknowledged by A and B is.
    await new Promise((r) => setTimeout(r, 2_000));
    for (const id of ids) {
      const progress = await call(members.b.clients.PartnershipService, 'getProgress', { partnershipId: id }, admin);
      const stored = new Set(progress.systemsChangeExamples.map((e) => e.exampleId));
      assert.deepEqual([...acknowledged.get(id)].filter((e) => !stored.has(e)), [], `${id}: acknowledged writes lost`);
      assert.deepEqual([...stored].filter((e) => e.startsWith('c-')), [], `${id}: a write sent through the partitioned silo was committed`);
    }
  } finally {
    try {
      for (const m of Object.values(members)) await m.stop().catch(() => {});
      await azurite?.stop();
    } finally {
      ns.remove();
    }
  }
});
