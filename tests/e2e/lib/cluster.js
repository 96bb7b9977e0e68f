'use strict';
// The environment of one silo of a cluster on this machine: what the k8s/ Deployment gives a pod of the overlay for
// the profile (lib/k8s.js renders it), with what one machine needs instead: the pod IP is a local address, the
// front door listens on it or on loopback, ports are free ones, and the mounted Secret is a private directory.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { k8sSiloEnv } = require('./k8s');
const { newSecret } = require('./silo');

/** The overlay whose Deployment a test cluster of each profile runs with. */
const OVERLAYS = { azure: 'azure-connection-string', postgres: 'dev' };

/**
 * Resolves to { variables, cleanup() } for a silo of the `storage` profile ('azure' or 'postgres'). `secrets` maps
 * Secret keys ('azure-storage', 'postgres-password') to values, written to owner-only files; `podIp` is the address
 * the silo advertises (and, with `listen: 'pod'`, serves gRPC on); `overrides` apply last.
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
      STRIVE_LISTEN_ADDRESS: listen === 'pod' ? podIp : '127.0.0.1',
      STRIVE_SILO_PORT: '0',
      STRIVE_DASHBOARD_PORT: '0',
      STRIVE_METRICS_PORT: '0',
      STRIVE_DATA_DIR: null,
      ...overrides,
    },
  });
  return { variables, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

module.exports = { clusterSiloEnv };
