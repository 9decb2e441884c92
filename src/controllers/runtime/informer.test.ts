import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client, ClientWatchEvent, GVR, KObject, ListResult } from '../../client/types.js';
import { Informer } from './informer.js';

const GVR_CM: GVR = { group: '', version: 'v1', resource: 'configmaps', namespaced: true };
const obj = (name: string, rv: string): KObject => ({ metadata: { name, namespace: 'd', resourceVersion: rv } });

/** A client whose list answers `state` and whose watches are driven by the test. */
function fakeClient(state: { items: KObject[]; rv: string }) {
  const watches: { opts: { resourceVersion?: string }; emit(ev: ClientWatchEvent): void; end(): void }[] = [];
  let lists = 0;
  const client = {
    async list(): Promise<ListResult> {
      lists++;
      return { items: structuredClone(state.items), resourceVersion: state.rv };
    },
    watch(_r: GVR, _ns: string, opts: { resourceVersion?: string }, onEvent: (ev: ClientWatchEvent) => void) {
      let end!: () => void;
      const done = new Promise<void>((r) => (end = r));
      watches.push({ opts, emit: onEvent, end });
      return { stop: end, done };
    },
  } as unknown as Client;
  return { client, watches, lists: () => lists };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(cond());
};

test('lists, then watches from the list revision and applies events to its cache', async () => {
  const f = fakeClient({ items: [obj('a', '5')], rv: '7' });
  const events: string[] = [];
  const inf = new Informer(f.client, GVR_CM).on({ add: (o) => events.push(`add ${o.metadata.name}`), update: (_, o) => events.push(`update ${o.metadata.name}`), delete: (o) => events.push(`delete ${o.metadata.name}`) }).start();
  await inf.waitForSync();
  await until(() => f.watches.length === 1);
  assert.equal(f.watches[0]!.opts.resourceVersion, '7');
  f.watches[0]!.emit({ type: 'ADDED', object: obj('b', '8') });
  f.watches[0]!.emit({ type: 'MODIFIED', object: obj('a', '9') });
  f.watches[0]!.emit({ type: 'DELETED', object: obj('b', '10') });
  assert.deepEqual(events, ['add a', 'add b', 'update a', 'delete b']);
  assert.deepEqual(inf.items().map((o) => o.metadata.name), ['a']);
  inf.stop();
});

test('a watch that ends is resumed from the last revision seen, bookmarks included, without listing again', async () => {
  const f = fakeClient({ items: [], rv: '3' });
  const inf = new Informer(f.client, GVR_CM).start();
  await until(() => f.watches.length === 1);
  f.watches[0]!.emit({ type: 'BOOKMARK', object: { metadata: { resourceVersion: '12' } } });
  f.watches[0]!.end();
  await until(() => f.watches.length === 2);
  assert.equal(f.watches[1]!.opts.resourceVersion, '12');
  assert.equal(f.lists(), 1);
  inf.stop();
});

test('a watch error (410 Expired) lists again and turns the differences into events', async () => {
  const state = { items: [obj('a', '1'), obj('b', '2')], rv: '2' };
  const f = fakeClient(state);
  const events: string[] = [];
  const inf = new Informer(f.client, GVR_CM).on({ add: (o) => events.push(`add ${o.metadata.name}`), update: (_, o) => events.push(`update ${o.metadata.name}`), delete: (o) => events.push(`delete ${o.metadata.name}`) }).start();
  await until(() => f.watches.length === 1);
  state.items = [obj('a', '5'), obj('c', '6')];
  state.rv = '20';
  f.watches[0]!.emit({ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } });
  await until(() => f.watches.length === 2);
  assert.equal(f.lists(), 2);
  assert.equal(f.watches[1]!.opts.resourceVersion, '20');
  assert.deepEqual(events, ['add a', 'add b', 'update a', 'add c', 'delete b']);
  inf.stop();
});

test('a failing list is retried', async () => {
  const f = fakeClient({ items: [obj('a', '1')], rv: '1' });
  let failures = 1;
  const list = f.client.list.bind(f.client);
  f.client.list = async (...args: Parameters<Client['list']>) => {
    if (failures-- > 0) throw new Error('connection refused');
    return list(...args);
  };
  const errors: unknown[] = [];
  const inf = new Informer(f.client, GVR_CM, { onError: (e) => errors.push(e) }).start();
  await inf.waitForSync();
  assert.equal(errors.length, 1);
  assert.equal(inf.items().length, 1);
  inf.stop();
});

test('handlers added after the informer synced get the cached objects as adds first', async () => {
  const f = fakeClient({ items: [obj('a', '1'), obj('b', '2')], rv: '2' });
  const inf = new Informer(f.client, GVR_CM).start();
  await inf.waitForSync();
  const events: string[] = [];
  inf.on({ add: (o) => events.push(`add ${o.metadata.name}`) });
  assert.deepEqual(events, ['add a', 'add b']);
  inf.stop();
});

test('objects enter the cache and reach handlers without managedFields, as kube-controller-manager trims them', async () => {
  const mf = [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }];
  const f = fakeClient({ items: [{ metadata: { name: 'a', namespace: 'd', resourceVersion: '5', managedFields: mf } }], rv: '7' });
  const seen: KObject[] = [];
  const inf = new Informer(f.client, GVR_CM).on({ add: (o) => seen.push(o), update: (_, o) => seen.push(o) }).start();
  await inf.waitForSync();
  await until(() => f.watches.length === 1);
  f.watches[0]!.emit({ type: 'MODIFIED', object: { metadata: { name: 'a', namespace: 'd', resourceVersion: '8', managedFields: mf } } });
  assert.deepEqual(seen.map((o) => o.metadata), [{ name: 'a', namespace: 'd', resourceVersion: '5' }, { name: 'a', namespace: 'd', resourceVersion: '8' }]);
  assert.deepEqual(inf.get('d/a')!.metadata, { name: 'a', namespace: 'd', resourceVersion: '8' });
  inf.stop();
});
