'use strict';
// grpc.testing.TestService interop cases (grpc/grpc doc/interop-test-descriptions.md), run with
// @grpc/grpc-js against the C# interop host (or INTEROP_SERVER_ADDRESS). One test per case.
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const grpc = require('@grpc/grpc-js');
const { loadTestingProtos } = require('../lib/proto');
const { startInteropServer } = require('../lib/server-host');
const { unary, collect, clientStream, withDeadline } = require('../lib/calls');
const { rawCall } = require('../lib/raw-grpc');

const Status = grpc.status;
const GZIP = 2; // grpc-js CompressionAlgorithms.gzip
const NO_COMPRESS = 2; // grpc-js WriteFlags.NoCompress, passed as write()'s encoding argument
const ECHO_INITIAL_KEY = 'x-grpc-test-echo-initial';
const ECHO_INITIAL_VALUE = 'test_initial_metadata_value';
const ECHO_TRAILING_KEY = 'x-grpc-test-echo-trailing-bin';
const ECHO_TRAILING_VALUE = Buffer.from([0xab, 0xab, 0xab]);
const SPECIAL_STATUS_MESSAGE = '\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n';

const protos = loadTestingProtos();
let server;
let plain; // no compression: every request message goes out uncompressed, no grpc-encoding header
let gzip; // grpc.default_compression_algorithm = gzip: request messages compressed unless NoCompress
let unimplemented;

const channelOptions = { 'grpc.max_receive_message_length': 8 * 1024 * 1024 };
const zeros = (size) => ({ type: 'COMPRESSABLE', body: Buffer.alloc(size) });

function assertOk(result, what) {
  assert.equal(result.error ?? null, null, `${what}: unexpected error ${result.error && `${result.error.code} ${result.error.details}`}`);
  assert.equal(result.status.code, Status.OK, `${what}: status ${result.status.code} '${result.status.details}'`);
}

function assertZeroPayload(payload, size, what) {
  assert.ok(payload, `${what}: response has no payload`);
  assert.equal(payload.body.length, size, `${what}: payload size`);
  assert.ok(payload.body.every((b) => b === 0), `${what}: payload body is not all zeros`);
}

function assertStatus(result, code, what) {
  assert.equal(result.status.code, code, `${what}: expected status ${Status[code]}, got ${Status[result.status.code]} (${result.status.code}) '${result.status.details}'`);
}

function echoMetadata() {
  const md = new grpc.Metadata();
  md.set(ECHO_INITIAL_KEY, ECHO_INITIAL_VALUE);
  md.set(ECHO_TRAILING_KEY, ECHO_TRAILING_VALUE);
  return md;
}

function assertEchoedMetadata(result, what) {
  assert.ok(result.headers, `${what}: no initial metadata received`);
  assert.deepEqual(result.headers.get(ECHO_INITIAL_KEY), [ECHO_INITIAL_VALUE], `${what}: initial metadata echo`);
  const trailing = result.status.metadata.get(ECHO_TRAILING_KEY);
  assert.equal(trailing.length, 1, `${what}: trailing metadata ${ECHO_TRAILING_KEY} count`);
  assert.ok(Buffer.isBuffer(trailing[0]), `${what}: trailing -bin value must decode to bytes`);
  assert.deepEqual([...trailing[0]], [...ECHO_TRAILING_VALUE], `${what}: trailing metadata echo`);
}

before(async () => {
  server = await startInteropServer();
  console.log(`interop server: ${server.label} at ${server.address}`);
  const credentials = grpc.credentials.createInsecure();
  plain = new protos.TestService(server.address, credentials, channelOptions);
  gzip = new protos.TestService(server.address, credentials, { ...channelOptions, 'grpc.default_compression_algorithm': GZIP });
  unimplemented = new protos.UnimplementedService(server.address, credentials, channelOptions);
});

