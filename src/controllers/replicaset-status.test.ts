import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KObject } from '../client/types.js';
import { calculateReplicaSetStatus, replicaSetStatusEqual } from './replicaset-status.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const at = (s: number) => new Date(NOW - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const rs = (o: KObject = {}): KObject => ({ metadata: { name: 'rs', generation: 2 }, spec: { replicas: 3, minReadySeconds: 10, template: { metadata: { labels: { app: 'a', tier: 't' } } } }, status: o });
const pod = (labels: Record<string, string>, readyFor?: number): KObject => ({
  metadata: { labels },
  status: { conditions: readyFor === undefined ? [] : [{ type: 'Ready', status: 'True', lastTransitionTime: at(readyFor) }] },
});

describe('ReplicaSet status', () => {
  test('counts pods, fully labeled ones, ready ones and those ready for minReadySeconds', () => {
    const s = calculateReplicaSetStatus(rs(), [pod({ app: 'a', tier: 't' }, 60), pod({ app: 'a', tier: 't' }, 5), pod({ app: 'a' })], undefined, NOW);
    assert.deepEqual(s, { replicas: 3, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1 });
  });

  test('a failed creation sets ReplicaFailure FailedCreate with the error; success removes it', () => {
    const s = calculateReplicaSetStatus(rs(), [pod({ app: 'a', tier: 't' }, 60)], new Error('pods "rs-abcde" is forbidden: exceeded quota'), NOW);
    assert.deepEqual(s.conditions, [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: '2026-06-01T12:00:00Z', reason: 'FailedCreate', message: 'pods "rs-abcde" is forbidden: exceeded quota' }]);
    const again = calculateReplicaSetStatus(rs(s), [pod({ app: 'a', tier: 't' }, 60)], new Error('other'), NOW + 5000);
    assert.equal(again.conditions[0].message, 'pods "rs-abcde" is forbidden: exceeded quota');
    const fine = calculateReplicaSetStatus(rs(s), [pod({ app: 'a', tier: 't' }, 60)], undefined, NOW);
    assert.equal(fine.conditions, undefined);
    const del = calculateReplicaSetStatus(rs(), [1, 2, 3, 4].map(() => pod({ app: 'a', tier: 't' })), new Error('x'), NOW);
    assert.equal(del.conditions[0].reason, 'FailedDelete');
  });

  test('nothing to write while the counts, conditions and observed generation are unchanged', () => {
    const current = { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1, observedGeneration: 2 };
    assert.ok(replicaSetStatusEqual(rs(current), { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1 }));
    assert.ok(!replicaSetStatusEqual(rs({ ...current, observedGeneration: 1 }), { replicas: 1, fullyLabeledReplicas: 1, readyReplicas: 1, availableReplicas: 1 }));
  });
});
