import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client } from '../../client/types.js';
import { ControllerManager, type Controller, type ControllerContext } from './controller.js';

const fakeClient = (name: string) => ({ name }) as unknown as Client;

class Probe implements Controller {
  ctx?: ControllerContext;
  constructor(readonly name: string) {}
  setup(ctx: ControllerContext): void {
    this.ctx = ctx;
  }
  run(): void {}
  stop(): void {}
}

describe('ControllerManager', () => {
  test('each controller gets the client its builder makes; informers stay shared unless it brings its own client', async () => {
    const a = new Probe('deployment');
    const b = new Probe('replicaset');
    const s = new Probe('default-scheduler');
    const shared = fakeClient('shared');
    const m = new ControllerManager(shared, { certPem: 'ca', keyPem: 'key' }, [a, b, s], () => {}, async (n) => (n === 'default-scheduler' ? { client: fakeClient(n), informerClient: fakeClient(n) } : { client: fakeClient(n) }));
    await m.start();
    assert.equal((a.ctx!.client as unknown as { name: string }).name, 'deployment');
    assert.equal((b.ctx!.client as unknown as { name: string }).name, 'replicaset');
    assert.equal(a.ctx!.informers, b.ctx!.informers);
    assert.notEqual(s.ctx!.informers, a.ctx!.informers);
    m.stop();
  });

  test('a 403 fails the controller until one of its syncs succeeds; other errors do not', async () => {
    const a = new Probe('replicaset');
    const seen: string[] = [];
    const m = new ControllerManager(fakeClient('shared'), { certPem: '', keyPem: '' }, [a], (n) => seen.push(n));
    await m.start();
    a.ctx!.error('replicaset', Object.assign(new Error('boom'), { code: 500 }));
    assert.equal(m.forbiddenError('replicaset'), undefined);
    a.ctx!.error('replicaset', Object.assign(new Error('pods is forbidden: User "x" cannot create resource "pods"'), { code: 403 }));
    assert.equal(m.forbiddenError('replicaset'), 'pods is forbidden: User "x" cannot create resource "pods"');
    assert.equal(m.forbiddenError('replicaset', Date.now() + 600_001), undefined);
    a.ctx!.synced!('replicaset');
    assert.equal(m.forbiddenError('replicaset'), undefined);
    assert.deepEqual(seen, ['replicaset', 'replicaset']);
    m.stop();
  });
});

describe('ControllerManager credentials', () => {
  test('a controller whose credentials fail is retried, its error reported, until they come', async () => {
    const a = new Probe('deployment');
    const seen: string[] = [];
    let calls = 0;
    const m = new ControllerManager(fakeClient('shared'), { certPem: '', keyPem: '' }, [a], (n, e) => seen.push(`${n}: ${(e as Error).message}`), async (n) => {
      if (calls++ === 0) throw Object.assign(new Error('serviceaccounts is forbidden'), { code: 403 });
      return { client: fakeClient(n) };
    });
    await m.start();
    assert.equal(calls, 2);
    assert.deepEqual(seen, ['deployment: serviceaccounts is forbidden']);
    assert.equal((a.ctx!.client as unknown as { name: string }).name, 'deployment');
    assert.equal(m.isRunning(), true);
    m.stop();
  });
});
