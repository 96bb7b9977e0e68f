'use strict';
// strive.v1 clients loaded with the options docs/api.md documents, plus promise helpers.
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.resolve(__dirname, '..', '..', '..', 'gateway-grpc', 'protos');
const definition = protoLoader.loadSync(
  ['partnership', 'indicator', 'cohort', 'network', 'framework', 'admin'].map((f) => `strive/v1/${f}.proto`),
  { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_ROOT] },
);
const strive = grpc.loadPackageDefinition(definition).strive.v1;
const SERVICES = ['PartnershipService', 'IndicatorService', 'CohortService', 'NetworkService', 'FrameworkService', 'AdminService'];
const UNARY_DEADLINE_MS = 15_000;

function metadata(token) {
  const md = new grpc.Metadata();
  if (token !== undefined) md.set('authorization', `Bearer ${token}`);
  return md;
}

/** One stub per service for an address; close() closes them all. */
function connect(address) {
  const stubs = {};
  for (const name of SERVICES) stubs[name] = new strive[name](address, grpc.credentials.createInsecure());
  stubs.close = () => SERVICES.forEach((n) => stubs[n].close());
  return stubs;
}

/** Unary call as a promise; rejects with the grpc-js ServiceError. */
function call(stub, method, request, token, deadlineMs = UNARY_DEADLINE_MS) {
  return new Promise((resolve, reject) => {
    stub[method](request, metadata(token), { deadline: Date.now() + deadlineMs }, (err, response) =>
      err ? reject(err) : resolve(response));
  });
}

/** Resolves to the ServiceError of a call that must fail; rejects when it succeeds. */
async function callError(stub, method, request, token) {
  try {
    await call(stub, method, request, token);
  } catch (err) {
    return err;
  }
  throw new Error(`${method} succeeded but was expected to fail`);
}

/** Client-streaming upload: writes the messages, ends, resolves to the response. */
function upload(stub, messages, token, deadlineMs = 60_000) {
  return new Promise((resolve, reject) => {
    const stream = stub.uploadObservations(metadata(token), { deadline: Date.now() + deadlineMs },
      (err, response) => (err ? reject(err) : resolve(response)));
    for (const m of messages) stream.write(m);
    stream.end();
  });
}

/** Polls fn until it returns a truthy value (bounded in count and time); returns that value. */
async function eventually(fn, { timeoutMs = 20_000, intervalMs = 100, what = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (let attempt = 0; attempt < 10_000; attempt += 1) {
    try {
      const value = await fn();
      if (value) return value;
      last = value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}; last: ${last instanceof Error ? `${last.code ?? ''} ${last.message}` : JSON.stringify(last)}`);
}

/** Today's date as a strive.v1 Date (UTC). */
function today() {
  const d = new Date();
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

module.exports = { grpc, strive, Status: grpc.status, connect, call, callError, upload, eventually, metadata, today, PROTO_ROOT };
