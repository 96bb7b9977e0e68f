'use strict';
// A fresh PostgreSQL database per test file, from STRIVE_TEST_POSTGRES (exported by scripts/test.sh). A missing
// variable fails the test: a PostgreSQL test that silently skips would hide a broken CI setup.
const fs = require('node:fs');
const { execFileSync } = require('node:child_process');
const crypto = require('node:crypto');

function parseConnectionString(text) {
  const parts = {};
  for (const piece of text.split(';')) {
    const eq = piece.indexOf('=');
    if (eq > 0) parts[piece.slice(0, eq).trim().toLowerCase()] = piece.slice(eq + 1).trim();
  }
  return parts;
}

function psqlPath() {
  const candidates = ['/usr/bin/psql', ...(fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort().reverse().map((v) => `/usr/lib/postgresql/${v}/bin/psql`) : [])];
  const found = candidates.find((c) => fs.existsSync(c));
  if (!found) throw new Error('psql is not installed; it is needed to create the test database');
  return found;
}

/** Creates a database with a random name; resolves to { connectionString, drop() }. */
function createDatabase(env = process.env) {
  const base = env.STRIVE_TEST_POSTGRES;
  if (!base) throw new Error('STRIVE_TEST_POSTGRES is not set: export a PostgreSQL connection string (scripts/test.sh does) to run the PostgreSQL end-to-end tests');
  const cs = parseConnectionString(base);
  const name = `strive_e2e_${crypto.randomBytes(6).toString('hex')}`;
  const args = ['-h', cs.host ?? '127.0.0.1', '-p', cs.port ?? '5432', '-U', cs.username ?? cs['user id'] ?? 'postgres', '-d', cs.database ?? 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt', '-c'];
  const psql = psqlPath();
  const run = (sql) => execFileSync(psql, [...args, sql], { env: { ...env, PGPASSWORD: cs.password ?? '' }, stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  run(`CREATE DATABASE ${name}`);
  const connectionString = base.split(';').filter((p) => !/^\s*database\s*=/i.test(p)).concat(`Database=${name}`).join(';');
  return { name, connectionString, drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

module.exports = { createDatabase };
