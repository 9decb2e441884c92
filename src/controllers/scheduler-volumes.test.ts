import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { BIND_CONFLICT, NODE_CONFLICT, ZONE_CONFLICT, claimsBound, volumeFilter, volumePreFilter, type VolumeListers } from './scheduler-volumes.js';

function listers(objs: { pvcs?: KObject[]; pvs?: KObject[]; classes?: KObject[] }): VolumeListers {
  return {
    claim: (ns, name) => objs.pvcs?.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
    volume: (name) => objs.pvs?.find((v) => v.metadata.name === name),
    volumes: () => objs.pvs ?? [],
    storageClass: (name) => objs.classes?.find((c) => c.metadata.name === name),
  };
}
const pod = (volumes: KObject[]) => ({ metadata: { name: 'p', namespace: 'ns', uid: 'pod-uid' }, spec: { containers: [{ name: 'c' }], volumes } });
const claimVol = (claimName: string) => ({ name: 'v', persistentVolumeClaim: { claimName } });
const pvc = (name: string, extra: KObject = {}) => ({ metadata: { name, namespace: 'ns', uid: `${name}-uid`, ...extra.metadata }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, ...extra.spec }, status: extra.status ?? { phase: 'Pending' } });
const bound = (name: string, volumeName: string) => pvc(name, { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { volumeName }, status: { phase: 'Bound' } });
const node = (name: string, labels: Record<string, string> = {}) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } } });
const pinned = (name: string, host: string, extra: KObject = {}) => ({ metadata: { name }, spec: { capacity: { storage: '5Gi' }, accessModes: ['ReadWriteOnce'], storageClassName: extra.storageClassName ?? '', nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [host] }] }] } } }, status: { phase: 'Available' } });
const lazy = { metadata: { name: 'lazy' }, provisioner: 'minikapi.dev/hostpath', volumeBindingMode: 'WaitForFirstConsumer' };
const manual = { metadata: { name: 'manual' }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: 'WaitForFirstConsumer' };

test('PreFilter refuses with upstream texts: missing, lost, being deleted, ephemeral not yet made or not owned, unbound immediate', () => {
  assert.equal(volumePreFilter(pod([{ name: 'v', emptyDir: {} }]), listers({})), undefined);
  const msg = (volumes: KObject[], l: VolumeListers) => (volumePreFilter(pod(volumes), l) as { message: string }).message;
  assert.equal(msg([claimVol('data')], listers({})), 'persistentvolumeclaim "data" not found');
  assert.equal(msg([claimVol('data')], listers({ pvcs: [pvc('data', { spec: { volumeName: 'gone' }, status: { phase: 'Lost' } })] })), 'persistentvolumeclaim "data" bound to non-existent persistentvolume "gone"');
  assert.equal(msg([claimVol('data')], listers({ pvcs: [pvc('data', { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } })] })), 'persistentvolumeclaim "data" is being deleted');
  const eph = [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }];
  assert.equal(msg(eph, listers({})), 'waiting for ephemeral volume controller to create the persistentvolumeclaim "p-scratch"');
  assert.equal(msg(eph, listers({ pvcs: [pvc('p-scratch')] })), 'PVC ns/p-scratch was not created for pod ns/p (pod is not owner)');
  assert.equal(msg([claimVol('data')], listers({ pvcs: [pvc('data')] })), 'pod has unbound immediate PersistentVolumeClaims');
  // a claim of a WaitForFirstConsumer class is left to Filter
  assert.deepEqual(volumePreFilter(pod([claimVol('data')]), listers({ pvcs: [pvc('data', { spec: { storageClassName: 'lazy' } })], classes: [lazy] })), { volumes: { bound: [], delayed: [pvc('data', { spec: { storageClassName: 'lazy' } })], zones: [] } });
});

test('Filter: a bound volume pinned elsewhere is a node affinity conflict; a volume that is gone, its own reason', () => {
  const l = listers({ pvcs: [bound('data', 'pv1')], pvs: [pinned('pv1', 'a')] });
  const vols = (volumePreFilter(pod([claimVol('data')]), l) as { volumes: never }).volumes;
  assert.deepEqual(volumeFilter(vols, node('b'), l), { reasons: [NODE_CONFLICT] });
  assert.deepEqual(volumeFilter(vols, node('a'), l), { decisions: { bindings: [], provisions: [] } });
  // a bound volume that is gone stops the pod in VolumeZone's PreFilter
  assert.deepEqual(volumePreFilter(pod([claimVol('data')]), listers({ pvcs: [bound('data', 'pv1')] })), { message: 'persistentvolume "pv1" not found' });
});

