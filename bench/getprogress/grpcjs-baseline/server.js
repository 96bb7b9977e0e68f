'use strict';
// Usage: node server.js <response-file> <method-path>
//
// The baseline the issue names for GetProgress: a @grpc/grpc-js server answering <method-path> (e.g.
// /strive.v1.PartnershipService/GetProgress) with the message of <response-file> (a length-prefixed gRPC message
// captured from the silo) from memory. The service definition's serializers are identities on Buffers, so grpc-js
// sends exactly the captured message bytes and parses nothing: what it costs is grpc-js and Node's HTTP/2 alone.
// Listens on 127.0.0.1 on a free port and prints "grpcjs listening on 127.0.0.1:PORT" once ready; stops on SIGTERM.
const fs = require('node:fs');
const grpc = require('@grpc/grpc-js');

const [file, path] = process.argv.slice(2);
if (!file || !path || !/^\/[A-Za-z0-9_.]+\/[A-Za-z0-9_]+$/.test(path)) {
  console.error('usage: node server.js <response-file> </package.Service/Method>');
  process.exit(2);
}

const framed = fs.readFileSync(file);
if (framed.length < 5 || framed[0] !== 0 || framed.readUInt32BE(1) !== framed.length - 5) {
  console.error(`${file} is not one uncompressed length-prefixed gRPC message`);
  process.exit(2);
}
const message = framed.subarray(5);

const identity = (buffer) => buffer;
const definition = {
  Call: {
    path,
    requestStream: false,
    responseStream: false,
    requestSerialize: identity,
    requestDeserialize: identity,
    responseSerialize: identity,
    responseDeserialize: identity,
  },
};

const server = new grpc.Server();
server.addService(definition, { Call: (_call, callback) => callback(null, message) });
server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (error, port) => {
  if (error) {
    console.error(`bind failed: ${error.message}`);
    process.exit(1);
  }
  process.stdout.write(`grpcjs listening on 127.0.0.1:${port}\n`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => server.tryShutdown(() => process.exit(0)));
}
