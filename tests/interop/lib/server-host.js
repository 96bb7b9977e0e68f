'use strict';
// Locates or starts the interop server the suite runs against.
//   INTEROP_SERVER_ADDRESS=host:port  use an already running server (nothing is spawned)
//   INTEROP_SERVER_DLL=/path/x.dll    spawn this build of the C# host
//   otherwise                         spawn the Release, then the Debug build of the C# host
const path = require('node:path');
const fs = require('node:fs');
const { spawn } = require('node:child_process');

const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
const HOST_PROJECT = path.join(REPO_ROOT, 'gateway-grpc', 'StriveNetwork.Grpc.Interop');
const DLL_NAME = 'StriveNetwork.Grpc.Interop.dll';
const READY_LINE = /^interop server listening on (\S+:\d+)\s*$/;
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 10_000;

/** The C# host dll to run: INTEROP_SERVER_DLL, else the Release build, else the Debug build. */
function resolveServerDll(env = process.env, hostProject = HOST_PROJECT) {
  if (env.INTEROP_SERVER_DLL !== undefined) {
    const dll = path.resolve(env.INTEROP_SERVER_DLL);
    if (env.INTEROP_SERVER_DLL === '' || !fs.existsSync(dll)) throw new Error(`INTEROP_SERVER_DLL='${env.INTEROP_SERVER_DLL}' does not exist`);
    return dll;
  }
  const candidates = ['Release', 'Debug'].map((c) => path.join(hostProject, 'bin', c, 'net10.0', DLL_NAME));
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) {
    throw new Error(
      `The C# interop host is not built: none of\n  ${candidates.join('\n  ')}\nexists. Build the solution first ` +
        '(dotnet build StriveNetwork.sln -c Release), or set INTEROP_SERVER_DLL=<dll> or ' +
        'INTEROP_SERVER_ADDRESS=host:port.');
  }
  return found;
}

/**
 * Starts a server process whose stdout announces "interop server listening on host:port".
 * Resolves to { address, stop(), output() }.
 */
function spawnAnnouncingServer(command, args, label) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env } });
    let output = '';
    let stdoutBuffer = '';
    let settled = false;
    let stopping = false;
    const exited = new Promise((r) => child.once('exit', (code, signal) => r({ code, signal })));
    const capture = (chunk) => {
      output += chunk;
      if (output.length > 64_000) output = output.slice(-64_000);
    };
    const fail = (message) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`${message}\n--- ${label} output ---\n${output}`));
    };
    const timer = setTimeout(() => fail(`${label} did not announce its port within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', capture);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      capture(chunk);
      if (settled) return;
      stdoutBuffer += chunk;
      const lines = stdoutBuffer.split('\n');
      stdoutBuffer = lines.pop();
      for (const line of lines) {
        const match = READY_LINE.exec(line.trim());
        if (!match) continue;
        settled = true;
        clearTimeout(timer);
        resolve({
          address: match[1],
          label,
          output: () => output,
          async stop() {
            if (child.exitCode !== null || child.signalCode !== null) return;
            stopping = true;
            child.kill('SIGTERM');
            const killer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
            await exited;
            clearTimeout(killer);
          },
        });
        return;
      }
    });
    child.once('error', (err) => fail(`could not start ${label}: ${err.message}`));
    child.once('exit', (code, signal) => {
      if (!settled) {
        fail(`${label} exited before announcing its port (code ${code}, signal ${signal})`);
      } else if (!stopping) {
        // A crash mid-run otherwise shows up only as connection errors in the cases.
        console.error(`${label} exited unexpectedly (code ${code}, signal ${signal})\n--- output ---\n${output}`);
      }
    });
  });
}

/** The server the suite targets: an external address, or a freshly spawned C# host. */
async function startInteropServer(env = process.env) {
  const external = env.INTEROP_SERVER_ADDRESS;
  if (external !== undefined) {
    // A set-but-empty variable is a broken CI config, not a request to spawn the C# host.
    if (!/^[^\s:]+:\d+$/.test(external)) throw new Error(`INTEROP_SERVER_ADDRESS must be host:port, got '${external}'`);
    return { address: external, label: `external server ${external}`, output: () => '', async stop() {} };
  }
  const dll = resolveServerDll(env);
  return spawnAnnouncingServer('dotnet', [dll, '--port', '0'], `C# interop host (${path.relative(REPO_ROOT, dll)})`);
}

module.exports = { startInteropServer, spawnAnnouncingServer, resolveServerDll };
