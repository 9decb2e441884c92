import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Client, GVR, KObject } from '../client/types.js';
import { constructHistory, newDaemonSetRevision, revisionsToDelete } from './daemonset-revisions.js';
import { computeHash } from './pod-template-hash.js';

function recorder() {
  const writes: string[] = [];
  const client = {
    async create(r: GVR, _ns: string, obj: KObject) {
      writes.push(`create ${obj.metadata.name} ${obj.revision}`);
      return obj;
    },
    async update(r: GVR, _ns: string, obj: KObject) {
      writes.push(`update ${obj.metadata.name} ${obj.revision}`);
      return obj;
    },
    async delete(r: GVR, _ns: string, name: string) {
      writes.push(`delete ${name}`);
      return {};
    },
  } as unknown as Client;
  return { client, writes };
}

const ds = (image: string, extra: KObject = {}) => ({
  metadata: { name: 'agent', namespace: 'ns', uid: 'ds-uid', annotations: { 'deprecated.daemonset.template.generation': '1' } },
  spec: { revisionHistoryLimit: 1, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image }] } }, ...extra },
  status: {},
});

describe('daemonset revisions', () => {
  test('a snapshot is <ds>-<pod-template-hash> with the hash label, the set annotations and a controller reference', () => {
    const d = ds('busybox');
    const r = newDaemonSetRevision(d, 4);
    const hash = computeHash(d.spec.template, undefined);
    assert.equal(r.metadata.name, `agent-${hash}`);
    assert.deepEqual(r.metadata.labels, { app: 'agent', 'controller-revision-hash': hash });
    assert.deepEqual(r.metadata.annotations, d.metadata.annotations);
    assert.deepEqual(r.metadata.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'ds-uid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(r.revision, 4);
    assert.equal(r.data.spec.template.$patch, 'replace');
  });

  test('a new template is snapshotted as max+1; a template seen before is re-numbered instead', async () => {
    const one = newDaemonSetRevision(ds('busybox:1'), 1);
    const two = newDaemonSetRevision(ds('busybox:2'), 2);
    const fresh = recorder();
    const r = await constructHistory(fresh.client, ds('busybox:3'), [one, two]);
    assert.deepEqual(fresh.writes, [`create ${newDaemonSetRevision(ds('busybox:3'), 3).metadata.name} 3`]);
    assert.deepEqual(r.old.map((x) => x.revision), [1, 2]);
    const back = recorder();
    const b = await constructHistory(back.client, ds('busybox:1'), [one, two]);
    assert.deepEqual(back.writes, [`update ${one.metadata.name} 3`]);
    assert.deepEqual([b.cur.revision, b.old.map((x) => x.metadata.name)], [3, [two.metadata.name]]);
    const same = recorder();
    await constructHistory(same.client, ds('busybox:2'), [one, two]);
    assert.deepEqual(same.writes, []);
  });

  test('history beyond revisionHistoryLimit goes oldest first, except revisions a pod still runs', () => {
    const old = [1, 2, 3].map((i) => newDaemonSetRevision(ds(`busybox:${i}`), i));
    const running = [{ metadata: { labels: { 'controller-revision-hash': old[0]!.metadata.labels['controller-revision-hash'] } } }];
    assert.deepEqual(revisionsToDelete(ds('x'), old, running).map((r) => r.revision), [2, 3]);
    assert.deepEqual(revisionsToDelete(ds('x'), old, []).map((r) => r.revision), [1, 2]);
  });
});
