import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Client, KObject } from '../client/types.js';
import { EventRecorder } from './event-recorder.js';

/** An events store that answers as the server does: 409 on a taken name, 404 when patching a missing one. */
function fakeServer() {
  const calls: [string, string, KObject][] = [];
  const events = new Map<string, KObject>();
  let rv = 100;
  const fail = (code: number) => Object.assign(new Error(`status ${code}`), { code });
  const client = {
    create: async (_r: unknown, ns: string, obj: KObject) => {
      calls.push(['create', ns, structuredClone(obj)]);
      if (events.has(obj.metadata.name)) throw fail(409);
      const stored = { ...structuredClone(obj), metadata: { ...obj.metadata, resourceVersion: String(++rv) } };
      events.set(obj.metadata.name, stored);
      return structuredClone(stored);
    },
    patch: async (_r: unknown, ns: string, name: string, type: string, patch: KObject) => {
      calls.push([`patch ${type} ${name}`, ns, structuredClone(patch)]);
      const cur = events.get(name);
      if (!cur) throw fail(404);
      const stored = { ...cur, ...patch, metadata: { ...cur.metadata, resourceVersion: String(++rv) } };
      events.set(name, stored);
      return structuredClone(stored);
    },
  } as unknown as Client;
  return { client, calls, events };
}

const T0 = Date.UTC(2026, 11, 4, 11, 0, 0);
const at = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

