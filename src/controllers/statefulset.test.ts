import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Client, ClientWatchEvent, GVR, KObject } from '../client/types.js';
import type { ControllerContext } from './runtime/controller.js';
import { InformerFactory } from './runtime/informer-factory.js';
import { StatefulSetController } from './statefulset.js';
import { newStatefulSetRevision } from './statefulset-revisions.js';

/** A client whose lists answer `state` and whose watches stay silent; writes are recorded. */
function recordingClient(state: Record<string, KObject[]>, conflictOn?: string) {
  const writes: string[] = [];
  const created: KObject[] = [];
  const statuses: KObject[] = [];
  const events: string[] = [];
  const client = {
    async list(r: GVR) {
      return { items: structuredClone(state[r.resource] ?? []), resourceVersion: '10' };
    },
    watch(_r: GVR, _ns: string, _o: unknown, _on: (ev: ClientWatchEvent) => void) {
      let stop!: () => void;
      return { stop: () => stop?.(), done: new Promise<void>((r) => (stop = r)) };
    },
    async create(r: GVR, _ns: string, obj: KObject) {
      if (r.resource === 'events') return void events.push(`${obj.reason}: ${obj.message}`);
      if (r.resource === 'controllerrevisions' && obj.metadata.name === conflictOn) throw Object.assign(new Error('exists'), { code: 409 });
      writes.push(`create ${r.resource} ${obj.metadata.name}`);
      created.push(obj);
      return { ...obj, metadata: { ...obj.metadata, uid: `uid-${obj.metadata.name}` } };
    },
    async delete(r: GVR, _ns: string, name: string) {
      writes.push(`delete ${r.resource} ${name}`);
      return {};
    },
    async update(r: GVR, _ns: string, obj: KObject, opts?: { subresource?: string }) {
      if (opts?.subresource === 'status') statuses.push(obj.status);
      else writes.push(`update ${r.resource} ${obj.metadata.name}`);
      return obj;
    },
    async get(r: GVR, _ns: string, name: string) {
      if (name === conflictOn) return { metadata: { name, ownerReferences: [{ uid: 'someone-else' }] }, data: {} };
      return (state[r.resource] ?? []).find((o) => o.metadata.name === name);
    },
    async patch(r: GVR, _ns: string, name: string) {
      writes.push(`patch ${r.resource} ${name}`);
      return {};
    },
  } as unknown as Client;
  return { client, writes, created, statuses, events };
}

async function syncOnce(state: Record<string, KObject[]>, conflictOn?: string) {
  const f = recordingClient(state, conflictOn);
  const informers = new InformerFactory(f.client);
  const ctx: ControllerContext = { client: f.client, informers, caCertPem: '', ca: { certPem: '', keyPem: '' }, error: () => undefined };
  const c = new StatefulSetController();
  c.setup(ctx);
  informers.start();
  await informers.waitForSync();
  await (c as unknown as { sync(k: string): Promise<void> }).sync('ns/web');
  informers.stop();
  c.stop();
  return f;
}

const set = (spec: KObject = {}, image = 'nginx:1') => ({
  metadata: { name: 'web', namespace: 'ns', uid: 'set-uid', generation: 1 },
  spec: {
    replicas: 3,
    podManagementPolicy: 'OrderedReady',
    updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0 } },
    selector: { matchLabels: { app: 'web' } },
    template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image }] } },
    volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
    ...spec,
  },
  status: {},
});

const readyCond = { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' };
const pod = (ord: number, revision: string, ready = true) => ({
  metadata: {
    name: `web-${ord}`,
    namespace: 'ns',
    uid: `p${ord}`,
    labels: { app: 'web', 'statefulset.kubernetes.io/pod-name': `web-${ord}`, 'apps.kubernetes.io/pod-index': String(ord), 'controller-revision-hash': revision },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true }],
  },
  spec: {},
  status: ready ? { phase: 'Running', conditions: [readyCond] } : { phase: 'Pending' },
});

