import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { buildSnapshot } from './scheduler-snapshot.js';
import { defaultSpreadSelector, spreadFilterState, spreadProblem, spreadScores, SPREAD_LABEL_REASON, SPREAD_REASON } from './scheduler-spread.js';
import { labelSelectorFromObject } from '../apimachinery/selectors.js';

const node = (name: string, zone?: string, extra: KObject = {}) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, ...(zone ? { 'topology.kubernetes.io/zone': zone } : {}) } }, spec: extra });
const pod = (name: string, labels: Record<string, string>, nodeName?: string, spec: KObject = {}) => ({ metadata: { name, namespace: 'd', uid: name, labels }, spec: { nodeName, containers: [], ...spec }, status: {} });
const on = (counts: Record<string, number>, labels: Record<string, string> = { app: 'x' }) => Object.entries(counts).flatMap(([n, k]) => Array.from({ length: k }, (_, i) => pod(`${n}${i}`, labels, n)));
const constraint = (topologyKey: string, extra: KObject = {}) => ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'x' } }, ...extra });
const nodes = [node('a', 'z1'), node('b', 'z1'), node('c', 'z2')];

function verdicts(incoming: KObject, pods: KObject[], ns: KObject[] = nodes) {
  const snap = buildSnapshot(ns, pods, () => ({}));
  const state = spreadFilterState(incoming, snap)!;
  return Object.fromEntries(snap.nodes.map((ni) => [ni.name, spreadProblem(incoming, state, ni)?.reason ?? 'fits']));
}

describe('PodTopologySpread filter', () => {
  test('a node is refused when its count plus the pod exceeds the global minimum by more than maxSkew', () => {
    const incoming = pod('p', { app: 'x' }, undefined, { topologySpreadConstraints: [constraint('kubernetes.io/hostname')] });
    assert.deepEqual(verdicts(incoming, on({ a: 2, c: 1 })), { a: SPREAD_REASON, b: 'fits', c: SPREAD_REASON });
    const zoned = pod('p', { app: 'x' }, undefined, { topologySpreadConstraints: [constraint('topology.kubernetes.io/zone')] });
    assert.deepEqual(verdicts(zoned, on({ a: 1, b: 1, c: 1 })), { a: SPREAD_REASON, b: SPREAD_REASON, c: 'fits' });
  });

  test('fewer domains than minDomains make the global minimum 0', () => {
    const c = (minDomains?: number) => pod('p', { app: 'x' }, undefined, { topologySpreadConstraints: [constraint('kubernetes.io/hostname', minDomains ? { minDomains } : {})] });
    assert.deepEqual(verdicts(c(), on({ a: 1, b: 1, c: 1 })), { a: 'fits', b: 'fits', c: 'fits' });
    assert.deepEqual(verdicts(c(4), on({ a: 1, b: 1, c: 1 })), { a: SPREAD_REASON, b: SPREAD_REASON, c: SPREAD_REASON });
  });

  test('a node without the topology key is unresolvable', () => {
    const incoming = pod('p', { app: 'x' }, undefined, { topologySpreadConstraints: [constraint('topology.kubernetes.io/zone')] });
    const snap = buildSnapshot([...nodes, node('d')], [], () => ({}));
    assert.deepEqual(spreadProblem(incoming, spreadFilterState(incoming, snap)!, snap.byName.get('d')!), { reason: SPREAD_LABEL_REASON, unresolvable: true });
    assert.equal(SPREAD_LABEL_REASON, "node(s) didn't match pod topology spread constraints (missing required label)");
  });

  test('nodeAffinityPolicy Honor counts only nodes the pod may go to; Ignore counts them all', () => {
    const c = (policy: string) => pod('p', { app: 'x' }, undefined, { nodeSelector: { 'topology.kubernetes.io/zone': 'z1' }, topologySpreadConstraints: [constraint('kubernetes.io/hostname', { nodeAffinityPolicy: policy })] });
    assert.equal(verdicts(c('Honor'), on({ a: 1, b: 1 })).a, 'fits');
    assert.equal(verdicts(c('Ignore'), on({ a: 1, b: 1 })).a, SPREAD_REASON);
  });

  test('nodeTaintsPolicy Honor leaves out nodes with taints the pod does not tolerate', () => {
    const tainted = [node('a', 'z1'), node('b', 'z1'), node('c', 'z2', { taints: [{ key: 'k', effect: 'NoSchedule' }] })];
    const c = (policy?: string) => pod('p', { app: 'x' }, undefined, { topologySpreadConstraints: [constraint('kubernetes.io/hostname', policy ? { nodeTaintsPolicy: policy } : {})] });
    assert.equal(verdicts(c(), on({ a: 1, b: 1 }), tainted).a, SPREAD_REASON);
    assert.equal(verdicts(c('Honor'), on({ a: 1, b: 1 }), tainted).a, 'fits');
  });

  test('matchLabelKeys narrow the selector to pods with the same values', () => {
    const c = (keys?: string[]) => pod('p', { app: 'x', ver: '2' }, undefined, { topologySpreadConstraints: [constraint('kubernetes.io/hostname', keys ? { matchLabelKeys: keys } : {})] });
    const old = on({ a: 2 }, { app: 'x', ver: '1' });
    assert.equal(verdicts(c(), old).a, SPREAD_REASON);
    assert.equal(verdicts(c(['ver']), old).a, 'fits');
  });
});

