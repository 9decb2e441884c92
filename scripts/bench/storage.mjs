// Raw storage throughput: minikapi's SQLite backend and its etcd backend (against a one-member etcd), in this process.
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, spawnTracked, killChild, existsOnPath, sleep } from './lib.mjs';

const VALUE = Buffer.from(JSON.stringify({ data: { payload: 'x'.repeat(900) } }));

/** Runs op(i) with `concurrency` in flight for `ms`; returns ops per second. */
async function throughput(op, { ms = 2000, concurrency = 16, max = 1_000_000 } = {}) {
  let i = 0;
  const end = performance.now() + ms;
  const t0 = performance.now();
  const worker = async () => {
    while (performance.now() < end && i < max) await op(i++);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return i / ((performance.now() - t0) / 1000);
}

/** put = create of a new 1 KiB key; range = list of a 10-key prefix. */
async function measure(kv) {
  // a fresh connection (and a fresh etcd member) is slow for its first second: not what is measured
  await throughput((i) => kv.put(`/bench/warm/${i}`, VALUE), { ms: 1000 });
  for (let k = 0; k < 10; k++) await kv.put(`/bench/range/k${k}`, VALUE);
  const put = await throughput((i) => kv.put(`/bench/put/${i}`, VALUE));
  const range = await throughput(() => kv.range('/bench/range/'));
  return { put, range };
}

export async function sqliteBackendThroughput(dir) {
  const { openBackend } = await import(pathToFileURL(join(ROOT, 'dist', 'storage', 'index.js')).href);
  const b = openBackend({ kind: 'sqlite', path: join(dir, 'raw.db') });
  try {
    return await measure({ put: (k, v) => b.create(k, v), range: (p) => b.list(p) });
  } finally {
    await b.close();
  }
}

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** Installs Debian's etcd-server when no etcd is on PATH (the bench compares against it). */
function ensureEtcd(log) {
  if (existsOnPath('etcd')) return;
  const asRoot = (args, stdio = ['ignore', 'ignore', 'pipe']) =>
    process.getuid?.() === 0 ? spawnSync(args[0], args.slice(1), { stdio, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) : spawnSync('sudo', ['DEBIAN_FRONTEND=noninteractive', ...args], { stdio });
  log("etcd is missing: installing Debian's etcd-server");
  for (const args of [['apt-get', 'update'], ['apt-get', 'install', '-y', '--no-install-recommends', 'etcd-server']]) {
    const r = asRoot(args);
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed: ${String(r.stderr).trim().split('\n').at(-1)}`);
  }
  // the package may start its own service on 2379; the bench runs a member of its own
  asRoot(['service', 'etcd', 'stop'], 'ignore');
  if (!existsOnPath('etcd')) throw new Error('etcd-server is installed, but there is no etcd on PATH');
}

/**
 * A one-member etcd on loopback (data on the same disk as the SQLite file), measured through minikapi's etcd
 * backend (create = compare-and-swap transaction, list = range read) and through the bare etcd3 client.
 */
export async function etcdThroughput(dir, log) {
  ensureEtcd(log);
  const version = /etcd Version: (\S+)/.exec(String(spawnSync('etcd', ['--version']).stdout))?.[1] ?? '?';
  const [client, peer] = [await freePort(), await freePort()];
  const cu = `http://127.0.0.1:${client}`;
  const pu = `http://127.0.0.1:${peer}`;
  log(`starting etcd ${version} on ${cu}`);
  const p = spawnTracked('etcd', ['--name', 'bench', '--data-dir', join(dir, 'etcd'), '--listen-client-urls', cu, '--advertise-client-urls', cu, '--listen-peer-urls', pu, '--initial-advertise-peer-urls', pu, '--initial-cluster', `bench=${pu}`]);
  p.stdout.resume();
  p.stderr.resume();
  const { Etcd3 } = await import('etcd3');
  const { EtcdBackend } = await import(pathToFileURL(join(ROOT, 'dist', 'storage', 'etcd.js')).href);
  const c = new Etcd3({ hosts: cu });
  try {
    const deadline = performance.now() + 15_000;
    for (;;) {
      try {
        await c.put('/ping').value('1');
        break;
      } catch (e) {
        if (performance.now() > deadline) throw new Error(`etcd did not start within 15 s (${e.message})`);
        await sleep(100);
      }
    }
    // a fresh member writes slowly for its first seconds (WAL and database files growing)
    await throughput((i) => c.put(`/warm/${i}`).value(VALUE), { ms: 3000 });
    const raw = await measure({ put: (k, v) => c.put(`/raw${k}`).value(v), range: (pfx) => c.getAll().prefix(`/raw${pfx}`).buffers() });
    const b = await EtcdBackend.connect({ endpoints: [cu], prefix: '/backend' });
    let backend;
    try {
      backend = await measure({ put: (k, v) => b.create(k, v), range: (pfx) => b.list(pfx) });
    } finally {
      await b.close();
    }
    return { version, ...backend, raw };
  } finally {
    c.close();
    await killChild(p);
  }
}
