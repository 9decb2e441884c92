import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KObject } from '../client/types.js';
import { ControllerExpectations } from './replicaset-expectations.js';
import { podsToDelete } from './replicaset-pods.js';
import { slowStartBatch } from './replicaset.js';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
function pod(name: string, o: { node?: string; phase?: string; ready?: boolean; readySince?: number; created?: number; restarts?: number; cost?: string; uid?: string } = {}): KObject {
  const conditions = o.ready === undefined ? [] : [{ type: 'Ready', status: o.ready ? 'True' : 'False', lastTransitionTime: ago(o.readySince ?? 100) }];
  return {
    metadata: { name, uid: o.uid ?? name, creationTimestamp: ago(o.created ?? 1000), annotations: o.cost ? { 'controller.kubernetes.io/pod-deletion-cost': o.cost } : undefined },
    spec: { nodeName: o.node },
    status: { phase: o.phase ?? 'Running', conditions, containerStatuses: [{ restartCount: o.restarts ?? 0 }] },
  };
}
const names = (ps: KObject[]) => ps.map((p) => p.metadata.name);
const rank = (ps: KObject[], related: KObject[] = ps) => names(podsToDelete(ps, related, ps.length - 1, NOW));

describe('scale-down ranking', () => {
  test('unscheduled pods go first, then pending, unknown, running', () => {
    assert.deepEqual(rank([pod('running', { node: 'n' }), pod('unknown', { node: 'n', phase: 'Unknown' }), pod('pending', { node: 'n', phase: 'Pending' }), pod('unscheduled', { phase: 'Running' })]), ['unscheduled', 'pending', 'unknown']);
  });

  test('not ready before ready, then lower pod-deletion-cost first', () => {
    assert.deepEqual(rank([pod('ready', { node: 'n', ready: true }), pod('notready', { node: 'n', ready: false })]), ['notready']);
    assert.deepEqual(rank([pod('costly', { node: 'n', ready: true, cost: '100' }), pod('cheap', { node: 'n', ready: true, cost: '-5' }), pod('plain', { node: 'n', ready: true, cost: 'junk' })]), ['cheap', 'plain']);
  });

  test('pods doubled up on a node with related pods go before lone ones', () => {
    const a = pod('lone', { node: 'n1', ready: true });
    const b = pod('crowded', { node: 'n2', ready: true });
    const sibling = pod('sibling', { node: 'n2', ready: true });
    assert.deepEqual(names(podsToDelete([a, b], [a, b, sibling], 1, NOW)), ['crowded']);
  });

  test('ready for less time goes first, on a log2 scale with ties broken by UID', () => {
    assert.deepEqual(rank([pod('old', { node: 'n', ready: true, readySince: 10_000 }), pod('young', { node: 'n', ready: true, readySince: 10 })]), ['young']);
    // 100 s and 120 s ago fall in the same power-of-two bucket of nanoseconds: the smaller UID goes first
    assert.deepEqual(rank([pod('x', { node: 'n', ready: true, readySince: 100, uid: 'b' }), pod('y', { node: 'n', ready: true, readySince: 120, uid: 'a' })]), ['y']);
  });

  test('more restarts go first, then newer pods', () => {
    assert.deepEqual(rank([pod('calm', { node: 'n', restarts: 0 }), pod('crashy', { node: 'n', restarts: 3 })]), ['crashy']);
    assert.deepEqual(rank([pod('old', { node: 'n', created: 100_000 }), pod('new', { node: 'n', created: 5 })]), ['new']);
  });

  test('asking for as many pods as there are returns them all', () => {
    assert.equal(podsToDelete([pod('a'), pod('b')], [], 5, NOW).length, 2);
  });
});

describe('expectations and slow start', () => {
  test('expectations are satisfied once every creation and deletion was observed, or after 5 minutes', () => {
    let now = 0;
    const e = new ControllerExpectations(() => now);
    assert.ok(e.satisfied('ns/rs'));
    e.expectCreations('ns/rs', 2);
    e.creationObserved('ns/rs');
    assert.ok(!e.satisfied('ns/rs'));
    e.creationObserved('ns/rs');
    assert.ok(e.satisfied('ns/rs'));
    e.expectDeletions('ns/rs', ['ns/p1']);
    e.deletionObserved('ns/rs', 'ns/other');
    assert.ok(!e.satisfied('ns/rs'));
    now = 5 * 60 * 1000 + 1;
    assert.ok(e.satisfied('ns/rs'));
  });

  test('slow start creates in batches of 1, 2, 4... and stops after the first batch with a failure', async () => {
    let running = 0;
    const batches: number[] = [];
    let calls = 0;
    const r = await slowStartBatch(10, 1, async () => {
      const n = ++calls;
      running++;
      await new Promise((res) => setTimeout(res, 1));
      batches.push(running);
      running--;
      if (n === 5) throw new Error('quota exceeded');
    });
    assert.deepEqual(r.successes, 6);
    assert.equal((r.error as Error).message, 'quota exceeded');
    assert.equal(calls, 7);
    assert.equal(Math.max(...batches), 4);
  });
});
