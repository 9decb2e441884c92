import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { CacheValues } from './cache-values.js';
import type { KeyValue } from './backend.js';

const kv = (key: string, value: string, rev: number, created = rev): KeyValue => ({ key, value: Buffer.from(value), createRevision: created, modRevision: rev });

describe('cache values', () => {
  test('set, get, read and delete give back the bytes and revisions stored', () => {
    const v = new CacheValues();
    const stored = v.set(kv('/k/a', 'one', 3, 2));
    assert.deepEqual(stored, kv('/k/a', 'one', 3, 2));
    assert.deepEqual(v.get('/k/a'), kv('/k/a', 'one', 3, 2));
    assert.deepEqual(v.read('/k/a'), kv('/k/a', 'one', 3, 2));
    assert.equal(v.get('/k/b'), undefined);
    assert.equal(v.size, 1);
    assert.equal(v.delete('/k/a'), true);
    assert.equal(v.delete('/k/a'), false);
    assert.equal(v.get('/k/a'), undefined);
    assert.equal(v.size, 0);
  });

  test('get hands out the same KeyValue until the value changes', () => {
    const v = new CacheValues();
    v.set(kv('/k/a', 'one', 1));
    const first = v.get('/k/a');
    assert.equal(v.get('/k/a'), first);
    v.set(kv('/k/a', 'two', 2));
    const second = v.get('/k/a');
    assert.notEqual(second, first);
    assert.equal(second?.value.toString(), 'two');
    assert.equal(first?.value.toString(), 'one');
  });

  test('values stay exact through many updates and deletes that make slabs sparse and get copied out', () => {
    const v = new CacheValues();
    const model = new Map<string, KeyValue>();
    const views: KeyValue[] = [];
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
    for (let rev = 1; rev <= 60_000; rev++) {
      const key = `/k/${rnd(2000)}`;
      if (rnd(5) === 0) {
        assert.equal(v.delete(key), model.delete(key));
        continue;
      }
      const value = `${key}@${rev}:${'x'.repeat(rnd(3000))}${rnd(10) === 0 ? 'é'.repeat(rnd(200)) : ''}`;
      const stored = v.set(kv(key, value, rev, model.get(key)?.createRevision ?? rev));
      model.set(key, kv(key, value, rev, model.get(key)?.createRevision ?? rev));
      if (rev % 1000 === 0) views.push(stored);
      const { live, used } = v.footprint();
      assert.ok(used <= live * 1.25 + (256 << 10) + 3400, `${used} bytes in slabs for ${live} live at ${rev}`);
    }
    const live = [...model.values()].reduce((n, x) => n + x.value.length, 0);
    assert.equal(v.footprint().live, live);
    assert.equal(v.size, model.size);
    for (const [key, want] of model) assert.deepEqual(v.get(key), want);
    assert.deepEqual([...v.keys()].sort(), [...model.keys()].sort());
    // a view handed out earlier keeps its bytes after its slab was copied out and dropped
    for (const s of views) assert.match(s.value.toString(), new RegExp(`^${s.key}@${s.modRevision}:`));
  });

  test('clear forgets everything', () => {
    const v = new CacheValues();
    v.set(kv('/k/a', 'one', 1));
    v.clear();
    assert.equal(v.size, 0);
    assert.equal(v.get('/k/a'), undefined);
    v.set(kv('/k/b', 'two', 2));
    assert.equal(v.get('/k/b')?.value.toString(), 'two');
  });
});
