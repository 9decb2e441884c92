import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  CompactedError,
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  NotFoundError,
  StorageError,
  type Backend,
  type WatchEvent,
} from './backend.js';

export type BackendFactory = () => Backend | Promise<Backend>;

const b = (s: string): Buffer => Buffer.from(s);

/** Collects the events of one watch; waitFor resolves once n events arrived. */
export function collect(backend: Backend, prefix: string, afterRevision: number) {
  const events: WatchEvent[] = [];
  const errors: Error[] = [];
  const watcher = backend.watch(prefix, { afterRevision, onEvent: (ev) => events.push(ev), onError: (e) => errors.push(e) });
  async function waitFor(n: number, timeoutMs = 3000): Promise<WatchEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (events.length < n && errors.length === 0) {
      if (Date.now() > deadline) assert.fail(`timed out waiting for ${n} events on ${prefix}, got ${events.length}`);
      await new Promise((r) => setTimeout(r, 2));
    }
    return events;
  }
  return { events, errors, watcher, waitFor };
}

/** What a watch saw, compactly: "type key=value@rev". */
export function summary(events: readonly WatchEvent[]): string[] {
  return events.map((e) => `${e.type} ${e.kv.key}=${e.kv.value.toString()}@${e.kv.modRevision}`);
}

async function settle(): Promise<void> {
  await new Promise((r) => setImmediate(r));
}

export interface ConformanceOptions {
  /** compact() returns the rows it removed, counted as the SQLite log keeps them (etcd reports no count). */
  exactCompactCounts?: boolean;
}

