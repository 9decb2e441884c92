import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { claimOwnerRefs, claimsFor, getOrdinal, identityMatches, newStatefulSetPod } from './statefulset-pods.js';

const set = (policy: Record<string, string> = {}, replicas = 2) => ({
  metadata: { name: 'db', namespace: 'ns', uid: 'set-uid' },
  spec: {
    replicas,
    serviceName: 'db-headless',
    selector: { matchLabels: { app: 'db' } },
    persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain', ...policy },
    template: { metadata: { labels: { app: 'db' }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }], volumes: [{ name: 'data', emptyDir: {} }, { name: 'cfg', configMap: { name: 'cfg' } }] } },
    volumeClaimTemplates: [{ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', creationTimestamp: null, labels: { tier: 'disk' } }, spec: { accessModes: ['ReadWriteOnce'] } }],
  },
});

describe('statefulset pod identity', () => {
  test('a pod is <set>-<ordinal> with hostname, subdomain, identity labels, the revision, and claims replacing same-named volumes', () => {
    const s = set();
    const pod = newStatefulSetPod(s, s.spec.template, 1, 'db-abc');
    assert.deepEqual(pod.metadata, {
      name: 'db-1',
      generateName: 'db-',
      namespace: 'ns',
      labels: { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-1', 'apps.kubernetes.io/pod-index': '1', 'controller-revision-hash': 'db-abc' },
      annotations: { a: 'b' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'set-uid', controller: true, blockOwnerDeletion: true }],
    });
    assert.equal(pod.spec.hostname, 'db-1');
    assert.equal(pod.spec.subdomain, 'db-headless');
    assert.deepEqual(pod.spec.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'data-db-1' } }, { name: 'cfg', configMap: { name: 'cfg' } }]);
    assert.ok(identityMatches(s, pod));
    assert.ok(!identityMatches(s, { metadata: { name: 'db-1', labels: {} } }));
  });

  test('ordinals come from the name suffix; names without one have none', () => {
    assert.equal(getOrdinal({ metadata: { name: 'web-12' } }), 12);
    assert.equal(getOrdinal({ metadata: { name: 'web' } }), -1);
    assert.equal(getOrdinal({ metadata: { name: 'web-x' } }), -1);
  });

  test('claims are <template>-<set>-<ordinal> with the selector labels added', () => {
    const [claim] = claimsFor(set(), 0);
    assert.deepEqual(claim, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-db-0', namespace: 'ns', labels: { tier: 'disk', app: 'db' } }, spec: { accessModes: ['ReadWriteOnce'] } });
  });

  test('retention policy: whenDeleted=Delete owns claims by the set; whenScaled=Delete hands a scaled-away claim to its pod', () => {
    const pod = { metadata: { name: 'db-3', uid: 'pod-uid' } };
    const setRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'set-uid' };
    const podRef = { apiVersion: 'v1', kind: 'Pod', name: 'db-3', uid: 'pod-uid' };
    assert.deepEqual(claimOwnerRefs(set(), 0, undefined, []), []);
    assert.deepEqual(claimOwnerRefs(set({ whenDeleted: 'Delete' }), 0, undefined, []), [setRef]);
    assert.deepEqual(claimOwnerRefs(set({ whenDeleted: 'Delete' }), 3, pod, []), [setRef]);
    assert.deepEqual(claimOwnerRefs(set({ whenScaled: 'Delete' }), 1, { metadata: { name: 'db-1', uid: 'p1' } }, []), []);
    assert.deepEqual(claimOwnerRefs(set({ whenScaled: 'Delete' }), 3, pod, []), [podRef]);
    assert.deepEqual(claimOwnerRefs(set({ whenScaled: 'Delete', whenDeleted: 'Delete' }), 3, pod, [setRef]), [podRef]);
    assert.deepEqual(claimOwnerRefs(set(), 3, pod, [setRef, podRef, { kind: 'Other', uid: 'o' }]), [{ kind: 'Other', uid: 'o' }]);
  });
});
