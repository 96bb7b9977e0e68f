'use strict';
// A network namespace for partition tests (iproute2; needs root), joined to this host by two veth pairs: a cluster
// link, on which the silo inside talks to the storage and the other silos, and a client link, on which clients reach
// its front door. Taking the cluster link down cuts the silo off from its store and its peers in both directions while
// clients still reach it. The addresses are private to the pairs: nothing outside this machine can reach them.
const crypto = require('node:crypto');
const { execFileSync } = require('node:child_process');

const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 }).toString();

/**
 * Creates the namespace; returns { name, launcher, inside, clientAddress, peers, cut(), heal(), remove() }.
 * `inside` is the silo's cluster address (advertise it), `clientAddress` its address on the client link (serve gRPC
 * there), `peers` host addresses on the cluster link for the storage and the other silos.
 */
function createNamespace() {
  if (process.getuid?.() !== 0) throw new Error('the partition test needs root (network namespaces); scripts/test.sh runs as root in CI');
  const id = crypto.randomBytes(3).toString('hex');
  const name = `strive-${id}`;
  const links = { cluster: [`svh${id}`, `svn${id}`], client: [`sch${id}`, `scn${id}`] };
  const a = 200 + (parseInt(id.slice(0, 2), 16) % 25);
  const b = parseInt(id.slice(2, 4), 16);
  const cluster = `10.${a}.${b}`;
  const client = `10.${a + 25}.${b}`;
  const inside = `${cluster}.2`;
  const peers = [`${cluster}.3`, `${cluster}.4`, `${cluster}.5`];
  ip('netns', 'add', name);
  const remove = () => {
    for (const [hostSide] of Object.values(links)) {
      try { ip('link', 'del', hostSide); } catch { /* gone with the namespace */ }
    }
    ip('netns', 'del', name);
  };
  try {
    for (const [hostSide, nsSide] of Object.values(links)) {
      ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', nsSide);
      ip('link', 'set', nsSide, 'netns', name);
    }
    for (const address of [`${cluster}.1`, ...peers]) ip('addr', 'add', `${address}/29`, 'dev', links.cluster[0]);
    ip('addr', 'add', `${client}.1/30`, 'dev', links.client[0]);
    ip('-n', name, 'addr', 'add', `${inside}/29`, 'dev', links.cluster[1]);
    ip('-n', name, 'addr', 'add', `${client}.2/30`, 'dev', links.client[1]);
    for (const [hostSide, nsSide] of Object.values(links)) {
      ip('link', 'set', hostSide, 'up');
      ip('-n', name, 'link', 'set', nsSide, 'up');
    }
    ip('-n', name, 'link', 'set', 'lo', 'up');
  } catch (err) {
    remove();
    throw err;
  }
  return {
    name,
    launcher: ['ip', 'netns', 'exec', name],
    inside,
    clientAddress: `${client}.2`,
    peers,
    /** Takes the cluster link down: no packet between the silo inside and its storage or peers, either way. */
    cut() {
      ip('-n', name, 'link', 'set', links.cluster[1], 'down');
    },
    heal() {
      ip('-n', name, 'link', 'set', links.cluster[1], 'up');
    },
    remove,
  };
}

module.exports = { createNamespace };
