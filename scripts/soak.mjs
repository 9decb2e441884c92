#!/usr/bin/env node
// Soak and overload (issue 14): mixed load against one minikapi for a while — creates, updates, deletes,
// Lease renewals, lists, watches that come and go, and requests abandoned mid-way — printing every
// interval the server's RSS, open files, state.db and WAL size, request rate and 5xx count. The figures
// should stay flat. Usage: node scripts/soak.mjs [--seconds 3600] [--clients 50] [--interval 60]
import { statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import https from 'node:https';
import { cleanup, client, ensureNamespace, machineInfo, rssMB, startMinikapi, stopMinikapi, tempDir, writeTokenFile, sleep, TOKEN } from './bench/lib.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
};
const SECONDS = arg('seconds', 120);
const CLIENTS = arg('clients', 50);
const INTERVAL = arg('interval', 10);

const size = (p) => {
  try {
    return statSync(p).size / 1048576;
  } catch {
    return 0;
  }
};
const openFiles = (pid) => {
  try {
    return readdirSync(`/proc/${pid}/fd`).length;
  } catch {
    return NaN;
  }
};

const dir = tempDir('soak');
const server = await startMinikapi({ dataDir: dir, tokenFile: writeTokenFile(dir), extraArgs: ['--controllers', 'none', '--compaction-interval', '30'] });
const c = client(server, CLIENTS + 8);
const NS = 'soak';
await ensureNamespace(c, NS);
await c.raw('POST', '/apis/coordination.k8s.io/v1/namespaces/soak/leases', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'churn' }, spec: { holderIdentity: 'soak' } });

const stats = { requests: 0, errors5xx: 0, other: 0, aborted: 0 };
let running = true;
const count = (r) => {
  stats.requests++;
  if (r.status >= 500) stats.errors5xx++;
};

/** A request given up half-way: the body is announced but never finished, then the socket goes. */
function abandon() {
  return new Promise((resolve) => {
    const req = https.request(`${server.url}/api/v1/namespaces/${NS}/configmaps`, { method: 'POST', ca: server.ca, headers: { Authorization: `Bearer ${TOKEN}`, 'Content-Type': 'application/json', 'Content-Length': 10_000 } });
    req.on('error', () => resolve());
    req.write('{"apiVersion":"v1",');
    setTimeout(() => {
      req.destroy();
      stats.aborted++;
      resolve();
    }, 20);
  });
}

/** A watch from "now" (as an informer after its list) that reads for a while and goes away. */
async function shortWatch() {
  const rv = JSON.parse((await c.raw('GET', `/api/v1/namespaces/${NS}/configmaps?limit=1`)).body.toString()).metadata.resourceVersion;
  return new Promise((resolve) => {
    const req = https.request(`${server.url}/api/v1/namespaces/${NS}/configmaps?watch=1&resourceVersion=${rv}`, { ca: server.ca, headers: { Authorization: `Bearer ${TOKEN}` } }, (res) => {
      res.resume();
      setTimeout(() => {
        req.destroy();
        resolve();
      }, 500 + Math.random() * 1500);
    });
    req.on('error', () => resolve());
    req.end();
  });
}

async function worker(w) {
  for (let i = 0; running; i++) {
    const name = `s${w}-${i % 20}`;
    const path = `/api/v1/namespaces/${NS}/configmaps`;
    const roll = Math.random();
    try {
      if (roll < 0.3) count(await c.raw('POST', path, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { v: String(i), pad: 'p'.repeat(800) } }, [409, 429]));
      else if (roll < 0.5) count(await c.raw('PATCH', `${path}/${name}`, JSON.stringify({ data: { v: `u${i}` } }), [404, 429]).catch(() => ({ status: 0 })));
      else if (roll < 0.6) count(await c.raw('DELETE', `${path}/${name}`, undefined, [404, 429]));
      else if (roll < 0.75) count(await c.raw('PUT', '/apis/coordination.k8s.io/v1/namespaces/soak/leases/churn', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'churn' }, spec: { holderIdentity: `soak-${w}`, renewTime: new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z') } }, [409, 429]));
      else if (roll < 0.9) count(await c.raw('GET', `${path}?limit=50`, undefined, [429]));
      else if (roll < 0.95) await shortWatch();
      else await abandon();
    } catch (e) {
      stats.other++;
      if (stats.other < 5) console.error(`soak: ${e.message}`);
    }
  }
}

console.log(`# minikapi soak: ${SECONDS} s, ${CLIENTS} clients, sample every ${INTERVAL} s`);
console.log(`# ${JSON.stringify(machineInfo())}`);
console.log('| t (s) | req/s | 5xx | aborted | RSS | open files | state.db | WAL |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
const workers = Array.from({ length: CLIENTS }, (_, w) => worker(w));
const t0 = performance.now();
let last = { t: t0, n: 0 };
while ((performance.now() - t0) / 1000 < SECONDS) {
  await sleep(INTERVAL * 1000);
  const now = performance.now();
  const rate = ((stats.requests - last.n) * 1000) / (now - last.t);
  last = { t: now, n: stats.requests };
  console.log(`| ${((now - t0) / 1000).toFixed(0)} | ${rate.toFixed(0)} | ${stats.errors5xx} | ${stats.aborted} | ${rssMB(server.pid).toFixed(0)} MiB | ${openFiles(server.pid)} | ${size(join(dir, 'state.db')).toFixed(1)} MiB | ${size(join(dir, 'state.db-wal')).toFixed(1)} MiB |`);
}
running = false;
await Promise.allSettled(workers);
c.close();
await stopMinikapi(server);
await cleanup();
console.log(`# ${stats.requests} requests, ${stats.errors5xx} answered 5xx, ${stats.other} client errors`);
process.exit(stats.errors5xx > 0 ? 1 : 0);
