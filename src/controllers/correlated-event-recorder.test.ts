import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client, KObject } from '../client/types.js';
import { CorrelatedEventRecorder } from './correlated-event-recorder.js';

function fakeClient() {
  const calls: [string, KObject][] = [];
  const client = {
    create: async (_r: unknown, _ns: string, obj: KObject) => (calls.push(['create', obj]), obj),
    patch: async (_r: unknown, _ns: string, name: string, _t: string, patch: KObject) => (calls.push(['patch', { name, ...patch }]), patch),
  } as unknown as Client;
  return { client, calls };
}

const hpa = { metadata: { name: 'web', namespace: 'ns', uid: 'u1' } };

describe('CorrelatedEventRecorder', () => {
  test('a repeated event bumps count on the one written; a different message is a new event', async () => {
    const { client, calls } = fakeClient();
    const r = new CorrelatedEventRecorder(() => client, 'horizontal-pod-autoscaler', { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2' });
    await r.event(hpa, 'Warning', 'FailedGetScale', 'gone');
    await r.event(hpa, 'Warning', 'FailedGetScale', 'gone');
    await r.event(hpa, 'Warning', 'FailedGetScale', 'other');
    assert.deepEqual(calls.map(([v]) => v), ['create', 'patch', 'create']);
    const created = calls[0]![1];
    assert.match(created.metadata.name, /^web\.[0-9a-f]+$/);
    assert.deepEqual(created.involvedObject, { kind: 'HorizontalPodAutoscaler', namespace: 'ns', name: 'web', uid: 'u1', apiVersion: 'autoscaling/v2', resourceVersion: undefined });
    assert.equal(calls[1]![1].name, created.metadata.name);
    assert.equal(calls[1]![1].count, 2);
  });

  test('an object gets at most 25 events in a burst', async () => {
    const { client, calls } = fakeClient();
    const r = new CorrelatedEventRecorder(() => client, 'c', { kind: 'X', apiVersion: 'v1' });
    for (let i = 0; i < 30; i++) await r.event(hpa, 'Normal', 'R', `m${i}`);
    assert.equal(calls.length, 25);
  });
});
