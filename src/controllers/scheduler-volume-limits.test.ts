import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { KObject } from '../client/types.js';
import { findFeasible, fitErrorMessage } from './scheduler-cycle.js';
import { preempt, type Candidate } from './scheduler-preemption.js';
import { MAX_VOLUME_COUNT, attachLimitKey } from './scheduler-volume-limits.js';
import { buildSnapshot } from './scheduler-snapshot.js';
import type { VolumeListers } from './scheduler-volumes.js';

const DRIVER = 'csi.example.com';
const node = (name: string, allocatable: Record<string, string> = {}) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: { allocatable: { cpu: '4', memory: '4Gi', pods: '110', ...allocatable }, conditions: [{ type: 'Ready', status: 'True' }] } });
const pod = (name: string, volumes: KObject[], nodeName?: string, priority = 0) => ({ metadata: { name, namespace: 'ns', uid: name }, spec: { nodeName, priority, containers: [{ name: 'c' }], volumes }, status: { startTime: '2026-01-01T00:00:00Z' } });
const claimVol = (claimName: string) => ({ name: claimName, persistentVolumeClaim: { claimName } });
const bound = (name: string) => ({ metadata: { name, namespace: 'ns', annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { accessModes: ['ReadWriteOnce'], volumeName: `pv-${name}` }, status: { phase: 'Bound' } });
const csiVolume = (name: string, driver: string) => ({ metadata: { name }, spec: { capacity: { storage: '1Gi' }, csi: { driver, volumeHandle: `handle-${name}` } }, status: { phase: 'Bound' } });
const csiNode = (name: string, drivers: { name: string; count?: number }[], annotations: Record<string, string> = {}) => ({ metadata: { name, annotations }, spec: { drivers: drivers.map((d) => ({ name: d.name, nodeID: name, ...(d.count === undefined ? {} : { allocatable: { count: d.count } }) })) } });

function listersOf(opts: { csiNodes?: KObject[]; other?: string[]; classes?: KObject[]; unbound?: KObject[] } = {}): VolumeListers {
  const claims: KObject[] = [...['c1', 'c2', 'c3', 'o1'].map(bound), ...(opts.unbound ?? [])];
  return {
    claim: (ns, name) => claims.find((c) => c.metadata.namespace === ns && c.metadata.name === name),
    volume: (name) => (name.startsWith('pv-') ? csiVolume(name, name.startsWith('pv-o') ? 'other.example.com' : DRIVER) : undefined),
    volumes: () => [],
    storageClass: (name) => (opts.classes ?? []).find((c) => c.metadata.name === name),
    csiNode: (name) => (opts.csiNodes ?? []).find((c) => c.metadata.name === name),
  };
}

test("a pod whose CSI volumes would pass the driver's attach limit on a node does not fit there; other nodes and drivers are free", () => {
  const listers = listersOf({ csiNodes: [csiNode('a', [{ name: DRIVER, count: 2 }]), csiNode('b', [{ name: DRIVER }])] });
  const snap = buildSnapshot([node('a'), node('b')], [pod('holder', [claimVol('c1'), claimVol('c2')], 'a')], () => ({}));
  const r = findFeasible(pod('p', [claimVol('c3')]), snap, undefined, listers);
  assert.deepEqual(r.feasible.map((ni) => ni.name), ['b']);
  assert.deepEqual(r.statuses.get('a'), { reasons: [MAX_VOLUME_COUNT], unresolvable: false });
  assert.equal(fitErrorMessage(2, [r.statuses.get('a')!]), '0/2 nodes are available: 1 node(s) exceed max volume count.');
  // a volume already attached to the node counts once; another driver has no limit there
  assert.deepEqual(findFeasible(pod('p', [claimVol('c1')]), snap, undefined, listers).feasible.map((ni) => ni.name), ['a', 'b']);
  assert.deepEqual(findFeasible(pod('p', [claimVol('o1')]), snap, undefined, listers).feasible.map((ni) => ni.name), ['a', 'b']);
  // within the limit
  const one = buildSnapshot([node('a')], [pod('holder', [claimVol('c1')], 'a')], () => ({}));
  assert.equal(findFeasible(pod('p', [claimVol('c3')]), one, undefined, listers).feasible.length, 1);
});

test('without a CSINode or a limit nothing is counted; the node allocatable attachable-volumes-csi-<driver> still limits', () => {
  const holder = pod('holder', [claimVol('c1')], 'a');
  assert.equal(findFeasible(pod('p', [claimVol('c3')]), buildSnapshot([node('a')], [holder], () => ({})), undefined, listersOf()).feasible.length, 1);
  const legacy = buildSnapshot([node('a', { [`attachable-volumes-csi-${DRIVER}`]: '1' })], [holder], () => ({}));
  assert.deepEqual(findFeasible(pod('p', [claimVol('c3')]), legacy, undefined, listersOf()).statuses.get('a'), { reasons: [MAX_VOLUME_COUNT], unresolvable: false });
});

test('in-tree disks count against the CSI driver they migrate to, on nodes whose CSINode exists', () => {
  const ebs = (volumeID: string) => ({ name: volumeID, awsElasticBlockStore: { volumeID } });
  const listers = listersOf({ csiNodes: [csiNode('a', [{ name: 'ebs.csi.aws.com', count: 1 }])] });
  const snap = buildSnapshot([node('a'), node('b', { 'attachable-volumes-csi-ebs.csi.aws.com': '1' })], [pod('x', [ebs('aws://us-east-1a/vol-1')], 'a'), pod('y', [ebs('vol-1')], 'b')], () => ({}));
  const r = findFeasible(pod('p', [ebs('vol-2')]), snap, undefined, listers);
  // b has a limit but no CSINode: migration is off there, so its disks are not counted
  assert.deepEqual(r.feasible.map((ni) => ni.name), ['b']);
  assert.deepEqual(r.statuses.get('a'), { reasons: [MAX_VOLUME_COUNT], unresolvable: false });
});

test("an unbound claim counts as a new volume of its class's provisioner", () => {
  const waiting = { metadata: { name: 'later', namespace: 'ns' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: 'wffc', resources: { requests: { storage: '1Gi' } } }, status: { phase: 'Pending' } };
  const classes = [{ metadata: { name: 'wffc' }, provisioner: DRIVER, volumeBindingMode: 'WaitForFirstConsumer' }];
  const listers = listersOf({ csiNodes: [csiNode('a', [{ name: DRIVER, count: 1 }])], classes, unbound: [waiting] });
  const snap = buildSnapshot([node('a')], [pod('holder', [claimVol('c1')], 'a')], () => ({}));
  assert.deepEqual(findFeasible(pod('p', [claimVol('later')]), snap, undefined, listers).statuses.get('a'), { reasons: [MAX_VOLUME_COUNT], unresolvable: false });
});

test('preemption may free the attach slots a lower-priority pod holds', () => {
  const listers = listersOf({ csiNodes: [csiNode('a', [{ name: DRIVER, count: 1 }])] });
  const snap = buildSnapshot([node('a')], [pod('low', [claimVol('c1')], 'a', 0)], () => ({}));
  const incoming = pod('high', [claimVol('c3')], undefined, 100);
  const r = findFeasible(incoming, snap, undefined, listers);
  assert.equal(r.feasible.length, 0);
  const c = preempt(incoming, snap, r.statuses, [], listers) as Candidate;
  assert.equal(c.node, 'a');
  assert.deepEqual(c.victims.map((v) => v.metadata.name), ['low']);
});

test("a driver's limit key is its name, or a hash past 63 characters, as upstream's GetCSIAttachLimitKey", () => {
  assert.equal(attachLimitKey('ebs.csi.aws.com'), 'attachable-volumes-csi-ebs.csi.aws.com');
  const long = 'a-very-long-driver-name.storage.example.company.internal';
  assert.equal(attachLimitKey(long), `attachable-volumes-csi-${long.slice(0, 23)}${createHash('sha1').update(long).digest('hex').slice(0, 16)}`);
});
