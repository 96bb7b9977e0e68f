'use strict';
// A minimal gRPC-over-HTTP/2 caller on node:http2. grpc-js hides the per-message
// compressed flag, which the server_compressed_* cases must assert, so those
// assertions read the wire here, as do the wire-level checks. All request messages are
// written up front; the call then half-closes (or, with halfClose: false, waits for the server).
const http2 = require('node:http2');
const zlib = require('node:zlib');

const CALL_TIMEOUT_MS = 30_000;

/** Frames one message: 1-byte compressed flag, 4-byte big-endian length, bytes. */
function frame(message, compressed = false) {
  const header = Buffer.alloc(5);
  header.writeUInt8(compressed ? 1 : 0, 0);
  header.writeUInt32BE(message.length, 1);
  return Buffer.concat([header, message]);
}

/** Splits a response body into messages; throws on a truncated frame. */
function parseFrames(body) {
  const messages = [];
  let offset = 0;
  while (offset < body.length) {
    if (body.length - offset < 5) throw new Error(`truncated message prefix at byte ${offset}`);
    const flag = body.readUInt8(offset);
    const length = body.readUInt32BE(offset + 1);
    if (flag !== 0 && flag !== 1) throw new Error(`invalid compressed flag ${flag} at byte ${offset}`);
    if (body.length - offset - 5 < length) throw new Error(`truncated message at byte ${offset}: needs ${length}`);
    messages.push({ compressed: flag === 1, wire: body.subarray(offset + 5, offset + 5 + length) });
    offset += 5 + length;
  }
  return messages;
}

function decompress(encoding, data) {
  switch (encoding) {
    case 'gzip': return zlib.gunzipSync(data);
    case 'deflate': return zlib.inflateSync(data);
    default: throw new Error(`compressed message with unsupported grpc-encoding '${encoding}'`);
  }
}

/**
 * Sends the given messages ({ bytes, compressed }) on one call and half-closes.
 * Resolves to { headers, trailers, status, statusMessage, messages: [{ compressed, bytes }] }.
 * Compressed outgoing messages are gzip-compressed and the call carries grpc-encoding: gzip.
 */
function rawCall(address, path, outgoing, extraHeaders = {}, { halfClose = true } = {}) {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://${address}`);
    const chunks = [];
    let headers;
    let trailers;
    const timer = setTimeout(() => finish(new Error(`raw call ${path} timed out`)), CALL_TIMEOUT_MS);
    let done = false;
    function finish(err, value) {
      if (done) return;
      done = true;
      clearTimeout(timer);
      session.close();
      if (err) reject(err); else resolve(value);
    }
    session.on('error', (err) => finish(err));
    const anyCompressed = outgoing.some((m) => m.compressed);
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/grpc',
      te: 'trailers',
      'grpc-accept-encoding': 'identity,deflate,gzip',
      ...(anyCompressed ? { 'grpc-encoding': 'gzip' } : {}),
      ...extraHeaders,
    });
    stream.on('response', (h) => { headers = h; });
    stream.on('trailers', (t) => { trailers = t; });
    stream.on('data', (chunk) => chunks.push(chunk));
    stream.on('error', (err) => finish(err));
    stream.on('close', () => {
      try {
        if (!headers) throw Object.assign(new Error(`no response headers (RST_STREAM code ${stream.rstCode})`), { rstCode: stream.rstCode });
        // Trailers-Only: the status rides on the only HEADERS frame.
        const statusSource = trailers ?? headers;
        const trailersOnly = trailers === undefined;
        if (statusSource['grpc-status'] === undefined) {
          throw Object.assign(new Error(`response carried no grpc-status (HTTP ${headers[':status']})`), { httpStatus: headers[':status'], rstCode: stream.rstCode });
        }
        const encoding = headers['grpc-encoding'] ?? 'identity';
        const messages = parseFrames(Buffer.concat(chunks)).map((m) => ({
          compressed: m.compressed,
          bytes: m.compressed ? decompress(encoding, m.wire) : m.wire,
        }));
        const rawMessage = statusSource['grpc-message'];
        finish(null, {
          httpStatus: headers[':status'],
          rstCode: stream.rstCode,
          headers,
          trailers: trailers ?? {},
          trailersOnly,
          rawStatusMessage: statusSource['grpc-message'],
          status: Number(statusSource['grpc-status']),
          statusMessage: rawMessage === undefined ? '' : decodeURIComponent(rawMessage),
          messages,
        });
      } catch (err) {
        finish(err);
      }
    });
    for (const m of outgoing) {
      stream.write(frame(m.compressed ? zlib.gzipSync(m.bytes) : m.bytes, m.compressed));
    }
    if (halfClose) stream.end();
  });
}

module.exports = { rawCall, frame, parseFrames };
