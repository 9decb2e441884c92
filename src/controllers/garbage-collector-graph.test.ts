import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KObject } from '../client/types.js';
import { DependencyGraph, referenceDiffs, type GraphActions, type ObservedResource, type OwnerReference } from './garbage-collector-graph.js';

const CM: ObservedResource = { group: '', version: 'v1', resource: 'configmaps', namespaced: true, kind: 'ConfigMap' };
const CR: ObservedResource = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false, kind: 'ClusterRole' };

const ref = (name: string, uid: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid, ...extra });
const cm = (name: string, uid: string, meta: KObject = {}, ns = 'default'): KObject => ({ metadata: { name, namespace: ns, uid, ...meta } });
const uids = (acts: GraphActions) => ({ del: acts.attemptToDelete.map((n) => n.identity.uid).sort(), orphan: acts.attemptToOrphan.map((n) => n.identity.uid).sort() });

describe('garbage collector graph', () => {
  test('a dependent observed before its owner creates a virtual owner that is checked; observing the owner makes it real', () => {
    const g = new DependencyGraph();
    assert.deepEqual(uids(g.observe(cm('dep', 'd1', { ownerReferences: [ref('own', 'o1')] }), CM)), { del: ['o1'], orphan: [] });
    const owner = g.get('o1')!;
    assert.equal(owner.virtual, true);
    assert.deepEqual(owner.identity, { apiVersion: 'v1', kind: 'ConfigMap', name: 'own', uid: 'o1', namespace: 'default' });
    assert.deepEqual(uids(g.observe(cm('own', 'o1'), CM)), { del: [], orphan: [] });
    assert.equal(owner.virtual, false);
    assert.deepEqual([...owner.dependents].map((d) => d.identity.name), ['dep']);
  });

  test('an owner deleted hands its dependents to attemptToDelete and leaves the graph', () => {
    const g = new DependencyGraph();
    g.observe(cm('own', 'o1'), CM);
    g.observe(cm('a', 'a1', { ownerReferences: [ref('own', 'o1')] }), CM);
    g.observe(cm('b', 'b1', { ownerReferences: [ref('own', 'o1')] }), CM);
    assert.deepEqual(uids(g.remove({ apiVersion: 'v1', kind: 'ConfigMap', name: 'own', uid: 'o1', namespace: 'default' })), { del: ['a1', 'b1'], orphan: [] });
    assert.equal(g.get('o1'), undefined);
  });

  test('the foregroundDeletion finalizer on a deleted owner marks it deleting dependents once, queueing it and its dependents', () => {
    const g = new DependencyGraph();
    const owner = cm('own', 'o1');
    g.observe(owner, CM);
    g.observe(cm('a', 'a1', { ownerReferences: [ref('own', 'o1', { blockOwnerDeletion: true })] }), CM);
    g.observe(cm('b', 'b1', { ownerReferences: [ref('own', 'o1')] }), CM);
    const deleting = cm('own', 'o1', { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] });
    assert.deepEqual(uids(g.observe(deleting, CM, owner)), { del: ['a1', 'b1', 'o1'], orphan: [] });
    const node = g.get('o1')!;
    assert.equal(node.deletingDependents, true);
    assert.deepEqual(node.blockingDependents().map((d) => d.identity.name), ['a']);
    // a later update of the same state is no new transition
    assert.deepEqual(uids(g.observe(deleting, CM, deleting)), { del: [], orphan: [] });
    // a blocking dependent gone: the owner looks again
    assert.deepEqual(uids(g.remove({ apiVersion: 'v1', kind: 'ConfigMap', name: 'a', uid: 'a1', namespace: 'default' })), { del: ['o1'], orphan: [] });
    assert.deepEqual(node.blockingDependents(), []);
  });

  test('a dependent that stops blocking an owner deleting in the foreground (reference removed or unblocked) requeues the owner', () => {
    const g = new DependencyGraph();
    const del = { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['foregroundDeletion'] };
    g.observe(cm('own', 'o1', del), CM);
    const a = cm('a', 'a1', { ownerReferences: [ref('own', 'o1', { blockOwnerDeletion: true })] });
    g.observe(a, CM);
    const unblocked = cm('a', 'a1', { ownerReferences: [ref('own', 'o1', { blockOwnerDeletion: false })] });
    assert.deepEqual(uids(g.observe(unblocked, CM, a)), { del: ['o1'], orphan: [] });
    assert.deepEqual(g.get('o1')!.blockingDependents(), []);
    const b = cm('b', 'b1', { ownerReferences: [ref('own', 'o1', { blockOwnerDeletion: true })] });
    g.observe(b, CM);
    assert.deepEqual(uids(g.observe(cm('b', 'b1'), CM, b)), { del: ['o1'], orphan: [] });
    assert.equal(g.get('o1')!.dependents.size, 1);
  });

  test('the orphan finalizer on a deleted owner queues it for orphaning', () => {
    const g = new DependencyGraph();
    const owner = cm('own', 'o1');
    g.observe(owner, CM);
    g.observe(cm('a', 'a1', { ownerReferences: [ref('own', 'o1')] }), CM);
    assert.deepEqual(uids(g.observe(cm('own', 'o1', { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['orphan'] }), CM, owner)), { del: [], orphan: ['o1'] });
    assert.equal(g.get('o1')!.beingDeleted, true);
  });

  test('an owner first observed already deleting with the orphan finalizer is queued (a restart in the middle)', () => {
    const g = new DependencyGraph();
    assert.deepEqual(uids(g.observe(cm('own', 'o1', { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: ['orphan'] }), CM)), { del: [], orphan: ['o1'] });
  });

  test('a dependent naming an observed namespaced owner from another namespace is checked, not trusted', () => {
    const g = new DependencyGraph();
    g.observe(cm('own', 'o1', {}, 'other'), CM);
    assert.deepEqual(uids(g.observe(cm('dep', 'd1', { ownerReferences: [ref('own', 'o1')] }), CM)), { del: ['d1'], orphan: [] });
  });

  test('a cluster-scoped owner suits dependents in any namespace', () => {
    const g = new DependencyGraph();
    g.observe({ metadata: { name: 'role', uid: 'r1' } }, CR);
    const r = ref('role', 'r1', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' });
    assert.deepEqual(uids(g.observe(cm('a', 'a1', { ownerReferences: [r] }, 'x'), CM)), { del: [], orphan: [] });
    assert.deepEqual(uids(g.observe(cm('b', 'b1', { ownerReferences: [r] }, 'y'), CM)), { del: [], orphan: [] });
    assert.equal(g.get('r1')!.dependents.size, 2);
  });

  test('a virtual owner from a namespaced dependent becomes the cluster-scoped owner it is, keeping its dependents', () => {
    const g = new DependencyGraph();
    const r = ref('role', 'r1', { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole' });
    g.observe(cm('a', 'a1', { ownerReferences: [r] }, 'x'), CM);
    assert.deepEqual(uids(g.observe({ metadata: { name: 'role', uid: 'r1' } }, CR)), { del: [], orphan: [] });
    assert.equal(g.get('r1')!.identity.namespace, '');
    assert.equal(g.get('r1')!.dependents.size, 1);
  });

  test('a virtual owner whose dependents name it with other coordinates checks those dependents when observed', () => {
    const g = new DependencyGraph();
    g.observe(cm('a', 'a1', { ownerReferences: [ref('not-its-name', 'o1')] }), CM);
    // b disagrees with the virtual node's coordinates: checked at once
    assert.deepEqual(uids(g.observe(cm('b', 'b1', { ownerReferences: [ref('own', 'o1')] }), CM)), { del: ['b1'], orphan: [] });
    assert.deepEqual(uids(g.observe(cm('own', 'o1'), CM)), { del: ['a1'], orphan: [] });
    assert.equal(g.get('o1')!.identity.name, 'own');
  });

  test('a virtual delete of an owner the API does not have removes the virtual node and queues its dependents', () => {
    const g = new DependencyGraph();
    g.observe(cm('a', 'a1', { ownerReferences: [ref('own', 'o1')] }), CM);
    assert.deepEqual(uids(g.remove({ apiVersion: 'v1', kind: 'ConfigMap', name: 'own', uid: 'o1', namespace: 'default' }, true)), { del: ['a1'], orphan: [] });
    assert.equal(g.get('o1'), undefined);
  });

  test('a virtual delete with other coordinates than an observed node leaves the node', () => {
    const g = new DependencyGraph();
    g.observe(cm('own', 'o1'), CM);
    g.observe(cm('a', 'a1', { ownerReferences: [ref('own', 'o1')] }), CM);
    assert.deepEqual(uids(g.remove({ apiVersion: 'v1', kind: 'ConfigMap', name: 'other', uid: 'o1', namespace: 'default' }, true)), { del: [], orphan: [] });
    assert.ok(g.get('o1'));
  });

  test('a virtual delete keeps a virtual node that other dependents name otherwise, under their coordinates', () => {
    const g = new DependencyGraph();
    g.observe(cm('a', 'a1', { ownerReferences: [ref('own', 'o1')] }), CM);
    g.observe(cm('b', 'b1', { ownerReferences: [ref('else', 'o1')] }), CM);
    assert.deepEqual(uids(g.remove({ apiVersion: 'v1', kind: 'ConfigMap', name: 'own', uid: 'o1', namespace: 'default' }, true)), { del: ['a1', 'o1'], orphan: [] });
    assert.equal(g.get('o1')!.identity.name, 'else');
  });

  test('referenceDiffs tells added, removed and changed references apart', () => {
    const a = ref('a', '1');
    const b = ref('b', '2', { blockOwnerDeletion: true });
    const c = ref('c', '3');
    const d = ref('b', '2');
    assert.deepEqual(referenceDiffs([a, b], [d, c]), { added: [c], removed: [a], changed: [b] });
    assert.deepEqual(referenceDiffs([a], [{ ...a }]), { added: [], removed: [], changed: [] });
  });
});