describe('PodTopologySpread score', () => {
  test('system defaults score fewer matching pods higher, per hostname; nodes without a zone skip the zone constraint', () => {
    const plain = [node('a'), node('b'), node('c')];
    const snap = buildSnapshot(plain, on({ a: 2, c: 1 }), () => ({}));
    const scores = spreadScores(pod('p', { app: 'x' }), snap.nodes, snap, () => labelSelectorFromObject({ matchLabels: { app: 'x' } }));
    assert.deepEqual(scores, [40, 100, 60]);
    assert.equal(spreadScores(pod('p', { app: 'x' }), snap.nodes, snap, () => labelSelectorFromObject({})), undefined);
  });

  test('own ScheduleAnyway constraints ignore nodes missing a key, scoring them 0', () => {
    const snap = buildSnapshot([node('a', 'z1'), node('b', 'z2'), node('c')], on({ a: 1 }), () => ({}));
    const incoming = pod('p', { app: 'x' }, undefined, { topologySpreadConstraints: [constraint('topology.kubernetes.io/zone', { whenUnsatisfiable: 'ScheduleAnyway' })] });
    assert.deepEqual(spreadScores(incoming, snap.nodes, snap, () => labelSelectorFromObject({})), [0, 100, 0]);
  });

  test('the default selector joins the Services that select the pod with its ReplicaSet selector', () => {
    const p = { ...pod('p', { app: 'x', 'pod-template-hash': 'h', tier: 'web' }), metadata: { ...pod('p', { app: 'x', 'pod-template-hash': 'h', tier: 'web' }).metadata, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', controller: true }] } };
    const sel = defaultSpreadSelector(p, {
      services: () => [{ spec: { selector: { tier: 'web' } } }, { spec: { selector: { tier: 'db' } } }, { spec: {} }],
      controller: (_ns, kind, name) => (kind === 'ReplicaSet' && name === 'rs' ? { spec: { selector: { matchLabels: { app: 'x', 'pod-template-hash': 'h' } } } } : undefined),
    });
    assert.deepEqual(sel.requirements.map((r) => r.key).sort(), ['app', 'pod-template-hash', 'tier']);
    assert.equal(sel.matches({ app: 'x', 'pod-template-hash': 'h', tier: 'web' }), true);
    assert.equal(sel.matches({ app: 'x', 'pod-template-hash': 'h' }), false);
  });
});