after(async () => {
  for (const client of [plain, gzip, unimplemented]) client?.close();
  await server?.stop();
});

test('empty_unary', async () => {
  const result = await unary(plain, 'EmptyCall', {});
  assertOk(result, 'EmptyCall');
  assert.ok(result.response !== null && typeof result.response === 'object', 'response is non-null');
  assert.deepEqual(Object.keys(result.response), [], 'Empty has no fields');
});

test('large_unary', async () => {
  const result = await unary(plain, 'UnaryCall', { response_type: 'COMPRESSABLE', response_size: 314159, payload: zeros(271828) });
  assertOk(result, 'UnaryCall');
  assertZeroPayload(result.response.payload, 314159, 'UnaryCall');
});

test('client_streaming', async () => {
  const sizes = [27182, 8, 1828, 45904];
  const result = await clientStream(plain, 'StreamingInputCall', sizes.map((s) => ({ message: { payload: zeros(s) } })));
  assertOk(result, 'StreamingInputCall');
  assert.equal(result.response.aggregated_payload_size, 74922);
});

test('server_streaming', async () => {
  const sizes = [31415, 9, 2653, 58979];
  const call = plain.StreamingOutputCall(
    { response_type: 'COMPRESSABLE', response_parameters: sizes.map((size) => ({ size })) },
    new grpc.Metadata(), withDeadline());
  const result = await collect(call);
  assertOk(result, 'StreamingOutputCall');
  assert.deepEqual(result.messages.map((m) => m.payload.body.length), sizes);
  result.messages.forEach((m, i) => assertZeroPayload(m.payload, sizes[i], `response ${i}`));
});

test('ping_pong', async () => {
  const requestSizes = [27182, 8, 1828, 45904];
  const responseSizes = [31415, 9, 2653, 58979];
  const call = plain.FullDuplexCall(new grpc.Metadata(), withDeadline());
  const send = (i) => call.write({
    response_type: 'COMPRESSABLE', response_parameters: [{ size: responseSizes[i] }], payload: zeros(requestSizes[i]),
  });
  // Strict lock-step: the next request goes out only after the previous reply arrived.
  const result = collect(call, (_message, received) => {
    if (received < requestSizes.length) send(received); else call.end();
  });
  send(0);
  const { messages, status, error } = await result;
  assert.equal(error ?? null, null, `FullDuplexCall error ${error && error.details}`);
  assert.equal(status.code, Status.OK);
  assert.deepEqual(messages.map((m) => m.payload.body.length), responseSizes);
  messages.forEach((m, i) => assertZeroPayload(m.payload, responseSizes[i], `response ${i}`));
});

test('empty_stream', async () => {
  const call = plain.FullDuplexCall(new grpc.Metadata(), withDeadline());
  const result = collect(call);
  call.end();
  const { messages, status } = await result;
  assert.equal(status.code, Status.OK, `status '${status.details}'`);
  assert.equal(messages.length, 0);
});

test('cancel_after_begin', async () => {
  const result = await clientStream(plain, 'StreamingInputCall', [], { onCall: (call) => setImmediate(() => call.cancel()) });
  assertStatus(result, Status.CANCELLED, 'StreamingInputCall');
  assert.equal(result.error.code, Status.CANCELLED);
  // The server must survive the reset stream.
  assertOk(await unary(plain, 'EmptyCall', {}), 'EmptyCall after cancel');
});

test('cancel_after_first_response', async () => {
  const call = plain.FullDuplexCall(new grpc.Metadata(), withDeadline());
  const result = collect(call, () => call.cancel());
  call.write({ response_type: 'COMPRESSABLE', response_parameters: [{ size: 31415 }], payload: zeros(27182) });
  const { messages, status, error } = await result;
  assert.equal(status.code, Status.CANCELLED, `status ${status.code} '${status.details}'`);
  assert.equal(error.code, Status.CANCELLED);
  assert.equal(messages.length, 1, 'exactly the first response arrived before the cancel');
  assertZeroPayload(messages[0].payload, 31415, 'first response');
  assertOk(await unary(plain, 'EmptyCall', {}), 'EmptyCall after cancel');
});