function setup(component = 'horizontal-pod-autoscaler', host = '') {
  const server = fakeServer();
  const clock = { t: T0 };
  const r = new EventRecorder(() => server.client, component, { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2' }, host, () => clock.t);
  return { ...server, clock, r };
}

const hpa = { metadata: { name: 'web', namespace: 'ns', uid: 'u1', resourceVersion: '7' } };
const involved = { kind: 'HorizontalPodAutoscaler', namespace: 'ns', name: 'web', uid: 'u1', apiVersion: 'autoscaling/v2', resourceVersion: '7' };

describe('EventRecorder', () => {
  test('a first event is created with count 1, the recorder as source and reportingComponent', async () => {
    const { r, calls } = setup();
    await r.event(hpa, 'Warning', 'FailedGetScale', 'gone');
    assert.equal(calls.length, 1);
    const [verb, ns, created] = calls[0]!;
    assert.equal(verb, 'create');
    assert.equal(ns, 'ns');
    assert.match(created.metadata.name, /^web\.[0-9a-f]+$/);
    assert.equal(BigInt(`0x${created.metadata.name.slice(4)}`) / 1_000_000n, BigInt(T0));
    assert.deepEqual(created, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: created.metadata.name, namespace: 'ns' },
      involvedObject: involved,
      reason: 'FailedGetScale',
      message: 'gone',
      source: { component: 'horizontal-pod-autoscaler' },
      firstTimestamp: at(T0),
      lastTimestamp: at(T0),
      count: 1,
      type: 'Warning',
      eventTime: null,
      reportingComponent: 'horizontal-pod-autoscaler',
      reportingInstance: '',
    });
  });

  test('a repeat is a strategic-merge patch of count, lastTimestamp and message on the one Event written', async () => {
    const { r, calls, events, clock } = setup();
    await r.event(hpa, 'Warning', 'FailedGetScale', 'gone');
    clock.t += 15_000;
    await r.event(hpa, 'Warning', 'FailedGetScale', 'gone');
    clock.t += 15_000;
    await r.event(hpa, 'Warning', 'FailedGetScale', 'gone');
    const name = calls[0]![2].metadata.name;
    assert.deepEqual(
      calls.slice(1),
      [
        [`patch strategic ${name}`, 'ns', { count: 2, lastTimestamp: at(T0 + 15_000), message: 'gone' }],
        [`patch strategic ${name}`, 'ns', { count: 3, lastTimestamp: at(T0 + 30_000), message: 'gone' }],
      ],
    );
    assert.equal(events.size, 1);
    const ev = events.get(name)!;
    assert.deepEqual([ev.count, ev.firstTimestamp, ev.lastTimestamp], [3, at(T0), at(T0 + 30_000)]);
  });

  test('events recorded without waiting are written one at a time, so a repeat still patches', async () => {
    const { r, calls } = setup();
    await Promise.all([r.event(hpa, 'Normal', 'SuccessfulRescale', 'New size: 2'), r.event(hpa, 'Normal', 'SuccessfulRescale', 'New size: 2')]);
    assert.deepEqual(calls.map(([v]) => v.split(' ')[0]), ['create', 'patch']);
  });

  test('a different type, reason, message, fieldPath or object is an event of its own', async () => {
    const { r, calls } = setup();
    await r.event(hpa, 'Warning', 'R', 'm');
    await r.event(hpa, 'Normal', 'R', 'm');
    await r.event(hpa, 'Warning', 'R2', 'm');
    await r.event(hpa, 'Warning', 'R', 'm2');
    await r.event(hpa, 'Warning', 'R', 'm', { fieldPath: 'spec.containers{a}' });
    await r.event({ metadata: { ...hpa.metadata, uid: 'u2' } }, 'Warning', 'R', 'm');
    assert.deepEqual(calls.map(([v]) => v), ['create', 'create', 'create', 'create', 'create', 'create']);
  });

  test('the 10th distinct message for one reason within 10 minutes is written as a combined event, and the 11th bumps it', async () => {
    const { r, calls, events, clock } = setup();
    for (let i = 1; i <= 9; i++) {
      await r.event(hpa, 'Warning', 'FailedRescale', `error ${i}`);
      clock.t += 1000;
    }
    assert.deepEqual(calls.map(([v]) => v), Array(9).fill('create'));
    await r.event(hpa, 'Warning', 'FailedRescale', 'error 10');
    const combined = calls[9]![2];
    assert.equal(calls[9]![0], 'create');
    assert.match(combined.metadata.name, /^web\.[0-9a-f]+$/);
    assert.deepEqual(combined, {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: combined.metadata.name, namespace: 'ns' },
      involvedObject: involved,
      reason: 'FailedRescale',
      message: '(combined from similar events): error 10',
      source: { component: 'horizontal-pod-autoscaler' },
      firstTimestamp: at(T0 + 9000),
      lastTimestamp: at(T0 + 9000),
      count: 1,
      type: 'Warning',
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    });
    clock.t += 1000;
    await r.event(hpa, 'Warning', 'FailedRescale', 'error 11');
    assert.deepEqual(calls[10], [`patch strategic ${combined.metadata.name}`, 'ns', { count: 2, lastTimestamp: at(T0 + 10_000), message: '(combined from similar events): error 11' }]);
    assert.equal(events.size, 10);
  });

  test('similar events more than 10 minutes apart are not combined', async () => {
    const { r, calls, clock } = setup();
    for (let i = 1; i <= 12; i++) {
      await r.event(hpa, 'Warning', 'FailedRescale', `error ${i}`);
      clock.t += 600_001;
    }
    assert.deepEqual(calls.map(([, , e]) => e.message), Array.from({ length: 12 }, (_, i) => `error ${i + 1}`));
  });

  test('the spam filter lets 25 events about an object through, then one more per 5 minutes', async () => {
    const { r, calls, clock } = setup();
    for (let i = 0; i < 30; i++) await r.event(hpa, 'Normal', `Reason${i}`, 'm');
    assert.equal(calls.length, 25);
    assert.equal(calls.at(-1)![2].reason, 'Reason24');
    await r.event({ metadata: { ...hpa.metadata, name: 'other', uid: 'u2' } }, 'Normal', 'Reason0', 'm');
    assert.equal(calls.length, 26, 'another object has its own bucket');
    clock.t += 299_000;
    await r.event(hpa, 'Normal', 'Late', 'm');
    assert.equal(calls.length, 26);
    clock.t += 1_000;
    await r.event(hpa, 'Normal', 'Late', 'm');
    await r.event(hpa, 'Normal', 'Later', 'm');
    // the dropped first 'Late' was still counted under a name never written: its repeat patches, gets 404, creates
    assert.deepEqual(calls.slice(26).map(([v, , e]) => [v.split(' ')[0], e.reason, e.count]), [['patch', undefined, 2], ['create', 'Late', 2]]);
    assert.equal(calls[26]![0], `patch strategic ${calls[27]![2].metadata.name}`);
  });

  test('repeats the spam filter drops are still counted, so the next one written carries the whole count', async () => {
    const { r, calls, clock } = setup();
    for (let i = 0; i < 30; i++) await r.event(hpa, 'Warning', 'FailedGetScale', 'gone');
    assert.equal(calls.length, 25);
    assert.equal(calls.at(-1)![2].count, 25);
    clock.t += 300_000;
    await r.event(hpa, 'Warning', 'FailedGetScale', 'gone');
    assert.deepEqual(calls.at(-1)![2], { count: 31, lastTimestamp: at(T0 + 300_000), message: 'gone' });
  });

  test('a 404 on the patch creates the event anew, under its name, with its first timestamp and the count reached', async () => {
    const { r, calls, events, clock } = setup('kubelet', 'node-1');
    await r.event(hpa, 'Normal', 'Pulled', 'already present', { fieldPath: 'spec.containers{app}' });
    const name = calls[0]![2].metadata.name;
    events.delete(name);
    clock.t += 60_000;
    await r.event(hpa, 'Normal', 'Pulled', 'already present', { fieldPath: 'spec.containers{app}' });
    assert.deepEqual(calls.slice(1).map(([v]) => v), [`patch strategic ${name}`, 'create']);
    assert.deepEqual(calls[2]![2], {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace: 'ns' },
      involvedObject: { ...involved, fieldPath: 'spec.containers{app}' },
      reason: 'Pulled',
      message: 'already present',
      source: { component: 'kubelet', host: 'node-1' },
      firstTimestamp: at(T0),
      lastTimestamp: at(T0 + 60_000),
      count: 2,
      type: 'Normal',
      eventTime: null,
      reportingComponent: 'kubelet',
      reportingInstance: 'node-1',
    });
    clock.t += 1000;
    await r.event(hpa, 'Normal', 'Pulled', 'already present', { fieldPath: 'spec.containers{app}' });
    assert.deepEqual(calls[3], [`patch strategic ${name}`, 'ns', { count: 3, lastTimestamp: at(T0 + 61_000), message: 'already present' }]);
  });

  test('past 1000 events waiting to be written, a new one is dropped', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let created = 0;
    const client = { create: async (_r: unknown, _ns: string, obj: KObject) => (await gate, created++, obj) } as unknown as Client;
    const r = new EventRecorder(() => client, 'c', { kind: 'X', apiVersion: 'v1' });
    const pending = Array.from({ length: 1001 }, (_, i) => r.event({ metadata: { name: `o${i}`, namespace: 'ns', uid: `u${i}` } }, 'Normal', 'R', 'm'));
    release();
    await Promise.all(pending);
    assert.equal(created, 1000);
  });

  test('an event the server refuses is dropped without throwing', async () => {
    const r = new EventRecorder(() => ({ create: async () => Promise.reject(Object.assign(new Error('forbidden'), { code: 403 })) }) as unknown as Client, 'c', { kind: 'X', apiVersion: 'v1' });
    await r.event(hpa, 'Normal', 'R', 'm');
  });
});
