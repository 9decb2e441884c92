import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { endpointPorts, planSlices, podToEndpoint } from './endpointslice.js';

const pod = (ready: boolean, extra: KObject = {}): KObject => ({
  metadata: { name: 'p', namespace: 'd', uid: 'u1', ...extra.metadata },
  spec: { nodeName: 'n1', containers: [{ ports: [{ name: 'http', containerPort: 8080 }] }] },
  status: { podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const svc: KObject = { metadata: { name: 's', namespace: 'd' }, spec: { selector: {}, ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP', appProtocol: 'http' }] } };
const ep = (n: number) => ({ addresses: [`10.0.0.${n}`], targetRef: { uid: `u${n}` } });

describe('endpointslice controller', () => {
  test('an endpoint carries ready/serving/terminating, targetRef, nodeName and the node zone', () => {
    assert.deepEqual(podToEndpoint(pod(true), svc, 'IPv4', { metadata: { labels: { 'topology.kubernetes.io/zone': 'z1' } } }), {
      addresses: ['10.0.0.1'],
      conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'd', name: 'p', uid: 'u1' },
      nodeName: 'n1',
      zone: 'z1',
    });
    const terminating = podToEndpoint(pod(true, { metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } }), svc, 'IPv4');
    assert.deepEqual(terminating!.conditions, { ready: false, serving: true, terminating: true });
    assert.deepEqual(podToEndpoint(pod(false), svc, 'IPv4')!.conditions, { ready: false, serving: false, terminating: false });
    assert.equal(podToEndpoint(pod(true), svc, 'IPv6'), undefined);
    assert.deepEqual(endpointPorts(svc, pod(true)), [{ name: 'web', port: 8080, protocol: 'TCP', appProtocol: 'http' }]);
  });

  test('at most 100 endpoints per slice; kept endpoints stay, gone ones leave, new ones fill free room first', () => {
    const desired = new Map(Array.from({ length: 250 }, (_, i) => [`10.0.0.${i}/u${i}`, ep(i)]));
    const first = planSlices([], desired);
    assert.deepEqual(first.create.map((s) => s.length), [100, 100, 50]);
    const existing = first.create.map((eps, i) => ({ metadata: { name: `s${i}` }, endpoints: eps }));
    const fewer = new Map([...desired].filter(([k]) => !k.startsWith('10.0.0.1')));
    fewer.set('10.0.1.1/new', { addresses: ['10.0.1.1'], targetRef: { uid: 'new' } });
    const plan = planSlices(existing, fewer);
    assert.equal(plan.create.length, 0);
    assert.equal(plan.remove.length, 0);
    assert.equal(plan.keep.reduce((n, s) => n + s.endpoints.length, 0), fewer.size);
    assert.ok(plan.keep.every((s) => s.endpoints.length <= 100));
    const gone = planSlices(existing, new Map());
    assert.deepEqual(gone.remove.map((s) => s.metadata.name), ['s0', 's1', 's2']);
  });
});
