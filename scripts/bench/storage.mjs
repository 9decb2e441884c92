// Raw storage throughput: minikapi's SQLite backend in this process, and etcd when it can be compared.
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

/** { skipped: reason } or { put, range } of etcd through the etcd3 client (same operations as the backend). */
export async function etcdThroughput(dir, log) {
  if (!existsOnPath('etcd')) return { skipped: 'etcd: not installed, skipped' };
  let Etcd3;
  try {
    ({ Etcd3 } = await import('etcd3'));
  } catch {
    return { skipped: 'etcd: installed, but the etcd3 npm package is not, skipped' };
  }
  const [client, peer] = [await freePort(), await freePort()];
  const cu = `http://127.0.0.1:${client}`;
  const pu = `http://127.0.0.1:${peer}`;
  log(`starting etcd on ${cu}`);
  const p = spawnTracked('etcd', ['--name', 'bench', '--data-dir', join(dir, 'etcd'), '--listen-client-urls', cu, '--advertise-client-urls', cu, '--listen-peer-urls', pu, '--initial-advertise-peer-urls', pu, '--initial-cluster', `bench=${pu}`]);
  p.stdout.resume();
  p.stderr.resume();
  const c = new Etcd3({ hosts: cu });
  try {
    const deadline = performance.now() + 15_000;
    for (;;) {
      try {
        await c.put('/bench/ping').value('1');
        break;
      } catch (e) {
        if (performance.now() > deadline) return { skipped: `etcd: did not start within 15 s (${e.message}), skipped` };
        await sleep(100);
      }
    }
    return await measure({ put: (k, v) => c.put(k).value(v), range: (pfx) => c.getAll().prefix(pfx).buffers() });
  } finally {
    c.close();
    await killChild(p);
  }
}
