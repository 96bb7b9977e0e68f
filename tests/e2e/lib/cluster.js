'use strict';
// The environment of one silo of a cluster on this machine, as the k8s/ Deployment gives it to a pod, with what one
// machine needs instead: loopback addresses (the pod IP), ports of its own, and secret files in a private directory.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/**
 * Resolves to { variables, cleanup() } for a silo of the `storage` profile ('azure' or 'postgres'); `secrets` maps
 * Secret keys ('azure-storage', 'postgres-password', 'admin-token') to values, written to owner-only files.
 */
async function clusterSiloEnv({ storage, secrets = {}, overrides = {}, label = 'silo' }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `strive-${label}-secrets-`));
  const files = {};
  for (const [key, value] of Object.entries(secrets)) {
    files[key] = path.join(dir, key);
    fs.writeFileSync(files[key], `${value}\n`, { mode: 0o600 });
  }
  const variables = {
    STRIVE_STORAGE: storage,
    STRIVE_CLUSTER_ID: 'strive',
    STRIVE_LISTEN_ADDRESS: '127.0.0.1',
    STRIVE_ADVERTISE_ADDRESS: '127.0.0.1',
    STRIVE_SILO_PORT: '0',
    ...(files['azure-storage'] ? { STRIVE_AZURE_STORAGE_FILE: files['azure-storage'] } : {}),
    ...(files['postgres-password'] ? { STRIVE_POSTGRES_PASSWORD_FILE: files['postgres-password'] } : {}),
    ...overrides,
  };
  return { variables, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

module.exports = { clusterSiloEnv };
