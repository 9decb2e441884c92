import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { DELETION_TIMEOUT_MS, computeBudget, scaled, withCondition } from './disruption.js';

const pod = (name: string, ready = true, extra: KObject = {}): KObject => ({ metadata: { name, ...extra }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } });
const pods = [pod('a'), pod('b'), pod('c', false)];

describe('disruption controller', () => {
  test('minAvailable as a number counts the matching pods; ready ones are healthy', async () => {
    assert.deepEqual(await computeBudget({ spec: { minAvailable: 1 } }, pods, async () => assert.fail('no scale needed')), {
      expectedPods: 3, desiredHealthy: 1, currentHealthy: 2, disruptionsAllowed: 1, disruptedPods: {}, recheckMs: undefined,
    });
  });

  test("percentages and maxUnavailable use the controllers' scale, rounding up", async () => {
    const pct = await computeBudget({ spec: { minAvailable: '50%' } }, pods, async () => 5);
    assert.deepEqual([pct.expectedPods, pct.desiredHealthy, pct.disruptionsAllowed], [5, 3, 0]);
    const max = await computeBudget({ spec: { maxUnavailable: 1 } }, pods, async () => 3);
    assert.deepEqual([max.expectedPods, max.desiredHealthy, max.disruptionsAllowed], [3, 2, 0]);
    assert.equal(scaled('34%', 3), 2);
    assert.throws(() => scaled('x', 3), /invalid value for IntOrString/);
  });

  test('a recently evicted pod does not count as healthy until the deletion timeout, and is then dropped', async () => {
    const now = Date.parse('2026-01-01T00:10:00Z');
    const recent = new Date(now - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const old = new Date(now - DELETION_TIMEOUT_MS - 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const b = await computeBudget({ spec: { minAvailable: 0 }, status: { disruptedPods: { a: recent, b: old } } }, pods, async () => 0, now);
    assert.deepEqual(b.disruptedPods, { a: recent });
    assert.equal(b.currentHealthy, 1);
    assert.equal(b.recheckMs, DELETION_TIMEOUT_MS - 1000);
  });

  test('no pods expected means no disruptions, whatever the numbers', async () => {
    assert.equal((await computeBudget({ spec: { maxUnavailable: '100%' } }, [], async () => 0)).disruptionsAllowed, 0);
  });

  test('the DisruptionAllowed condition keeps its transition time while the status holds', () => {
    const first = withCondition(undefined, 'False', 'InsufficientPods', '', 1);
    const t = first[0]!.lastTransitionTime;
    const same = withCondition([{ ...first[0], lastTransitionTime: '2020-01-01T00:00:00Z' }], 'False', 'InsufficientPods', '', 2);
    assert.equal(same[0]!.lastTransitionTime, '2020-01-01T00:00:00Z');
    assert.equal(same[0]!.observedGeneration, 2);
    assert.match(t, /Z$/);
  });
});
