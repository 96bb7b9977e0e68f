'use strict';
// Azurite, the Azure Storage emulator (npm `azurite`, a dependency of this suite), for the `azure` cluster profile:
// blob and table services on free loopback ports with a throw-away location. A missing install fails loudly.
const fs = require('node:fs');
const os = require('node:os');
const net = require('node:net');
const path = require('node:path');
const { spawn } = require('node:child_process');

// The emulator's well-known development account (public, documented by Microsoft; not a secret).
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';
const START_TIMEOUT_MS = 60_000;

/** A free TCP port on `host` (default 127.0.0.1). */
function freePort(host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts Azurite on `host` (default 127.0.0.1); resolves to { connectionString, stop() } once blob and table services
 * listen.
 */
async function startAzurite({ host = '127.0.0.1' } = {}) {
  const bin = path.join(__dirname, '..', 'node_modules', '.bin', 'azurite');
  if (!fs.existsSync(bin)) throw new Error(`azurite is not installed (${bin}): run npm ci in tests/e2e (scripts/test.sh does)`);
  const [blobPort, queuePort, tablePort] = [await freePort(host), await freePort(host), await freePort(host)];
  const location = fs.mkdtempSync(path.join(os.tmpdir(), 'strive-azurite-'));
  const child = spawn(bin, [
    '--location', location, '--silent', '--skipApiVersionCheck', '--loose', '--disableTelemetry',
    '--blobHost', host, '--blobPort', String(blobPort),
    '--queueHost', host, '--queuePort', String(queuePort),
    '--tableHost', host, '--tablePort', String(tablePort),
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (c) => { output += c; });
  child.stderr.on('data', (c) => { output += c; });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`azurite did not listen within ${START_TIMEOUT_MS / 1000} s:\n${output}`)), START_TIMEOUT_MS);
    const poll = setInterval(() => {
      if (/Table service is successfully listening/.test(output) && /Blob service is successfully listening/.test(output)) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve();
      }
    }, 100);
    child.once('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`azurite exited (code ${code}):\n${output}`));
    });
  });
  const connectionString = `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${KEY};` +
    `BlobEndpoint=http://${host}:${blobPort}/${ACCOUNT};QueueEndpoint=http://${host}:${queuePort}/${ACCOUNT};` +
    `TableEndpoint=http://${host}:${tablePort}/${ACCOUNT};`;
  return {
    connectionString,
    async stop() {
      if (child.exitCode === null) {
        const gone = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await gone;
      }
      fs.rmSync(location, { recursive: true, force: true });
    },
  };
}

module.exports = { startAzurite, freePort };
