'use strict';
// A network namespace joined to this host by a veth pair, for partition tests (iproute2; needs root). The host side
// holds several addresses of one /29 so that a blackhole route inside the namespace can cut the silo in it off from
// chosen peers (the storage, the other silos) while the client, whose packets come from the host side's first
// address, still reaches it. The addresses are private to the pair: nothing outside this machine can reach them.
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');

const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).toString();

/**
 * Creates the namespace; resolves to { name, launcher, inside, client, peers: [addr...], cut(addrs), heal(), remove() }.
 * `inside` is the namespace's address; `client` the host address clients' packets come from; `peers` further host
 * addresses to bind the storage and the other silos to.
 */
function createNamespace() {
  if (process.getuid?.() !== 0) throw new Error('the partition test needs root (network namespaces); scripts/test.sh runs as root in CI');
  const id = crypto.randomBytes(3).toString('hex');
  const name = `strive-${id}`;
  const hostSide = `svh${id}`;
  const nsSide = `svn${id}`;
  const subnet = `10.${200 + (parseInt(id.slice(0, 2), 16) % 50)}.${parseInt(id.slice(2, 4), 16)}`;
  const client = `${subnet}.1`;
  const inside = `${subnet}.2`;
  const peers = [`${subnet}.3`, `${subnet}.4`, `${subnet}.5`];
  const cuts = new Set();
  ip('netns', 'add', name);
  try {
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide);
    ip('link', 'set', nsSide, 'netns', name);
    for (const address of [client, ...peers]) ip('addr', 'add', `${address}/29`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('-n', name, 'addr', 'add', `${inside}/29`, 'dev', nsSide);
    ip('-n', name, 'link', 'set', nsSide, 'up');
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (err) {
    try { ip('link', 'del', hostSide); } catch { /* not created */ }
    ip('netns', 'del', name);
    throw err;
  }
  return {
    name,
    launcher: ['ip', 'netns', 'exec', name],
    inside,
    client,
    peers,
    /** Drops every packet the namespace sends to `addresses` (so no connection to or from them works). */
    cut(addresses) {
      for (const address of addresses) {
        ip('-n', name, 'route', 'add', 'blackhole', `${address}/32`);
        cuts.add(address);
      }
    },
    heal() {
      for (const address of cuts) ip('-n', name, 'route', 'del', 'blackhole', `${address}/32`);
      cuts.clear();
    },
    remove() {
      try { ip('link', 'del', hostSide); } catch { /* gone with the namespace */ }
      ip('netns', 'del', name);
    },
  };
}

module.exports = { createNamespace };
