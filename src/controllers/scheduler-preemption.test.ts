import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { findFeasible } from './scheduler-cycle.js';
import { pickCandidate, preempt, selectVictims, splitByPdb, type Candidate } from './scheduler-preemption.js';
import { buildSnapshot } from './scheduler-snapshot.js';

const node = (name: string) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] } });
const pod = (name: string, priority: number, cpu: string, nodeName?: string, extra: KObject = {}) => ({ metadata: { name, namespace: 'd', uid: name, labels: { app: name } }, spec: { nodeName, priority, containers: [{ name: 'c', resources: { requests: { cpu } } }], ...extra }, status: { startTime: '2026-01-01T00:00:00Z' } });
const pdb = (app: string, disruptionsAllowed: number) => ({ metadata: { name: app, namespace: 'd' }, spec: { selector: { matchLabels: { app } } }, status: { disruptionsAllowed } });

test('the fewest lower-priority pods are evicted: the more important ones are reprieved first', () => {
  const snap = buildSnapshot([node('n')], [pod('low1', 1, '1', 'n'), pod('low2', 2, '1', 'n')], () => ({}));
  const r = selectVictims(pod('p', 10, '1'), snap, 'n', []) as Candidate;
  assert.deepEqual({ victims: r.victims.map((v) => v.metadata.name), pdbViolations: r.pdbViolations }, { victims: ['low1'], pdbViolations: 0 });
});

test('pods a PodDisruptionBudget protects are reprieved before the others', () => {
  const pods = [pod('low1', 1, '1', 'n'), pod('low2', 2, '1', 'n')];
  const r = selectVictims(pod('p', 10, '1'), buildSnapshot([node('n')], pods, () => ({})), 'n', [pdb('low1', 0)]) as Candidate;
  assert.deepEqual(r.victims.map((v) => v.metadata.name), ['low2']);
  assert.deepEqual(splitByPdb(pods, [pdb('low1', 0), pdb('low2', 1)]), { violating: [pods[0]], nonViolating: [pods[1]] });
});

test('a node with no lower-priority pods, or where removing them all is not enough, offers no victims', () => {
  const snap = buildSnapshot([node('n')], [pod('same', 10, '2', 'n')], () => ({}));
  assert.deepEqual(selectVictims(pod('p', 10, '1'), snap, 'n', []), { reasons: ['No preemption victims found for incoming pod'], unresolvable: true });
  const big = buildSnapshot([node('n')], [pod('low', 1, '1', 'n')], () => ({}));
  assert.deepEqual(selectVictims(pod('p', 10, '3'), big, 'n', []), { reasons: ['Insufficient cpu'], unresolvable: false });
});

test('the node is picked by fewest PDB violations, then the lowest highest-priority victim', () => {
  const c = (node: string, priorities: number[], pdbViolations = 0): Candidate => ({ node, victims: priorities.map((p, i) => pod(`${node}${i}`, p, '1', node)), pdbViolations });
  assert.equal(pickCandidate([c('a', [5]), c('b', [3, 3])])!.node, 'b');
  assert.equal(pickCandidate([c('a', [5]), c('b', [3, 3], 1)])!.node, 'a');
  assert.equal(pickCandidate([c('a', [3, 3]), c('b', [3, 2])])!.node, 'b');
  assert.equal(pickCandidate([c('a', [3, 1, 1]), c('b', [3, 2])])!.node, 'b');
});

test('the preemption part of the message: Never, and nodes where it would not help', () => {
  const snap = buildSnapshot([node('a'), node('b')], [pod('hog', 100, '2', 'a')], () => ({}));
  const incoming = pod('p', 10, '1', undefined, { nodeSelector: { 'kubernetes.io/hostname': 'a' } });
  const { statuses } = findFeasible(incoming, snap);
  assert.deepEqual(preempt(incoming, snap, statuses, []), { message: 'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.' });
  assert.deepEqual(preempt({ ...incoming, spec: { ...incoming.spec, preemptionPolicy: 'Never' } }, snap, statuses, []), { message: 'preemption: not eligible due to preemptionPolicy=Never.' });
  const urgent = { ...incoming, spec: { ...incoming.spec, priority: 1000 } };
  assert.equal((preempt(urgent, snap, findFeasible(urgent, snap).statuses, []) as Candidate).node, 'a');
});
