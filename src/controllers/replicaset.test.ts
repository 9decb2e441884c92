import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Client, ClientWatchEvent, GVR, KObject } from '../client/types.js';
import type { ControllerContext } from './runtime/controller.js';
import { InformerFactory } from './runtime/informer-factory.js';
import { ReplicaSetController } from './replicaset.js';

/** A client whose lists answer `state` and whose watches stay silent: an informer that lags forever. */
function laggingClient(state: Record<string, KObject[]>) {
  const creates: KObject[] = [];
  const deletes: string[] = [];
  const client = {
    async list(r: GVR) {
      return { items: structuredClone(state[r.resource] ?? []), resourceVersion: '10' };
    },
    watch(_r: GVR, _ns: string, _o: unknown, _on: (ev: ClientWatchEvent) => void) {
      let stop!: () => void;
      return { stop: () => stop?.(), done: new Promise<void>((r) => (stop = r)) };
    },
    async create(r: GVR, ns: string, obj: KObject) {
      // events are recorded too; only pods count
      if (r.resource !== 'pods') return obj;
      creates.push(obj);
      return { ...obj, metadata: { ...obj.metadata, namespace: ns, name: `${obj.metadata.generateName}x${creates.length}` } };
    },
    async delete(_r: GVR, _ns: string, name: string) {
      deletes.push(name);
      return {};
    },
    async update(_r: GVR, _ns: string, obj: KObject) {
      return obj;
    },
    async get(r: GVR, _ns: string, name: string) {
      return (state[r.resource] ?? []).find((o) => o.metadata.name === name);
    },
    async patch() {
      return {};
    },
  } as unknown as Client;
  return { client, creates, deletes };
}

async function controllerWith(state: Record<string, KObject[]>) {
  const f = laggingClient(state);
  const informers = new InformerFactory(f.client);
  const ctx: ControllerContext = { client: f.client, informers, caCertPem: '', ca: { certPem: '', keyPem: '' }, error: () => undefined };
  const rsc = new ReplicaSetController();
  rsc.setup(ctx);
  informers.start();
  await informers.waitForSync();
  const sync = (key: string) => (rsc as unknown as { sync(k: string): Promise<void> }).sync(key);
  return { ...f, sync, stop: () => informers.stop() };
}

const rs = { metadata: { name: 'web', namespace: 'ns', uid: 'rs-uid', generation: 1 }, spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } }, status: {} };
const owned = (name: string) => ({ metadata: { name, namespace: 'ns', uid: name, labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true }] }, spec: {}, status: { phase: 'Pending' } });

describe('replicaset controller with a lagging informer', () => {
  test('creates the missing pods once from the template, then waits for its expectations instead of creating again', async () => {
    const c = await controllerWith({ replicasets: [rs], pods: [] });
    await c.sync('ns/web');
    assert.equal(c.creates.length, 3);
    assert.deepEqual(c.creates[0], {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'web-', ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }], labels: { app: 'web' }, annotations: { a: 'b' } },
      spec: { containers: [{ name: 'c', image: 'nginx' }] },
    });
    // the informer never saw the new pods: a second sync must not create them again
    await c.sync('ns/web');
    assert.equal(c.creates.length, 3);
    c.stop();
  });

  test('deletes the surplus once and waits for the deletions to be observed', async () => {
    const c = await controllerWith({ replicasets: [rs], pods: ['a', 'b', 'c', 'd', 'e'].map(owned) });
    await c.sync('ns/web');
    assert.equal(c.deletes.length, 2);
    await c.sync('ns/web');
    assert.equal(c.deletes.length, 2);
    c.stop();
  });
});
