import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Cacher } from './cacher.js';
import { backendConformance, collect, summary } from './conformance.js';
import { MemoryBackend } from './memory.js';
import type { KeyValue, ListOptions, ListResult } from './backend.js';

const PREFIXES = ['/k/', '/registry/pods/', '/registry/podsecurity/'];
const b = (s: string): Buffer => Buffer.from(s);

backendConformance('cacher over memory (cold)', () => new Cacher(new MemoryBackend(), { prefixes: PREFIXES }));
backendConformance('cacher over memory (warm)', async () => {
  const c = new Cacher(new MemoryBackend(), { prefixes: PREFIXES, window: 50 });
  await c.warm();
  return c;
});

/** A memory backend that counts the reads reaching it. */
class CountingBackend extends MemoryBackend {
  reads = 0;
  override async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.reads++;
    return super.get(key, revision);
  }
  override async list(prefix: string, opts?: ListOptions): Promise<ListResult> {
    this.reads++;
    return super.list(prefix, opts);
  }
}

/** A memory backend that answers its revision synchronously, as SQLite does, and counts the looks. */
class KnownRevisionBackend extends CountingBackend {
  looks = 0;
  private rev = 0;
  override async create(key: string, value: Buffer): Promise<KeyValue> {
    const kv = await super.create(key, value);
    this.rev = kv.modRevision;
    return kv;
  }
  knownRevision(): number {
    this.looks++;
    return this.rev;
  }
}

describe('cacher', () => {
  test('reads at "now" begun together share one look at storage\'s revision, and each sees what was committed before it began', async () => {
    const inner = new KnownRevisionBackend();
    await inner.create('/k/a', b('1'));
    const c = new Cacher(inner, { prefixes: ['/k/'] });
    await c.warm();
    inner.looks = 0;
    inner.reads = 0;
    const values = await Promise.all(Array.from({ length: 20 }, () => c.get('/k/a')));
    assert.deepEqual(values.map((kv) => kv?.value.toString()), Array(20).fill('1'));
    assert.equal(inner.looks, 1);
    assert.equal(inner.reads, 0);
    // another writer commits after the cache last looked; the cache has not seen its event yet
    const held = inner.deliveredRevision.bind(inner);
    inner.deliveredRevision = () => 1;
    await inner.create('/k/b', b('2'));
    assert.equal((await c.get('/k/b'))?.value.toString(), '2');
    assert.equal(inner.reads, 1);
    inner.deliveredRevision = held;
    await c.close();
  });

  test('a warm cache answers get, list and count without reading storage', async () => {
    const inner = new CountingBackend();
    await inner.create('/k/a', b('1'));
    const c = new Cacher(inner, { prefixes: ['/k/'] });
    await c.warm();
    await c.create('/k/b', b('2'));
    inner.reads = 0;
    assert.equal((await c.get('/k/b'))?.value.toString(), '2');
    const l = await c.list('/k/', { limit: 1 });
    assert.deepEqual(l.items.map((kv) => kv.key), ['/k/a']);
    assert.equal(l.remaining, 1);
    assert.equal((await c.count('/k/')).count, 2);
    assert.equal(inner.reads, 0);
    await c.close();
  });

  test('a write by another writer of the same storage is read from storage until the cache has it', async () => {
    const inner = new CountingBackend();
    const c = new Cacher(inner, { prefixes: ['/k/'] });
    await c.warm();
    // delivery is held back: the cache has not seen the write yet, storage has
    const held = inner.deliveredRevision.bind(inner);
    inner.deliveredRevision = () => 0;
    await inner.create('/k/x', b('foreign'));
    inner.reads = 0;
    assert.equal((await c.get('/k/x'))?.value.toString(), 'foreign');
    assert.equal(inner.reads, 1);
    inner.deliveredRevision = held;
    await c.close();
  });

  test('resourceVersion="0" semantics: minRevision lets a cache that is behind answer', async () => {
    const inner = new CountingBackend();
    const c = new Cacher(inner, { prefixes: ['/k/'] });
    await c.create('/k/a', b('1'));
    await c.warm();
    inner.reads = 0;
    const l = await c.list('/k/', { minRevision: 0 });
    assert.equal(l.items.length, 1);
    assert.equal(inner.reads, 0);
    await c.close();
  });

  test('a watch older than the window is served by storage, in order and once', async () => {
    const inner = new MemoryBackend();
    const c = new Cacher(inner, { prefixes: ['/k/'], window: 3 });
    await c.warm();
    for (let i = 0; i < 6; i++) await c.create(`/k/${i}`, b(String(i)));
    const w = collect(c, '/k/', 0);
    const ev = await w.waitFor(6);
    assert.deepEqual(summary(ev), ['/k/0=0@1', '/k/1=1@2', '/k/2=2@3', '/k/3=3@4', '/k/4=4@5', '/k/5=5@6'].map((s) => `create ${s}`));
    w.watcher.stop();
    await c.close();
  });

  test('a watcher writing inside onEvent sees every event once and in order, as do the others', async () => {
    const inner = new MemoryBackend();
    const c = new Cacher(inner, { prefixes: ['/k/'] });
    await c.warm();
    const seenA: number[] = [];
    const seenB: number[] = [];
    let n = 0;
    c.watch('/k/', {
      afterRevision: 0,
      onEvent: (ev) => {
        seenA.push(ev.kv.modRevision);
        if (n++ < 3) void c.create(`/k/nested-${n}`, b('x'));
      },
    });
    c.watch('/k/', { afterRevision: 0, onEvent: (ev) => seenB.push(ev.kv.modRevision) });
    await new Promise((r) => setImmediate(r));
    await c.create('/k/first', b('1'));
    const deadline = Date.now() + 2000;
    while (seenB.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 2));
    assert.deepEqual(seenA, [1, 2, 3, 4]);
    assert.deepEqual(seenB, [1, 2, 3, 4]);
    await c.close();
  });

  test('removePrefix ends that prefix\'s cached watchers with an error', async () => {
    const c = new Cacher(new MemoryBackend(), { prefixes: ['/k/'] });
    await c.warm();
    const w = collect(c, '/k/', 0);
    await new Promise((r) => setImmediate(r));
    c.removePrefix('/k/');
    assert.equal(w.errors.length, 1);
    await c.close();
  });
});

