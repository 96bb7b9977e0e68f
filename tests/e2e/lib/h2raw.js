'use strict';
// Raw HTTP/2 clients for what grpc-js will not send: huge or many headers, streams left open without a request,
// precompressed (gzip bomb) messages, more concurrent streams than the server allows.
// - call(): one gRPC call over a node:http2 session with any headers and body bytes; resolves to what came back
//   (HTTP status, grpc-status/grpc-message from the headers or trailers, the RST_STREAM code, a session error).
// - FrameConnection: HTTP/2 frames written by hand on a TCP socket, for what node:http2 (nghttp2) refuses to do, such
//   as opening streams beyond the server's SETTINGS_MAX_CONCURRENT_STREAMS. It reads frame types only (no HPACK
//   decoding): RST_STREAM codes, GOAWAY, SETTINGS.
const http2 = require('node:http2');
const net = require('node:net');
const zlib = require('node:zlib');

/** A gRPC length-prefixed message: 1 byte compressed flag, 4 bytes big-endian length, the payload. */
function grpcMessage(payload, { compressed = false } = {}) {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(compressed ? 1 : 0, 0);
  prefix.writeUInt32BE(payload.length, 1);
  return Buffer.concat([prefix, payload]);
}

function varint(value) {
  const bytes = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/**
 * A gzip bomb: a valid protobuf message with one string field of `inflatedBytes` zero bytes (field 1), gzip-compressed
 * in 1 MiB pieces so that this process never holds the inflated form. 256 MiB compress to about 256 KiB.
 */
async function gzipBomb(inflatedBytes, fieldNumber = 1) {
  const gzip = zlib.createGzip({ level: 9 });
  const parts = [];
  gzip.on('data', (chunk) => parts.push(chunk));
  const finished = new Promise((resolve, reject) => { gzip.on('end', resolve); gzip.on('error', reject); });
  const tagAndLength = Buffer.concat([Buffer.from([(fieldNumber << 3) | 2]), varint(inflatedBytes)]);
  gzip.write(tagAndLength);
  const piece = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < inflatedBytes; written += piece.length) {
    const part = written + piece.length <= inflatedBytes ? piece : piece.subarray(0, inflatedBytes - written);
    if (!gzip.write(part)) await new Promise((r) => gzip.once('drain', r));
  }
  gzip.end();
  await finished;
  return Buffer.concat(parts);
}

/** A node:http2 session to 127.0.0.1:port (h2c, prior knowledge); options go to http2.connect. */
function connectSession(address, options = {}) {
  const session = http2.connect(`http://${address}`, options);
  session.on('error', () => {}); // reported per call through the streams
  return session;
}

/** Waits until a session is connected (and has the server's SETTINGS). */
function sessionReady(session) {
  return new Promise((resolve, reject) => {
    if (session.connected) { resolve(); return; }
    session.once('connect', () => resolve());
    session.once('error', reject);
  });
}

/**
 * One gRPC call over a node:http2 session: POST `path` with `headers`, writes `body` (bytes, already framed) and
 * ends the request unless `end` is false (then it stays open until the server ends it or timeoutMs passes).
 * Resolves, never rejects, to { httpStatus, grpcStatus, grpcMessage, messages, rstCode, error, timedOut, stream }.
 * Give a body larger than the server's flow-control windows its own session: when the server answers early and resets
 * the stream (NO_ERROR, RFC 9113 8.1) while node still holds unsent request bytes for it and other streams share the
 * connection, node:http2 may never report the answer (seen with 8 uploads of 1.6 MB on one session).
 */
