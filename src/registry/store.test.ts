// The generic store over the memory backend: the write sequence, deletion, lists and watch translation.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { StatusError } from '../apimachinery/errors.js';
import { Cacher } from '../storage/cacher.js';
import { MemoryBackend } from '../storage/memory.js';
import { defineResource, STATUS } from './define.js';
import { Store, type WatchEventType } from './store.js';
import type { KObject, RequestContext } from './types.js';

const widgets = defineResource({
  group: 'example.com',
  resource: 'widgets',
  kind: 'Widget',
  subresources: [STATUS],
  generation: true,
  strategy: {
    prepareForCreate: (o) => void (o.spec = { size: 1, ...(o.spec ?? {}) }),
    validate: (o) => (o.spec?.size < 0 ? [{ type: 'FieldValueInvalid', field: 'spec.size', badValue: o.spec.size, detail: 'must be greater than or equal to 0' }] : []),
    selectableFields: (o) => ({ 'spec.color': o.spec?.color ?? '' }),
    unknownFieldLabel: (label) => `field label not supported: ${label}`,
  },
});

const ctx = (dryRun = false): RequestContext => ({ user: { username: 'admin', groups: ['system:masters'] }, dryRun, warnings: [], services: undefined as never });

function store(): Store {
  return new Store(widgets, new Cacher(new MemoryBackend(), { prefixes: [widgets.keyPrefix] }), async () => 'active');
}

async function rejects(p: Promise<unknown>, code: number, reason: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(e instanceof StatusError, String(e));
    assert.equal(e.code, code);
    assert.equal(e.reason, reason);
    if (typeof message === 'string') assert.equal(e.message, message);
    else if (message) assert.match(e.message, message);
    return true;
  });
}

const w = (name: string, spec: KObject = {}): KObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec });

