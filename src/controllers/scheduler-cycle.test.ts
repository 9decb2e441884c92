import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { labelSelectorFromObject } from '../apimachinery/selectors.js';
import { findFeasible, fitErrorMessage, normalize, scoreNodes, selectHost } from './scheduler-cycle.js';
import { buildSnapshot } from './scheduler-snapshot.js';

const ready = { allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] };
const node = (name: string, labels: Record<string, string> = {}, spec: KObject = {}) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec, status: ready });
const pod = (name: string, spec: KObject = {}, nodeName?: string) => ({ metadata: { name, namespace: 'd', uid: name, labels: { app: name } }, spec: { nodeName, containers: [{ name: 'c' }], ...spec }, status: {} });
const none = () => labelSelectorFromObject({});

test('DefaultNormalizeScore scales to the highest raw score, reversed where less is better', () => {
  assert.deepEqual(normalize([0, 2, 4], false), [0, 50, 100]);
  assert.deepEqual(normalize([1, 0, 0], true), [0, 100, 100]);
  assert.deepEqual(normalize([0, 0], true), [100, 100]);
  assert.deepEqual(normalize([0, 0], false), [0, 0]);
});

test('the FitError histogram sorts "<count> <reason>" as strings, as upstream does', () => {
  const statuses = [...Array.from({ length: 10 }, () => ({ reasons: ['Insufficient cpu'], unresolvable: false })), { reasons: ['node(s) were unschedulable'], unresolvable: true }, { reasons: ['node(s) were unschedulable'], unresolvable: true }];
  assert.equal(fitErrorMessage(12, statuses), '0/12 nodes are available: 10 Insufficient cpu, 2 node(s) were unschedulable.');
  assert.equal(fitErrorMessage(2, [{ reasons: ['Insufficient cpu', 'Insufficient memory'], unresolvable: false }, { reasons: ['Insufficient cpu'], unresolvable: false }]), '0/2 nodes are available: 1 Insufficient memory, 2 Insufficient cpu.');
});

test('the filters run in the default profile order and the first failure is the node status', () => {
  const nodes = [node('tainted', { disk: 'ssd' }, { taints: [{ key: 'k', value: 'v', effect: 'NoSchedule' }] }), node('cordoned', {}, { unschedulable: true }), node('hdd'), node('full', { disk: 'ssd' })];
  const snap = buildSnapshot(nodes, [pod('hog', { containers: [{ name: 'c', resources: { requests: { cpu: '2' } } }] }, 'full')], () => ({}));
  const { feasible, statuses } = findFeasible(pod('p', { nodeSelector: { disk: 'ssd' }, containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }] }), snap);
  assert.deepEqual(feasible, []);
  assert.deepEqual(Object.fromEntries(statuses), {
    tainted: { reasons: ['node(s) had untolerated taint {k: v}'], unresolvable: true },
    cordoned: { reasons: ['node(s) were unschedulable'], unresolvable: true },
    hdd: { reasons: ["node(s) didn't match Pod's node affinity/selector"], unresolvable: true },
    full: { reasons: ['Insufficient cpu'], unresolvable: false },
  });
});

test('the weighted scores prefer the preferred node, avoid PreferNoSchedule taints, and fill the emptier node', () => {
  const nodes = [node('a'), node('b', { disk: 'ssd' }), node('c', {}, { taints: [{ key: 'k', effect: 'PreferNoSchedule' }] })];
  const snap = buildSnapshot(nodes, [], () => ({}));
  const preferring = pod('p', { affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 1, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } }] } } });
  // taints 3×(100,100,0); node affinity 2×(0,100,0); LeastAllocated 1×(each node alike); BalancedAllocation skipped
  const scores = scoreNodes(preferring, snap.nodes, snap, none);
  assert.deepEqual([scores[1]! - scores[0]!, scores[0]! - scores[2]!], [200, 300]);
  assert.equal(selectHost(snap.nodes, scores).name, 'b');
  const busy = buildSnapshot(nodes.slice(0, 2), [pod('x', { containers: [{ name: 'c', resources: { requests: { cpu: '1', memory: '1Gi' } } }] }, 'a')], () => ({}));
  assert.equal(selectHost(busy.nodes, scoreNodes(pod('p'), busy.nodes, busy, none)).name, 'b');
});

test('selectHost breaks ties among the best at random, never picking a lower score', () => {
  const nodes = buildSnapshot([node('a'), node('b'), node('c')], [], () => ({})).nodes;
  assert.equal(selectHost(nodes, [5, 9, 9], () => 0.9).name, 'b');
  assert.equal(selectHost(nodes, [5, 9, 9], () => 0.1).name, 'c');
  assert.equal(selectHost(nodes, [9, 5, 5], () => 0).name, 'a');
});

test('NodePorts refuses a node where a pod holds the same host port and protocol on an overlapping IP', () => {
  const port = (hostPort: number, extra: KObject = {}) => ({ containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort, ...extra }] }] });
  const snap = buildSnapshot([node('a'), node('b')], [pod('web', port(8080), 'a'), pod('dns', port(53, { protocol: 'UDP', hostIP: '10.0.0.1' }), 'b')], () => ({}));
  const verdict = (spec: KObject) => Object.fromEntries(findFeasible(pod('p', spec), snap).statuses);
  const clash = { reasons: ["node(s) didn't have free ports for the requested pod ports"], unresolvable: false };
  assert.deepEqual(verdict(port(8080)), { a: clash });
  assert.deepEqual(verdict(port(53, { protocol: 'UDP' })), { b: clash });
  assert.deepEqual(verdict(port(53, { protocol: 'UDP', hostIP: '10.0.0.2' })), {});
  assert.deepEqual(verdict(port(53)), {});
});

test('after a PreFilter refusal the FitError shows its message instead of the per-node counts', () => {
  assert.equal(fitErrorMessage(3, [{ reasons: ['pod has unbound immediate PersistentVolumeClaims'], unresolvable: true }], 'pod has unbound immediate PersistentVolumeClaims'), '0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
});
