'use strict';
// Promise wrappers over grpc-js calls that capture everything a case asserts on:
// initial metadata (response headers), messages, final status and trailing metadata.
const grpc = require('@grpc/grpc-js');

const CALL_TIMEOUT_MS = 30_000;

/** Default deadline so a hung server fails one case instead of the whole run. */
function withDeadline(options = {}) {
  return { deadline: Date.now() + CALL_TIMEOUT_MS, ...options };
}

/** Unary call; resolves to { error, response, headers, status } (never rejects on a gRPC error). */
function unary(client, method, request, metadata = new grpc.Metadata(), options = {}) {
  return new Promise((resolve) => {
    let error;
    let response;
    let headers;
    const call = client[method](request, metadata, withDeadline(options), (err, res) => {
      error = err;
      response = res;
    });
    call.on('metadata', (m) => { headers = m; });
    // grpc-js runs the callback before it emits 'status'.
    call.on('status', (status) => resolve({ error, response, headers, status }));
  });
}

/** Consumes a readable call (server streaming or bidi) to its status. */
function collect(call, onData) {
  return new Promise((resolve) => {
    const messages = [];
    let headers;
    let error;
    call.on('metadata', (m) => { headers = m; });
    call.on('data', (message) => {
      messages.push(message);
      if (onData) onData(message, messages.length);
    });
    call.on('error', (err) => { error = err; });
    call.on('status', (status) => {
      // 'status' can precede the last 'data'/'error' callbacks by a tick.
      setImmediate(() => resolve({ messages, headers, error, status }));
    });
  });
}

/** Client-streaming call: writes each { message, flags } then half-closes (unless keepOpen). */
function clientStream(client, method, writes, { metadata = new grpc.Metadata(), options = {}, onCall } = {}) {
  return new Promise((resolve) => {
    let error;
    let response;
    let headers;
    const call = client[method](metadata, withDeadline(options), (err, res) => {
      error = err;
      response = res;
    });
    call.on('metadata', (m) => { headers = m; });
    call.on('status', (status) => resolve({ error, response, headers, status }));
    if (onCall) {
      onCall(call);
      return;
    }
    for (const w of writes) call.write(w.message, w.flags);
    call.end();
  });
}

module.exports = { unary, collect, clientStream, withDeadline, CALL_TIMEOUT_MS };