test('VolumeZone: a node with zone labels must be in a zone its bound volumes allow; a node without any passes', () => {
  const zoned = { metadata: { name: 'pvz', labels: { 'topology.kubernetes.io/zone': 'z1__z2', 'failure-domain.beta.kubernetes.io/region': 'r1' } }, spec: { capacity: { storage: '5Gi' } } };
  const l = listers({ pvcs: [bound('data', 'pvz')], pvs: [zoned] });
  const vols = (volumePreFilter(pod([claimVol('data')]), l) as { volumes: never }).volumes;
  assert.deepEqual(volumeFilter(vols, node('a', { 'topology.kubernetes.io/zone': 'z2', 'topology.kubernetes.io/region': 'r1' }), l), { decisions: { bindings: [], provisions: [] } });
  assert.deepEqual(volumeFilter(vols, node('b', { 'topology.kubernetes.io/zone': 'z3', 'topology.kubernetes.io/region': 'r1' }), l), { reasons: [ZONE_CONFLICT] });
  // the region label is missing: a conflict too
  assert.deepEqual(volumeFilter(vols, node('c', { 'topology.kubernetes.io/zone': 'z1' }), l), { reasons: [ZONE_CONFLICT] });
  assert.equal('decisions' in volumeFilter(vols, node('d'), l), true);
});

test('Filter: a WaitForFirstConsumer claim takes the smallest free volume that fits the node, else a class that provisions', () => {
  const claim = pvc('data', { spec: { storageClassName: 'manual' } });
  const small = { ...pinned('small', 'a', { storageClassName: 'manual' }), spec: { ...pinned('small', 'a', { storageClassName: 'manual' }).spec, capacity: { storage: '1Gi' } } };
  const l = listers({ pvcs: [claim], pvs: [pinned('big', 'a', { storageClassName: 'manual' }), small], classes: [manual] });
  const vols = (volumePreFilter(pod([claimVol('data')]), l) as { volumes: never }).volumes;
  const onA = volumeFilter(vols, node('a'), l) as { decisions: { bindings: { pv: KObject }[] } };
  assert.deepEqual(onA.decisions.bindings.map((b) => b.pv.metadata.name), ['small']);
  // no volume on b, and the class cannot provision
  assert.deepEqual(volumeFilter(vols, node('b'), l), { reasons: [BIND_CONFLICT] });
  const dyn = pvc('d2', { spec: { storageClassName: 'lazy' } });
  const l2 = listers({ pvcs: [dyn], classes: [lazy] });
  const v2 = (volumePreFilter(pod([claimVol('d2')]), l2) as { volumes: never }).volumes;
  assert.deepEqual(volumeFilter(v2, node('b'), l2), { decisions: { bindings: [], provisions: [dyn] } });
  // a node already selected for the claim rules every other node out
  const chosen = pvc('d3', { metadata: { annotations: { 'volume.kubernetes.io/selected-node': 'a' } }, spec: { storageClassName: 'lazy' } });
  const l3 = listers({ pvcs: [chosen], classes: [lazy] });
  const v3 = (volumePreFilter(pod([claimVol('d3')]), l3) as { volumes: never }).volumes;
  assert.deepEqual(volumeFilter(v3, node('b'), l3), { reasons: [BIND_CONFLICT] });
  assert.deepEqual(volumeFilter(v3, node('a'), l3), { decisions: { bindings: [], provisions: [] } });
  // allowedTopologies limit where a class provisions
  const zoned = { ...lazy, allowedTopologies: [{ matchLabelExpressions: [{ key: 'zone', values: ['z1'] }] }] };
  const l4 = listers({ pvcs: [dyn], classes: [zoned] });
  assert.deepEqual(volumeFilter(v2, node('b', { zone: 'z2' }), l4), { reasons: [BIND_CONFLICT] });
  assert.equal('decisions' in volumeFilter(v2, node('c', { zone: 'z1' }), l4), true);
});

test('claimsBound waits for the volume name and the bind-completed annotation', () => {
  assert.equal(claimsBound(pod([claimVol('data')]), listers({ pvcs: [pvc('data', { spec: { volumeName: 'pv1' } })] })), false);
  assert.equal(claimsBound(pod([claimVol('data')]), listers({ pvcs: [bound('data', 'pv1')] })), true);
});
