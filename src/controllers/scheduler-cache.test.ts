import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SchedulerCache } from './scheduler-cache.js';
import { spreadScores } from './scheduler-spread.js';
import { labelSelectorFromObject } from '../apimachinery/selectors.js';

const node = (name: string) => ({ metadata: { name, labels: { 'kubernetes.io/hostname': name } }, spec: {}, status: { allocatable: { cpu: '2', memory: '4Gi', pods: '110' } } });
const pod = (name: string, nodeName?: string, extra: Record<string, unknown> = {}) => ({ metadata: { name, namespace: 'd', uid: name, labels: { app: 'x' } }, spec: { nodeName, containers: [{ name: 'c', resources: { requests: { cpu: '500m' } } }] }, status: {}, ...extra });

test('the cache follows pods onto nodes, off them when they finish or go, and keeps usage and counts current', () => {
  const cache = new SchedulerCache(() => ({}));
  cache.setNode(node('a'));
  cache.setNode(node('b'));
  cache.setPod(pod('p1'));
  assert.deepEqual(cache.snapshot().nodes.map((ni) => ni.pods.length), [0, 0]);
  cache.setPod(pod('p1', 'a'));
  cache.setPod(pod('p2', 'a'));
  const sel = () => labelSelectorFromObject({ matchLabels: { app: 'x' } });
  let snap = cache.snapshot();
  assert.deepEqual(spreadScores(pod('in'), snap.nodes, snap, sel), [40, 100]);
  assert.equal(snap.byName.get('a')!.usage.requests.get('cpu'), 1);
  cache.setPod({ ...pod('p2', 'a'), status: { phase: 'Succeeded' } });
  cache.setPod(pod('p3', 'b'));
  cache.setPod(pod('p4', 'b'));
  snap = cache.snapshot();
  assert.deepEqual(spreadScores(pod('in'), snap.nodes, snap, sel), [100, 60]);
  assert.equal(snap.byName.get('a')!.usage.requests.get('cpu'), 0.5);
  cache.removePod(pod('p3', 'b'));
  cache.setPod({ ...pod('p4', 'b'), metadata: { ...pod('p4').metadata, deletionTimestamp: '2026-01-01T00:00:00Z' } });
  snap = cache.snapshot();
  // a terminating pod still holds its requests but no longer counts for spreading
  assert.deepEqual(spreadScores(pod('in'), snap.nodes, snap, sel), [66, 100]);
  assert.equal(snap.byName.get('b')!.usage.pods, 1);
  cache.removeNode('b');
  assert.deepEqual(cache.snapshot().nodes.map((ni) => ni.name), ['a']);
});