test('timeout_on_sleeping_server', async () => {
  const call = plain.FullDuplexCall(new grpc.Metadata(), { deadline: Date.now() + 1 });
  const result = collect(call);
  call.write({ payload: zeros(27182) });
  const { status } = await result;
  assert.equal(status.code, Status.DEADLINE_EXCEEDED, `status ${status.code} '${status.details}'`);
  // A deadline the server saw (or a reset it received) must not break the connection or the server.
  assertOk(await unary(plain, 'EmptyCall', {}), 'EmptyCall after deadline');
});

test('custom_metadata', async () => {
  const unaryResult = await unary(plain, 'UnaryCall',
    { response_type: 'COMPRESSABLE', response_size: 314159, payload: zeros(271828) }, echoMetadata());
  assertOk(unaryResult, 'UnaryCall');
  assertZeroPayload(unaryResult.response.payload, 314159, 'UnaryCall');
  assertEchoedMetadata(unaryResult, 'UnaryCall');

  const call = plain.FullDuplexCall(echoMetadata(), withDeadline());
  const pending = collect(call);
  call.write({ response_type: 'COMPRESSABLE', response_parameters: [{ size: 314159 }], payload: zeros(271828) });
  call.end();
  const duplexResult = await pending;
  assertOk(duplexResult, 'FullDuplexCall');
  assert.equal(duplexResult.messages.length, 1);
  assertZeroPayload(duplexResult.messages[0].payload, 314159, 'FullDuplexCall');
  assertEchoedMetadata(duplexResult, 'FullDuplexCall');
});

test('status_code_and_message', async () => {
  const responseStatus = { code: 2, message: 'test status message' };
  const unaryResult = await unary(plain, 'UnaryCall', { response_status: responseStatus });
  assertStatus(unaryResult, Status.UNKNOWN, 'UnaryCall');
  assert.equal(unaryResult.status.details, responseStatus.message);
  assert.equal(unaryResult.error.details, responseStatus.message);

  const call = plain.FullDuplexCall(new grpc.Metadata(), withDeadline());
  const pending = collect(call);
  call.write({ response_status: responseStatus });
  call.end();
  const duplexResult = await pending;
  assertStatus(duplexResult, Status.UNKNOWN, 'FullDuplexCall');
  assert.equal(duplexResult.status.details, responseStatus.message);
  assert.equal(duplexResult.messages.length, 0);
});

test('special_status_message', async () => {
  const result = await unary(plain, 'UnaryCall', { response_status: { code: 2, message: SPECIAL_STATUS_MESSAGE } });
  assertStatus(result, Status.UNKNOWN, 'UnaryCall');
  assert.equal(result.status.details, SPECIAL_STATUS_MESSAGE);
});

test('unimplemented_method', async () => {
  const result = await unary(plain, 'UnimplementedCall', {});
  assertStatus(result, Status.UNIMPLEMENTED, 'TestService/UnimplementedCall');
});

test('unimplemented_service', async () => {
  const result = await unary(unimplemented, 'UnimplementedCall', {});
  assertStatus(result, Status.UNIMPLEMENTED, 'UnimplementedService/UnimplementedCall');
});

