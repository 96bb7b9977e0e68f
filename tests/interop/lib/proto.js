'use strict';
// Loads grpc.testing.* from the protos the C# interop host is built from, so client and
// server can never disagree on the schema.
const path = require('node:path');
const fs = require('node:fs');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.resolve(__dirname, '..', '..', '..', 'gateway-grpc', 'protos');
const TEST_PROTO = 'grpc/testing/test.proto';

let cached;

/** Returns { packageDefinition, grpcObject, TestService, UnimplementedService, codec(service, method) }. */
function loadTestingProtos() {
  if (cached) return cached;
  const file = path.join(PROTO_ROOT, TEST_PROTO);
  if (!fs.existsSync(file)) {
    throw new Error(`interop protos not found at ${file}; they live in gateway-grpc/protos/grpc/testing`);
  }
  const packageDefinition = protoLoader.loadSync(TEST_PROTO, {
    includeDirs: [PROTO_ROOT],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: true,
    oneofs: true,
  });
  const grpcObject = grpc.loadPackageDefinition(packageDefinition);
  const testing = grpcObject.grpc.testing;
  cached = {
    packageDefinition,
    grpcObject,
    TestService: testing.TestService,
    UnimplementedService: testing.UnimplementedService,
    /** Serializers of one method, e.g. codec('TestService', 'UnaryCall'). */
    codec(service, method) {
      const def = packageDefinition[`grpc.testing.${service}`][method];
      if (!def) throw new Error(`no method grpc.testing.${service}/${method}`);
      return def;
    },
  };
  return cached;
}

module.exports = { loadTestingProtos, PROTO_ROOT };
