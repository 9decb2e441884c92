import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Client, ClientWatchEvent, GVR, KObject, ListResult } from '../../client/types.js';
import { InformerFactory } from './informer-factory.js';
import { MetadataView } from './metadata-view.js';

const PODS: GVR = { group: '', version: 'v1', resource: 'pods', namespaced: true };
const SECRETS: GVR = { group: '', version: 'v1', resource: 'secrets', namespaced: true };
const pod = (name: string, rv: string, owner?: string): KObject => ({
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name, namespace: 'd', resourceVersion: rv, ...(owner ? { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: owner, uid: `uid-${owner}` }] } : {}) },
  spec: { nodeName: 'n1' },
});

function fakeClient(items: KObject[]) {
  const watches: { gvr: GVR; metadataOnly?: boolean; emit(ev: ClientWatchEvent): void }[] = [];
  const lists: { gvr: GVR; metadataOnly?: boolean }[] = [];
  const client = {
    async list(gvr: GVR, _ns: string, opts: { metadataOnly?: boolean }): Promise<ListResult> {
      lists.push({ gvr, metadataOnly: opts.metadataOnly });
      return { items: structuredClone(items), resourceVersion: '10' };
    },
    watch(gvr: GVR, _ns: string, opts: { metadataOnly?: boolean }, onEvent: (ev: ClientWatchEvent) => void) {
      watches.push({ gvr, metadataOnly: opts.metadataOnly, emit: onEvent });
      return { stop() {}, done: new Promise<void>(() => {}) };
    },
  } as unknown as Client;
  return { client, watches, lists };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 200 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(cond());
};

test('a metadata informer of a resource followed in full is a view of that informer: PartialObjectMetadata, no list or watch of its own', async () => {
  const f = fakeClient([pod('a', '5', 'rs1')]);
  const factory = new InformerFactory(f.client);
  factory.informer(PODS);
  const meta = factory.informer(PODS, { metadataOnly: true });
  assert.ok(meta instanceof MetadataView);
  const events: string[] = [];
  meta.on({ add: (o) => events.push(`add ${o.kind} ${o.metadata.name} ${o.spec === undefined}`), update: (old, o) => events.push(`update ${old.metadata.resourceVersion}→${o.metadata.resourceVersion}`), delete: (o) => events.push(`delete ${o.metadata.name}`) });
  factory.start();
  await factory.waitForSync();
  await until(() => f.watches.length === 1);
  assert.deepEqual(f.lists, [{ gvr: PODS, metadataOnly: undefined }]);
  f.watches[0]!.emit({ type: 'MODIFIED', object: pod('a', '11', 'rs1') });
  f.watches[0]!.emit({ type: 'ADDED', object: pod('b', '12') });
  f.watches[0]!.emit({ type: 'DELETED', object: pod('b', '13') });
  assert.deepEqual(events, ['add PartialObjectMetadata a true', 'update 5→11', 'add PartialObjectMetadata b true', 'delete b']);
  assert.deepEqual(meta.get('d/a'), { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'a', namespace: 'd', resourceVersion: '11', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs1', uid: 'uid-rs1' }] } });
  assert.equal(meta.items().length, 1);
  assert.equal(f.watches.length, 1);
  factory.stop();
});

test('a metadata informer asked for before any full one watches metadata on its own', async () => {
  const f = fakeClient([]);
  const factory = new InformerFactory(f.client);
  const meta = factory.informer(SECRETS, { metadataOnly: true });
  factory.informer(SECRETS);
  assert.ok(!(meta instanceof MetadataView));
  factory.start();
  await factory.waitForSync();
  await until(() => f.watches.length === 2);
  assert.deepEqual(f.watches.map((w) => w.metadataOnly).sort(), [true, undefined]);
  factory.stop();
});

test("a view's owner references are its own: editing the full informer's object in place does not reach them", async () => {
  const f = fakeClient([pod('a', '5', 'rs1')]);
  const factory = new InformerFactory(f.client);
  const full = factory.informer(PODS);
  const meta = factory.informer(PODS, { metadataOnly: true });
  factory.start();
  await factory.waitForSync();
  full.get('d/a')!.metadata.ownerReferences[0].name = 'changed';
  assert.equal(meta.get('d/a')!.metadata.ownerReferences[0].name, 'rs1');
  factory.stop();
});
