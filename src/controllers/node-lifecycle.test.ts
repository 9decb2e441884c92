import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { desiredTaints, unknownConditions } from './node-lifecycle.js';
import { tolerates, tolerationTime } from './taints.js';

const node = (ready: string | undefined, extra: KObject = {}): KObject => ({
  metadata: { name: 'n', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { ...extra.spec },
  status: { conditions: ready ? [{ type: 'Ready', status: ready, lastHeartbeatTime: '2026-01-01T00:01:00Z', reason: 'KubeletReady', message: 'ok' }, ...(extra.conditions ?? [])] : [] },
});

describe('node lifecycle', () => {
  test('Ready False gives not-ready taints, Unknown unreachable ones; NoExecute carries timeAdded, kept while unchanged', () => {
    const nr = desiredTaints(node('False'));
    assert.deepEqual(nr.map((t) => [t.key, t.effect, !!t.timeAdded]), [['node.kubernetes.io/not-ready', 'NoSchedule', false], ['node.kubernetes.io/not-ready', 'NoExecute', true]]);
    const kept = desiredTaints(node('False', { spec: { taints: [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute', timeAdded: '2020-01-01T00:00:00Z' }] } }));
    assert.equal(kept[1]!.timeAdded, '2020-01-01T00:00:00Z');
    assert.deepEqual(desiredTaints(node('Unknown')).map((t) => t.key), ['node.kubernetes.io/unreachable', 'node.kubernetes.io/unreachable']);
  });

  test('a Ready node loses the controller taints but keeps the others; pressure and unschedulable add their NoSchedule taints', () => {
    const taints = [{ key: 'node.kubernetes.io/unreachable', effect: 'NoExecute', timeAdded: 'x' }, { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }];
    assert.deepEqual(desiredTaints(node('True', { spec: { taints } })), [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }]);
    const busy = desiredTaints(node('True', { spec: { unschedulable: true }, conditions: [{ type: 'DiskPressure', status: 'True' }] }));
    assert.deepEqual(busy, [{ key: 'node.kubernetes.io/disk-pressure', effect: 'NoSchedule' }, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]);
  });

  test("TaintNodesByCondition's not-ready taint follows the conditions: gone once Ready, and (as upstream's NoSchedule pass) on a node with no Ready condition", () => {
    const fresh = [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }];
    assert.deepEqual(desiredTaints(node(undefined, { spec: { taints: fresh } })), []);
    assert.deepEqual(desiredTaints(node(undefined)), []);
    assert.deepEqual(desiredTaints(node('True', { spec: { taints: fresh } })), []);
  });

  test('a silent node has every condition Unknown with upstream reasons and messages', () => {
    const conds = unknownConditions(node('True'));
    assert.deepEqual(conds.map((c) => [c.type, c.status, c.reason, c.message]), [
      ['Ready', 'Unknown', 'NodeStatusUnknown', 'Kubelet stopped posting node status.'],
      ['MemoryPressure', 'Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.'],
      ['DiskPressure', 'Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.'],
      ['PIDPressure', 'Unknown', 'NodeStatusNeverUpdated', 'Kubelet never posted node status.'],
    ]);
    assert.equal(conds[0]!.lastHeartbeatTime, '2026-01-01T00:01:00Z');
  });

  test('tolerations: Exists without key tolerates all, effect and value must match, the shortest tolerationSeconds wins', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoExecute' };
    assert.equal(tolerates({ operator: 'Exists' }, taint), true);
    assert.equal(tolerates({ key: 'k', value: 'v' }, taint), true);
    assert.equal(tolerates({ key: 'k', value: 'w' }, taint), false);
    assert.equal(tolerates({ key: 'k', operator: 'Exists', effect: 'NoSchedule' }, taint), false);
    const pod = { spec: { tolerations: [{ key: 'k', operator: 'Exists', tolerationSeconds: 30 }, { operator: 'Exists', tolerationSeconds: 10 }] } };
    assert.equal(tolerationTime(pod, [taint]), 10_000);
    assert.equal(tolerationTime({ spec: { tolerations: [{ key: 'k', operator: 'Exists' }] } }, [taint]), Infinity);
    assert.equal(tolerationTime({ spec: {} }, [taint]), 0);
  });
});
