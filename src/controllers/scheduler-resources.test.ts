import { test } from 'node:test';
import assert from 'node:assert/strict';
import { balancedAllocationScore, bestEffortForBalance, insufficient, leastAllocatedScore, nodeUsage, nonZeroRequests, podRequests } from './scheduler-resources.js';

const pod = (node: string | undefined, containers: Record<string, string>[], extra: Record<string, unknown> = {}) => ({
  metadata: { name: 'p', namespace: 'd' },
  spec: { nodeName: node, containers: containers.map((requests, i) => ({ name: `c${i}`, resources: { requests } })), ...extra },
  status: {},
});
const node = { metadata: { name: 'n' }, status: { allocatable: { cpu: '2', memory: '4Gi', pods: '3', 'ephemeral-storage': '10Gi' } } };

test('a pod requests its containers summed, its largest init container if larger, plus overhead', () => {
  const r = podRequests(pod(undefined, [{ cpu: '250m', memory: '64Mi' }, { cpu: '250m' }], { initContainers: [{ name: 'i', resources: { requests: { cpu: '1', memory: '32Mi' } } }], overhead: { cpu: '100m' } }));
  assert.equal(r.get('cpu'), 1.1);
  assert.equal(r.get('memory'), 64 * 2 ** 20);
});

test('a node lacking room says what it lacks, pods first, in the scheduler order', () => {
  const used = nodeUsage([pod('n', [{ cpu: '1500m', memory: '1Gi' }]), pod('n', [{ cpu: '100m' }]), { ...pod('n', [{ cpu: '1' }]), status: { phase: 'Succeeded' } }]);
  assert.deepEqual(insufficient(podRequests(pod(undefined, [{ cpu: '300m' }])), node, used.get('n')), []);
  assert.deepEqual(insufficient(podRequests(pod(undefined, [{ cpu: '500m', memory: '4Gi', 'example.com/gpu': '1' }])), node, used.get('n')), ['Insufficient cpu', 'Insufficient memory', 'Insufficient example.com/gpu']);
  const full = nodeUsage([pod('n', [{}]), pod('n', [{}]), pod('n', [{}])]);
  assert.deepEqual(insufficient(podRequests(pod(undefined, [{}])), node, full.get('n')), ['Too many pods']);
});

test('LeastAllocated scores the room left with the pod counted, defaults of 100m and 200Mi for containers that request nothing', () => {
  const used = nodeUsage([pod('n', [{ cpu: '500m', memory: '1Gi' }])]).get('n');
  assert.equal(leastAllocatedScore(pod(undefined, [{ cpu: '500m', memory: '1Gi' }]), node, used), 50);
  assert.equal(leastAllocatedScore(pod(undefined, [{}]), node, used), 70);
  assert.deepEqual(nonZeroRequests(pod(undefined, [{}, { cpu: '1' }])), { milliCpu: 1100, memory: 400 * 2 ** 20 });
  assert.equal(leastAllocatedScore(pod(undefined, [{ cpu: '3' }]), node, used), 35);
});

test('BalancedAllocation scores how close the cpu and memory fractions are, and skips pods that request neither', () => {
  const used = nodeUsage([pod('n', [{ cpu: '500m', memory: '1Gi' }])]).get('n');
  assert.equal(balancedAllocationScore(pod(undefined, [{ cpu: '500m', memory: '1Gi' }]), node, used), 100);
  assert.equal(balancedAllocationScore(pod(undefined, [{ cpu: '1' }]), node, used), 75);
  assert.equal(bestEffortForBalance(pod(undefined, [{}])), true);
  assert.equal(bestEffortForBalance(pod(undefined, [{ memory: '1Mi' }])), false);
});

test('a resized pod counts the larger of spec and status requests, or only its status while the resize is Infeasible', () => {
  const resized = (spec: string, status: string, conditions: unknown[] = []) => ({
    ...pod('n', [{ cpu: spec }]),
    status: { conditions, containerStatuses: [{ name: 'c0', resources: { requests: { cpu: status } } }] },
  });
  assert.equal(podRequests(resized('500m', '200m')).get('cpu'), 0.5);
  assert.equal(podRequests(resized('100m', '200m')).get('cpu'), 0.2);
  assert.equal(podRequests(resized('900m', '200m', [{ type: 'PodResizePending', status: 'True', reason: 'Infeasible' }])).get('cpu'), 0.2);
});
