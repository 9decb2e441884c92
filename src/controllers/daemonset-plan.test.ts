import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { addDaemonTolerations, newDaemonPod, nodeShouldRunDaemonPod, targetNodeName, toleratesTaint } from './daemonset-nodes.js';
import { daemonStatus, managePlan, rollingUpdatePlan, type DaemonView } from './daemonset-plan.js';

const T0 = Date.parse('2026-01-01T00:00:00Z');
const node = (name: string, extra: KObject = {}) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(extra.labels ?? {}) } }, spec: extra.spec ?? {} });
const ready = { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' };
const pod = (name: string, nodeName: string, hash: string, opts: { ready?: boolean; at?: number; phase?: string; deleting?: boolean } = {}) => ({
  metadata: { name, creationTimestamp: new Date(T0 + (opts.at ?? 0) * 1000).toISOString(), labels: { 'controller-revision-hash': hash }, ...(opts.deleting ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
  spec: { nodeName },
  status: { phase: opts.phase ?? 'Running', conditions: opts.ready === false ? [] : [ready] },
});

function view(ds: KObject, nodes: KObject[], pods: KObject[], hash = 'new'): DaemonView {
  const podsByNode = new Map<string, KObject[]>();
  for (const p of pods) podsByNode.set(targetNodeName(p)!, [...(podsByNode.get(targetNodeName(p)!) ?? []), p]);
  const spec = structuredClone(ds.spec.template.spec);
  addDaemonTolerations(spec);
  return { ds, spec, nodes, podsByNode, hash, generation: undefined, now: T0 + 3600_000 };
}

const ds = (strategy: KObject = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } }, spec: KObject = {}) => ({
  metadata: { name: 'agent', namespace: 'kube-system', uid: 'ds-uid', generation: 2 },
  spec: { updateStrategy: strategy, template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'a', image: 'x' }], ...spec } } },
});

describe('daemonset nodes', () => {
  test('the daemon tolerations are appended in upstream order; hostNetwork adds network-unavailable; an equal one is replaced', () => {
    const spec: KObject = { hostNetwork: true, tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 5 }, { key: 'x', operator: 'Exists' }] };
    addDaemonTolerations(spec);
    assert.deepEqual(spec.tolerations.map((t: KObject) => `${t.key}:${t.effect}:${t.tolerationSeconds ?? ''}`), [
      'node.kubernetes.io/unreachable:NoExecute:',
      'x:undefined:',
      'node.kubernetes.io/not-ready:NoExecute:',
      'node.kubernetes.io/disk-pressure:NoSchedule:',
      'node.kubernetes.io/memory-pressure:NoSchedule:',
      'node.kubernetes.io/pid-pressure:NoSchedule:',
      'node.kubernetes.io/unschedulable:NoSchedule:',
      'node.kubernetes.io/network-unavailable:NoSchedule:',
    ]);
  });

  test('ToleratesTaint: empty key with Exists tolerates everything; Equal compares values', () => {
    assert.ok(toleratesTaint({ operator: 'Exists' }, { key: 'a', value: 'b', effect: 'NoSchedule' }));
    assert.ok(toleratesTaint({ key: 'a', value: 'b' }, { key: 'a', value: 'b', effect: 'NoSchedule' }));
    assert.ok(!toleratesTaint({ key: 'a', value: 'c' }, { key: 'a', value: 'b', effect: 'NoSchedule' }));
    assert.ok(!toleratesTaint({ key: 'a', operator: 'Exists', effect: 'NoExecute' }, { key: 'a', effect: 'NoSchedule' }));
  });

  test('a NoSchedule taint stops new pods but keeps running ones; NoExecute does both; selectors and affinity restrict', () => {
    const spec = { nodeSelector: { disk: 'ssd' } };
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', { labels: { disk: 'ssd' } }), spec), { shouldRun: true, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node('a'), spec), { shouldRun: false, shouldContinueRunning: false });
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }), {}), { shouldRun: false, shouldContinueRunning: true });
    assert.deepEqual(nodeShouldRunDaemonPod(node('a', { spec: { taints: [{ key: 'k', effect: 'NoExecute' }] } }), {}), { shouldRun: false, shouldContinueRunning: false });
    const affinity = { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['b'] }] }] } } } };
    assert.equal(nodeShouldRunDaemonPod(node('a'), affinity).shouldRun, true);
    assert.equal(nodeShouldRunDaemonPod(node('b'), affinity).shouldRun, false);
  });

  test('a new daemon pod is pinned to its node by matchFields, replacing the template affinity', () => {
    const d = ds(undefined, { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'x', operator: 'Exists' }] }] } } } });
    const p = newDaemonPod(d, 'n1', 'h1', { uid: 'ds-uid' });
    assert.deepEqual(p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution, { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] });
    assert.deepEqual(p.metadata.labels, { app: 'agent', 'controller-revision-hash': 'h1' });
    assert.equal(p.metadata.generateName, 'agent-');
    assert.equal(targetNodeName(p), 'n1');
  });
});