describe('statefulset controller', () => {
  test('the first sync records revision 1 as <set>-<hash>, then creates web-0 with its claim and nothing more (OrderedReady)', async () => {
    const s = set();
    const rev = newStatefulSetRevision(s, 1, 0);
    const f = await syncOnce({ statefulsets: [s] });
    assert.deepEqual(f.writes, [`create controllerrevisions ${rev.metadata.name}`, 'create persistentvolumeclaims data-web-0', 'create pods web-0']);
    assert.deepEqual(f.events, ['SuccessfulCreate: create Claim data-web-0 Pod web-0 in StatefulSet web success', 'SuccessfulCreate: create Pod web-0 in StatefulSet web successful']);
    assert.equal(f.created[0]!.revision, 1);
    assert.deepEqual(f.created[0]!.metadata.labels, { app: 'web', 'controller.kubernetes.io/hash': rev.metadata.name.slice(4) });
    assert.deepEqual(f.statuses.at(-1), { observedGeneration: 1, replicas: 1, currentReplicas: 1, updatedReplicas: 1, availableReplicas: 0, currentRevision: rev.metadata.name, updateRevision: rev.metadata.name, collisionCount: 0 });
  });

  test('OrderedReady waits while a predecessor is not Running and Ready; then creates the next ordinal', async () => {
    const s = set();
    const rev = newStatefulSetRevision(s, 1, 0);
    const waiting = await syncOnce({ statefulsets: [s], controllerrevisions: [rev], pods: [pod(0, rev.metadata.name, false)] });
    assert.deepEqual(waiting.writes, ['create persistentvolumeclaims data-web-0']);
    const next = await syncOnce({ statefulsets: [s], controllerrevisions: [rev], pods: [pod(0, rev.metadata.name)], persistentvolumeclaims: [{ metadata: { name: 'data-web-0', namespace: 'ns' } }] });
    assert.deepEqual(next.writes, ['create persistentvolumeclaims data-web-1', 'create pods web-1']);
  });

  test('Parallel creates every missing ordinal at once', async () => {
    const s = set({ podManagementPolicy: 'Parallel' });
    const rev = newStatefulSetRevision(s, 1, 0);
    const f = await syncOnce({ statefulsets: [s], controllerrevisions: [rev] });
    assert.deepEqual(f.writes.filter((w) => w.startsWith('create pods')).sort(), ['create pods web-0', 'create pods web-1', 'create pods web-2']);
  });

  test('scale down deletes only the highest ordinal first', async () => {
    const s = set({ replicas: 2 });
    const rev = newStatefulSetRevision(s, 1, 0);
    const f = await syncOnce({ statefulsets: [s], controllerrevisions: [rev], pods: [0, 1, 2, 3].map((i) => pod(i, rev.metadata.name)) });
    assert.deepEqual(f.writes, ['delete pods web-3']);
    assert.deepEqual(f.events, ['SuccessfulDelete: delete Pod web-3 in StatefulSet web successful']);
  });

  test('a rolling update deletes the highest ordinal not at the update revision, and never one below the partition', async () => {
    const old = set();
    const oldRev = newStatefulSetRevision(old, 1, 0);
    const pods = [0, 1, 2].map((i) => pod(i, oldRev.metadata.name));
    const updated = { ...set({}, 'nginx:2'), status: { currentRevision: oldRev.metadata.name } };
    const newRev = newStatefulSetRevision(updated, 2, 0);
    const f = await syncOnce({ statefulsets: [updated], controllerrevisions: [oldRev, newRev], pods });
    assert.deepEqual(f.writes, ['delete pods web-2']);
    const partitioned = { ...set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 3 } } }, 'nginx:2'), status: { currentRevision: oldRev.metadata.name } };
    const none = await syncOnce({ statefulsets: [partitioned], controllerrevisions: [oldRev, newStatefulSetRevision(partitioned, 2, 0)], pods });
    assert.deepEqual(none.writes, []);
    const onDelete = { ...set({ updateStrategy: { type: 'OnDelete' } }, 'nginx:2'), status: { currentRevision: oldRev.metadata.name } };
    const kept = await syncOnce({ statefulsets: [onDelete], controllerrevisions: [oldRev, newStatefulSetRevision(onDelete, 2, 0)], pods });
    assert.deepEqual(kept.writes, []);
    assert.deepEqual([kept.statuses.at(-1)!.currentReplicas, kept.statuses.at(-1)!.updatedReplicas], [3, undefined]);
  });

  test('a revision name taken by another template bumps collisionCount and hashes again', async () => {
    const s = set();
    const taken = newStatefulSetRevision(s, 1, 0).metadata.name;
    const f = await syncOnce({ statefulsets: [s] }, taken);
    const second = newStatefulSetRevision(s, 1, 1).metadata.name;
    assert.notEqual(second, taken);
    assert.equal(f.writes[0], `create controllerrevisions ${second}`);
    assert.equal(f.statuses.at(-1)!.collisionCount, 1);
  });

  test('spec.ordinals.start shifts the ordinals: the first pod is <set>-<start>, and ordinals below it are condemned', async () => {
    const s = set({ ordinals: { start: 5 }, replicas: 2 });
    const rev = newStatefulSetRevision(s, 1, 0);
    const f = await syncOnce({ statefulsets: [s], controllerrevisions: [rev], pods: [pod(0, rev.metadata.name)] });
    assert.deepEqual(f.writes, ['create persistentvolumeclaims data-web-5', 'create pods web-5']);
    const g = await syncOnce({ statefulsets: [s], controllerrevisions: [rev], pods: [pod(0, rev.metadata.name), pod(5, rev.metadata.name), pod(6, rev.metadata.name)], persistentvolumeclaims: [] });
    assert.deepEqual(g.writes, ['delete pods web-0']);
  });

  test('a Failed pod is deleted so that the next sync recreates it; nothing else happens meanwhile', async () => {
    const s = set();
    const rev = newStatefulSetRevision(s, 1, 0);
    const failed = { ...pod(1, rev.metadata.name), status: { phase: 'Failed' } };
    const f = await syncOnce({ statefulsets: [s], controllerrevisions: [rev], pods: [pod(0, rev.metadata.name), failed, pod(2, rev.metadata.name)] });
    assert.deepEqual(f.writes, ['delete pods web-1']);
  });
});

