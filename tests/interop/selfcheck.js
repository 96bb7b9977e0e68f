#!/usr/bin/env node
'use strict';
// Self-check of the interop client: runs the suite against reference-server.js instead of the
// C# host. A failure here is a bug in the client (or the reference server), not in the C# host.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const { spawnAnnouncingServer } = require('./lib/server-host');

async function main() {
  const server = await spawnAnnouncingServer(process.execPath, [path.join(__dirname, 'reference-server.js'), '--port', '0'], 'reference server');
  try {
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', '--test-concurrency=1', 'test/'], {
      cwd: __dirname,
      stdio: 'inherit',
      env: { ...process.env, INTEROP_SERVER_ADDRESS: server.address },
    });
    process.exitCode = run.status ?? 1;
  } finally {
    await server.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
