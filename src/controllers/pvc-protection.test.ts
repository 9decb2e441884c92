import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { podUsesPVC } from './pvc-protection.js';

const pvc = (name: string, owner?: string) => ({ metadata: { name, namespace: 'ns', ...(owner ? { ownerReferences: [{ uid: owner, controller: true }] } : {}) } });
const pod = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}) => ({ metadata: { name: 'p', namespace: 'ns', uid: 'u1', ...meta }, spec, status: { phase: 'Running' } });

describe('pvc-protection: which pods use a claim', () => {
  test('a scheduled pod naming the claim uses it, whatever its phase', () => {
    const p = pod({ nodeName: 'n', volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }] });
    assert.equal(podUsesPVC(p, pvc('data')), true);
    assert.equal(podUsesPVC({ ...p, status: { phase: 'Succeeded' } }, pvc('data')), true);
    assert.equal(podUsesPVC(p, pvc('other')), false);
    assert.equal(podUsesPVC({ ...p, metadata: { ...p.metadata, namespace: 'elsewhere' } }, pvc('data')), false);
  });

  test('an unscheduled pod does not hold the claim', () => {
    assert.equal(podUsesPVC(pod({ volumes: [{ name: 'v', persistentVolumeClaim: { claimName: 'data' } }] }), pvc('data')), false);
  });

  test("a generic ephemeral volume holds the pod's own claim <pod>-<volume> until the pod is shut down", () => {
    const p = pod({ nodeName: 'n', volumes: [{ name: 'scratch', ephemeral: { volumeClaimTemplate: { spec: {} } } }] });
    assert.equal(podUsesPVC(p, pvc('p-scratch', 'u1')), true);
    assert.equal(podUsesPVC(p, pvc('p-scratch', 'someone-else')), false);
    const shutDown = pod(p.spec, { deletionTimestamp: '2026-01-01T00:00:00Z', deletionGracePeriodSeconds: 0 });
    assert.equal(podUsesPVC(shutDown, pvc('p-scratch', 'u1')), false);
  });
});
