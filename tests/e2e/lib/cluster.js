'use strict';
// The environment of one silo of a cluster on this machine: what the k8s/ Deployment gives a pod of the overlay for
// the profile (lib/k8s.js renders it), with what one machine needs instead: the pod IP is a local address, the
// front door listens on it or on loopback, ports are free ones, and the mounted Secret is a private directory.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { k8sSiloEnv } = require('./k8s');
const { newSecret, startSilo } = require('./silo');
const { call, connect, Status } = require('./client');
const { freePort } = require('./azurite');

/** The overlay whose Deployment a test cluster of each profile runs with. */
const OVERLAYS = { azure: 'azure-connection-string', postgres: 'dev' };

/**
 * Resolves to { variables, cleanup() } for a silo of the `storage` profile ('azure' or 'postgres'). `secrets` maps
 * Secret keys ('azure-storage', 'postgres-password') to values, written to owner-only files; `podIp` is the address
 * the silo advertises; `listen` where it serves gRPC: 'loopback' (default), 'pod' (the pod IP) or an address;
 * `overrides` apply last. Variables a test runner may inherit from its own pod (KUBERNETES_*) are removed, so a test
 * silo never turns on Orleans' Kubernetes hosting.
 */
async function clusterSiloEnv({ storage, secrets = {}, overrides = {}, label = 'silo', podIp = '127.0.0.1', listen = 'loopback' }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `strive-${label}-secrets-`));
  const files = {};
  // Every key the Deployment mounts gets a file; the admin token itself is given by startSilo in STRIVE_ADMIN_TOKEN.
  for (const [key, value] of Object.entries({ 'admin-token': newSecret(), 'azure-storage': 'unused', 'postgres-password': 'unused', ...secrets })) {
    files[key] = path.join(dir, key);
    fs.writeFileSync(files[key], `${value}\n`, { mode: 0o600 });
  }
  const variables = k8sSiloEnv({
    overlay: OVERLAYS[storage],
    podIp,
    podName: label,
    secretFiles: files,
    overrides: {
      STRIVE_LISTEN_ADDRESS: listen === 'pod' ? podIp : listen === 'loopback' ? '127.0.0.1' : listen,
      STRIVE_SILO_PORT: '0',
      STRIVE_DASHBOARD_PORT: '0',
      STRIVE_WEB_PORT: '0',
      STRIVE_METRICS_PORT: '0',
      STRIVE_DATA_DIR: null,
      ...overrides,
    },
  });
  for (const inherited of Object.keys(process.env).filter((k) => k.startsWith('KUBERNETES_'))) variables[inherited] = undefined;
  return { variables, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

// A graceful stop drains and deactivates within the silo's 30 s shutdown timeout; the Deployment allows 45 s.
const CLUSTER_STOP_TIMEOUT_MS = 45_000;

/**
 * Starts one silo of a test cluster with clusterSiloEnv's environment and a dashboard port of its own; resolves to
 * { silo, clients, dashboardPort, stop() } (stop: SIGTERM, then removes the secrets). The secret files are removed
 * also when the start fails.
 */
async function startClusterSilo({ launcher = [], expectAdminToken = false, ...envOptions }) {
  const dashboardPort = await freePort();
  const env = await clusterSiloEnv({ ...envOptions, overrides: { STRIVE_DASHBOARD_PORT: String(dashboardPort), ...envOptions.overrides } });
  let silo;
  try {
    silo = await startSilo({ storage: [], env: { ...process.env, ...env.variables }, expectAdminToken, launcher });
  } catch (err) {
    env.cleanup();
    throw err;
  }
  const clients = connect(silo.address);
  return {
    silo,
    clients,
    dashboardPort,
    async stop() {
      clients.close();
      try {
        return await silo.stop({ timeoutMs: CLUSTER_STOP_TIMEOUT_MS });
      } finally {
        env.cleanup();
      }
    },
  };
}

/** The Orleans Dashboard's view of the cluster (hosts, activations per silo and grain type), read with an admin token. */
async function dashboardCounters(dashboardPort, adminToken) {
  const response = await fetch(`http://127.0.0.1:${dashboardPort}/DashboardCounters`, { headers: { authorization: `Bearer ${adminToken}` }, signal: AbortSignal.timeout(5_000) });
  if (response.status !== 200) throw new Error(`dashboard answered ${response.status}`);
  return response.json();
}

/**
 * Registers a partnership through one silo's front door; ALREADY_EXISTS counts as registered (a registration that was
 * stored but whose reply was lost, e.g. while a silo was failing over). Any other error is thrown.
 */
async function registerCounting(partnershipService, partnershipId, profile, adminToken) {
  try {
    await call(partnershipService, 'registerPartnership', { partnershipId, profile }, adminToken);
  } catch (err) {
    if (err.code !== Status.ALREADY_EXISTS) throw err;
  }
}

module.exports = { clusterSiloEnv, startClusterSilo, dashboardCounters, registerCounting };