/** The behaviour every Backend must show; registers node:test tests under name. */
export function backendConformance(name: string, open: BackendFactory, opts: ConformanceOptions = {}): void {
  const exactCounts = opts.exactCompactCounts ?? true;
  const it = (title: string, fn: (be: Backend) => Promise<void>) =>
    test(title, async () => {
      const be = await open();
      try {
        await fn(be);
      } finally {
        await be.close();
      }
    });

  describe(`${name} backend conformance`, () => {
    it('create returns the new revision as createRevision and modRevision', async (be) => {
      const before = await be.currentRevision();
      const kv = await be.create('/registry/pods/default/a', b('a1'));
      assert.equal(kv.modRevision, before + 1);
      assert.equal(kv.createRevision, kv.modRevision);
      assert.equal(kv.value.toString(), 'a1');
      assert.equal(await be.currentRevision(), kv.modRevision);
      assert.deepEqual(await be.get('/registry/pods/default/a'), kv);
    });

    it('create on a live key fails with KeyExistsError; after delete it succeeds with a new createRevision', async (be) => {
      const first = await be.create('/k/a', b('1'));
      await assert.rejects(be.create('/k/a', b('2')), (e) => e instanceof KeyExistsError && e.key === '/k/a');
      await be.delete('/k/a');
      const again = await be.create('/k/a', b('3'));
      assert.ok(again.createRevision > first.createRevision);
      assert.equal((await be.get('/k/a'))?.value.toString(), '3');
    });

    it('update with a stale revision fails with ConflictError holding the current value', async (be) => {
      const v1 = await be.create('/k/a', b('1'));
      const v2 = await be.update('/k/a', b('2'), v1.modRevision);
      assert.equal(v2.createRevision, v1.createRevision);
      assert.ok(v2.modRevision > v1.modRevision);
      await assert.rejects(be.update('/k/a', b('3'), v1.modRevision), (e) => {
        assert.ok(e instanceof ConflictError);
        assert.equal(e.key, '/k/a');
        assert.deepEqual(e.current, v2);
        return true;
      });
      assert.equal((await be.get('/k/a'))?.value.toString(), '2');
    });

    it('update or delete of an absent or deleted key fails with NotFoundError', async (be) => {
      await assert.rejects(be.update('/k/none', b('x'), 1), NotFoundError);
      await assert.rejects(be.delete('/k/none'), NotFoundError);
      const kv = await be.create('/k/a', b('1'));
      await be.delete('/k/a');
      await assert.rejects(be.update('/k/a', b('x'), kv.modRevision), NotFoundError);
      await assert.rejects(be.delete('/k/a'), NotFoundError);
    });

    it('delete leaves a tombstone: get is undefined, get at an older revision returns the old value', async (be) => {
      const kv = await be.create('/k/a', b('1'));
      const gone = await be.delete('/k/a', kv.modRevision);
      assert.equal(gone.value.toString(), '1');
      assert.equal(gone.createRevision, kv.createRevision);
      assert.equal(gone.modRevision, kv.modRevision + 1);
      assert.equal(await be.currentRevision(), gone.modRevision);
      assert.equal(await be.get('/k/a'), undefined);
      assert.equal(await be.get('/k/a', gone.modRevision), undefined);
      assert.deepEqual(await be.get('/k/a', kv.modRevision), kv);
    });

    it('delete with a stale expected revision fails with ConflictError', async (be) => {
      const v1 = await be.create('/k/a', b('1'));
      const v2 = await be.update('/k/a', b('2'), v1.modRevision);
      await assert.rejects(be.delete('/k/a', v1.modRevision), (e) => e instanceof ConflictError && e.current.modRevision === v2.modRevision);
      assert.ok(await be.get('/k/a'));
    });

    it('get and list read an older revision', async (be) => {
      await be.create('/other', b('o'));
      const a1 = await be.create('/r/ns/a', b('a1'));
      const b1 = await be.create('/r/ns/b', b('b1'));
      const at = b1.modRevision;
      await be.update('/r/ns/a', b('a2'), a1.modRevision);
      await be.delete('/r/ns/b');
      await be.create('/r/ns/c', b('c1'));
      assert.equal((await be.get('/r/ns/a', at))?.value.toString(), 'a1');
      assert.equal((await be.get('/r/ns/a', a1.modRevision - 1)), undefined);
      const old = await be.list('/r/', { revision: at });
      assert.equal(old.revision, at);
      assert.deepEqual(old.items.map((kv) => `${kv.key}=${kv.value.toString()}`), ['/r/ns/a=a1', '/r/ns/b=b1']);
      const now = await be.list('/r/');
      assert.equal(now.revision, await be.currentRevision());
      assert.deepEqual(now.items.map((kv) => `${kv.key}=${kv.value.toString()}`), ['/r/ns/a=a2', '/r/ns/c=c1']);
    });

    it('reading a future revision fails with FutureRevisionError', async (be) => {
      await be.create('/k/a', b('1'));
      const head = await be.currentRevision();
      await assert.rejects(be.get('/k/a', head + 1), (e) => e instanceof FutureRevisionError && e.current === head);
      await assert.rejects(be.list('/k/', { revision: head + 5 }), FutureRevisionError);
      await assert.rejects(be.compact(head + 1), FutureRevisionError);
    });

    it('list pages with limit and startAfter and reports remaining', async (be) => {
      for (const n of ['e', 'a', 'd', 'b', 'c']) await be.create(`/p/ns/${n}`, b(n));
      await be.delete('/p/ns/c');
      const rev = await be.currentRevision();
      const p1 = await be.list('/p/', { limit: 2 });
      assert.deepEqual(p1.items.map((kv) => kv.key), ['/p/ns/a', '/p/ns/b']);
      assert.equal(p1.remaining, 2);
      assert.equal(p1.revision, rev);
      await be.create('/p/ns/f', b('f'));
      const p2 = await be.list('/p/', { limit: 2, startAfter: '/p/ns/b', revision: rev });
      assert.deepEqual(p2.items.map((kv) => kv.key), ['/p/ns/d', '/p/ns/e']);
      assert.equal(p2.remaining, 0);
      const p3 = await be.list('/p/', { limit: 10, startAfter: '/p/ns/d' });
      assert.deepEqual(p3.items.map((kv) => kv.key), ['/p/ns/e', '/p/ns/f']);
      assert.equal(p3.remaining, 0);
      const exact = await be.list('/p/', { limit: 5 });
      assert.equal(exact.items.length, 5);
      assert.equal(exact.remaining, 0);
    });

    it('list and count under /registry/pods/ do not include /registry/podsecurity/', async (be) => {
      await be.create('/registry/pods/default/a', b('p'));
      await be.create('/registry/podsecurity/x', b('s'));
      await be.create('/registry/pods0', b('z'));
      await be.create('/registry/pods/kube-system/b', b('p'));
      const pods = await be.list('/registry/pods/');
      assert.deepEqual(pods.items.map((kv) => kv.key), ['/registry/pods/default/a', '/registry/pods/kube-system/b']);
      assert.equal((await be.count('/registry/pods/')).count, 2);
      assert.equal((await be.list('/registry/pods/default/')).items.length, 1);
    });

    it('count counts live keys under a prefix at the current revision', async (be) => {
      const a = await be.create('/c/a', b('1'));
      await be.create('/c/b', b('1'));
      await be.update('/c/a', b('2'), a.modRevision);
      await be.create('/c/c', b('1'));
      await be.delete('/c/b');
      const c = await be.count('/c/');
      assert.equal(c.count, 2);
      assert.equal(c.revision, await be.currentRevision());
      assert.equal((await be.count('/none/')).count, 0);
    });

    it('watch replays events after a revision, then follows live writes', async (be) => {
      const a = await be.create('/w/a', b('1'));
      const a2 = await be.update('/w/a', b('2'), a.modRevision);
      await be.create('/w/b', b('1'));
      const w = collect(be, '/w/', a.modRevision);
      await be.delete('/w/a');
      await be.create('/x/other', b('1'));
      await be.create('/w/c', b('1'));
      const events = await w.waitFor(4);
      assert.deepEqual(summary(events), [
        `update /w/a=2@${a2.modRevision}`,
        `create /w/b=1@${a2.modRevision + 1}`,
        `delete /w/a=2@${a2.modRevision + 2}`,
        `create /w/c=1@${a2.modRevision + 4}`,
      ]);
      await settle();
      assert.equal(w.events.length, 4);
      w.watcher.stop();
    });

    it('watch events carry prevKv for update and delete', async (be) => {
      const w = collect(be, '/w/', await be.currentRevision());
      const v1 = await be.create('/w/a', b('1'));
      const v2 = await be.update('/w/a', b('2'), v1.modRevision);
      const gone = await be.delete('/w/a');
      const [c, u, d] = await w.waitFor(3);
      assert.deepEqual(c, { type: 'create', kv: v1 });
      assert.deepEqual(u, { type: 'update', kv: v2, prevKv: v1 });
      assert.deepEqual(d, { type: 'delete', kv: gone, prevKv: v2 });
      // Replayed from the log, the same events look the same.
      const r = collect(be, '/w/', v1.modRevision - 1);
      assert.deepEqual(await r.waitFor(3), [c, u, d]);
      w.watcher.stop();
      r.watcher.stop();
    });

    it('a local write is delivered to watchers before its promise resolves', async (be) => {
      const w = collect(be, '/w/', await be.currentRevision());
      await settle();
      const kv = await be.create('/w/a', b('1'));
      assert.deepEqual(summary(w.events), [`create /w/a=1@${kv.modRevision}`]);
      await be.update('/w/a', b('2'), kv.modRevision);
      assert.equal(w.events.length, 2);
      w.watcher.stop();
    });

    it('watch on an exact key sees only that key; a prefix watch does not match a sibling prefix', async (be) => {
      const start = await be.currentRevision();
      const exact = collect(be, '/registry/pods/default/a', start);
      const pods = collect(be, '/registry/pods/', start);
      await be.create('/registry/pods/default/a', b('1'));
      await be.create('/registry/pods/default/ab', b('1'));
      await be.create('/registry/podsecurity/a', b('1'));
      await be.create('/registry/pods/other/a', b('1'));
      await pods.waitFor(3);
      assert.deepEqual(pods.events.map((e) => e.kv.key), ['/registry/pods/default/a', '/registry/pods/default/ab', '/registry/pods/other/a']);
      assert.deepEqual(exact.events.map((e) => e.kv.key), ['/registry/pods/default/a']);
      exact.watcher.stop();
      pods.watcher.stop();
    });

    it('a watcher that throws is ended with onError and does not break other watchers', async (be) => {
      const start = await be.currentRevision();
      const errors: Error[] = [];
      be.watch('/w/', {
        afterRevision: start,
        onEvent: () => {
          throw new Error('consumer bug');
        },
        onError: (e) => errors.push(e),
      });
      const good = collect(be, '/w/', start);
      await be.create('/w/a', b('1'));
      await be.create('/w/b', b('1'));
      await good.waitFor(2);
      assert.deepEqual(errors.map((e) => e.message), ['consumer bug']);
      assert.equal(good.events.length, 2);
      good.watcher.stop();
    });

    it('stop() is idempotent and ends delivery', async (be) => {
      const w = collect(be, '/w/', await be.currentRevision());
      await be.create('/w/a', b('1'));
      await w.waitFor(1);
      w.watcher.stop();
      w.watcher.stop();
      await be.create('/w/b', b('1'));
      await settle();
      assert.equal(w.events.length, 1);
      assert.equal(w.errors.length, 0);
    });

    for (const live of [false, true]) {
      it(`writes made inside onEvent are delivered in revision order, exactly once (${live ? 'live' : 'while replaying'})`, async (be) => {
        const start = await be.currentRevision();
        const first: number[] = [];
        be.watch('/w/', {
          afterRevision: start,
          onEvent: (ev) => {
            first.push(ev.kv.modRevision);
            if (first.length < 4) void be.create(`/w/chain-${first.length}`, b('x'));
          },
        });
        const second = collect(be, '/w/', start);
        if (live) await settle();
        await be.create('/w/a', b('1'));
        await second.waitFor(4);
        await settle();
        const expected = [start + 1, start + 2, start + 3, start + 4];
        assert.deepEqual(first, expected);
        assert.deepEqual(second.events.map((e) => e.kv.modRevision), expected);
      });
    }

    it('compaction makes older revisions answer CompactedError for get, list and watch', async (be) => {
      const a = await be.create('/k/a', b('1'));
      const a2 = await be.update('/k/a', b('2'), a.modRevision);
      await be.create('/k/b', b('1'));
      const at = await be.currentRevision();
      await be.update('/k/a', b('3'), a2.modRevision);
      await be.compact(at);
      assert.equal(await be.compactRevision(), at);
      await assert.rejects(be.get('/k/a', at - 1), (e) => e instanceof CompactedError && e.compacted === at);
      await assert.rejects(be.list('/k/', { revision: a.modRevision }), CompactedError);
      assert.throws(() => be.watch('/k/', { afterRevision: at - 2, onEvent: () => {} }), CompactedError);
      assert.equal((await be.get('/k/a', at))?.value.toString(), '2');
      assert.deepEqual((await be.list('/k/', { revision: at })).items.map((kv) => kv.value.toString()), ['2', '1']);
      assert.equal((await be.get('/k/a'))?.value.toString(), '3');
    });

    it('a watch from compactRevision - 1 still gets the event at the compact revision', async (be) => {
      const a = await be.create('/k/a', b('1'));
      const a2 = await be.update('/k/a', b('2'), a.modRevision);
      const c = await be.create('/k/c', b('1'));
      const gone = await be.delete('/k/c');
      await be.create('/k/d', b('1'));
      await be.compact(gone.modRevision);
      const w = collect(be, '/k/', gone.modRevision - 1);
      const events = await w.waitFor(2);
      assert.deepEqual(events[0], { type: 'delete', kv: gone, prevKv: c });
      assert.equal(events[1]!.kv.key, '/k/d');
      assert.throws(() => be.watch('/k/a', { afterRevision: a2.modRevision - 1, onEvent: () => {} }), CompactedError);
      w.watcher.stop();
    });

    it('compaction never brings a deleted key back', async (be) => {
      const a = await be.create('/k/a', b('1'));
      const a2 = await be.update('/k/a', b('2'), a.modRevision);
      await be.delete('/k/a', a2.modRevision);
      const x = await be.create('/k/x', b('1'));
      await be.delete('/k/x', x.modRevision);
      const x2 = await be.create('/k/x', b('2'));
      await be.delete('/k/x', x2.modRevision);
      await be.create('/k/keep', b('1'));
      const head = await be.currentRevision();
      const removed = await be.compact(head);
      assert.ok(removed >= 5, `removed ${removed}`);
      assert.equal(await be.get('/k/a'), undefined);
      assert.equal(await be.get('/k/a', head), undefined);
      assert.equal(await be.get('/k/x'), undefined);
      assert.deepEqual((await be.list('/k/')).items.map((kv) => kv.key), ['/k/keep']);
      assert.equal((await be.count('/k/')).count, 1);
      const again = await be.create('/k/a', b('3'));
      assert.equal(again.createRevision, head + 1);
    });

    it('the current revision never decreases after compaction', async (be) => {
      const a = await be.create('/k/a', b('1'));
      const gone = await be.delete('/k/a', a.modRevision);
      await be.compact(gone.modRevision);
      assert.equal(await be.currentRevision(), gone.modRevision);
      const next = await be.create('/k/b', b('1'));
      assert.equal(next.modRevision, gone.modRevision + 1);
      await be.delete('/k/b');
      await be.compact(next.modRevision + 1);
      await be.compact(await be.currentRevision());
      assert.equal(await be.currentRevision(), next.modRevision + 1);
      assert.equal((await be.create('/k/c', b('1'))).modRevision, next.modRevision + 2);
    });

    it('compact removes superseded history once and keeps live values readable', async (be) => {
      let kv = await be.create('/k/a', b('0'));
      for (let i = 1; i <= 20; i++) kv = await be.update('/k/a', b(String(i)), kv.modRevision);
      const head = await be.currentRevision();
      // The update at the compact revision keeps its previous value for watchers.
      const removed = await be.compact(head);
      if (exactCounts) assert.equal(removed, 19);
      else assert.ok(removed > 0, `removed ${removed}`);
      assert.equal(await be.compact(head), 0);
      assert.equal(await be.compact(head - 5), 0);
      assert.equal(await be.compactRevision(), head);
      assert.deepEqual(await be.get('/k/a'), kv);
      assert.deepEqual(await be.get('/k/a', head), kv);
      const next = await be.update('/k/a', b('x'), kv.modRevision);
      const w = collect(be, '/k/', head);
      assert.deepEqual(await w.waitFor(1), [{ type: 'update', kv: next, prevKv: kv }]);
      w.watcher.stop();
    });

    it('close ends watchers with onError, is idempotent, and later calls fail with StorageError', async (be) => {
      const w = collect(be, '/w/', await be.currentRevision());
      await settle();
      await be.close();
      await be.close();
      assert.equal(w.errors.length, 1);
      assert.ok(w.errors[0] instanceof StorageError);
      await assert.rejects(be.get('/w/a'), StorageError);
      await assert.rejects(be.create('/w/a', b('1')), StorageError);
      assert.throws(() => be.watch('/w/', { afterRevision: 0, onEvent: () => {} }), StorageError);
    });

    it('many watchers and writes see every event in strict revision order', async (be) => {
      const start = await be.currentRevision();
      const all = collect(be, '/m/', start);
      const ns1 = collect(be, '/m/ns1/', start);
      const writes: Promise<unknown>[] = [];
      for (let i = 0; i < 1200; i++) writes.push(be.create(`/m/ns${i % 3}/o${i}`, b(String(i))));
      await Promise.all(writes);
      // Replays more than one page of the log.
      const late = collect(be, '/m/', start + 100);
      await all.waitFor(1200);
      await late.waitFor(1100);
      const revs = all.events.map((e) => e.kv.modRevision);
      assert.deepEqual(revs, Array.from({ length: 1200 }, (_, i) => start + 1 + i));
      assert.deepEqual(late.events.map((e) => e.kv.modRevision), revs.slice(100));
      assert.equal(ns1.events.length, 400);
      assert.ok(ns1.events.every((e) => e.kv.key.startsWith('/m/ns1/')));
      for (const w of [all, ns1, late]) w.watcher.stop();
    });
  });
}
