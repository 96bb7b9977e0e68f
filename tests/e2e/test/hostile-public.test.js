'use strict';
// Hostile client, the public streams (issue 11): health Watch and reflection need no token, and 100 connections x 100
// idle streams used to stay open for ever. Now one client address holds at most MaxPublicStreamsPerClient (16) of
// them, a Watch ends at PublicStreamLifetime and an idle reflection stream at StreamIdleTimeout.
// Small limits keep it fast (set through the environment): PublicStreamLifetime 4 s (default 10 min),
// StreamIdleTimeout 2 s (default 30 s); MaxPublicStreamsPerClient is the default 16.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { performance } = require('node:perf_hooks');
const protoLoader = require('@grpc/proto-loader');
const { startSilo } = require('../lib/silo');
const { grpc, connect, call, Status } = require('../lib/client');
const { profile } = require('../lib/fixtures');
const h2 = require('../lib/h2raw');
const { watchMemory, assertMemoryBounded, Victim, assertLatencyHolds, duringAttack, assertServes } = require('../lib/hostile');

const PUBLIC_STREAMS = 16;
const LIFETIME_S = 4;
const WATCH = '/grpc.health.v1.Health/Watch';
const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(
  ['grpc/reflection/v1/reflection.proto'],
  { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [path.resolve(__dirname, '..', 'protos')] },
));

let silo;
let api;
let victim;

before(async () => {
  silo = await startSilo({
    extraEnv: { Strive__Limits__PublicStreamLifetime: `00:00:0${LIFETIME_S}`, Strive__Limits__StreamIdleTimeout: '00:00:02' },
  });
  api = connect(silo.address);
  await call(api.PartnershipService, 'registerPartnership', { partnershipId: 'public-victim', profile: profile('Victim', 'MN') }, silo.adminToken);
  const { secret } = await call(api.AdminService, 'issueToken', { role: 'ROLE_PARTNERSHIP', partnershipId: 'public-victim', description: 'victim' }, silo.adminToken);
  victim = Victim.start({ address: silo.address, token: secret, kind: 'getProgress', partnershipId: 'public-victim' });
  await victim.measure(5);
});

after(async () => {
  await victim?.close();
  api?.close();
  await silo?.stop();
});

/**
 * A health Watch over a raw session: `first` resolves at its first message (true) or at its end without one (false),
 * `done` to the call's result with `firstAt`, the time of the first message.
 */
function rawWatch(session, timeoutMs = 30_000) {
  let admitted;
  let firstAt;
  const first = new Promise((resolve) => { admitted = resolve; });
  const done = h2.call(session, WATCH, {
    body: h2.grpcMessage(Buffer.alloc(0)), timeoutMs, onMessage: () => { firstAt ??= performance.now(); admitted(true); },
  }).then((result) => ({ ...result, firstAt }));
  done.then(() => admitted(false));
  return { first, done };
}

/**
 * The most admitted watches whose first message came within one window of `windowMs`. A slot is held from admission
 * to the end of the stream, PublicStreamLifetime later, so with the limit no window shorter than the lifetime can
 * hold more than the limit; the window is a second shorter to allow for delivery delays.
 */
