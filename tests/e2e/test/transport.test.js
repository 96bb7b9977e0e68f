'use strict';
// The transport as an independent client sees it: grpc-js against the real silo process for health, reflection,
// gzip compression and deadlines (the Grpc.AspNetCore front door; the home-made layer and its interop suite are gone).
const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const protoLoader = require('@grpc/proto-loader');
const { startSilo } = require('../lib/silo');
const { grpc, strive, connect, call, metadata, eventually, Status } = require('../lib/client');

const LOCAL_PROTOS = path.resolve(__dirname, '..', 'protos');
const loaded = grpc.loadPackageDefinition(protoLoader.loadSync(
  ['grpc/health/v1/health.proto', 'grpc/reflection/v1/reflection.proto'],
  { keepCase: false, longs: String, enums: String, defaults: true, oneofs: true, includeDirs: [LOCAL_PROTOS] },
));

let silo;
let api;

before(async () => {
  silo = await startSilo();
  api = connect(silo.address);
});

after(async () => {
  api?.close();
  await silo?.stop();
});

function healthCheck(service) {
  const client = new loaded.grpc.health.v1.Health(silo.address, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.check({ service }, { deadline: Date.now() + 5_000 }, (err, response) => {
      client.close();
      return err ? reject(err) : resolve(response.status);
    });
  });
}

test('health: the server and every strive.v1 service report SERVING once the silo is up', async () => {
  assert.equal(await healthCheck(''), 'SERVING');
  for (const service of ['strive.v1.PartnershipService', 'strive.v1.NetworkService', 'strive.v1.AdminService']) {
    assert.equal(await healthCheck(service), 'SERVING', service);
  }
});

test('health: an unknown service is NOT_FOUND', async () => {
  await assert.rejects(healthCheck('no.such.Service'), (err) => err.code === Status.NOT_FOUND);
});

test('reflection: lists the strive.v1 services and health, without a token', async () => {
  const client = new loaded.grpc.reflection.v1.ServerReflection(silo.address, grpc.credentials.createInsecure());
  const services = await new Promise((resolve, reject) => {
    const stream = client.serverReflectionInfo({ deadline: Date.now() + 5_000 });
    stream.on('data', (response) => {
      resolve(response.listServicesResponse.service.map((s) => s.name));
      stream.end();
    });
    stream.on('error', reject);
    stream.write({ listServices: '' });
  });
  client.close();
  for (const name of ['strive.v1.PartnershipService', 'strive.v1.IndicatorService', 'strive.v1.CohortService',
    'strive.v1.NetworkService', 'strive.v1.FrameworkService', 'strive.v1.AdminService', 'grpc.health.v1.Health']) {
    assert.ok(services.includes(name), `${name} in ${services.join(', ')}`);
  }
});

test('compression: gzip-compressed requests are accepted and answered', async () => {
  const gzipped = new strive.FrameworkService(silo.address, grpc.credentials.createInsecure(),
    { 'grpc.default_compression_algorithm': 2, 'grpc.default_compression_level': 2 });
  try {
    const response = await call(gzipped, 'listFrameworks', {}, silo.adminToken);
    assert.ok(response.frameworks.some((f) => f.frameworkId === 'toa-6g'), 'toa-6g listed');
  } finally {
    gzipped.close();
  }
});

test('deadlines: a server stream ends with DEADLINE_EXCEEDED at the client deadline, after its first message', async () => {
  const stream = api.NetworkService.watchNetworkRollup({}, metadata(silo.adminToken), { deadline: Date.now() + 1_500 });
  const messages = [];
  let error;
  stream.on('data', ({ rollup }) => messages.push(rollup));
  stream.on('error', (err) => { error = err; });
  await eventually(() => error !== undefined, { what: 'the deadline to end the stream', timeoutMs: 10_000 });
  assert.equal(error.code, Status.DEADLINE_EXCEEDED, `${error.code} ${error.details}`);
  assert.equal(messages.length, 1, 'the current rollup came first');
});

test('deadlines: a unary call whose deadline has passed fails with DEADLINE_EXCEEDED and the next call succeeds', async () => {
  await assert.rejects(call(api.NetworkService, 'getNetworkRollup', {}, silo.adminToken, 0),
    (err) => err.code === Status.DEADLINE_EXCEEDED);
  const response = await call(api.NetworkService, 'getNetworkRollup', {}, silo.adminToken);
  assert.ok(response.rollup, 'the server serves the next call');
});
