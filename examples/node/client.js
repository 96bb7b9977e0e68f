'use strict';
// Shared setup for the examples (the same module docs/api.md shows): loads the strive.v1 protos from this
// repository, connects without TLS (h2c) and sends the bearer token of STRIVE_TOKEN with every call.
const path = require('node:path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = process.env.STRIVE_PROTOS ?? path.join(__dirname, '..', '..', 'gateway-grpc', 'protos');
const definition = protoLoader.loadSync(
  ['partnership', 'indicator', 'cohort', 'network', 'framework', 'admin'].map((f) => `strive/v1/${f}.proto`),
  { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [PROTO_ROOT] },
);
const strive = grpc.loadPackageDefinition(definition).strive.v1;

const ADDRESS = process.env.STRIVE_ADDRESS ?? '127.0.0.1:5000';
const credentials = grpc.credentials.createInsecure(); // h2c

function metadata(token = process.env.STRIVE_TOKEN) {
  if (!token) throw new Error('Set STRIVE_TOKEN to a bearer token (on its first start the silo prints "admin token: ..." on a terminal, otherwise writes it to <data dir>/admin-token).');
  const md = new grpc.Metadata();
  md.set('authorization', `Bearer ${token}`);
  return md;
}

function client(serviceName) {
  return new strive[serviceName](ADDRESS, credentials);
}

// Unary call as a promise: await call(client('PartnershipService'), 'getPartnership', { partnershipId: 'racine-county' })
function call(stub, method, request, md = metadata()) {
  return new Promise((resolve, reject) => {
    stub[method](request, md, { deadline: Date.now() + 10_000 }, (err, response) => (err ? reject(err) : resolve(response)));
  });
}

// How to print a Rate or SuppressibleValue: never treat a missing value as 0.
function show(v) {
  switch (v?.value) {
    case 'shown': return typeof v.shown === 'number' ? String(v.shown) : v.shown.display;
    case 'suppressed': return `suppressed (${v.suppressed.reason})`;
    case 'notReported': return `n/a (${v.notReported.reason})`;
    default: return 'n/a';
  }
}

module.exports = { grpc, strive, client, call, metadata, show };
