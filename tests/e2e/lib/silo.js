'use strict';
// Starts a real StriveNetwork silo process for the end-to-end suite and reads what it announces on stdout:
//   bootstrap admin token registered from STRIVE_ADMIN_TOKEN
//   gRPC listening on 127.0.0.1:<port>
// The bootstrap admin secret is made here and given in STRIVE_ADMIN_TOKEN, as an operator does with a Kubernetes
// Secret: the silo never prints a secret to a pipe.
// STRIVE_SILO_DLL=/path/StriveNetwork.Silo.dll picks the build; otherwise the newer of the Release and Debug builds
// of silo/ is used. A missing build fails loudly: the suite never passes by not running.
const path = require('node:path');
const fs = require('node:fs');
const os = require('node:os');
const crypto = require('node:crypto');
const { spawn } = require('node:child_process');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const DLL_NAME = 'StriveNetwork.Silo.dll';
const LISTENING_LINE = /gRPC listening on (\d+\.\d+\.\d+\.\d+:\d+)/;
const TOKEN_LINE = /^bootstrap admin token registered from STRIVE_ADMIN_TOKEN$/;
const READY_TIMEOUT_MS = 120_000;
const STOP_TIMEOUT_MS = 15_000;

/** The silo dll to run: STRIVE_SILO_DLL, else the newer of the Release and Debug builds. */
function resolveSiloDll(env = process.env) {
  if (env.STRIVE_SILO_DLL !== undefined) {
    const dll = path.resolve(env.STRIVE_SILO_DLL);
    if (env.STRIVE_SILO_DLL === '' || !fs.existsSync(dll)) throw new Error(`STRIVE_SILO_DLL='${env.STRIVE_SILO_DLL}' does not exist`);
    return dll;
  }
  const candidates = ['Release', 'Debug'].map((c) => path.join(REPO_ROOT, 'silo', 'bin', c, 'net10.0', DLL_NAME));
  // The newest build wins, so a stale Release build never hides the Debug build just made (or the reverse).
  const found = candidates.filter((c) => fs.existsSync(c)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  if (!found) {
    throw new Error(
      `The silo is not built: none of\n  ${candidates.join('\n  ')}\nexists. Build it first ` +
        '(dotnet build silo/StriveNetwork.Silo.csproj -c Release) or set STRIVE_SILO_DLL=<dll>.');
  }
  return found;
}

/** A new bearer secret: 'snt_' + 256 random bits in url-safe base64 without padding (what the silo generates). */
function newSecret() {
  return `snt_${crypto.randomBytes(32).toString('base64url')}`;
}

/**
 * Starts a silo on an ephemeral port with SQLite (or `storage` args) in a fresh temporary data directory (or `dataDir`,
 * for a restart).
 * Resolves to { address, adminToken, dataDir, pid, alive(), output(), stop({ keepData }) } once the port is announced
 * and, on a fresh store, the admin token (given in STRIVE_ADMIN_TOKEN, registered on the first start of an empty store;
 * a restart on a store that has tokens registers none: pass expectAdminToken: false).
 * `extraEnv` adds variables to `env` for the silo only, e.g. small limits for a test:
 * `{ Strive__Limits__StreamIdleTimeout: '00:00:02' }`.
 */
function startSilo({ demo = false, storage = ['--storage', 'sqlite'], extraArgs = [], env = process.env, extraEnv = {}, dataDir: existingDataDir, expectAdminToken = true, launcher = [] } = {}) {
  const dll = resolveSiloDll(env);
  const dataDir = existingDataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'strive-e2e-'));
  const args = [dll, '--grpc-port', '0', '--web-port', '0', '--data-dir', dataDir, ...storage, ...(demo ? ['--demo'] : []), ...extraArgs];
  const label = `silo (${path.relative(REPO_ROOT, dll)}${demo ? ' --demo' : ''})`;
  return new Promise((resolve, reject) => {
    const secret = expectAdminToken ? newSecret() : undefined;
    const childEnv = { ...env, ...extraEnv };
    delete childEnv.STRIVE_ADMIN_TOKEN;
    delete childEnv.STRIVE_ADMIN_TOKEN_FILE;
    if (secret) childEnv.STRIVE_ADMIN_TOKEN = secret;
    // `launcher` runs the silo through another command, e.g. ['ip', 'netns', 'exec', ns] for a network namespace.
    const [command, ...prefix] = [...launcher, 'dotnet'];
    const child = spawn(command, [...prefix, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: childEnv, cwd: dataDir });
    let output = '';
    let buffer = '';
    let address;
    let adminToken;
    let settled = false;
    let stopping = false;
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    const capture = (chunk) => {
      output += chunk;
      if (output.length > 200_000) output = output.slice(-200_000);
    };
    const fail = (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      if (!existingDataDir) fs.rmSync(dataDir, { recursive: true, force: true });
      reject(new Error(`${message}\n--- ${label} output ---\n${output}`));
    };
    const timer = setTimeout(
      () => fail(`${label} did not announce 'gRPC listening on'${expectAdminToken ? " and register the bootstrap admin token" : ''} within ${READY_TIMEOUT_MS / 1000} s`),
      READY_TIMEOUT_MS);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', capture);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      capture(chunk);
      if (settled) return;
      buffer += chunk;
      const lines = buffer.split('\n');
      buffer = lines.pop();
      for (const line of lines) {
        address ??= LISTENING_LINE.exec(line)?.[1];
        if (TOKEN_LINE.test(line)) adminToken = secret;
      }
      if (address && (adminToken || !expectAdminToken)) {
        settled = true;
        clearTimeout(timer);
        resolve({
          address,
          adminToken,
          dataDir,
          label,
          pid: child.pid,
          /** True while the process runs (not exited, and signal 0 reaches it). */
          alive() {
            if (child.exitCode !== null || child.signalCode !== null) return false;
            try {
              process.kill(child.pid, 0);
              return true;
            } catch {
              return false;
            }
          },
          output: () => output,
          /** Resolves to { code, signal } when the process ends by itself (or by a kill). */
          exited: () => exited,
          /** Marks an exit the test provokes (e.g. a silo declared dead stops itself), so it is not reported. */
          expectExit() {
            stopping = true;
          },
          /** Sends `signal` (SIGKILL: a crash) and resolves once the process is gone; the data stays. */
          async kill(signal = 'SIGKILL') {
            stopping = true;
            if (child.exitCode === null && child.signalCode === null) child.kill(signal);
            return exited;
          },
          async stop({ keepData = false, timeoutMs = STOP_TIMEOUT_MS } = {}) {
            let result = { code: child.exitCode, signal: child.signalCode };
            if (child.exitCode === null && child.signalCode === null) {
              stopping = true;
              child.kill('SIGTERM');
              const killer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
              result = await exited;
              clearTimeout(killer);
            }
            if (!keepData) fs.rmSync(dataDir, { recursive: true, force: true });
            return result;
          },
        });
      }
    });
    child.once('error', (err) => fail(`could not start ${label}: ${err.message}`));
    child.once('exit', (code, signal) => {
      if (!settled) fail(`${label} exited before it was ready (code ${code}, signal ${signal})`);
      else if (!stopping) console.error(`${label} exited unexpectedly (code ${code}, signal ${signal})\n--- output ---\n${output}`);
    });
  });
}

module.exports = { startSilo, resolveSiloDll, newSecret, REPO_ROOT };
