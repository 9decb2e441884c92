import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Etcd3 } from 'etcd3';
import { CompactedError, ConflictError, KeyExistsError, StorageError, type WatchEvent } from './backend.js';
import { Cacher } from './cacher.js';
import { backendConformance, collect, summary } from './conformance.js';
import { EtcdBackend, EtcdUnreachableError, type EtcdBackendOptions } from './etcd.js';
import { openBackend } from './index.js';
import { ensurePki, PKI_FILES } from '../pki/index.js';
import { startEtcdCluster } from '../testing/etcd-cluster.js';

const cluster = await startEtcdCluster(3);
after(() => cluster.stop());

let prefixes = 0;
const b = (s: string): Buffer => Buffer.from(s);
/** A backend of its own key space on the shared cluster; a small window so that old watches read etcd's history. */
const open = (o: Partial<EtcdBackendOptions> = {}) => EtcdBackend.connect({ endpoints: cluster.endpoints, prefix: `/t${++prefixes}`, watchWindow: 64, ...o });

backendConformance('etcd', () => open(), { exactCompactCounts: false });
backendConformance(
  'cacher over etcd (warm)',
  async () => {
    const c = new Cacher(await open(), { prefixes: ['/k/', '/registry/pods/', '/registry/podsecurity/'], window: 50 });
    await c.warm();
    return c;
  },
  { exactCompactCounts: false },
);

