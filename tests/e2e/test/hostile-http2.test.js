'use strict';
// Hostile client, HTTP/2 itself (issue 11), with raw clients for what grpc-js will not send: headers over
// MaxRequestHeaderBytes (16 KiB), more concurrent streams than MaxStreamsPerConnection (100), streams opened and never
// sent a request, gzip bombs, more connections than MaxConnectionsPerClient (256). After each: the right refusal,
// memory within +300 MiB, a tenant's calls on time, and the silo serving the next call. The silo runs with the
// default limits (the idle-request case relies on Kestrel's MinRequestBodyDataRate, 240 bytes/s after a 5 s grace).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { startSilo } = require('../lib/silo');
const { connect, call, metadata, strive, Status } = require('../lib/client');
const { profile, coreIndicator } = require('../lib/fixtures');
const h2 = require('../lib/h2raw');
const { MiB, watchMemory, assertMemoryBounded, Victim, assertLatencyHolds, duringAttack, assertServes } = require('../lib/hostile');

const CHECK = '/grpc.health.v1.Health/Check';
const EMPTY = h2.grpcMessage(Buffer.alloc(0));

let silo;
let api;
let victim;
let tenantToken;

before(async () => {
  silo = await startSilo();
  api = connect(silo.address);
  await call(api.PartnershipService, 'registerPartnership', { partnershipId: 'h2-victim', profile: profile('Victim', 'MN') }, silo.adminToken);
  await call(api.IndicatorService, 'defineIndicator', { partnershipId: 'h2-victim', indicatorId: 'reading', definition: coreIndicator('Grade 3 reading', 'OUTCOME_EARLY_GRADE_READING') }, silo.adminToken);
  tenantToken = (await call(api.AdminService, 'issueToken', { role: 'ROLE_PARTNERSHIP', partnershipId: 'h2-victim', description: 'victim' }, silo.adminToken)).secret;
  victim = Victim.start({ address: silo.address, token: tenantToken, kind: 'submitObservations', partnershipId: 'h2-victim', indicatorId: 'reading' });
  await victim.measure(5);
});

after(async () => {
  await victim?.close();
  api?.close();
  await silo?.stop();
});

async function session() {
  const s = h2.connectSession(silo.address, { maxSendHeaderBlockLength: 1024 * 1024 });
  await h2.sessionReady(s);
  return s;
}

/** A health Check on a session must succeed: the connection (or a new one) serves the next call. */
async function assertChecks(s, what) {
  const r = await h2.call(s, CHECK, { body: EMPTY, timeoutMs: 10_000 });
  assert.equal(r.grpcStatus, Status.OK, `${what}: ${JSON.stringify({ ...r, stream: undefined })}`);
  assert.equal(r.messages, 1, what);
}

