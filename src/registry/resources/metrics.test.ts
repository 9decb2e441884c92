import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { containerUsage, nodeMetrics, podMetrics } from './metrics.js';
import { formatQty } from '../../apimachinery/quantity-math.js';

const pod = (name: string, annotations: Record<string, string>, containers: string[], node = 'n1') => ({
  metadata: { name, namespace: 'ns', annotations, labels: { app: name } },
  spec: { nodeName: node, containers: containers.map((c) => ({ name: c })) },
  status: { phase: 'Running' },
});

describe('simulated metrics', () => {
  test('an annotated pod reports its total on the first container; others use the default per container', () => {
    const u = containerUsage(pod('a', { 'minikapi.dev/cpu-usage': '1500m', 'minikapi.dev/memory-usage': '1Gi' }, ['x', 'y']));
    assert.deepEqual(u.map((c) => [c.name, formatQty(c.cpu), formatQty({ ...c.memory, binary: true })]), [['x', '1500m', '1Gi'], ['y', '0', '0']]);
    const d = containerUsage(pod('b', {}, ['x', 'y']));
    assert.deepEqual(d.map((c) => [formatQty(c.cpu), formatQty({ ...c.memory, binary: true })]), [['1m', '4Mi'], ['1m', '4Mi']]);
    // an unparsable annotation falls back to the default
    assert.equal(formatQty(containerUsage(pod('c', { 'minikapi.dev/cpu-usage': 'lots' }, ['x']))[0]!.cpu), '1m');
  });

  test('PodMetrics and NodeMetrics as metrics-server prints them', () => {
    const ts = '2026-12-04T10:00:00Z';
    assert.deepEqual(podMetrics(pod('a', { 'minikapi.dev/cpu-usage': '250m' }, ['x']), ts), {
      kind: 'PodMetrics',
      apiVersion: 'metrics.k8s.io/v1beta1',
      metadata: { name: 'a', namespace: 'ns', creationTimestamp: ts, labels: { app: 'a' } },
      timestamp: ts,
      window: '15s',
      containers: [{ name: 'x', usage: { cpu: '250m', memory: '4Mi' } }],
    });
    const node = { metadata: { name: 'n1', labels: { role: 'w' } } };
    const pods = [pod('a', { 'minikapi.dev/cpu-usage': '250m' }, ['x']), pod('b', {}, ['x'], 'n2'), { ...pod('c', {}, ['x']), status: { phase: 'Pending' } }];
    assert.deepEqual(nodeMetrics(node, pods, ts).usage, { cpu: '350m', memory: '516Mi' });
  });
});
