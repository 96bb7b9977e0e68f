'use strict';
// Usage: node probe.js <port> <timeout-ms> <log-file> -- <command> [args...]
//
// One cold start: starts <command> (stdout and stderr to <log-file>), polls grpc.health.v1.Health/Check (service "")
// on h2c 127.0.0.1:<port> every 10 ms until it answers SERVING, then stops the process (SIGTERM, SIGKILL after 30 s)
// and prints one JSON line: {"ms": <exec → first SERVING answer, ms>, "exit": <exit code>, "polls": <n>}. Node's
// built-in http2 only (no packages). Exits 1 when the process dies first or nothing answers SERVING in <timeout-ms>.
const http2 = require('node:http2');
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const { performance } = require('node:perf_hooks');

const sep = process.argv.indexOf('--');
const [portText, timeoutText, logFile] = process.argv.slice(2, sep < 0 ? undefined : sep);
const command = sep < 0 ? [] : process.argv.slice(sep + 1);
const port = Number(portText);
const timeoutMs = Number(timeoutText);
if (!Number.isInteger(port) || port < 1 || port > 65535 || !(timeoutMs > 0) || !logFile || command.length === 0) {
  console.error('usage: node probe.js <port> <timeout-ms> <log-file> -- <command> [args...]');
  process.exit(2);
}

// grpc.health.v1.HealthCheckRequest{} framed (no compression, length 0); SERVING is HealthCheckResponse{status: 1},
// i.e. the frame 00 00000002 08 01.
const REQUEST = Buffer.from([0, 0, 0, 0, 0]);
const SERVING = Buffer.from([0, 0, 0, 0, 2, 0x08, 0x01]);
const POLL_MS = 10;

const log = fs.openSync(logFile, 'w');
const started = performance.now();
const child = spawn(command[0], command.slice(1), { stdio: ['ignore', log, log] });
let exited = null;
const exitedPromise = new Promise((resolve) => child.on('exit', (code, signal) => {
  exited = { code, signal };
  resolve(exited);
}));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One Check on a session; resolves true for SERVING, false for anything else (NOT_SERVING, error, reset).
function check(session) {
  return new Promise((resolve) => {
    let body = Buffer.alloc(0);
    let stream;
    try {
      stream = session.request({ ':method': 'POST', ':path': '/grpc.health.v1.Health/Check', 'content-type': 'application/grpc', te: 'trailers' });
    } catch {
      resolve(false);
      return;
    }
    stream.setTimeout(1000, () => stream.close(http2.constants.NGHTTP2_CANCEL));
    stream.on('data', (chunk) => { body = Buffer.concat([body, chunk]); });
    stream.on('error', () => resolve(false));
    stream.on('close', () => resolve(body.equals(SERVING)));
    stream.end(REQUEST);
  });
}

function connect() {
  return new Promise((resolve) => {
    const session = http2.connect(`http://127.0.0.1:${port}`);
    session.on('error', () => resolve(null));
    session.on('connect', () => resolve(session));
  });
}

async function stop() {
  if (exited) return exited;
  child.kill('SIGTERM');
  const killer = setTimeout(() => child.kill('SIGKILL'), 30000);
  const result = await exitedPromise;
  clearTimeout(killer);
  return result;
}

async function main() {
  let session = null;
  let polls = 0;
  let ms = null;
  while (performance.now() - started < timeoutMs && !exited) {
    if (!session || session.closed || session.destroyed) {
      session = await connect();
      if (!session) {
        await sleep(POLL_MS);
        continue;
      }
    }
    polls++;
    if (await check(session)) {
      ms = performance.now() - started;
      break;
    }
    await sleep(POLL_MS);
  }
  if (session) session.destroy();
  const diedEarly = exited !== null;
  const result = await stop();
  fs.closeSync(log);
  if (ms === null) {
    console.error(diedEarly
      ? `the process exited (code ${result.code}, signal ${result.signal}) before answering SERVING; log: ${logFile}`
      : `no SERVING answer within ${timeoutMs} ms; log: ${logFile}`);
    process.exit(1);
  }
  process.stdout.write(JSON.stringify({ ms: Math.round(ms * 10) / 10, exit: result.code, polls }) + '\n');
}

// Stopped from outside (the bench script's exit trap, Ctrl-C, a timeout): stop the process too, then leave.
for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP']) {
  process.on(signal, () => {
    stop().then(() => process.exit(130));
  });
}

main().catch((error) => {
  console.error(error);
  child.kill('SIGKILL');
  process.exit(1);
});