function mostAdmittedWithin(results, windowMs) {
  const times = results.map((r) => r.firstAt).sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < times.length; j += 1) {
    while (times[j] - times[i] >= windowMs) i += 1;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

/** A reflection stream with grpc-js; resolves `ended` to { err, messages }. `every` ms it asks for the service list (0: never). */
function reflection({ every = 0 } = {}) {
  const client = new loaded.grpc.reflection.v1.ServerReflection(silo.address, grpc.credentials.createInsecure(),
    { 'grpc.use_local_subchannel_pool': 1 });
  const stream = client.serverReflectionInfo({ deadline: Date.now() + 30_000 });
  let messages = 0;
  let timer;
  stream.on('data', () => { messages += 1; });
  const ended = new Promise((resolve) => {
    stream.on('error', (err) => resolve({ err, messages }));
    stream.on('end', () => resolve({ err: null, messages }));
  }).finally(() => { clearInterval(timer); client.close(); });
  if (every > 0) {
    stream.write({ listServices: '' });
    timer = setInterval(() => stream.write({ listServices: '' }), every);
  }
  return { stream, ended };
}

test(`100 connections x 100 health Watch streams: at most ${PUBLIC_STREAMS} at once for the address, the rest RESOURCE_EXHAUSTED at once, the admitted ended at PublicStreamLifetime; memory bounded, a tenant's reads on time`, async () => {
  const memory = watchMemory(silo.pid);
  const baseline = await victim.measure(15);
  const sessions = await Promise.all(Array.from({ length: 100 }, async () => {
    const session = h2.connectSession(silo.address);
    await h2.sessionReady(session);
    return session;
  }));
  let watches = [];
  const { during } = await duringAttack(victim, 15, async () => {
    watches = sessions.flatMap((session) => Array.from({ length: 100 }, () => rawWatch(session)));
    await Promise.all(watches.map((w) => w.first));
  });
  const results = await Promise.all(watches.map((w) => w.done));
  const report = memory.stop();
  for (const session of sessions) session.destroy();

  const admitted = results.filter((r) => r.messages > 0);
  const refused = results.filter((r) => r.messages === 0);
  // A flood slower than the lifetime sees slots come back, so more than 16 may be admitted over the whole attack,
  // but never more than 16 at once.
  assert.ok(admitted.length >= PUBLIC_STREAMS, `${admitted.length} watches admitted`);
  const most = mostAdmittedWithin(admitted, (LIFETIME_S - 1) * 1000);
  assert.ok(most <= PUBLIC_STREAMS, `${most} watches admitted within ${LIFETIME_S - 1} s`);
  console.log(`${results.length} watches: ${admitted.length} admitted over the attack, at most ${most} within ${LIFETIME_S - 1} s; ${refused.length} refused`);
  for (const r of refused) {
    assert.equal(r.grpcStatus, Status.RESOURCE_EXHAUSTED, JSON.stringify({ ...r, stream: undefined }));
    assert.match(r.grpcMessage, /limit MaxPublicStreamsPerClient/);
  }
  for (const r of admitted) {
    assert.equal(r.grpcStatus, Status.DEADLINE_EXCEEDED, JSON.stringify({ ...r, stream: undefined }));
    assert.match(r.grpcMessage, /PublicStreamLifetime/);
  }
  console.log(assertMemoryBounded(report, `${results.length} health Watch streams on 100 connections`));
  console.log(assertLatencyHolds(baseline, during, 'public stream flood'));
  await assertServes(silo, api);
});

test('reflection: an idle stream ends DEADLINE_EXCEEDED at StreamIdleTimeout, a busy one at PublicStreamLifetime, and both take the same per-address slots as Watch', async () => {
  const idle = reflection();
  const busy = reflection({ every: 300 });
  const [idleEnd, busyEnd] = await Promise.all([idle.ended, busy.ended]);
  assert.equal(idleEnd.err?.code, Status.DEADLINE_EXCEEDED, `idle: ${idleEnd.err?.code} ${idleEnd.err?.details}`);
  assert.match(idleEnd.err.details, /limit StreamIdleTimeout/);
  assert.equal(busyEnd.err?.code, Status.DEADLINE_EXCEEDED, `busy: ${busyEnd.err?.code} ${busyEnd.err?.details}`);
  assert.match(busyEnd.err.details, /limit PublicStreamLifetime/);
  assert.ok(busyEnd.messages >= 3, `the busy stream was answered (${busyEnd.messages} responses) until its lifetime ended it`);

  // 16 Watch streams hold every slot of the address: a reflection stream is refused, then admitted once they end.
  const session = h2.connectSession(silo.address);
  await h2.sessionReady(session);
  const watches = Array.from({ length: PUBLIC_STREAMS }, () => rawWatch(session));
  assert.deepEqual(await Promise.all(watches.map((w) => w.first)), Array(PUBLIC_STREAMS).fill(true), 'the 16 watches are admitted');
  const refused = await reflection({ every: 300 }).ended;
  assert.equal(refused.err?.code, Status.RESOURCE_EXHAUSTED, `reflection beyond the slots: ${refused.err?.code} ${refused.err?.details}`);
  assert.match(refused.err.details, /limit MaxPublicStreamsPerClient/);
  for (const w of watches) (await w.done).stream?.close();
  session.destroy();
  const again = reflection({ every: 300 });
  const againEnd = await again.ended;
  assert.ok(againEnd.messages >= 1, `a slot came back: ${againEnd.err?.code} ${againEnd.err?.details}`);
  await assertServes(silo, api);
});

test('after the attacks the address has its slots back: a new Watch reports SERVING', async () => {
  const session = h2.connectSession(silo.address);
  await h2.sessionReady(session);
  const watch = rawWatch(session);
  assert.equal(await watch.first, true, 'admitted');
  session.destroy();
  await assertServes(silo, api);
});
