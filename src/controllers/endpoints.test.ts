import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { MAX_CAPACITY, repackSubsets, subsetsFor, truncateSubsets } from './endpoints.js';
import { findPort, shouldPodBeInEndpoints } from './pod-endpoints.js';

const pod = (name: string, ip: string, ready: boolean, extra: KObject = {}): KObject => ({
  metadata: { name, namespace: 'd', uid: `uid-${name}`, labels: { app: 'a' } },
  spec: { nodeName: 'n1', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }], ...extra.spec },
  status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] },
});
const svc = (spec: KObject): KObject => ({ metadata: { name: 's', namespace: 'd' }, spec: { clusterIP: '10.96.0.10', selector: { app: 'a' }, ...spec } });

describe('endpoints controller', () => {
  test('ready pods go to addresses, unready ones to notReadyAddresses, a named targetPort resolved per pod', () => {
    const subsets = subsetsFor(svc({ ports: [{ name: 'web', port: 80, targetPort: 'http', protocol: 'TCP' }] }), [pod('b', '10.0.0.2', true), pod('a', '10.0.0.10', false), pod('c', '10.0.0.1', true)]);
    assert.deepEqual(subsets, [
      {
        addresses: [
          { ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'd', name: 'c', uid: 'uid-c' } },
          { ip: '10.0.0.2', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'd', name: 'b', uid: 'uid-b' } },
        ],
        notReadyAddresses: [{ ip: '10.0.0.10', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'd', name: 'a', uid: 'uid-a' } }],
        ports: [{ name: 'web', port: 8080, protocol: 'TCP' }],
      },
    ]);
  });

  test('a pod without the named port is left out; pods resolving to different numbers make separate subsets', () => {
    const other = pod('x', '10.0.0.3', true);
    other.spec.containers[0].ports[0].containerPort = 9090;
    const none = pod('y', '10.0.0.4', true);
    none.spec.containers[0].ports = [];
    const subsets = subsetsFor(svc({ ports: [{ port: 80, targetPort: 'http', protocol: 'TCP' }] }), [pod('a', '10.0.0.1', true), other, none]);
    assert.deepEqual(subsets.map((s) => [s.addresses!.map((a) => a.ip), s.ports![0]!.port]), [[['10.0.0.1'], 8080], [['10.0.0.3'], 9090]]);
  });

  test('publishNotReadyAddresses lists unready pods as ready; a headless service without ports lists addresses without ports', () => {
    assert.equal(subsetsFor(svc({ publishNotReadyAddresses: true, ports: [{ port: 80, targetPort: 80 }] }), [pod('a', '10.0.0.1', false)])[0]!.addresses!.length, 1);
    assert.deepEqual(subsetsFor(svc({ clusterIP: 'None', ports: [] }), [pod('a', '10.0.0.1', true)]), [{ addresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'd', name: 'a', uid: 'uid-a' } }] }]);
    assert.deepEqual(subsetsFor(svc({ ports: [] }), [pod('a', '10.0.0.1', true)]), []);
  });

  test('hostname is set when the pod subdomain names the service', () => {
    const p = pod('a', '10.0.0.1', true);
    p.spec.hostname = 'h0';
    p.spec.subdomain = 's';
    assert.equal(subsetsFor(svc({ ports: [{ port: 80, targetPort: 80 }] }), [p])[0]!.addresses![0]!.hostname, 'h0');
  });

  test('pods without IP, terminating, or finished under restartPolicy Never are not endpoints', () => {
    const noIP = pod('a', '', true);
    noIP.status.podIPs = [];
    assert.equal(shouldPodBeInEndpoints(noIP, false), false);
    const term = pod('b', '10.0.0.1', true);
    term.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
    assert.equal(shouldPodBeInEndpoints(term, false), false);
    assert.equal(shouldPodBeInEndpoints(term, true), true);
    const done = pod('c', '10.0.0.1', false);
    done.spec.restartPolicy = 'Never';
    done.status.phase = 'Succeeded';
    assert.equal(shouldPodBeInEndpoints(done, false), false);
    assert.equal(findPort(pod('d', '1.1.1.1', true), { targetPort: 'http', protocol: 'UDP' }), undefined);
  });

  test('over 1000 addresses are truncated, ready ones kept first', () => {
    const entries = Array.from({ length: 1200 }, (_, i) => ({ address: { ip: `10.1.${i >> 8}.${i & 255}`, targetRef: { uid: String(i) } }, port: { port: 80 }, ready: i < 900 }));
    const subsets = repackSubsets(entries);
    assert.equal(truncateSubsets(subsets), true);
    assert.equal(subsets[0]!.addresses!.length, 900);
    assert.equal(subsets[0]!.notReadyAddresses!.length, MAX_CAPACITY - 900);
    assert.equal(truncateSubsets(repackSubsets(entries.slice(0, 10))), false);
  });
});
