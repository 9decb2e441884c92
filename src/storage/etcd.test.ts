import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startEtcdCluster, type EtcdCluster } from '../testing/etcd-cluster.js';
import { CompactedError, StorageError, type WatchEvent } from './backend.js';
import { backendConformance, collect, summary } from './conformance.js';
import { EtcdBackend, EtcdUnreachableError } from './etcd.js';
import { openBackend } from './index.js';

let cluster: EtcdCluster;
before(async () => {
  cluster = await startEtcdCluster(3);
});
after(async () => {
  await cluster?.stop();
});

// every backend gets a key prefix of its own: tests share one cluster (and its revisions)
let prefixes = 0;
const open = (prefix = `/t${++prefixes}`): EtcdBackend => new EtcdBackend({ endpoints: cluster.endpoints, prefix });
const b = (s: string): Buffer => Buffer.from(s);

/** Revisions strictly increasing by one from first: nothing missing, duplicated or reordered. */
function assertContiguous(events: readonly WatchEvent[], first: number): void {
  assert.deepEqual(
    events.map((e) => e.kv.modRevision),
    Array.from({ length: events.length }, (_, i) => first + i),
  );
}

backendConformance('etcd', () => open(), { exactCompactCounts: false });

describe('etcd backend', () => {
  test('openBackend takes an etcd:// URL with a prefix; keys live under the prefix in etcd', async () => {
    const hosts = cluster.endpoints.map((e) => e.replace('http://', '')).join(',');
    const be = openBackend({ kind: `etcd://${hosts}?prefix=/url-test` });
    const bare = open('');
    try {
      assert.equal(be.kind, 'etcd');
      const kv = await be.create('/registry/pods/default/a', b('1'));
      assert.deepEqual(await bare.get('/url-test/registry/pods/default/a'), { ...kv, key: '/url-test/registry/pods/default/a' });
      assert.deepEqual((await be.list('/registry/pods/')).items, [kv]);
      assert.equal((await be.count('/registry/')).count, 1);
    } finally {
      await be.close();
      await bare.close();
    }
  });

  test('two instances (two processes) share one cluster: each sees the writes of both, in revision order', async () => {
    const prefix = `/shared-${++prefixes}`;
    const one = open(prefix);
    const two = open(prefix);
    try {
      const start = await one.currentRevision();
      const onOne = collect(one, '/x/', start);
      const onTwo = collect(two, '/x/', start);
      let prev = undefined as { modRevision: number } | undefined;
      for (let i = 0; i < 60; i++) {
        const be = i % 3 === 0 ? two : one;
        if (i === 30) prev = await be.create('/x/shared', b('0'));
        else if (i > 30 && i % 5 === 0) prev = await be.update('/x/shared', b(String(i)), prev!.modRevision);
        else await be.create(`/x/o${i}`, b(String(i)));
      }
      await onOne.waitFor(60);
      await onTwo.waitFor(60);
      assertContiguous(onOne.events, start + 1);
      assert.deepEqual(summary(onTwo.events), summary(onOne.events));
      assert.deepEqual(onTwo.events, onOne.events);
      // each sees the other's writes as soon as they are acknowledged: reads are linearizable
      const kv = await two.create('/x/late', b('late'));
      assert.deepEqual(await one.get('/x/late'), kv);
      assert.equal(await one.currentRevision(), kv.modRevision);
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('a compaction by one instance is seen by the other: compactRevision, reads and watches', async () => {
    const prefix = `/shared-${++prefixes}`;
    const one = open(prefix);
    const two = open(prefix);
    try {
      let kv = await one.create('/x/a', b('0'));
      const first = kv.modRevision;
      for (let i = 1; i < 5; i++) kv = await one.update('/x/a', b(String(i)), kv.modRevision);
      assert.ok((await two.compactRevision()) < first);
      await one.compact(kv.modRevision);
      assert.equal(await two.compactRevision(), kv.modRevision);
      await assert.rejects(two.get('/x/a', first), (e) => e instanceof CompactedError && e.compacted === kv.modRevision);
      assert.throws(() => two.watch('/x/', { afterRevision: first, onEvent: () => {} }), CompactedError);
      assert.equal(await two.compact(kv.modRevision - 1), 0);
    } finally {
      await one.close();
      await two.close();
    }
  });

  test('a watch older than the in-memory window reads the rest of history from etcd, then follows live', async () => {
    const be = new EtcdBackend({ endpoints: cluster.endpoints, prefix: `/t${++prefixes}`, watchWindow: 10 });
    try {
      const start = await be.currentRevision();
      for (let i = 0; i < 50; i++) await be.create(`/w/o${i}`, b(String(i)));
      const w = collect(be, '/w/', start + 5);
      await w.waitFor(45);
      const kv = await be.create('/w/live', b('1'));
      assert.deepEqual(summary((await w.waitFor(46)).slice(-1)), [`create /w/live=1@${kv.modRevision}`]);
      assertContiguous(w.events, start + 6);
      w.watcher.stop();
    } finally {
      await be.close();
    }
  });

  test('an unreachable cluster fails within the connect timeout, naming the endpoints and the fix', async () => {
    const t0 = Date.now();
    const be = new EtcdBackend({ endpoints: ['http://127.0.0.1:9', 'http://127.0.0.1:10'], connectTimeoutMs: 1500 });
    try {
      await assert.rejects(be.currentRevision(), (e) => {
        assert.ok(e instanceof EtcdUnreachableError);
        assert.match(e.message, /^cannot reach etcd at http:\/\/127\.0\.0\.1:9, http:\/\/127\.0\.0\.1:10 \(.*\); start the etcd cluster or fix --storage etcd:\/\/host:port/);
        return true;
      });
      assert.ok(Date.now() - t0 < 4000, `took ${Date.now() - t0} ms`);
      assert.throws(() => be.watch('/x/', { afterRevision: 0, onEvent: () => {} }), StorageError);
    } finally {
      await be.close();
    }
  });

  // last: it takes a member away from the shared cluster
  test('a stopped member of the 3-member cluster loses nothing acknowledged; watchers see every write', async () => {
    const prefix = `/t${++prefixes}`;
    const be = open(prefix);
    const other = open(prefix);
    try {
      const start = await be.currentRevision();
      const w = collect(other, '/f/', start);
      const acked: string[] = [];
      const failed: string[] = [];
      const writer = (async () => {
        for (let i = 0; i < 150; i++) {
          const key = `/f/o${String(i).padStart(3, '0')}`;
          try {
            await be.create(key, b(String(i)));
            acked.push(key);
          } catch {
            failed.push(key);
          }
        }
      })();
      while (acked.length < 50) await new Promise((r) => setTimeout(r, 5));
      await cluster.stopMember(0);
      await writer;
      assert.ok(acked.length >= 140, `only ${acked.length} of 150 writes acknowledged (failed: ${failed.join(' ')})`);
      const listed = (await be.list('/f/')).items.map((kv) => kv.key);
      for (const key of acked) assert.ok(listed.includes(key), `acknowledged ${key} is missing`);
      const fresh = open(prefix);
      try {
        assert.deepEqual((await fresh.list('/f/')).items.map((kv) => kv.key), listed);
      } finally {
        await fresh.close();
      }
      await w.waitFor(listed.length, 10_000);
      assert.deepEqual(w.events.map((e) => e.kv.key), listed);
      assert.deepEqual(w.errors, []);
    } finally {
      await be.close();
      await other.close();
    }
  });
});
