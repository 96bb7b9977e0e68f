'use strict';
// tests/e2e/lib/k8s.js: the small kustomize renderer (strategic-merge patches on maps, JSON6902 patches, images,
// namespace) and k8sSiloEnv, the environment of a silo container, which multi-process tests use to start silos the
// way the Deployment does. The last test starts a real silo process with that environment.
const { test } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawn } = require('node:child_process');
const K = require('../lib/k8s');
const { resolveSiloDll, newSecret } = require('../lib/silo');
const { grpc, connect, call } = require('../lib/client');

function fixture(files) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strive-k8s-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

test('strategicMerge: maps merge key by key, null deletes, lists and directives are refused', () => {
  const target = { metadata: { name: 'a', labels: { x: '1', y: '2' } }, data: { A: '1' }, list: [1] };
  assert.deepEqual(K.strategicMerge(target, { metadata: { labels: { y: null, z: '3' } }, data: { B: '2' } }),
    { metadata: { name: 'a', labels: { x: '1', z: '3' } }, data: { A: '1', B: '2' }, list: [1] });
  assert.deepEqual(target.metadata.labels, { x: '1', y: '2' }, 'the target is not changed');
  assert.throws(() => K.strategicMerge(target, { list: [2] }), /use a JSON6902 patch for lists/);
  assert.throws(() => K.strategicMerge(target, { data: { $patch: 'replace' } }), /directive \/data\/\$patch/);
});

test('applyJson6902: add, replace, remove and test; a failed test or a missing path throws', () => {
  const doc = { a: { b: [1, 2] }, c: 'x' };
  assert.deepEqual(K.applyJson6902(doc, [
    { op: 'test', path: '/c', value: 'x' },
    { op: 'add', path: '/a/b/-', value: 3 },
    { op: 'add', path: '/a/b/0', value: 0 },
    { op: 'replace', path: '/c', value: { d: 'e/f' } },
    { op: 'add', path: '/c/g~1h', value: 1 },
    { op: 'remove', path: '/a/b/1' },
  ]), { a: { b: [0, 2, 3] }, c: { d: 'e/f', 'g/h': 1 } });
  assert.deepEqual(doc, { a: { b: [1, 2] }, c: 'x' }, 'the target is not changed');
  assert.throws(() => K.applyJson6902(doc, [{ op: 'test', path: '/c', value: 'y' }]), /test \/c: expected "y", found "x"/);
  assert.throws(() => K.applyJson6902(doc, [{ op: 'replace', path: '/nope', value: 1 }]), /nothing to replace/);
  assert.throws(() => K.applyJson6902(doc, [{ op: 'add', path: '/x/y', value: 1 }]), /parent does not exist/);
  assert.throws(() => K.applyJson6902(doc, [{ op: 'move', from: '/a', path: '/b' }]), /'move' is not supported/);
});

