import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { findMatchingVolume, quantity } from './volume-matching.js';
import { provisionedVolume } from './persistentvolume-binder.js';

const pv = (name: string, size: string, extra: KObject = {}): KObject => ({
  metadata: { name, labels: extra.labels },
  spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', ...extra.spec },
  status: { phase: extra.phase ?? 'Available' },
});
const pvc = (size: string, extra: KObject = {}): KObject => ({
  metadata: { name: 'c', namespace: 'd', uid: 'u1', resourceVersion: '7' },
  spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'manual', resources: { requests: { storage: size } }, ...extra },
});

describe('persistentvolume-binder matching', () => {
  test('quantities compare across binary and decimal suffixes', () => {
    assert.equal(quantity('1Gi'), 2 ** 30);
    assert.equal(quantity('1500Mi') > quantity('1G'), true);
    assert.equal(quantity('500m'), 0.5);
  });

  test('the smallest free volume of the same class with the access modes and enough room is chosen', () => {
    const vols = [pv('big', '10Gi'), pv('small', '2Gi'), pv('tiny', '1Gi'), pv('other-class', '2Gi', { spec: { storageClassName: 'fast' } }), pv('rox', '2Gi', { spec: { accessModes: ['ReadOnlyMany'] } })];
    assert.equal(findMatchingVolume(pvc('1500Mi'), vols)?.metadata.name, 'small');
    assert.equal(findMatchingVolume(pvc('20Gi'), vols), undefined);
    assert.equal(findMatchingVolume(pvc('1Gi', { storageClassName: 'fast' }), vols)?.metadata.name, 'other-class');
  });

  test('bound or released volumes are skipped; a volume pre-bound to the claim wins; the selector filters', () => {
    const taken = pv('taken', '1Gi', { spec: { claimRef: { namespace: 'd', name: 'x', uid: 'u9' } }, phase: 'Bound' });
    const released = pv('released', '1Gi', { phase: 'Released' });
    const pre = pv('pre', '5Gi', { spec: { claimRef: { namespace: 'd', name: 'c' } } });
    assert.equal(findMatchingVolume(pvc('1Gi'), [taken, released]), undefined);
    assert.equal(findMatchingVolume(pvc('1Gi'), [pv('a', '1Gi'), pre])?.metadata.name, 'pre');
    const sel = pvc('1Gi', { selector: { matchLabels: { tier: 'gold' } } });
    assert.equal(findMatchingVolume(sel, [pv('plain', '1Gi'), pv('gold', '3Gi', { labels: { tier: 'gold' } })])?.metadata.name, 'gold');
  });

  test('a provisioned volume is named after the claim uid, pre-bound to it, with the class reclaim policy and node affinity', () => {
    const v = provisionedVolume(pvc('1Gi', { storageClassName: 'standard' }), { metadata: { name: 'standard' }, provisioner: 'minikapi.dev/hostpath', reclaimPolicy: 'Delete' }, 'n1');
    assert.equal(v.metadata.name, 'pvc-u1');
    assert.deepEqual(v.metadata.annotations, { 'pv.kubernetes.io/provisioned-by': 'minikapi.dev/hostpath' });
    assert.deepEqual(v.spec.claimRef, { kind: 'PersistentVolumeClaim', namespace: 'd', name: 'c', uid: 'u1', apiVersion: 'v1', resourceVersion: '7' });
    assert.equal(v.spec.persistentVolumeReclaimPolicy, 'Delete');
    assert.deepEqual(v.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0], { key: 'kubernetes.io/hostname', operator: 'In', values: ['n1'] });
  });
});
