import { test } from 'node:test';
import assert from 'node:assert/strict';
import { intolerablePreferNoSchedule, nodeUnfit, preferredNodeAffinityScore, requiredNodeAffinityMatches } from './scheduler-node.js';

const node = (labels: Record<string, string>, spec: Record<string, unknown> = {}) => ({ metadata: { name: 'n1', labels }, spec, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
const pod = (spec: Record<string, unknown>) => ({ metadata: { name: 'p', namespace: 'd' }, spec });

test('preferred node affinity sums the weights of the terms the node matches; an empty preference matches nothing', () => {
  const term = (weight: number, key: string, values: string[]) => ({ weight, preference: { matchExpressions: [{ key, operator: 'In', values }] } });
  const p = pod({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [term(5, 'disk', ['ssd']), term(3, 'zone', ['a', 'b']), { weight: 7, preference: {} }] } } });
  assert.equal(preferredNodeAffinityScore(p, node({ disk: 'ssd', zone: 'b' })), 8);
  assert.equal(preferredNodeAffinityScore(p, node({ disk: 'hdd' })), 0);
  const byName = pod({ affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 2, preference: { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] } }] } } });
  assert.equal(preferredNodeAffinityScore(byName, node({})), 2);
});

test('TaintToleration counts PreferNoSchedule taints that no toleration for that effect covers', () => {
  const n = node({}, { taints: [{ key: 'a', effect: 'PreferNoSchedule' }, { key: 'b', value: 'x', effect: 'PreferNoSchedule' }, { key: 'c', effect: 'NoSchedule' }] });
  assert.equal(intolerablePreferNoSchedule(pod({}), n), 2);
  assert.equal(intolerablePreferNoSchedule(pod({ tolerations: [{ key: 'a', operator: 'Exists' }] }), n), 1);
  assert.equal(intolerablePreferNoSchedule(pod({ tolerations: [{ key: 'b', operator: 'Equal', value: 'x', effect: 'NoSchedule' }] }), n), 2);
});

test('the node filters run as NodeUnschedulable, TaintToleration, NodeAffinity', () => {
  const cordonedTainted = node({}, { unschedulable: true, taints: [{ key: 'k', effect: 'NoSchedule' }] });
  assert.equal(nodeUnfit(pod({ nodeSelector: { disk: 'ssd' } }), cordonedTainted), 'node(s) were unschedulable');
  assert.equal(nodeUnfit(pod({ nodeSelector: { disk: 'ssd' } }), node({}, { taints: [{ key: 'k', effect: 'NoSchedule' }] })), 'node(s) had untolerated taint {k: }');
  assert.equal(nodeUnfit(pod({ nodeSelector: { disk: 'ssd' } }), node({})), "node(s) didn't match Pod's node affinity/selector");
  assert.equal(requiredNodeAffinityMatches(pod({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'gen', operator: 'Gt', values: ['3'] }] }] } } } }), node({ gen: '4' })), true);
});
