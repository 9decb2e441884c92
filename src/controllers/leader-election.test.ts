import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Client, KObject } from '../client/types.js';
import { LeaderElector, microTime } from './leader-election.js';

class Conflict extends Error {
  code = 409;
}
class NotFound extends Error {
  code = 404;
}

/** One Lease with resourceVersion checks, as the API keeps it. */
function leaseStore() {
  let lease: KObject | undefined;
  let rv = 0;
  let down = false;
  const client = {
    async get() {
      if (down) throw new Error('connection refused');
      if (!lease) throw new NotFound('not found');
      return structuredClone(lease);
    },
    async create(_r: unknown, _ns: string, obj: KObject) {
      if (down) throw new Error('connection refused');
      if (lease) throw new Conflict('already exists');
      lease = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
      return structuredClone(lease);
    },
    async update(_r: unknown, _ns: string, obj: KObject) {
      if (down) throw new Error('connection refused');
      if (!lease || obj.metadata.resourceVersion !== lease.metadata.resourceVersion) throw new Conflict('the object has been modified');
      lease = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
      return structuredClone(lease);
    },
  } as unknown as Client;
  return { client, lease: () => lease, setDown: (d: boolean) => (down = d) };
}

const elector = (client: Client, identity: string, clock: { t: number }) => new LeaderElector({ client, identity, now: () => clock.t, onStartedLeading() {}, onStoppedLeading() {} });

describe('leader election', () => {
  test('the first candidate creates the Lease as client-go does', async () => {
    const s = leaseStore();
    const clock = { t: Date.parse('2026-12-04T01:02:03.456Z') };
    const a = elector(s.client, 'host_a', clock);
    assert.equal(await a.tryAcquireOrRenew(), true);
    assert.deepEqual(s.lease()!.spec, { holderIdentity: 'host_a', leaseDurationSeconds: 15, acquireTime: '2026-12-04T01:02:03.456000Z', renewTime: '2026-12-04T01:02:03.456000Z', leaseTransitions: 0 });
    assert.deepEqual(s.lease()!.metadata, { name: 'kube-controller-manager', namespace: 'kube-system', resourceVersion: '1' });
    assert.equal(a.isLeader(), true);
  });

  test('the leader renews: renewTime moves, acquireTime and transitions stay', async () => {
    const s = leaseStore();
    const clock = { t: 1_000_000 };
    const a = elector(s.client, 'host_a', clock);
    await a.tryAcquireOrRenew();
    clock.t += 2000;
    assert.equal(await a.tryAcquireOrRenew(), true);
    assert.equal(s.lease()!.spec.renewTime, microTime(1_002_000));
    assert.equal(s.lease()!.spec.acquireTime, microTime(1_000_000));
    assert.equal(s.lease()!.spec.leaseTransitions, 0);
  });

  test('another candidate waits leaseDuration from when it first saw the record unchanged, then takes over with one more transition', async () => {
    const s = leaseStore();
    const clock = { t: 1_000_000 };
    const a = elector(s.client, 'host_a', clock);
    const b = elector(s.client, 'host_b', clock);
    await a.tryAcquireOrRenew();
    assert.equal(await b.tryAcquireOrRenew(), false);
    clock.t += 10_000;
    await a.tryAcquireOrRenew();
    // the record changed: b's 15 s start again from now
    clock.t += 10_000;
    assert.equal(await b.tryAcquireOrRenew(), false);
    clock.t += 14_900;
    assert.equal(await b.tryAcquireOrRenew(), false);
    clock.t += 100;
    assert.equal(await b.tryAcquireOrRenew(), true);
    assert.equal(s.lease()!.spec.holderIdentity, 'host_b');
    assert.equal(s.lease()!.spec.leaseTransitions, 1);
    assert.equal(s.lease()!.spec.acquireTime, microTime(clock.t));
    // the old leader finds out on its next renewal
    assert.equal(await a.tryAcquireOrRenew(), false);
    assert.equal(a.isLeader(), false);
  });

  test('a released lease (holder empty, 1 s) is taken at once by the next candidate', async () => {
    const s = leaseStore();
    const clock = { t: 1_000_000 };
    let started = 0;
    let stopped = 0;
    const a = new LeaderElector({ client: s.client, identity: 'host_a', now: () => clock.t, onStartedLeading: () => void started++, onStoppedLeading: () => void stopped++ });
    assert.equal(await a.start(), true);
    assert.equal(started, 1);
    await a.stop();
    assert.equal(stopped, 1);
    assert.deepEqual(s.lease()!.spec, { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: microTime(clock.t), renewTime: microTime(clock.t), leaseTransitions: 0 });
    const b = elector(s.client, 'host_b', clock);
    assert.equal(await b.tryAcquireOrRenew(), true);
    assert.equal(s.lease()!.spec.leaseTransitions, 1);
  });

  test('a leader that cannot renew within renewDeadline stops leading; it leads again once the API answers', async () => {
    const s = leaseStore();
    let leading = false;
    const a = new LeaderElector({ client: s.client, identity: 'host_a', retryPeriodMs: 10, renewDeadlineMs: 50, leaseDurationMs: 1000, onStartedLeading: () => void (leading = true), onStoppedLeading: () => void (leading = false), onError() {} });
    await a.start();
    assert.equal(leading, true);
    s.setDown(true);
    for (let i = 0; i < 100 && leading; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(leading, false);
    s.setDown(false);
    for (let i = 0; i < 200 && !leading; i++) await new Promise((r) => setTimeout(r, 10));
    assert.equal(leading, true);
    await a.stop();
  });

  test('the health check fails only for a leader whose last renewal is older than leaseDuration + 20 s', async () => {
    const s = leaseStore();
    const clock = { t: 1_000_000 };
    const a = elector(s.client, 'host_a', clock);
    assert.equal(a.check(), undefined);
    await a.start();
    clock.t += 35_000;
    assert.equal(a.check(), undefined);
    clock.t += 1;
    assert.equal(a.check(), 'failed election to renew leadership on lease kube-controller-manager');
    await a.stop();
  });
});
