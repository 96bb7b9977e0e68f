'use strict';
// Wire-level checks of the interop host that the interop cases cannot see through grpc-js
// (grpc-js synthesises statuses and enforces deadlines itself). They follow the gRPC HTTP/2
// protocol and the server checklist in the project's grpc-protocol reference.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const { loadTestingProtos } = require('../lib/proto');
const { startInteropServer } = require('../lib/server-host');
const { rawCall } = require('../lib/raw-grpc');

const SPECIAL_STATUS_MESSAGE = '\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n';
const protos = loadTestingProtos();
let server;

before(async () => {
  server = await startInteropServer();
  console.log(`interop server: ${server.label} at ${server.address}`);
});

after(async () => {
  await server?.stop();
});

test('wire_UnimplementedMethod_TrailersOnlyStatus12', async () => {
  const result = await rawCall(server.address, '/grpc.testing.TestService/UnimplementedCall', [{ bytes: Buffer.alloc(0) }]);
  assert.equal(result.httpStatus, 200);
  assert.equal(result.status, 12);
  assert.equal(result.trailersOnly, true, 'an immediate error should be a single HEADERS frame (Trailers-Only)');
  assert.equal(result.messages.length, 0);
});

test('wire_SpecialStatusMessage_PercentEncodedAsPrintableAscii', async () => {
  const codec = protos.codec('TestService', 'UnaryCall');
  const request = codec.requestSerialize({ response_status: { code: 2, message: SPECIAL_STATUS_MESSAGE } });
  const result = await rawCall(server.address, '/grpc.testing.TestService/UnaryCall', [{ bytes: request }]);
  assert.equal(result.status, 2);
  assert.match(result.rawStatusMessage, /^[\x20-\x7e]*$/, 'grpc-message must be percent-encoded printable ASCII');
  assert.equal(result.statusMessage, SPECIAL_STATUS_MESSAGE);
});

test('wire_GrpcTimeoutOnOpenStream_ServerEndsCallWithDeadlineExceeded', async () => {
  const codec = protos.codec('TestService', 'FullDuplexCall');
  const request = codec.requestSerialize({ payload: { type: 'COMPRESSABLE', body: Buffer.alloc(27182) } });
  const started = Date.now();
  // The client never half-closes, so only the server's own deadline can end this call.
  const outcome = await rawCall(server.address, '/grpc.testing.TestService/FullDuplexCall', [{ bytes: request }],
    { 'grpc-timeout': '200m' }, { halfClose: false }).catch((err) => err);
  const elapsed = Date.now() - started;
  const deadlineStatus = outcome.status === 4;
  const cancelReset = outcome.rstCode === 8 && outcome.status === undefined;
  assert.ok(deadlineStatus || cancelReset,
    `expected grpc-status 4 (or RST_STREAM CANCEL), got status ${outcome.status} rst ${outcome.rstCode} ${outcome.message ?? ''}`);
  assert.ok(elapsed >= 150, `call ended after ${elapsed} ms, before its 200 ms deadline`);
  assert.ok(elapsed < 10_000, `call ended after ${elapsed} ms`);
});

test('wire_NonGrpcContentType_Http415', async () => {
  const outcome = await rawCall(server.address, '/grpc.testing.TestService/EmptyCall', [{ bytes: Buffer.alloc(0) }],
    { 'content-type': 'application/json' }).catch((err) => err);
  assert.equal(outcome.httpStatus, 415, `expected HTTP 415, got ${outcome.httpStatus} (${outcome.message ?? `grpc-status ${outcome.status}`})`);
});
