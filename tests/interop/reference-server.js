#!/usr/bin/env node
'use strict';
// Reference grpc.testing.TestService used to self-check the interop client (see docs/interop.md).
// It is written on node:http2 rather than the @grpc/grpc-js server because the grpc-js server can
// neither compress responses nor tell a handler whether a request message was compressed, and the
// CompressedRequest / CompressedResponse features need both. Messages are (de)serialized with the
// same @grpc/proto-loader definitions as the client.
//
// Usage: node reference-server.js [--port N]   (prints "interop server listening on 127.0.0.1:<port>")
const http2 = require('node:http2');
const zlib = require('node:zlib');
const { loadTestingProtos } = require('./lib/proto');

const STATUS = { OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, UNIMPLEMENTED: 12, INTERNAL: 13 };
const SERVICE = 'grpc.testing.TestService';
const MAX_MESSAGE = 4 * 1024 * 1024;
const TIMEOUT_UNITS_MS = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

const protos = loadTestingProtos();
const codec = (method) => protos.codec('TestService', method);

/** Percent-encodes a status message: UTF-8, then every byte outside 0x20-0x7E, and '%'. */
function encodeGrpcMessage(message) {
  let out = '';
  for (const byte of Buffer.from(message, 'utf8')) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25
      ? String.fromCharCode(byte)
      : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

class RpcError extends Error {
  constructor(code, details) {
    super(details);
    this.code = code;
  }
}

/** One server call: incremental message reader plus the response/status writer. */
class ServerCall {
  constructor(stream, headers) {
    this.stream = stream;
    this.requestHeaders = headers;
    this.requestEncoding = headers['grpc-encoding'] ?? 'identity';
    const accepted = String(headers['grpc-accept-encoding'] ?? '').split(',').map((s) => s.trim());
    this.responseEncoding = accepted.includes('gzip') ? 'gzip' : 'identity';
    this.headersSent = false;
    this.finished = false;
    this.buffer = Buffer.alloc(0);
    this.inbox = [];
    this.waiters = [];
    this.halfClosed = false;
    this.readError = null;
    stream.on('data', (chunk) => this.onData(chunk));
    stream.on('end', () => { this.halfClosed = true; this.wake(); });
    stream.on('close', () => { this.finished = true; this.wake(); clearTimeout(this.deadlineTimer); });
    stream.on('error', () => {});
    this.armDeadline(headers['grpc-timeout']);
  }

  armDeadline(value) {
    if (value === undefined) return;
    const match = /^(\d{1,8})([HMSmun])$/.exec(String(value));
    if (!match) return;
    const ms = Math.max(0, Number(match[1]) * TIMEOUT_UNITS_MS[match[2]]);
    this.deadlineTimer = setTimeout(() => {
      this.sendStatus(STATUS.DEADLINE_EXCEEDED, 'Deadline exceeded');
      // Like other servers: deliver the status, then reset so the client stops sending.
      setImmediate(() => { if (!this.stream.destroyed) this.stream.close(http2.constants.NGHTTP2_CANCEL); });
    }, ms);
  }

  onData(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 5) {
      const flag = this.buffer.readUInt8(0);
      const length = this.buffer.readUInt32BE(1);
      if (length > MAX_MESSAGE) { this.readError = new RpcError(8, 'Received message exceeds the maximum configured message size.'); break; }
      if (this.buffer.length < 5 + length) break;
      const wire = this.buffer.subarray(5, 5 + length);
      this.buffer = this.buffer.subarray(5 + length);
      try {
        this.inbox.push({ compressed: flag === 1, bytes: this.decode(flag, wire) });
      } catch (err) {
        this.readError = err;
      }
    }
    this.wake();
  }

  decode(flag, wire) {
    if (flag === 0) return Buffer.from(wire);
    if (flag !== 1) throw new RpcError(STATUS.INTERNAL, `Invalid compressed flag ${flag}.`);
    switch (this.requestEncoding) {
      case 'gzip': return zlib.gunzipSync(wire);
      case 'deflate': return zlib.inflateSync(wire);
      case 'identity': throw new RpcError(STATUS.INTERNAL, 'Compressed message with identity encoding.');
      default: throw new RpcError(STATUS.UNIMPLEMENTED, `Unsupported grpc-encoding '${this.requestEncoding}'.`);
    }
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Next request message ({ compressed, bytes }) or null after the client's half-close. */
  async read() {
    for (;;) {
      if (this.readError) throw this.readError;
      if (this.inbox.length > 0) return this.inbox.shift();
      if (this.halfClosed || this.finished) {
        if (this.buffer.length > 0) throw new RpcError(STATUS.INTERNAL, 'Incomplete message.');
        return null;
      }
      await new Promise((resolve) => this.waiters.push(resolve));
    }
  }

  async readSingle(method) {
    const first = await this.read();
    if (!first) throw new RpcError(STATUS.INTERNAL, 'No request message.');
    if (await this.read()) throw new RpcError(STATUS.INTERNAL, 'Additional data after the message received.');
    return { ...first, request: codec(method).requestDeserialize(first.bytes) };
  }

  responseHeaders() {
    const headers = {
      ':status': 200,
      'content-type': 'application/grpc',
      'grpc-accept-encoding': 'identity,deflate,gzip',
    };
    if (this.responseEncoding !== 'identity') headers['grpc-encoding'] = this.responseEncoding;
    const echo = this.requestHeaders['x-grpc-test-echo-initial'];
    if (echo !== undefined) headers['x-grpc-test-echo-initial'] = echo;
    return headers;
  }

  sendHeaders() {
    if (this.headersSent || this.finished) return;
    this.headersSent = true;
    this.stream.respond(this.responseHeaders(), { waitForTrailers: true });
    this.stream.on('wantTrailers', () => this.stream.sendTrailers(this.trailers));
  }

  async send(method, message, compress = false) {
    if (this.finished) return;
    this.sendHeaders();
    const bytes = codec(method).responseSerialize(message);
    const shouldCompress = compress && this.responseEncoding === 'gzip';
    const wire = shouldCompress ? zlib.gzipSync(bytes) : bytes;
    const prefix = Buffer.alloc(5);
    prefix.writeUInt8(shouldCompress ? 1 : 0, 0);
    prefix.writeUInt32BE(wire.length, 1);
    const flushed = this.stream.write(Buffer.concat([prefix, wire]));
    if (!flushed) await new Promise((resolve) => { this.stream.once('drain', resolve); this.stream.once('close', resolve); });
  }

  sendStatus(code, message) {
    if (this.statusSent || this.finished) return;
    this.statusSent = true;
    clearTimeout(this.deadlineTimer);
    const trailers = { 'grpc-status': String(code) };
    if (message) trailers['grpc-message'] = encodeGrpcMessage(message);
    const echo = this.requestHeaders['x-grpc-test-echo-trailing-bin'];
    if (echo !== undefined) trailers['x-grpc-test-echo-trailing-bin'] = echo;
    if (this.headersSent) {
      this.trailers = trailers;
      this.stream.end();
    } else {
      // Trailers-Only: one HEADERS frame with END_STREAM.
      this.headersSent = true;
      this.stream.respond({ ...this.responseHeaders(), ...trailers }, { endStream: true });
    }
  }
}

const sleep = (us) => new Promise((resolve) => setTimeout(resolve, Math.ceil(us / 1000)));
const zeros = (size) => ({ type: 'COMPRESSABLE', body: Buffer.alloc(size ?? 0) });

function checkExpectCompressed(expect, compressed) {
  if (expect && expect.value && !compressed) {
    throw new RpcError(STATUS.INVALID_ARGUMENT, 'Expected compressed request, got an uncompressed one.');
  }
}

function echoStatusOf(request) {
  const s = request.response_status;
  return s && s.code !== 0 ? s : null;
}

async function streamResponses(call, request) {
  for (const p of request.response_parameters) {
    if (p.interval_us > 0) await sleep(p.interval_us);
    if (call.finished) return;
    await call.send('FullDuplexCall', { payload: zeros(p.size) }, Boolean(p.compressed && p.compressed.value));
  }
}

const handlers = {
  async EmptyCall(call) {
    await call.readSingle('EmptyCall');
    await call.send('EmptyCall', {});
  },
  async UnaryCall(call) {
    const { request, compressed } = await call.readSingle('UnaryCall');
    checkExpectCompressed(request.expect_compressed, compressed);
    const status = echoStatusOf(request);
    if (status) throw new RpcError(status.code, status.message);
    await call.send('UnaryCall', { payload: zeros(request.response_size) }, Boolean(request.response_compressed && request.response_compressed.value));
  },
  async CacheableUnaryCall(call) {
    await call.readSingle('CacheableUnaryCall');
    await call.send('CacheableUnaryCall', { payload: { type: 'COMPRESSABLE', body: Buffer.from(String(process.hrtime.bigint())) } });
  },
  async StreamingOutputCall(call) {
    const { request } = await call.readSingle('StreamingOutputCall');
    const status = echoStatusOf(request);
    if (status) throw new RpcError(status.code, status.message);
    await streamResponses(call, request);
  },
  async StreamingInputCall(call) {
    let total = 0;
    for (let m = await call.read(); m; m = await call.read()) {
      const request = codec('StreamingInputCall').requestDeserialize(m.bytes);
      checkExpectCompressed(request.expect_compressed, m.compressed);
      total += request.payload ? request.payload.body.length : 0;
    }
    await call.send('StreamingInputCall', { aggregated_payload_size: total });
  },
  async FullDuplexCall(call) {
    for (let m = await call.read(); m; m = await call.read()) {
      const request = codec('FullDuplexCall').requestDeserialize(m.bytes);
      const status = echoStatusOf(request);
      if (status) throw new RpcError(status.code, status.message);
      await streamResponses(call, request);
    }
  },
  async HalfDuplexCall(call) {
    const requests = [];
    for (let m = await call.read(); m; m = await call.read()) requests.push(codec('HalfDuplexCall').requestDeserialize(m.bytes));
    for (const request of requests) await streamResponses(call, request);
  },
};

function onStream(stream, headers) {
  const path = String(headers[':path'] ?? '');
  const contentType = String(headers['content-type'] ?? '');
  if (headers[':method'] !== 'POST' || !/^application\/grpc([+;].*)?$/i.test(contentType)) {
    stream.respond({ ':status': 415 }, { endStream: true });
    return;
  }
  const call = new ServerCall(stream, headers);
  const match = /^\/([^/]+)\/([^/]+)$/.exec(path);
  const handler = match && match[1] === SERVICE && Object.hasOwn(handlers, match[2]) ? handlers[match[2]] : null;
  if (!handler) {
    const unknownService = !match || match[1] !== SERVICE;
    call.sendStatus(STATUS.UNIMPLEMENTED, unknownService ? 'Service is unimplemented.' : 'Method is unimplemented.');
    return;
  }
  handler(call).then(
    () => call.sendStatus(STATUS.OK),
    (err) => call.sendStatus(err instanceof RpcError ? err.code : STATUS.UNKNOWN, err instanceof RpcError ? err.message : 'Exception was thrown by handler.'),
  );
}

function main() {
  const portIndex = process.argv.indexOf('--port');
  const port = portIndex >= 0 ? Number(process.argv[portIndex + 1]) : 0;
  const server = http2.createServer();
  server.on('stream', onStream);
  server.on('sessionError', () => {});
  server.listen(port, '127.0.0.1', () => {
    process.stdout.write(`interop server listening on 127.0.0.1:${server.address().port}\n`);
  });
  const stop = () => {
    server.close(() => process.exit(0));
    // Clients may hold idle connections open; do not wait for them.
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

if (require.main === module) main();

module.exports = { encodeGrpcMessage };
