import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { findFeasible, fitErrorMessage } from './scheduler-cycle.js';
import { preempt, type Candidate } from './scheduler-preemption.js';
import { DISK_CONFLICT, RWOP_CONFLICT, diskConflict } from './scheduler-restrictions.js';
import { buildSnapshot } from './scheduler-snapshot.js';
import type { VolumeListers } from './scheduler-volumes.js';

const node = (name: string) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: { allocatable: { cpu: '4', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } });
const pod = (name: string, volumes: KObject[], nodeName?: string, priority = 0) => ({ metadata: { name, namespace: 'ns', uid: name }, spec: { nodeName, priority, containers: [{ name: 'c' }], volumes }, status: { startTime: '2026-01-01T00:00:00Z' } });
const claimVol = (claimName: string) => ({ name: 'v', persistentVolumeClaim: { claimName } });
const claim = (name: string, mode: string) => ({ metadata: { name, namespace: 'ns', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { accessModes: [mode], volumeName: `pv-${name}` }, status: { phase: 'Bound' } });
const volume = (name: string) => ({ metadata: { name }, spec: { capacity: { storage: '1Gi' } }, status: { phase: 'Bound' } });
const claims = [claim('solo', 'ReadWriteOncePod'), claim('shared', 'ReadWriteOnce')];
const listers: VolumeListers = {
  claim: (ns, name) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
  volume: (name) => (name.startsWith('pv-') ? volume(name) : undefined),
  volumes: () => [],
  storageClass: () => undefined,
};

test('a ReadWriteOncePod claim in use makes every node unfit, with the reason preemption may resolve', () => {
  const snap = buildSnapshot([node('a'), node('b')], [pod('holder', [claimVol('solo')], 'a')], () => ({}));
  const r = findFeasible(pod('p', [claimVol('solo')]), snap, undefined, listers);
  assert.deepEqual(r.feasible, []);
  assert.deepEqual([...r.statuses.values()], [{ reasons: [RWOP_CONFLICT], unresolvable: false }, { reasons: [RWOP_CONFLICT], unresolvable: false }]);
  assert.equal(fitErrorMessage(2, r.statuses.values()), '0/2 nodes are available: 2 node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode.');
  // a ReadWriteOnce claim may be shared; another namespace's claim of the same name is another claim
  assert.equal(findFeasible(pod('p', [claimVol('shared')]), buildSnapshot([node('a')], [pod('other', [claimVol('shared')], 'a')], () => ({})), undefined, listers).feasible.length, 1);
  const elsewhere = { ...pod('holder', [claimVol('solo')], 'a'), metadata: { name: 'holder', namespace: 'other', uid: 'h' } };
  assert.equal(findFeasible(pod('p', [claimVol('solo')]), buildSnapshot([node('a')], [elsewhere], () => ({})), undefined, listers).feasible.length, 1);
});

test('a claim that does not exist refuses the pod in PreFilter', () => {
  const r = findFeasible(pod('p', [claimVol('nope')]), buildSnapshot([node('a')], [], () => ({})), undefined, listers);
  assert.equal(r.preFilterMessage, 'persistentvolumeclaim "nope" not found');
  assert.equal(fitErrorMessage(1, r.statuses.values(), r.preFilterMessage), '0/1 nodes are available: persistentvolumeclaim "nope" not found.');
});

test('a higher-priority pod preempts the holder of the ReadWriteOncePod claim on its node', () => {
  const snap = buildSnapshot([node('a'), node('b')], [pod('holder', [claimVol('solo')], 'a', 1)], () => ({}));
  const urgent = pod('p', [claimVol('solo')], undefined, 100);
  const { statuses } = findFeasible(urgent, snap, undefined, listers);
  const c = preempt(urgent, snap, statuses, [], listers) as Candidate;
  assert.deepEqual({ node: c.node, victims: c.victims.map((v) => v.metadata.name) }, { node: 'a', victims: ['holder'] });
  const low = pod('p', [claimVol('solo')], undefined, 0);
  assert.deepEqual(preempt(low, snap, findFeasible(low, snap, undefined, listers).statuses, [], listers), {
    message: 'preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.',
  });
});

test('the same inline disk mounted read-write on the node is a disk conflict; read-only twice is not', () => {
  const gce = (readOnly: boolean) => ({ name: 'd', gcePersistentDisk: { pdName: 'disk-1', readOnly } });
  const snap = buildSnapshot([node('a'), node('b')], [pod('user', [gce(false)], 'a')], () => ({}));
  const r = findFeasible(pod('p', [gce(true)]), snap);
  assert.deepEqual({ feasible: r.feasible.map((ni) => ni.name), a: r.statuses.get('a') }, { feasible: ['b'], a: { reasons: [DISK_CONFLICT], unresolvable: false } });
  assert.equal(diskConflict(gce(true), pod('x', [gce(true)])), false);
  const ebs = { name: 'd', awsElasticBlockStore: { volumeID: 'vol-1', readOnly: true } };
  assert.equal(diskConflict(ebs, pod('x', [ebs])), true);
  const iscsi = (readOnly: boolean) => ({ name: 'd', iscsi: { iqn: 'iqn.x', targetPortal: 't', lun: 0, readOnly } });
  assert.deepEqual([diskConflict(iscsi(false), pod('x', [iscsi(true)])), diskConflict(iscsi(true), pod('x', [iscsi(true)]))], [true, false]);
  const rbd = (monitors: string[]) => ({ name: 'd', rbd: { monitors, pool: 'rbd', image: 'img' } });
  assert.deepEqual([diskConflict(rbd(['m1', 'm2']), pod('x', [rbd(['m2'])])), diskConflict(rbd(['m1']), pod('x', [rbd(['m3'])]))], [true, false]);
});