test('headers over MaxRequestHeaderBytes (one 20 KB value, 400 values of 100 bytes, 1 MB in CONTINUATION frames; the first two also through grpc-js) are refused, and the server serves the next call', async () => {
  const memory = watchMemory(silo.pid);
  // One field of 20 KB: Kestrel answers the stream 431 and keeps the connection.
  const s = await session();
  const one = await h2.call(s, CHECK, { headers: { 'x-pad': 'a'.repeat(20_000) }, body: EMPTY });
  assert.notEqual(one.grpcStatus, Status.OK);
  assert.equal(one.httpStatus, 431, JSON.stringify({ ...one, stream: undefined }));
  await assertChecks(s, 'the same connection after a 20 KB header');
  s.destroy();

  // 40 KB in many fields: the connection is closed with a protocol error.
  const many = {};
  for (let i = 0; i < 400; i += 1) many[`x-h${i}`] = 'b'.repeat(100);
  const s2 = await session();
  const manyResult = await h2.call(s2, CHECK, { headers: many, body: EMPTY });
  assert.notEqual(manyResult.grpcStatus, Status.OK, JSON.stringify({ ...manyResult, stream: undefined }));
  assert.ok(manyResult.rstCode !== undefined || manyResult.error !== undefined || manyResult.httpStatus === 431, 'refused');
  s2.destroy();

  // 1 MB of header block in a HEADERS frame and 63 CONTINUATION frames: the connection is closed, not buffered.
  const raw = await h2.FrameConnection.open(silo.address);
  const id = raw.openStream(silo.address, CHECK, Array.from({ length: 1_000 }, (_, i) => [`x-bomb-${i}`, 'c'.repeat(1_000)]));
  await raw.until(() => raw.closed || raw.goaway !== undefined || raw.rst.has(id) || raw.headers.has(id), 10_000);
  assert.ok(raw.closed || raw.goaway !== undefined || raw.rst.has(id) || raw.headers.has(id), 'the server answered the 1 MB header block');
  assert.equal(raw.data.has(id), false, 'no response message: the call never ran');
  raw.close();

  // grpc-js: one 20 KB value is HTTP 431 (UNKNOWN to grpc-js), 40 KB in 400 values a reset stream (INTERNAL); either
  // way the same channel serves the next call.
  for (const [what, fill, expected] of [
    ['one 20 KB value', (md) => md.set('x-pad', 'd'.repeat(20_000)), Status.UNKNOWN],
    ['400 values of 100 bytes', (md) => { for (let i = 0; i < 400; i += 1) md.set(`x-h${i}`, 'e'.repeat(100)); }, Status.INTERNAL],
  ]) {
    const md = metadata(silo.adminToken);
    fill(md);
    const err = await new Promise((resolve) => api.FrameworkService.listFrameworks({}, md, { deadline: Date.now() + 10_000 }, (e) => resolve(e)));
    assert.equal(err?.code, expected, `grpc-js with ${what} of metadata: ${err?.code} ${err?.details}`);
    const next = await call(api.FrameworkService, 'listFrameworks', {}, silo.adminToken, 5_000);
    assert.ok(next.frameworks.length > 0, `${what}: the same channel serves the next call`);
  }
  console.log(assertMemoryBounded(memory.stop(), 'oversized headers'));
  await assertServes(silo, api);
});

test('300 concurrent streams on one connection, ignoring SETTINGS_MAX_CONCURRENT_STREAMS: the server advertises 100 and refuses the other 200 with REFUSED_STREAM', async () => {
  const raw = await h2.FrameConnection.open(silo.address);
  assert.ok(await raw.until(() => raw.settings.size > 0, 5_000), 'server SETTINGS');
  assert.equal(raw.settings.get(h2.SETTINGS.MAX_CONCURRENT_STREAMS), 100);
  // Streams opened and never ended (no request message): each stays open on the server.
  for (let i = 0; i < 300; i += 1) raw.openStream(silo.address, CHECK);
  await raw.until(() => raw.rst.size >= 200 || raw.closed, 10_000);
  const refused = [...raw.rst.values()].filter((code) => code === h2.RST.REFUSED_STREAM).length;
  assert.equal(refused, 200, `REFUSED_STREAM for ${refused} streams; RST codes ${JSON.stringify([...raw.rst])}, goaway ${JSON.stringify(raw.goaway)}`);
  raw.close();
  await assertServes(silo, api);
});

test('1,000 streams opened without a request message on 10 connections: Kestrel\'s minimum data rate ends every one; unauthenticated client streams end UNAUTHENTICATED at once; a tenant\'s writes stay on time', async () => {
  const memory = watchMemory(silo.pid);
  const baseline = await victim.measure(10);
  const sessions = await Promise.all(Array.from({ length: 10 }, session));
  let results = [];
  const { during } = await duringAttack(victim, 10, async () => {
    // Unary and server-streaming calls (Check, Watch, a strive.v1 read with a token) wait for their request message.
    const paths = [CHECK, '/grpc.health.v1.Health/Watch', '/strive.v1.NetworkService/GetNetworkRollup'];
    results = await Promise.all(sessions.flatMap((s) => Array.from({ length: 100 }, (_, i) => h2.call(s, paths[i % 3], {
      headers: { authorization: `Bearer ${tenantToken}` }, end: false, timeoutMs: 30_000,
    }))));
  });
  const report = memory.stop();
  for (const s of sessions) s.destroy();
  const survivors = results.filter((r) => r.timedOut);
  assert.equal(survivors.length, 0, `${survivors.length} of ${results.length} idle streams were still open after 30 s`);
  assert.equal(results.filter((r) => r.grpcStatus === Status.OK).length, 0, 'no idle call succeeded');
  console.log(assertMemoryBounded(report, '1,000 idle streams'));
  console.log(assertLatencyHolds(baseline, during, 'idle streams'));

  // A client stream of strive.v1 without a token is refused before any message is read.
  const s = await session();
  const unauthenticated = await h2.call(s, '/strive.v1.IndicatorService/UploadObservations', { end: false, timeoutMs: 10_000 });
  assert.equal(unauthenticated.grpcStatus, Status.UNAUTHENTICATED, JSON.stringify({ ...unauthenticated, stream: undefined }));
  s.destroy();
  await assertServes(silo, api);
});