test('renderKustomization: resources, patches by identity or target, images, namespace; unknown features throw', () => {
  const deployment = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - {name: web, image: example/web:1.0}
        - {name: side, image: "registry:5000/side:2@sha256:abc"}
`;
  const dir = fixture({
    'base/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: one\nresources: [deployment.yaml, ns.yaml]\n',
    'base/deployment.yaml': deployment,
    'base/ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: one}\n',
    'over/kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
resources: [../base, extra.yaml]
patches:
  - path: labels.yaml
  - path: replicas.yaml
    target: {kind: Deployment, name: web}
images:
  - {name: example/web, newName: reg.example/web, newTag: "1.1"}
  - {name: "registry:5000/side", newTag: "3"}
`,
    'over/extra.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: extra}\ndata: {A: "1"}\n',
    'over/labels.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {template: {metadata: {labels: {extra: "yes"}}}}\n',
    'over/replicas.yaml': '- {op: add, path: /spec/replicas, value: 2}\n',
    'bad-field/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\ncommonLabels: {a: b}\n',
    'bad-patch/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base]\npatches: [{path: p.yaml}]\n',
    'bad-patch/p.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: missing}\ndata: {A: "1"}\n',
    'twice/kustomization.yaml': 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [../base, ../base/deployment.yaml]\nnamespace: one\n',
  });
  try {
    const objects = K.renderKustomization(path.join(dir, 'over'));
    const web = objects.find((o) => o.kind === 'Deployment');
    assert.equal(web.metadata.namespace, 'one', 'the base namespace applies to the base resources');
    assert.equal(objects.find((o) => o.kind === 'ConfigMap').metadata.namespace, undefined, 'and not to the overlay\'s own (as kustomize)');
    assert.equal(objects.find((o) => o.kind === 'Namespace').metadata.namespace, undefined);
    assert.deepEqual(web.spec.template.metadata.labels, { app: 'web', extra: 'yes' });
    assert.equal(web.spec.replicas, 2);
    assert.deepEqual(web.spec.template.spec.containers.map((c) => c.image), ['reg.example/web:1.1', 'registry:5000/side:3']);
    assert.throws(() => K.renderKustomization(path.join(dir, 'bad-field')), /commonLabels not supported/);
    assert.throws(() => K.renderKustomization(path.join(dir, 'bad-patch')), /no resource matches ConfigMap missing/);
    assert.throws(() => K.renderKustomization(path.join(dir, 'twice')), /apps\/Deployment\/one\/web is defined twice/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('expandReferences: defined names expand, $$ is a literal $, unknown references stay', () => {
  assert.equal(K.expandReferences('$(A)-$(B)-$$(A)-$$$(A)-$(A', { A: '1' }), '1-$(B)-$(A)-$1-$(A');
});

const SECRET_FILES = { 'admin-token': '/local/admin-token', 'postgres-password': '/local/postgres-password' };

test('k8sSiloEnv: the dev overlay\'s silo environment, with the pod IP, cluster ids and secret files resolved', () => {
  const env = K.k8sSiloEnv({ overlay: 'dev', podIp: '127.0.0.7', podName: 'strive-silo-abc', secretFiles: SECRET_FILES });
  assert.deepEqual(env, {
    STRIVE_STORAGE: 'postgres',
    STRIVE_CLUSTER_ID: 'strive',
    STRIVE_GRPC_PORT: '5000',
    STRIVE_SILO_PORT: '11111',
    STRIVE_DASHBOARD_PORT: '8080',
    STRIVE_WEB_PORT: '0',
    STRIVE_METRICS_PORT: '9090',
    STRIVE_MIN_N: '10',
    STRIVE_DATA_DIR: '/var/lib/strive',
    STRIVE_ADMIN_TOKEN_FILE: '/local/admin-token',
    STRIVE_POSTGRES: 'Host=strive-postgres;Port=5432;Username=strive;Database=strive',
    STRIVE_POSTGRES_PASSWORD_FILE: '/local/postgres-password',
    POD_NAME: 'strive-silo-abc',
    POD_NAMESPACE: 'strive',
    POD_IP: '127.0.0.7',
    ORLEANS_SERVICE_ID: 'strive-network',
    ORLEANS_CLUSTER_ID: 'strive',
    STRIVE_LISTEN_ADDRESS: '0.0.0.0',
    STRIVE_ADVERTISE_ADDRESS: '127.0.0.7',
    ASPNETCORE_HTTP_PORTS: '',
  });
  assert.ok(!Object.keys(env).some((k) => k.startsWith('KUBERNETES_')), 'no kubelet variables: they would turn on Orleans\' Kubernetes hosting');
});

test('k8sSiloEnv: each overlay asks for exactly the Secret files its store needs; a missing one throws, naming it', () => {
  const files = { ...SECRET_FILES, 'azure-storage': '/local/azure-storage' };
  const secretVariables = (overlay) => Object.entries(K.k8sSiloEnv({ overlay, secretFiles: files }))
    .filter(([, v]) => v.startsWith('/local/')).map(([k]) => k).sort();
  assert.deepEqual(secretVariables('azure'), ['STRIVE_ADMIN_TOKEN_FILE']);
  assert.deepEqual(secretVariables('azure-connection-string'), ['STRIVE_ADMIN_TOKEN_FILE', 'STRIVE_AZURE_STORAGE_FILE']);
  assert.deepEqual(secretVariables('dev-azurite'), ['STRIVE_ADMIN_TOKEN_FILE', 'STRIVE_AZURE_STORAGE_FILE']);
  assert.deepEqual(secretVariables('dev'), ['STRIVE_ADMIN_TOKEN_FILE', 'STRIVE_POSTGRES_PASSWORD_FILE']);
  assert.equal(K.k8sSiloEnv({ overlay: 'azure', secretFiles: files }).STRIVE_AZURE_STORAGE_ACCOUNT, 'strivenetwork');
  assert.throws(() => K.k8sSiloEnv({ overlay: 'dev', secretFiles: { 'admin-token': '/a' } }),
    /STRIVE_POSTGRES_PASSWORD_FILE=\/var\/run\/secrets\/strive\/postgres-password is a file of the Secret strive-secrets: pass secretFiles\['postgres-password'\]/);
});

test('k8sSiloEnv: overrides come last; null removes a variable', () => {
  const env = K.k8sSiloEnv({ overlay: 'dev', secretFiles: SECRET_FILES, overrides: { STRIVE_GRPC_PORT: 0, STRIVE_DASHBOARD_PORT: null, POD_IP: '10.0.0.1' } });
  assert.equal(env.STRIVE_GRPC_PORT, '0');
  assert.equal('STRIVE_DASHBOARD_PORT' in env, false);
  assert.equal(env.POD_IP, '10.0.0.1');
  assert.equal(env.STRIVE_ADVERTISE_ADDRESS, '127.0.0.1', 'an override does not take part in $(VAR) expansion: use podIp');
});

// --- a real silo process with the Deployment's environment ---------------------------------------------------------

/** A port nothing listens on now (bound and released; good enough on one machine for a test). */
function freePort() {
  const net = require('node:net');
  return new Promise((resolve, reject) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    }).on('error', reject);
  });
}

