'use strict';
// The API guide stays true to the protos: every RPC has its section in docs/api.md, and every call the examples in
// docs/api.md and docs/demo.md make names a method that exists on the service it is made on.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const { strive } = require('../lib/client');
const { REPO_ROOT } = require('../lib/silo');

const SERVICES = ['PartnershipService', 'IndicatorService', 'CohortService', 'NetworkService', 'FrameworkService', 'AdminService'];
const read = (file) => fs.readFileSync(path.join(REPO_ROOT, 'docs', file), 'utf8');

/** Service name -> { rpcName (proto) -> method name (grpc-js camelCase) }. */
function rpcs() {
  const byService = {};
  for (const name of SERVICES) {
    byService[name] = {};
    for (const [method, definition] of Object.entries(strive[name].service)) {
      const rpc = definition.path.split('/').pop();
      byService[name][rpc] = definition.originalName ?? method;
    }
  }
  return byService;
}

test('docs: every strive.v1 RPC has a section in docs/api.md', () => {
  const guide = read('api.md');
  const headings = new Set([...guide.matchAll(/^### (\w+)/gm)].map((m) => m[1]));
  const missing = [];
  for (const [service, methods] of Object.entries(rpcs())) {
    for (const rpc of Object.keys(methods)) if (!headings.has(rpc)) missing.push(`${service}.${rpc}`);
  }
  assert.deepEqual(missing, [], 'RPCs without a "### Name" section in docs/api.md');
});

test('docs: every example call in docs/api.md and docs/demo.md names an existing method of its service', () => {
  const known = rpcs();
  const methodsOf = (service) => new Set(Object.values(known[service] ?? {}));
  const problems = [];
  let checked = 0;
  for (const file of ['api.md', 'demo.md']) {
    const text = read(file);
    const services = Object.fromEntries([...text.matchAll(/const (\w+) = client\('(\w+)'\)/g)].map((m) => [m[1], m[2]]));
    const calls = [
      ...[...text.matchAll(/call\((\w+), '(\w+)'/g)].map((m) => ({ service: services[m[1]], method: m[2], at: m[0] })),
      ...[...text.matchAll(/call\(client\('(\w+)'\), '(\w+)'/g)].map((m) => ({ service: m[1], method: m[2], at: m[0] })),
      ...[...text.matchAll(/\b(\w+)\.(\w+)\((?:\{|metadata)/g)]
        .filter((m) => services[m[1]] !== undefined)
        .map((m) => ({ service: services[m[1]], method: m[2], at: m[0] })),
    ];
    for (const { service, method, at } of calls) {
      checked += 1;
      if (service === undefined) problems.push(`${file}: '${at}' is made on a variable that is not a known client`);
      else if (!methodsOf(service).has(method)) problems.push(`${file}: ${service} has no method '${method}' (${at})`);
    }
  }
  assert.deepEqual(problems, []);
  assert.ok(checked >= 25, `only ${checked} example calls found: the patterns no longer match the guide`);
});