test('gzip bombs (256 MiB inflating from ~256 KB) to a public and a strive.v1 method, 8 at a time: RESOURCE_EXHAUSTED, memory bounded, the connection serves the next call, a tenant\'s writes stay on time', async () => {
  const healthBomb = h2.grpcMessage(await h2.gzipBomb(256 * MiB, 1), { compressed: true });
  // SubmitObservationsRequest field 1 is partnership_id: a 256 MiB string once inflated.
  const submitBomb = healthBomb;
  assert.ok(healthBomb.length < 512 * 1024, `${healthBomb.length} bytes on the wire`);
  const submitPath = strive.IndicatorService.service.SubmitObservations.path;
  const memory = watchMemory(silo.pid);
  const baseline = await victim.measure(10);
  const results = [];
  const { during } = await duringAttack(victim, 10, async (shouldStop) => {
    const until = Date.now() + 20_000;
    for (let round = 0; round < 6 && (round === 0 || !shouldStop()) && Date.now() < until; round += 1) {
      results.push(...await Promise.all(Array.from({ length: 8 }, async (_, i) => {
        const s = await session();
        try {
          const r = i % 2 === 0
            ? await h2.call(s, CHECK, { headers: { 'grpc-encoding': 'gzip' }, body: healthBomb })
            : await h2.call(s, submitPath, { headers: { 'grpc-encoding': 'gzip', authorization: `Bearer ${tenantToken}` }, body: submitBomb });
          const next = await h2.call(s, CHECK, { body: EMPTY, timeoutMs: 10_000 });
          return { ...r, stream: undefined, next: next.grpcStatus };
        } finally {
          s.destroy();
        }
      })));
    }
  });
  const report = memory.stop();
  for (const r of results) {
    assert.equal(r.grpcStatus, Status.RESOURCE_EXHAUSTED, JSON.stringify(r));
    assert.ok(String(r.grpcMessage).length <= 300);
    assert.equal(r.next, Status.OK, 'the same connection serves the next call');
  }
  console.log(assertMemoryBounded(report, `${results.length} gzip bombs of 256 MiB`));
  console.log(assertLatencyHolds(baseline, during, 'gzip bombs'));
  await assertServes(silo, api);
});

test('300 connections from one address: at most MaxConnectionsPerClient (256) are served, the rest closed at once; closing them gives the slots back', async () => {
  const conns = await Promise.all(Array.from({ length: 300 }, () => h2.FrameConnection.open(silo.address).catch(() => null)));
  const opened = conns.filter(Boolean);
  await Promise.all(opened.map((c) => c.until(() => c.settings.size > 0 || c.closed, 5_000)));
  const served = opened.filter((c) => c.settings.size > 0 && !c.closed);
  // The suite's own connections (the grpc-js channel, the victim's) count against the same address.
  assert.ok(served.length <= 256, `${served.length} connections served`);
  assert.ok(served.length >= 250, `${served.length} connections served: the limit is per address, not lower`);
  assert.ok(conns.length - served.length >= 44, `${conns.length - served.length} connections closed`);
  for (const c of opened) c.close();
  // The server counts a connection until it sees it close: a new one is served once it has.
  let ok = false;
  for (let attempt = 0; attempt < 50 && !ok; attempt += 1) {
    const s = h2.connectSession(silo.address);
    const r = await h2.call(s, CHECK, { body: EMPTY, timeoutMs: 2_000 });
    s.destroy();
    ok = r.grpcStatus === Status.OK;
    if (!ok) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  assert.ok(ok, 'a new connection is served once the 300 are closed');
  await assertServes(silo, api);
});