function assertContiguous(events: readonly WatchEvent[], first: number): void {
  assert.deepEqual(
    events.map((e) => e.kv.modRevision),
    Array.from({ length: events.length }, (_, i) => first + i),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

describe('etcd backend', () => {
  test('two instances on one cluster see each other\'s writes, in revision order', async () => {
    const prefix = `/shared${++prefixes}`;
    const one = await EtcdBackend.connect({ endpoints: cluster.endpoints, prefix });
    const two = await EtcdBackend.connect({ endpoints: [...cluster.endpoints].reverse(), prefix });
    try {
      const start = await one.currentRevision();
      const onOne = collect(one, '/x/', start);
      const onTwo = collect(two, '/x/', start);
      for (let i = 0; i < 40; i++) await (i % 3 === 0 ? two : one).create(`/x/o${i}`, b(String(i)));
      await onOne.waitFor(40);
      await onTwo.waitFor(40);
      assertContiguous(onOne.events, start + 1);
      assert.deepEqual(summary(onTwo.events), summary(onOne.events));
      assert.deepEqual(onOne.events.map((e) => e.kv.key), Array.from({ length: 40 }, (_, i) => `/x/o${i}`));
      const a = await two.get('/x/o1');
      assert.equal(a?.value.toString(), '1');
      await assert.rejects(two.update('/x/o1', b('stale'), a!.modRevision - 1), (e) => e instanceof ConflictError && e.current.modRevision === a!.modRevision);
      assert.equal((await one.count('/x/')).count, 40);
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('a foreign write is served by a cache only once its event arrived (deliveredRevision reaches etcd\'s revision)', async () => {
    const prefix = `/cache${++prefixes}`;
    const writer = await EtcdBackend.connect({ endpoints: cluster.endpoints, prefix });
    const reader = await EtcdBackend.connect({ endpoints: cluster.endpoints, prefix });
    const cached = new Cacher(reader, { prefixes: ['/k/'] });
    try {
      await cached.warm();
      const kv = await writer.create('/k/a', b('1'));
      // whatever the cache knows, the read answers what etcd has
      assert.equal((await cached.get('/k/a'))?.value.toString(), '1');
      const deadline = Date.now() + 3000;
      while (reader.deliveredRevision() < kv.modRevision && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.equal(reader.deliveredRevision(), await reader.currentRevision());
      assert.deepEqual((await cached.list('/k/')).items, [kv]);
    } finally {
      await cached.close();
      await writer.close();
    }
  });

  test('a watch older than the in-memory window reads etcd\'s history, then follows live writes', async () => {
    const be = await open({ watchWindow: 10 });
    try {
      const start = await be.currentRevision();
      for (let i = 0; i < 150; i++) await be.create(`/h/${String(i).padStart(3, '0')}`, b(String(i)));
      const w = collect(be, '/h/', start);
      await w.waitFor(150);
      const last = await be.create('/h/live', b('x'));
      await w.waitFor(151);
      assertContiguous(w.events, start + 1);
      assert.equal(w.events.at(-1)!.kv.modRevision, last.modRevision);
      w.watcher.stop();
    } finally {
      await be.close();
    }
  });

  test('a compaction by another instance is seen by compactRevision(), reads and watches', async () => {
    const prefix = `/compact${++prefixes}`;
    const one = await EtcdBackend.connect({ endpoints: cluster.endpoints, prefix, watchWindow: 5 });
    const two = await EtcdBackend.connect({ endpoints: cluster.endpoints, prefix });
    try {
      let kv = await one.create('/k/a', b('0'));
      const first = kv.modRevision;
      for (let i = 1; i < 20; i++) kv = await one.update('/k/a', b(String(i)), kv.modRevision);
      await two.compact(kv.modRevision);
      // one has not heard of it yet: the watch reads etcd's history and learns it there
      const w = collect(one, '/k/', first);
      await w.waitFor(1);
      assert.equal(w.events.length, 0);
      assert.ok(w.errors[0] instanceof CompactedError, String(w.errors[0]));
      assert.equal((w.errors[0] as CompactedError).compacted, kv.modRevision);
      assert.equal(await one.compactRevision(), kv.modRevision);
      await assert.rejects(one.get('/k/a', first), (e) => e instanceof CompactedError && e.requested === first && e.compacted === kv.modRevision);
      assert.throws(() => one.watch('/k/', { afterRevision: first, onEvent: () => {} }), CompactedError);
      assert.equal((await one.get('/k/a', kv.modRevision))?.value.toString(), '19');
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('openBackend takes an etcd:// URL with a prefix; keys are stored under it', async () => {
    const hosts = cluster.endpoints.map((e) => e.replace('http://', '')).join(',');
    const be = await openBackend({ kind: `etcd://${hosts}?prefix=/url${++prefixes}` });
    const raw = new Etcd3({ hosts: cluster.endpoints });
    try {
      assert.equal(be.kind, 'etcd');
      const kv = await be.create('/registry/pods/default/a', b('{}'));
      const stored = await raw.get(`/url${prefixes}/registry/pods/default/a`).exec();
      assert.equal(stored.kvs[0]?.value.toString(), '{}');
      assert.equal(Number(stored.kvs[0]?.mod_revision), kv.modRevision);
    } finally {
      raw.close();
      await be.close();
    }
  });

  test('an unreachable cluster fails within a few seconds, naming the endpoints and the fix', async () => {
    const endpoints = [`http://127.0.0.1:${await freePort()}`, `http://127.0.0.1:${await freePort()}`];
    const t0 = Date.now();
    const be = new EtcdBackend({ endpoints });
    try {
      await assert.rejects(be.currentRevision(), (e) => {
        assert.ok(e instanceof EtcdUnreachableError);
        assert.ok(e instanceof StorageError);
        const esc = (x: string) => x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
        const fix = 'start the etcd cluster or fix --storage etcd://host:port[,host:port...] (TLS: etcds:// with --etcd-cafile, --etcd-certfile, --etcd-keyfile)';
        assert.match(e.message, new RegExp(`^cannot reach etcd at ${esc(endpoints.join(', '))} \\(connect ECONNREFUSED 127\\.0\\.0\\.1:\\d+\\); ${esc(fix)}$`));
        return true;
      });
      assert.ok(Date.now() - t0 < 6000, `took ${Date.now() - t0} ms`);
      assert.throws(() => be.watch('/x/', { afterRevision: 0, onEvent: () => {} }), EtcdUnreachableError);
      await assert.rejects(be.create('/x/a', b('1')), EtcdUnreachableError);
    } finally {
      await be.close();
    }
  });
});

describe('etcd backend on a cluster that loses a member', () => {
  test('stopping the leader of a 3-member cluster loses nothing acknowledged', async () => {
    const c = await startEtcdCluster(3);
    const be = await EtcdBackend.connect({ endpoints: c.endpoints, requestTimeoutMs: 3000 });
    try {
      const start = await be.currentRevision();
      const w = collect(be, '/ha/', start);
      const acked = new Map<string, number>();
      const write = async (i: number) => {
        for (let attempt = 0; attempt < 20; attempt++) {
          try {
            acked.set(`/ha/${i}`, (await be.create(`/ha/${i}`, b(String(i)))).modRevision);
            return;
          } catch (e) {
            // an unacknowledged create may still have committed: then the key exists, which counts
            if (e instanceof KeyExistsError) return;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        throw new Error(`create /ha/${i} kept failing`);
      };
      for (let i = 0; i < 50; i++) await write(i);
      await c.stopMember(await c.leader());
      for (let i = 50; i < 100; i++) await write(i);
      const survivors = await EtcdBackend.connect({ endpoints: c.endpoints });
      try {
        const l = await survivors.list('/ha/');
        const have = new Map(l.items.map((kv) => [kv.key, kv.modRevision]));
        for (const [key, rev] of acked) assert.equal(have.get(key), rev, `${key} lost`);
        assert.equal(l.items.length, 100);
      } finally {
        await survivors.close();
      }
      const seen = await w.waitFor(100, 10_000);
      assert.deepEqual(
        seen.map((e) => e.kv.modRevision),
        [...seen.map((e) => e.kv.modRevision)].sort((x, y) => x - y),
      );
      for (const [key, rev] of acked) assert.ok(seen.some((e) => e.kv.key === key && e.kv.modRevision === rev), `watch missed ${key}`);
    } finally {
      await be.close();
      await c.stop();
    }
  });
});

describe('etcd backend over TLS', () => {
  test('etcds:// with a CA file and a client certificate reads, writes and watches; without the client certificate it cannot connect', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'minikapi-etcd-tls-'));
    const pki = await ensurePki(dir, { hosts: ['127.0.0.1'] });
    const f = (name: keyof typeof PKI_FILES) => join(pki.dir, PKI_FILES[name]);
    const c = await startEtcdCluster(1, { tls: { caFile: f('caCert'), certFile: f('serverCert'), keyFile: f('serverKey'), clientCertFile: f('adminCert'), clientKeyFile: f('adminKey') } });
    const url = `etcds://${c.endpoints[0]!.replace('https://', '')}` as const;
    const be = await openBackend({ kind: url, etcdCAFile: f('caCert'), etcdCertFile: f('adminCert'), etcdKeyFile: f('adminKey') });
    try {
      const w = collect(be, '/k/', await be.currentRevision());
      const kv = await be.create('/k/a', b('1'));
      assert.deepEqual(await be.get('/k/a'), kv);
      assert.deepEqual(summary(await w.waitFor(1)), [`create /k/a=1@${kv.modRevision}`]);
      w.watcher.stop();
      const anonymous = await openBackend({ kind: url, etcdCAFile: f('caCert') });
      try {
        await assert.rejects(anonymous.currentRevision(), (e) => e instanceof EtcdUnreachableError && e.message.startsWith(`cannot reach etcd at ${c.endpoints[0]} (`));
      } finally {
        await anonymous.close();
      }
    } finally {
      await be.close();
      await c.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
