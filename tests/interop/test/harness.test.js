'use strict';
// Checks of the suite's own machinery: server discovery, process start-up and the raw framing
// reader that the server_compressed_* cases rely on. None of these needs the C# host.
const { test, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { resolveServerDll, spawnAnnouncingServer, startInteropServer } = require('../lib/server-host');
const { frame, parseFrames } = require('../lib/raw-grpc');
const { encodeGrpcMessage } = require('../reference-server');

const tempDirs = [];
after(() => { for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true }); });

function tempHostProject(configurations) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'interop-host-'));
  tempDirs.push(dir);
  for (const c of configurations) {
    fs.mkdirSync(path.join(dir, 'bin', c, 'net10.0'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'bin', c, 'net10.0', 'StriveNetwork.Grpc.Interop.dll'), '');
  }
  return dir;
}

test('resolveServerDll_NoBuild_FailsWithBuildHint', () => {
  const dir = tempHostProject([]);
  assert.throws(() => resolveServerDll({}, dir), /not built[\s\S]*dotnet build StriveNetwork\.sln/);
});

test('resolveServerDll_BothBuilds_PrefersRelease', () => {
  const dir = tempHostProject(['Debug', 'Release']);
  assert.equal(resolveServerDll({}, dir), path.join(dir, 'bin', 'Release', 'net10.0', 'StriveNetwork.Grpc.Interop.dll'));
});

test('resolveServerDll_OnlyDebug_UsesDebug', () => {
  const dir = tempHostProject(['Debug']);
  assert.equal(resolveServerDll({}, dir), path.join(dir, 'bin', 'Debug', 'net10.0', 'StriveNetwork.Grpc.Interop.dll'));
});

test('resolveServerDll_MissingExplicitDll_Fails', () => {
  const dir = tempHostProject(['Release']);
  assert.throws(() => resolveServerDll({ INTEROP_SERVER_DLL: path.join(dir, 'nope.dll') }, dir), /does not exist/);
  assert.throws(() => resolveServerDll({ INTEROP_SERVER_DLL: '' }, dir), /does not exist/);
});

test('startInteropServer_MalformedAddress_Fails', async () => {
  await assert.rejects(startInteropServer({ INTEROP_SERVER_ADDRESS: '' }), /host:port/);
  await assert.rejects(startInteropServer({ INTEROP_SERVER_ADDRESS: '127.0.0.1' }), /host:port/);
  const external = await startInteropServer({ INTEROP_SERVER_ADDRESS: '127.0.0.1:50051' });
  assert.equal(external.address, '127.0.0.1:50051');
});

test('spawnAnnouncingServer_ProcessExitsEarly_FailsWithItsOutput', async () => {
  const script = "console.log('booting'); console.error('no port for you'); process.exit(3)";
  await assert.rejects(spawnAnnouncingServer(process.execPath, ['-e', script], 'early-exit'),
    (err) => /exited before announcing its port \(code 3/.test(err.message) && /no port for you/.test(err.message));
});

test('spawnAnnouncingServer_ReferenceServer_AnnouncesLoopbackPortAndStops', async () => {
  const server = await spawnAnnouncingServer(process.execPath, [path.join(__dirname, '..', 'reference-server.js'), '--port', '0'], 'reference');
  try {
    assert.match(server.address, /^127\.0\.0\.1:\d+$/);
    assert.notEqual(server.address, '127.0.0.1:0');
  } finally {
    await server.stop();
  }
});

test('parseFrames_SeveralMessages_KeepsFlagsAndBoundaries', () => {
  const body = Buffer.concat([frame(Buffer.from([1, 2, 3]), true), frame(Buffer.alloc(0)), frame(Buffer.from([9]))]);
  const messages = parseFrames(body);
  assert.deepEqual(messages.map((m) => m.compressed), [true, false, false]);
  assert.deepEqual(messages.map((m) => [...m.wire]), [[1, 2, 3], [], [9]]);
});

test('parseFrames_BadInput_Throws', () => {
  assert.throws(() => parseFrames(Buffer.from([0, 0, 0])), /truncated message prefix/);
  assert.throws(() => parseFrames(Buffer.from([0, 0, 0, 0, 5, 1])), /truncated message/);
  assert.throws(() => parseFrames(Buffer.from([2, 0, 0, 0, 0])), /invalid compressed flag 2/);
});

test('encodeGrpcMessage_SpecialStatusMessage_PercentEncodesUtf8OutsidePrintableAscii', () => {
  assert.equal(encodeGrpcMessage('plain text'), 'plain text');
  assert.equal(encodeGrpcMessage('100%'), '100%25');
  assert.equal(encodeGrpcMessage('\t\n☺😈'), '%09%0A%E2%98%BA%F0%9F%98%88');
  assert.equal(decodeURIComponent(encodeGrpcMessage('\t\ntest ☺ 😈\r\n')), '\t\ntest ☺ 😈\r\n');
});