describe('store', () => {
  test('create fills system metadata, defaults, validates, and refuses a second object of the same name', async () => {
    const s = store();
    const o = await s.create('ns', w('a'), ctx());
    assert.equal(o.metadata.namespace, 'ns');
    assert.match(o.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.equal(o.metadata.generation, 1);
    assert.equal(o.spec.size, 1);
    assert.equal((await s.get('ns', 'a')).metadata.resourceVersion, o.metadata.resourceVersion);
    await rejects(s.create('ns', w('a'), ctx()), 409, 'AlreadyExists', 'widgets.example.com "a" already exists');
    await rejects(s.create('ns', w('bad', { size: -1 }), ctx()), 422, 'Invalid', 'Widget.example.com "bad" is invalid: spec.size: Invalid value: -1: must be greater than or equal to 0');
    await rejects(s.create('other', { ...w('x'), metadata: { name: 'x', namespace: 'ns' } }, ctx()), 400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
  });

  test('update runs the transform on the current object, bumps generation on spec changes, and keeps status', async () => {
    const s = store();
    await s.create('ns', { ...w('a'), status: { ready: true } }, ctx());
    const r = await s.update('ns', 'a', (cur) => ({ ...cur!, spec: { size: 3 }, status: { ready: false } }), ctx());
    assert.equal(r.created, false);
    assert.equal(r.obj.spec.size, 3);
    assert.equal(r.obj.metadata.generation, 2);
    assert.equal(r.obj.status, undefined, 'status is reset on create and kept by the main resource');
    const st = await s.update('ns', 'a', (cur) => ({ ...cur!, spec: { size: 9 }, status: { ready: true } }), ctx(), { subresource: 'status' });
    assert.deepEqual(st.obj.status, { ready: true });
    assert.equal(st.obj.spec.size, 3);
    assert.equal(st.obj.metadata.generation, 2);
  });

  test('an update that changes nothing writes nothing', async () => {
    const s = store();
    const o = await s.create('ns', w('a'), ctx());
    const r = await s.update('ns', 'a', (cur) => cur!, ctx());
    assert.equal(r.obj.metadata.resourceVersion, o.metadata.resourceVersion);
  });

  test('a stale resourceVersion is a 409; concurrent transforms all land', async () => {
    const s = store();
    await s.create('ns', w('a', { size: 0 }), ctx());
    await rejects(s.update('ns', 'a', (cur) => ({ ...cur!, metadata: { ...cur!.metadata, resourceVersion: '123456' } }), ctx()), 409, 'Conflict', /the object has been modified/);
    await Promise.all(Array.from({ length: 20 }, () => s.update('ns', 'a', (cur) => ({ ...cur!, spec: { size: cur!.spec.size + 1 } }), ctx())));
    assert.equal((await s.get('ns', 'a')).spec.size, 20);
  });

  test('createIfMissing creates through update, but not with a resourceVersion; otherwise a missing object is 404', async () => {
    const s = store();
    await rejects(s.update('ns', 'a', () => w('a'), ctx()), 404, 'NotFound', 'widgets.example.com "a" not found');
    await rejects(s.update('ns', 'a', () => ({ ...w('a'), metadata: { name: 'a', resourceVersion: '5' } }), ctx(), { createIfMissing: true }), 404, 'NotFound');
    const r = await s.update('ns', 'a', () => w('a'), ctx(), { createIfMissing: true });
    assert.equal(r.created, true);
  });

  test('dry run prepares and validates but stores nothing', async () => {
    const s = store();
    const o = await s.create('ns', w('a'), ctx(true));
    assert.equal(o.metadata.resourceVersion, undefined);
    await rejects(s.get('ns', 'a'), 404, 'NotFound');
  });

  test('finalizers defer deletion; removing the last one deletes; Orphan adds the orphan finalizer', async () => {
    const s = store();
    await s.create('ns', { ...w('a'), metadata: { name: 'a', finalizers: ['example.com/x'] } }, ctx());
    const d = await s.delete('ns', 'a', {}, ctx());
    assert.equal(d.gone, false);
    assert.ok(d.obj.metadata.deletionTimestamp);
    assert.equal(d.obj.metadata.deletionGracePeriodSeconds, 0);
    await rejects(s.update('ns', 'a', (cur) => ({ ...cur!, metadata: { ...cur!.metadata, finalizers: ['example.com/x', 'new'] } }), ctx()), 422, 'Invalid', /no new finalizers can be added if the object is being deleted/);
    await s.update('ns', 'a', (cur) => ({ ...cur!, metadata: { ...cur!.metadata, finalizers: [] } }), ctx());
    await rejects(s.get('ns', 'a'), 404, 'NotFound');
    await s.create('ns', w('b'), ctx());
    const o = await s.delete('ns', 'b', { propagationPolicy: 'Orphan' }, ctx());
    assert.deepEqual(o.obj.metadata.finalizers, ['orphan']);
  });

  test('delete preconditions are checked', async () => {
    const s = store();
    const o = await s.create('ns', w('a'), ctx());
    await rejects(s.delete('ns', 'a', { preconditions: { uid: 'nope' } }, ctx()), 409, 'Conflict', `Operation cannot be fulfilled on widgets.example.com "a": Precondition failed: UID in precondition: nope, UID in object meta: ${o.metadata.uid}`);
    assert.equal((await s.delete('ns', 'a', { preconditions: { uid: o.metadata.uid, resourceVersion: o.metadata.resourceVersion } }, ctx())).gone, true);
  });

  test('lists page with continue tokens and filter with field selectors', async () => {
    const s = store();
    for (let i = 0; i < 5; i++) await s.create('ns', w(`w${i}`, { color: i % 2 ? 'red' : 'blue' }), ctx());
    const p1 = await s.list('ns', { limit: 2 });
    assert.deepEqual(p1.items.map((o) => o.metadata.name), ['w0', 'w1']);
    assert.equal(p1.remainingItemCount, 3);
    const p2 = await s.list('ns', { limit: 10, continue: p1.continue });
    assert.deepEqual(p2.items.map((o) => o.metadata.name), ['w2', 'w3', 'w4']);
    assert.equal(p2.continue, undefined);
    assert.deepEqual((await s.list('', { fieldSelector: 'spec.color=red' })).items.map((o) => o.metadata.name), ['w1', 'w3']);
    await rejects(s.list('', { fieldSelector: 'spec.shape=round' }), 400, 'BadRequest', 'field label not supported: spec.shape');
  });

  test('a watch translates selector transitions into ADDED and DELETED', async () => {
    const s = store();
    await s.create('ns', w('a', { color: 'blue' }), ctx());
    const seen: [WatchEventType, string][] = [];
    const h = await s.watch('ns', { fieldSelector: 'spec.color=red' }, { event: (t, o) => seen.push([t, o.spec.color]), error: (e) => assert.fail(e) });
    await s.update('ns', 'a', (cur) => ({ ...cur!, spec: { ...cur!.spec, color: 'red' } }), ctx());
    await s.update('ns', 'a', (cur) => ({ ...cur!, spec: { ...cur!.spec, size: 5 } }), ctx());
    await s.update('ns', 'a', (cur) => ({ ...cur!, spec: { ...cur!.spec, color: 'green' } }), ctx());
    await new Promise((r) => setTimeout(r, 10));
    h.stop();
    assert.deepEqual(seen, [['ADDED', 'red'], ['MODIFIED', 'red'], ['DELETED', 'red']]);
  });

  test('opening a watch on metadata.name reads that one key, whatever the size of the namespace', async () => {
    const backend = new MemoryBackend();
    const reads = { list: 0, get: 0 };
    const storage = new Cacher(backend, { prefixes: [widgets.keyPrefix] });
    const list = storage.list.bind(storage);
    const get = storage.get.bind(storage);
    storage.list = (...a) => (reads.list++, list(...a));
    storage.get = (...a) => (reads.get++, get(...a));
    const s = new Store(widgets, storage, async () => 'active');
    for (let i = 0; i < 500; i++) await s.create('ns', w(`w-${i}`, { blob: 'x'.repeat(4096) }), ctx());
    reads.list = reads.get = 0;
    const seen: string[] = [];
    const handles = [];
    for (let i = 0; i < 200; i++) {
      handles.push(await s.watch('ns', { fieldSelector: `metadata.name=w-${i}` }, { event: (t, o) => seen.push(`${t} ${o.metadata.name}`), error: (e) => assert.fail(e) }));
    }
    handles.forEach((h) => h.stop());
    assert.equal(reads.list, 0);
    assert.equal(reads.get, 200);
    assert.deepEqual(seen, Array.from({ length: 200 }, (_, i) => `ADDED w-${i}`));
  });
});
