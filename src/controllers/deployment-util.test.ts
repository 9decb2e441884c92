import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { KObject } from '../client/types.js';
import * as u from './deployment-util.js';

const deploy = (replicas: number, maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, extra: KObject = {}): KObject => ({
  metadata: { name: 'd', namespace: 'ns', generation: 1, ...extra.metadata },
  spec: { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } }, ...extra.spec },
  status: extra.status ?? {},
});
const rs = (name: string, replicas: number, annotations: Record<string, string> = {}, status: KObject = {}, created = '2026-01-01T00:00:00Z'): KObject => ({
  metadata: { name, uid: name, creationTimestamp: created, annotations },
  spec: { replicas },
  status,
});

describe('deployment arithmetic', () => {
  test('maxSurge percentages round up and maxUnavailable percentages round down', () => {
    assert.deepEqual(u.resolveFenceposts('25%', '25%', 3), [1, 0]);
    assert.deepEqual(u.resolveFenceposts('25%', '25%', 10), [3, 2]);
    assert.deepEqual(u.resolveFenceposts('25%', '25%', 4), [1, 1]);
    assert.deepEqual(u.resolveFenceposts('33%', '66%', 10), [4, 6]);
    assert.deepEqual(u.resolveFenceposts(2, 1, 10), [2, 1]);
  });

  test('both fenceposts resolving to zero make maxUnavailable 1', () => {
    assert.deepEqual(u.resolveFenceposts(0, '10%', 5), [0, 1]);
    assert.deepEqual(u.resolveFenceposts('0%', 0, 1), [0, 1]);
  });

  test('maxUnavailable is capped at the replica count and zero for Recreate or zero replicas', () => {
    assert.equal(u.maxUnavailable(deploy(3, 0, 5)), 3);
    assert.equal(u.maxUnavailable(deploy(0, 1, 1)), 0);
    const recreate = { metadata: {}, spec: { replicas: 3, strategy: { type: 'Recreate' } } };
    assert.equal(u.maxUnavailable(recreate), 0);
    assert.equal(u.maxSurge(recreate), 0);
    assert.equal(u.maxSurge(deploy(10, '25%', '25%')), 3);
  });

  test('an invalid IntOrString percentage is an error', () => {
    assert.throws(() => u.scaledValue('abc', 10, true), /invalid value for IntOrString: invalid value "abc"/);
  });

  test('a new ReplicaSet may grow up to replicas + maxSurge in total, never beyond replicas itself', () => {
    const d = deploy(10, '25%', '25%');
    const old = rs('old', 10);
    const fresh = rs('new', 0);
    assert.equal(u.newRSNewReplicas(d, [old, fresh], fresh), 3);
    assert.equal(u.newRSNewReplicas(d, [rs('old', 13), fresh], fresh), 0);
    assert.equal(u.newRSNewReplicas(d, [rs('old', 2), rs('new', 9)], rs('new', 9)), 10);
    assert.equal(u.newRSNewReplicas({ metadata: {}, spec: { replicas: 4, strategy: { type: 'Recreate' } } }, [], fresh), 4);
  });

  test('proportional scaling uses each set’s share of the max-replicas it was sized for', () => {
    // scaled from 10 (max 13) to 20 (max 25): a set of 5 becomes round(5*25/13) = 10
    const d = deploy(20, '25%', '25%');
    const a = rs('a', 5, { [u.MAX_REPLICAS]: '13' });
    assert.equal(u.getProportion(a, d, 12, 0), 5);
    // never more than what is left to add, nor below what is left to remove
    assert.equal(u.getProportion(a, d, 3, 0), 3);
    // scaled from 10 (max 13) to 5 (max 7): a set of 8 becomes round(8*7/13) = 4
    const down = deploy(5, '25%', '25%');
    assert.equal(u.getProportion(rs('b', 8, { [u.MAX_REPLICAS]: '13' }), down, -6, 0), -4);
    assert.equal(u.getProportion(rs('b', 8, { [u.MAX_REPLICAS]: '13' }), down, -3, 0), -3);
    assert.equal(u.getProportion(rs('b', 8, { [u.MAX_REPLICAS]: '13' }), deploy(0, 1, 1), -8, 0), -8);
    assert.equal(u.getProportion(rs('z', 0), d, 5, 0), 0);
  });

  test('the active or latest set: the only active one, the newest when none is active, none when several are', () => {
    const older = rs('a', 0, {}, {}, '2026-01-01T00:00:00Z');
    const newer = rs('b', 0, {}, {}, '2026-01-02T00:00:00Z');
    assert.equal(u.findActiveOrLatest(undefined, [older, newer])?.metadata.name, 'b');
    assert.equal(u.findActiveOrLatest(rs('n', 0), [older])?.metadata.name, 'n');
    assert.equal(u.findActiveOrLatest(rs('n', 0), [rs('x', 2)])?.metadata.name, 'x');
    assert.equal(u.findActiveOrLatest(rs('n', 1), [rs('x', 2)]), undefined);
  });

  test('a new ReplicaSet gets the revision, copied annotations and replica annotations; a rollback keeps the revision history', () => {
    const d = deploy(3, '25%', '25%', { metadata: { annotations: { 'kubernetes.io/change-cause': 'x', [u.REVISION]: '7', 'kubectl.kubernetes.io/last-applied-configuration': '{}' } } });
    const fresh = rs('n', 0, {});
    assert.equal(u.setNewReplicaSetAnnotations(d, fresh, '3', false), true);
    assert.deepEqual(fresh.metadata.annotations, { 'kubernetes.io/change-cause': 'x', [u.REVISION]: '3', [u.DESIRED_REPLICAS]: '3', [u.MAX_REPLICAS]: '4' });
    const back = rs('o', 0, { [u.REVISION]: '1', [u.REVISION_HISTORY]: '' });
    u.setNewReplicaSetAnnotations(d, back, '4', true);
    assert.equal(back.metadata.annotations[u.REVISION], '4');
    assert.equal(back.metadata.annotations[u.REVISION_HISTORY], '1');
    u.setNewReplicaSetAnnotations(d, back, '6', true);
    assert.equal(back.metadata.annotations[u.REVISION_HISTORY], '1,4');
    // a newer revision than asked for is kept
    assert.equal(u.setNewReplicaSetAnnotations(d, back, '5', true), false);
  });

  test('Available is True once available >= replicas - maxUnavailable', () => {
    const d = deploy(4, '25%', '25%');
    const s1 = u.calculateStatus([rs('a', 4, {}, { replicas: 4, readyReplicas: 3, availableReplicas: 3 })], undefined, d);
    assert.deepEqual(u.getCondition(s1, 'Available') && [u.getCondition(s1, 'Available')!.status, u.getCondition(s1, 'Available')!.reason, u.getCondition(s1, 'Available')!.message], ['True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.']);
    const s2 = u.calculateStatus([rs('a', 4, {}, { replicas: 4, availableReplicas: 2 })], undefined, d);
    assert.equal(u.getCondition(s2, 'Available')!.reason, 'MinimumReplicasUnavailable');
    assert.equal(u.getCondition(s2, 'Available')!.message, 'Deployment does not have minimum availability.');
    assert.equal(s2.unavailableReplicas, 2);
  });

  test('a condition keeps its transition time while its status holds, and is untouched for the same reason', () => {
    const status: KObject = {};
    u.setCondition(status, u.newCondition('Progressing', 'True', 'NewReplicaSetCreated', 'm1', Date.parse('2026-01-01T00:00:00Z')));
    u.setCondition(status, u.newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'm2', Date.parse('2026-01-01T00:01:00Z')));
    assert.equal(status.conditions[0].lastTransitionTime, '2026-01-01T00:00:00Z');
    assert.equal(status.conditions[0].lastUpdateTime, '2026-01-01T00:01:00Z');
    u.setCondition(status, u.newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'm3', Date.parse('2026-01-01T00:02:00Z')));
    assert.equal(status.conditions[0].message, 'm2');
  });

  test('a deployment without progress past its deadline has timed out', () => {
    const d = deploy(1, 1, 0, { spec: { progressDeadlineSeconds: 60 } });
    const s = { conditions: [u.newCondition('Progressing', 'True', 'ReplicaSetUpdated', 'x', Date.parse('2026-01-01T00:00:00Z'))] };
    assert.equal(u.deploymentTimedOut(d, s, Date.parse('2026-01-01T00:00:59Z')), false);
    assert.equal(u.deploymentTimedOut(d, s, Date.parse('2026-01-01T00:01:01Z')), true);
  });

  test('templates are equal ignoring the pod-template-hash label and empty versus absent lists', () => {
    const t = { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    assert.ok(u.equalIgnoreHash(t, { metadata: { labels: { app: 'a', [u.HASH_LABEL]: 'abc' } }, spec: { containers: [{ name: 'c', image: 'i', args: [] }] } }));
    assert.ok(!u.equalIgnoreHash(t, { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c', image: 'j' }] } }));
  });
});