function call(session, path, { headers = {}, body, end = true, timeoutMs = 15_000, onMessage } = {}) {
  return new Promise((resolve) => {
    const result = { httpStatus: undefined, grpcStatus: undefined, grpcMessage: undefined, messages: 0, rstCode: undefined, error: undefined, timedOut: false };
    let stream;
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const timer = setTimeout(() => {
      result.timedOut = true;
      stream?.close(http2.constants.NGHTTP2_CANCEL);
      finish();
    }, timeoutMs);
    const take = (h) => {
      if (h[':status'] !== undefined) result.httpStatus = Number(h[':status']);
      if (h['grpc-status'] !== undefined) result.grpcStatus = Number(h['grpc-status']);
      if (h['grpc-message'] !== undefined) result.grpcMessage = decodeURIComponent(String(h['grpc-message']));
    };
    try {
      stream = session.request({
        ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers', ...headers,
      }, { endStream: false });
    } catch (err) {
      result.error = err;
      finish();
      return;
    }
    result.stream = stream;
    stream.on('response', take);
    stream.on('trailers', take);
    let pending = Buffer.alloc(0);
    stream.on('data', (chunk) => {
      // Count whole gRPC messages in the response.
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 5 && pending.length >= 5 + pending.readUInt32BE(1)) {
        const length = pending.readUInt32BE(1);
        const message = pending.subarray(5, 5 + length);
        pending = pending.subarray(5 + length);
        result.messages += 1;
        onMessage?.(message, stream);
      }
    });
    stream.on('error', (err) => { result.error = err; });
    stream.on('close', () => {
      if (stream.rstCode !== undefined && stream.rstCode !== 0) result.rstCode = stream.rstCode;
      finish();
    });
    if (body !== undefined) stream.write(body);
    if (end) stream.end();
  });
}

// --- FrameConnection: frames by hand ------------------------------------------------------------------------------

const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8, CONTINUATION: 9 };
const FLAG = { END_STREAM: 0x1, ACK: 0x1, END_HEADERS: 0x4 };
const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 'latin1');

function frame(type, flags, streamId, payload = Buffer.alloc(0)) {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header.writeUInt8(type, 3);
  header.writeUInt8(flags, 4);
  header.writeUInt32BE(streamId & 0x7fffffff, 5);
  return Buffer.concat([header, payload]);
}

/** An HPACK integer with an N-bit prefix (RFC 7541 5.1), first byte ORed with `mask`. */
function hpackInt(value, prefixBits, mask = 0) {
  const max = (1 << prefixBits) - 1;
  if (value < max) return Buffer.from([mask | value]);
  const bytes = [mask | max];
  let v = value - max;
  while (v >= 128) {
    bytes.push((v % 128) + 128);
    v = Math.floor(v / 128);
  }
  bytes.push(v);
  return Buffer.from(bytes);
}

/** HPACK "literal header field without indexing, new name", no Huffman coding: no state on either side. */
function hpackLiteral(name, value) {
  const n = Buffer.from(name, 'latin1');
  const v = Buffer.from(value, 'latin1');
  return Buffer.concat([Buffer.from([0x00]), hpackInt(n.length, 7), n, hpackInt(v.length, 7), v]);
}

/**
 * An HTTP/2 connection written frame by frame. Records what the server sends: its SETTINGS, RST_STREAM codes by
 * stream, GOAWAY, HEADERS and DATA frames by stream, and whether the socket closed. Answers the server's SETTINGS and
 * PING as a client must.
 */
