import { test } from 'node:test';
import assert from 'node:assert/strict';
import { interPodAffinityProblem, interPodAffinityScores, type AffinityView } from './scheduler-affinity.js';

const node = (name: string, zone: string) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone } } });
const nodes = [node('a', 'z1'), node('b', 'z1'), node('c', 'z2')];
const pod = (name: string, labels: Record<string, string>, nodeName?: string, affinity?: Record<string, unknown>) => ({ metadata: { name, namespace: 'd', uid: name, labels }, spec: { nodeName, affinity } });
const view = (pods: ReturnType<typeof pod>[]): AffinityView => ({ pods, nodeByName: new Map(nodes.map((n) => [n.metadata.name, n])), namespaceLabels: () => ({}) });
const term = (app: string, topologyKey: string) => [{ labelSelector: { matchLabels: { app } }, topologyKey }];

test('pod affinity wants a matching pod in the same domain; the first of a group may go anywhere', () => {
  const web = pod('web', { app: 'web' }, undefined, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('db', 'topology.kubernetes.io/zone') } });
  const v = view([pod('db1', { app: 'db' }, 'b')]);
  assert.equal(interPodAffinityProblem(web, nodes[0]!, v), undefined);
  assert.deepEqual(interPodAffinityProblem(web, nodes[2]!, v), { reason: "node(s) didn't match pod affinity rules", unresolvable: true });
  const first = pod('db0', { app: 'db' }, undefined, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('db', 'kubernetes.io/hostname') } });
  assert.equal(interPodAffinityProblem(first, nodes[2]!, view([])), undefined);
});

test('anti-affinity keeps a pod from a domain holding a match, and existing pods keep others away', () => {
  const spread = pod('r2', { app: 'r' }, undefined, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('r', 'kubernetes.io/hostname') } });
  const v = view([pod('r1', { app: 'r' }, 'a')]);
  assert.deepEqual(interPodAffinityProblem(spread, nodes[0]!, v), { reason: "node(s) didn't match pod anti-affinity rules", unresolvable: false });
  assert.equal(interPodAffinityProblem(spread, nodes[1]!, v), undefined);
  const loner = pod('loner', { app: 'loner' }, 'c', { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('noisy', 'topology.kubernetes.io/zone') } });
  assert.deepEqual(interPodAffinityProblem(pod('n1', { app: 'noisy' }), nodes[2]!, view([loner])), { reason: "node(s) didn't satisfy existing pods anti-affinity rules", unresolvable: false });
  assert.equal(interPodAffinityProblem(pod('n1', { app: 'noisy' }), nodes[0]!, view([loner])), undefined);
});

test('preferred pod affinity and anti-affinity weigh topology domains, scaled between the lowest and highest node', () => {
  const db = pod('db1', { app: 'db' }, 'a');
  const weighted = (weight: number, app: string, topologyKey: string) => [{ weight, podAffinityTerm: { labelSelector: { matchLabels: { app } }, topologyKey } }];
  const web = (affinity: Record<string, unknown>) => pod('web', { app: 'web' }, undefined, affinity);
  const scores = (incoming: ReturnType<typeof pod>, existing: ReturnType<typeof pod>[]) => interPodAffinityScores(incoming, nodes, existing, view(existing));
  assert.deepEqual(scores(web({ podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: weighted(10, 'db', 'topology.kubernetes.io/zone') } }), [db]), [100, 100, 0]);
  assert.deepEqual(scores(web({ podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: weighted(10, 'db', 'topology.kubernetes.io/zone') }, podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: weighted(5, 'db', 'kubernetes.io/hostname') } }), [db]), [50, 100, 0]);
  assert.equal(scores(web({}), [db]), undefined);
});

test('existing pods pull the pod with their required affinity (weight 1) and preferred terms, and push it with preferred anti-affinity', () => {
  const incoming = pod('web', { app: 'web' });
  const needsWeb = pod('cache', { app: 'cache' }, 'a', { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: term('web', 'kubernetes.io/hostname') } });
  assert.deepEqual(interPodAffinityScores(incoming, nodes, [needsWeb], view([needsWeb])), [100, 0, 0]);
  const avoidsWeb = pod('batch', { app: 'batch' }, 'b', { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 7, podAffinityTerm: term('web', 'topology.kubernetes.io/zone')[0] }] } });
  assert.deepEqual(interPodAffinityScores(incoming, nodes, [avoidsWeb], view([avoidsWeb])), [0, 0, 100]);
});