function healthCheck(address) {
  const protoLoader = require('@grpc/proto-loader');
  const loaded = grpc.loadPackageDefinition(protoLoader.loadSync('grpc/health/v1/health.proto',
    { enums: String, includeDirs: [path.resolve(__dirname, '..', 'protos')] }));
  const client = new loaded.grpc.health.v1.Health(address, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    // service '' is what the kubelet's gRPC probe asks for (probe.grpc.service unset).
    client.check({ service: '' }, { deadline: Date.now() + 5_000 }, (err, response) => {
      client.close();
      return err ? reject(err) : resolve(response.status);
    });
  });
}

test('k8sSiloEnv: a silo process started with the dev overlay\'s environment accepts every setting and reads its Secret files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'strive-k8s-silo-'));
  const secret = newSecret();
  fs.writeFileSync(path.join(dir, 'admin-token'), `${secret}\n`, { mode: 0o600 });
  fs.writeFileSync(path.join(dir, 'postgres-password'), 'not-used-by-sqlite\n', { mode: 0o600 });
  const dashboardPort = await freePort();
  const metricsPort = await freePort();
  // What differs on one machine: loopback instead of 0.0.0.0, free ports, a data directory, and SQLite instead of
  // the overlay's PostgreSQL (the cluster profiles have their own multi-process tests); the rest is the pod's.
  const env = K.k8sSiloEnv({
    overlay: 'dev',
    secretFiles: { 'admin-token': path.join(dir, 'admin-token'), 'postgres-password': path.join(dir, 'postgres-password') },
    overrides: { STRIVE_STORAGE: 'sqlite', STRIVE_LISTEN_ADDRESS: '127.0.0.1', STRIVE_GRPC_PORT: 0, STRIVE_SILO_PORT: 0, STRIVE_DASHBOARD_PORT: dashboardPort, STRIVE_METRICS_PORT: metricsPort, STRIVE_DATA_DIR: path.join(dir, 'data') },
  });
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => ['PATH', 'HOME', 'TMPDIR'].includes(k) || k.startsWith('DOTNET_')));
  const child = spawn('dotnet', [resolveSiloDll()], { cwd: dir, env: { ...inherited, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (c) => { output += c; });
  child.stderr.setEncoding('utf8').on('data', (c) => { output += c; });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let api;
  try {
    const address = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the silo did not start within 120 s:\n${output}`)), 120_000);
      const poll = setInterval(() => {
        const m = /gRPC listening on (127\.0\.0\.1:\d+)/.exec(output);
        if (m) { clearTimeout(timer); clearInterval(poll); resolve(m[1]); }
      }, 50);
      exited.then(({ code }) => { clearTimeout(timer); clearInterval(poll); reject(new Error(`the silo exited (code ${code}):\n${output}`)); });
    });
    assert.match(output, new RegExp(`bootstrap admin token registered from the file ${path.join(dir, 'admin-token').replace(/[/.]/g, '\\$&')}`));
    assert.match(output, new RegExp(`Orleans Dashboard on http://127\\.0\\.0\\.1:${dashboardPort}/`));
    assert.doesNotMatch(output, /Overriding address/, 'ASPNETCORE_HTTP_PORTS is emptied');
    assert.equal(await healthCheck(address), 'SERVING');
    api = connect(address);
    const tokens = await call(api.AdminService, 'listTokens', {}, secret);
    assert.equal(tokens.tokens.length, 1, 'the bootstrap token from the Secret file works');
    assert.ok(!output.includes(secret), 'the secret is never printed');
    // The port the pod's prometheus.io annotations name serves Prometheus text (here on a free port instead of 9090).
    assert.match(output, new RegExp(`Prometheus metrics on http://127\\.0\\.0\\.1:${metricsPort}/metrics`));
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    assert.equal(scrape.status, 200);
    assert.match(await scrape.text(), /^# TYPE orleans_/m);
  } finally {
    api?.close();
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const { code } = await exited;
    clearTimeout(killer);
    fs.rmSync(dir, { recursive: true, force: true });
    assert.equal(code, 0, `the silo exits 0 on SIGTERM:\n${output}`);
  }
});