describe('daemonset plan', () => {
  const nodes = [node('a'), node('b'), node('c', { spec: { taints: [{ key: 'k', effect: 'NoExecute' }] } })];

  test('manage creates on nodes without a pod, deletes pods where they must not run, failed pods and duplicates but the oldest', () => {
    const unbound = { ...pod('gone-2', 'gone', 'new'), spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['gone'] }] }] } } } } };
    const pods = [pod('a-1', 'a', 'new', { at: 1 }), pod('a-2', 'a', 'new', { at: 2 }), pod('c-1', 'c', 'new'), pod('gone-1', 'gone', 'new'), unbound];
    assert.deepEqual(managePlan(view(ds(), nodes, pods)), { create: ['b'], delete: ['a-2', 'c-1', 'gone-2'] });
    assert.deepEqual(managePlan(view(ds(), nodes, [pod('a-1', 'a', 'new', { phase: 'Failed' }), pod('b-1', 'b', 'new', { deleting: true })])), { create: [], delete: ['a-1'] });
  });

  test('maxUnavailable: old pods are deleted up to the budget, unavailable old ones always', () => {
    const twoNodes = [node('a'), node('b'), node('d')];
    const pods = [pod('a-1', 'a', 'old'), pod('b-1', 'b', 'old'), pod('d-1', 'd', 'old', { ready: false })];
    assert.deepEqual(rollingUpdatePlan(view(ds(), twoNodes, pods)), { create: [], delete: ['d-1', 'a-1'] });
    // a new pod not yet available uses the budget
    const midway = [pod('a-2', 'a', 'new', { ready: false }), pod('b-1', 'b', 'old'), pod('d-1', 'd', 'old')];
    assert.deepEqual(rollingUpdatePlan(view(ds(), twoNodes, midway)), { create: [], delete: [] });
    const percent = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: 0 } });
    assert.deepEqual(rollingUpdatePlan(view(percent, twoNodes, pods)), { create: [], delete: ['d-1', 'a-1', 'b-1'] });
  });

  test('maxSurge: new pods are created beside old ones, and an old one goes once its new one is available', () => {
    const surge = ds({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } });
    const n = [node('a'), node('b')];
    assert.deepEqual(rollingUpdatePlan(view(surge, n, [pod('a-1', 'a', 'old'), pod('b-1', 'b', 'old')])), { create: ['a'], delete: [] });
    assert.deepEqual(rollingUpdatePlan(view(surge, n, [pod('a-1', 'a', 'old'), pod('a-2', 'a', 'new', { ready: false }), pod('b-1', 'b', 'old')])), { create: [], delete: [] });
    assert.deepEqual(rollingUpdatePlan(view(surge, n, [pod('a-1', 'a', 'old'), pod('a-2', 'a', 'new'), pod('b-1', 'b', 'old')])), { create: ['b'], delete: ['a-1'] });
    // with surge, manage keeps the old ready pod beside an unavailable new one
    assert.deepEqual(managePlan(view(surge, n, [pod('a-1', 'a', 'old'), pod('a-2', 'a', 'new', { at: 5, ready: false }), pod('b-1', 'b', 'new')])), { create: [], delete: [] });
  });

  test('status counts desired, current, misscheduled, ready, available and updated from the oldest pod per node', () => {
    const n = [node('a'), node('b'), node('c', { spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } }), node('d')];
    const pods = [pod('a-1', 'a', 'old', { at: 1 }), pod('a-2', 'a', 'new', { at: 2 }), pod('b-1', 'b', 'new', { ready: false }), pod('c-1', 'c', 'new')];
    assert.deepEqual(daemonStatus(view(ds(), n, pods)), { currentNumberScheduled: 2, numberMisscheduled: 1, desiredNumberScheduled: 3, numberReady: 1, observedGeneration: 2, updatedNumberScheduled: 1, numberAvailable: 1, numberUnavailable: 2 });
  });
});