class FrameConnection {
  static open(address) {
    const [host, port] = address.split(':');
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host, port: Number(port) }, () => resolve(new FrameConnection(socket)));
      socket.once('error', reject);
    });
  }

  constructor(socket) {
    this.socket = socket;
    this.nextStreamId = 1;
    this.settings = new Map();
    this.rst = new Map();
    this.headers = new Set();
    this.data = new Map();
    this.goaway = undefined;
    this.closed = false;

    this.buffer = Buffer.alloc(0);
    this.waiters = [];
    socket.on('data', (chunk) => this.receive(chunk));
    socket.on('error', () => {});
    socket.on('close', () => { this.closed = true; this.notify(); });
    socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0)]));
  }

  receive(chunk) {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (this.buffer.length >= 9) {
      const length = this.buffer.readUIntBE(0, 3);
      if (this.buffer.length < 9 + length) break;
      const type = this.buffer.readUInt8(3);
      const flags = this.buffer.readUInt8(4);
      const streamId = this.buffer.readUInt32BE(5) & 0x7fffffff;
      const payload = this.buffer.subarray(9, 9 + length);
      this.buffer = this.buffer.subarray(9 + length);
      if (type === FRAME.SETTINGS && !(flags & FLAG.ACK)) {
        for (let i = 0; i + 6 <= payload.length; i += 6) this.settings.set(payload.readUInt16BE(i), payload.readUInt32BE(i + 2));
        this.socket.write(frame(FRAME.SETTINGS, FLAG.ACK, 0));
      } else if (type === FRAME.PING && !(flags & FLAG.ACK)) {
        this.socket.write(frame(FRAME.PING, FLAG.ACK, 0, payload));
      } else if (type === FRAME.RST_STREAM) {
        this.rst.set(streamId, payload.readUInt32BE(0));
      } else if (type === FRAME.GOAWAY) {
        this.goaway = { lastStreamId: payload.readUInt32BE(0) & 0x7fffffff, code: payload.readUInt32BE(4) };
      } else if (type === FRAME.HEADERS) {
        this.headers.add(streamId);
      } else if (type === FRAME.DATA) {
        this.data.set(streamId, (this.data.get(streamId) ?? 0) + length);
      }
    }
    this.notify();
  }

  notify() {
    for (const waiter of [...this.waiters]) waiter();
  }

  /** Resolves once predicate() holds or timeoutMs passes; resolves to whether it held. */
  until(predicate, timeoutMs) {
    return new Promise((resolve) => {
      if (predicate()) { resolve(true); return; }
      const done = (held) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== check);
        resolve(held);
      };
      const check = () => { if (predicate()) done(true); };
      const timer = setTimeout(() => done(predicate()), timeoutMs);
      this.waiters.push(check);
    });
  }

  /**
   * Opens a stream: a HEADERS frame (and CONTINUATION frames past 16 KiB) for a gRPC POST to `path` with extra
   * `headers` ([name, value] pairs); `endStream` ends the request at once (no body). Returns the stream id.
   */
  openStream(authority, path, headers = [], { endStream = false } = {}) {
    const streamId = this.nextStreamId;
    this.nextStreamId += 2;
    const block = Buffer.concat([
      [':method', 'POST'], [':scheme', 'http'], [':path', path], [':authority', authority],
      ['content-type', 'application/grpc'], ['te', 'trailers'], ...headers,
    ].map(([n, v]) => hpackLiteral(n, v)));
    const maxFrame = 16_384;
    const frames = [];
    for (let offset = 0; offset < block.length || offset === 0; offset += maxFrame) {
      const piece = block.subarray(offset, offset + maxFrame);
      const last = offset + maxFrame >= block.length;
      const type = offset === 0 ? FRAME.HEADERS : FRAME.CONTINUATION;
      const flags = (last ? FLAG.END_HEADERS : 0) | (offset === 0 && endStream ? FLAG.END_STREAM : 0);
      frames.push(frame(type, flags, streamId, piece));
      if (last) break;
    }
    this.socket.write(Buffer.concat(frames));
    return streamId;
  }

  /** Sends a DATA frame on a stream. */
  sendData(streamId, payload, { endStream = false } = {}) {
    this.socket.write(frame(FRAME.DATA, endStream ? FLAG.END_STREAM : 0, streamId, payload));
  }

  close() {
    this.socket.destroy();
  }
}

const RST = { NO_ERROR: 0, PROTOCOL_ERROR: 1, INTERNAL_ERROR: 2, FLOW_CONTROL_ERROR: 3, STREAM_CLOSED: 5, FRAME_SIZE_ERROR: 6, REFUSED_STREAM: 7, CANCEL: 8, COMPRESSION_ERROR: 9, ENHANCE_YOUR_CALM: 11 };
const SETTINGS = { HEADER_TABLE_SIZE: 1, MAX_CONCURRENT_STREAMS: 3, INITIAL_WINDOW_SIZE: 4, MAX_FRAME_SIZE: 5, MAX_HEADER_LIST_SIZE: 6 };

module.exports = { grpcMessage, gzipBomb, connectSession, sessionReady, call, FrameConnection, RST, SETTINGS };
