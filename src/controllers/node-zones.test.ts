import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TokenBucket, zoneKey, zoneState, zoneTaintQPS, zonesOf } from './node-zones.js';
import { desiredTaints } from './node-lifecycle.js';

const node = (name: string, ready: string, labels: Record<string, string> = {}, taints?: unknown[]) => ({ metadata: { name, labels }, spec: taints ? { taints } : {}, status: { conditions: [{ type: 'Ready', status: ready }] } });

describe('node lifecycle zones', () => {
  test('zone keys join region and zone as upstream, GA labels before beta ones; unlabelled nodes share ""', () => {
    assert.equal(zoneKey(node('a', 'True', { 'topology.kubernetes.io/region': 'r', 'topology.kubernetes.io/zone': 'z', 'failure-domain.beta.kubernetes.io/zone': 'old' })), 'r:\x00:z');
    assert.equal(zoneKey(node('a', 'True', { 'failure-domain.beta.kubernetes.io/zone': 'old' })), ':\x00:old');
    assert.equal(zoneKey(node('a', 'True')), '');
  });

  test('zone states: no ready node is full disruption; more than 2 and at least 55 % not ready is partial', () => {
    const of = (ready: number, notReady: number) => zoneState([...Array(ready)].map((_, i) => node(`r${i}`, 'True')).concat([...Array(notReady)].map((_, i) => node(`n${i}`, i % 2 ? 'Unknown' : 'False'))));
    assert.deepEqual([of(0, 1), of(1, 1), of(2, 2), of(2, 3), of(3, 3), of(0, 0)], ['FullDisruption', 'Normal', 'Normal', 'PartialDisruption', 'Normal', 'Normal']);
    assert.deepEqual([zoneTaintQPS('Normal', 3), zoneTaintQPS('PartialDisruption', 50), zoneTaintQPS('PartialDisruption', 51), zoneTaintQPS('FullDisruption', 3)], [0.1, 0, 0.01, 0.1]);
  });

  test('only when every zone is fully disrupted does the controller stand back', () => {
    assert.equal(zonesOf([node('a', 'False')]).allFullyDisrupted, true);
    assert.equal(zonesOf([node('a', 'False', { 'topology.kubernetes.io/zone': 'x' }), node('b', 'True')]).allFullyDisrupted, false);
  });

  test('a token bucket of burst 1: the first taint at once, the next after 1/qps', () => {
    const b = new TokenBucket();
    const t0 = Date.now();
    assert.equal(b.take(0.1, t0), 0);
    assert.equal(b.take(0.1, t0 + 4000), 6000);
    assert.equal(b.take(0.1, t0 + 10_000), 0);
    assert.equal(b.take(0, t0 + 20_000), Infinity);
  });

  test('NoExecute taints are added, kept only if present, or removed; NoSchedule ones always follow the condition', () => {
    const had = node('a', 'False', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: '2020-01-01T00:00:00Z' }]);
    assert.deepEqual(desiredTaints(node('a', 'False'), 'keep'), [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
    assert.deepEqual(desiredTaints(had, 'keep').map((t) => t.effect), ['NoSchedule', 'NoExecute']);
    assert.deepEqual(desiredTaints(had, 'remove'), [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  });
});