// Deviation (docs/interop.md): grpc-js has no per-call or per-message compression switch for unary
// calls, so the uncompressed calls go over a channel without compression (no grpc-encoding header)
// and the compressed call over a channel whose default algorithm is gzip.
test('client_compressed_unary', async () => {
  const request = (expect) => ({
    expect_compressed: { value: expect }, response_type: 'COMPRESSABLE', response_size: 314159, payload: zeros(271828),
  });
  const probe = await unary(plain, 'UnaryCall', request(true));
  assertStatus(probe, Status.INVALID_ARGUMENT, 'probe: uncompressed request with expect_compressed=true');

  const compressed = await unary(gzip, 'UnaryCall', request(true));
  assertOk(compressed, 'gzip-compressed request with expect_compressed=true');
  assertZeroPayload(compressed.response.payload, 314159, 'compressed call');

  const uncompressed = await unary(plain, 'UnaryCall', request(false));
  assertOk(uncompressed, 'uncompressed request with expect_compressed=false');
  assertZeroPayload(uncompressed.response.payload, 314159, 'uncompressed call');
});

// grpc-js can express this case exactly: the stream carries grpc-encoding: gzip, the first message
// is compressed and the second is sent with WriteFlags.NoCompress (compressed flag 0).
test('client_compressed_streaming', async () => {
  const probe = await clientStream(plain, 'StreamingInputCall',
    [{ message: { expect_compressed: { value: true }, payload: zeros(27182) } }]);
  assertStatus(probe, Status.INVALID_ARGUMENT, 'probe: uncompressed message with expect_compressed=true');

  const result = await clientStream(gzip, 'StreamingInputCall', [
    { message: { expect_compressed: { value: true }, payload: zeros(27182) } },
    { message: { expect_compressed: { value: false }, payload: zeros(45904) }, flags: NO_COMPRESS },
  ]);
  assertOk(result, 'compressed then uncompressed message');
  assert.equal(result.response.aggregated_payload_size, 73086);
});

// grpc-js does not expose the per-message compressed flag, so each case runs twice: through grpc-js
// (decoding and sizes) and through a raw node:http2 call (the flag on the wire).
test('server_compressed_unary', async () => {
  const codec = protos.codec('TestService', 'UnaryCall');
  for (const compress of [true, false]) {
    const request = { response_compressed: { value: compress }, response_type: 'COMPRESSABLE', response_size: 314159, payload: zeros(271828) };
    const what = `response_compressed=${compress}`;
    const result = await unary(plain, 'UnaryCall', request);
    assertOk(result, what);
    assertZeroPayload(result.response.payload, 314159, what);

    const raw = await rawCall(server.address, '/grpc.testing.TestService/UnaryCall', [{ bytes: codec.requestSerialize(request) }]);
    assert.equal(raw.status, 0, `${what} (raw): status ${raw.status} '${raw.statusMessage}'`);
    assert.equal(raw.messages.length, 1, `${what} (raw): one response message`);
    assert.equal(raw.messages[0].compressed, compress, `${what}: compressed flag on the wire`);
    assertZeroPayload(codec.responseDeserialize(raw.messages[0].bytes).payload, 314159, `${what} (raw)`);
  }
});

test('server_compressed_streaming', async () => {
  const request = {
    response_type: 'COMPRESSABLE',
    response_parameters: [{ compressed: { value: true }, size: 31415 }, { compressed: { value: false }, size: 92653 }],
  };
  const result = await collect(plain.StreamingOutputCall(request, new grpc.Metadata(), withDeadline()));
  assertOk(result, 'StreamingOutputCall');
  assert.deepEqual(result.messages.map((m) => m.payload.body.length), [31415, 92653]);
  result.messages.forEach((m, i) => assertZeroPayload(m.payload, [31415, 92653][i], `response ${i}`));

  const codec = protos.codec('TestService', 'StreamingOutputCall');
  const raw = await rawCall(server.address, '/grpc.testing.TestService/StreamingOutputCall', [{ bytes: codec.requestSerialize(request) }]);
  assert.equal(raw.status, 0, `raw: status ${raw.status} '${raw.statusMessage}'`);
  assert.deepEqual(raw.messages.map((m) => m.compressed), [true, false], 'compressed flags on the wire');
  assert.deepEqual(raw.messages.map((m) => codec.responseDeserialize(m.bytes).payload.body.length), [31415, 92653]);
});
