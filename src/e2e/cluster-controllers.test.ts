// The cluster controllers (endpoints, endpointslice, persistentvolume-binder, disruption, pod-garbage-collector,
// node-lifecycle) with every controller running, driven through real kubectl as a user would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

async function eventually<T>(fn: () => Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const start = Date.now();
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() - start > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** kubectl's table as rows of cells, the AGE column dropped. */
const rows = (out: string) =>
  out
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s{2,}/));

describe('cluster controllers', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: '*', nodes: 2 });
  });
  after(async () => c?.cleanup());

  const podIPs = async (ns: string, selector: string) => {
    const out = await c.k(['get', 'pods', '-n', ns, '-l', selector, '-o', 'jsonpath={range .items[*]}{.status.podIP}{"\\n"}{end}']);
    return out.trim().split('\n').filter(Boolean).sort();
  };

  test('kubectl expose of a deployment: endpoints and endpointslices list the ready pod IPs with the resolved port', async () => {
    await c.k(['create', 'namespace', 'web']);
    await c.k(['-n', 'web', 'create', 'deployment', 'web', '--image=nginx', '--replicas=2', '--port=80']);
    await c.k(['-n', 'web', 'rollout', 'status', 'deployment/web', '--timeout=30s']);
    await c.k(['-n', 'web', 'expose', 'deployment', 'web', '--port=8080', '--target-port=80']);
    const ips = await podIPs('web', 'app=web');
    assert.equal(ips.length, 2);
    const ep = await eventually(async () => {
      const r = await api(c, 'GET', '/api/v1/namespaces/web/endpoints/web');
      return r.status === 200 && (r.json.subsets?.[0]?.addresses ?? []).length === 2 ? r.json : undefined;
    });
    assert.deepEqual(ep.metadata.labels, { app: 'web' });
    assert.match(ep.metadata.annotations['endpoints.kubernetes.io/last-change-trigger-time'], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);
    assert.deepEqual(ep.subsets[0].ports, [{ port: 80, protocol: 'TCP' }]);
    const a = ep.subsets[0].addresses[0];
    assert.deepEqual(Object.keys(a.targetRef).sort(), ['kind', 'name', 'namespace', 'uid']);
    assert.equal(a.targetRef.kind, 'Pod');
    assert.match(a.nodeName, /-control-plane$|-worker$/);
    const got = await c.k(['-n', 'web', 'get', 'endpoints', 'web']);
    assert.deepEqual(rows(got).map((r) => r.slice(0, 2)), [['NAME', 'ENDPOINTS'], ['web', ips.map((ip) => `${ip}:80`).join(',')]]);
    const slices = await eventually(async () => {
      const r = await api(c, 'GET', '/apis/discovery.k8s.io/v1/namespaces/web/endpointslices?labelSelector=kubernetes.io/service-name%3Dweb');
      return r.json.items?.length === 1 && r.json.items[0].endpoints?.length === 2 ? r.json.items : undefined;
    });
    const s = slices[0];
    assert.match(s.metadata.name, /^web-[a-z0-9]{5}$/);
    assert.deepEqual(s.metadata.labels, { app: 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io', 'kubernetes.io/service-name': 'web' });
    assert.equal(s.metadata.ownerReferences[0].kind, 'Service');
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, [{ name: '', port: 80, protocol: 'TCP' }]);
    assert.deepEqual(s.endpoints[0].conditions, { ready: true, serving: true, terminating: false });
    const sliceTable = await c.k(['-n', 'web', 'get', 'endpointslices']);
    assert.deepEqual(rows(sliceTable).map((r) => r.slice(0, 4)), [['NAME', 'ADDRESSTYPE', 'PORTS', 'ENDPOINTS'], [s.metadata.name, 'IPv4', '80', ips.join(',')]]);
    // scaling down removes the address from both
    await c.k(['-n', 'web', 'scale', 'deployment/web', '--replicas=1']);
    await eventually(async () => (await api(c, 'GET', '/api/v1/namespaces/web/endpoints/web')).json.subsets?.[0]?.addresses?.length === 1);
    await eventually(async () => (await api(c, 'GET', `/apis/discovery.k8s.io/v1/namespaces/web/endpointslices/${s.metadata.name}`)).json.endpoints?.length === 1);
  });

  test('a headless service gets the headless label; a service without selector is left alone', async () => {
    await c.k(['create', 'namespace', 'hl']);
    await api(c, 'POST', '/api/v1/namespaces/hl/services', { metadata: { name: 'db' }, spec: { clusterIP: 'None', selector: { app: 'db' }, ports: [{ port: 5432 }] } });
    await api(c, 'POST', '/api/v1/namespaces/hl/services', { metadata: { name: 'ext' }, spec: { ports: [{ port: 80 }] } });
    const ep = await eventually(async () => {
      const r = await api(c, 'GET', '/api/v1/namespaces/hl/endpoints/db');
      return r.status === 200 ? r.json : undefined;
    });
    assert.deepEqual(ep.metadata.labels, { 'service.kubernetes.io/headless': '' });
    assert.equal(ep.subsets, undefined);
    const slice = await eventually(async () => (await api(c, 'GET', '/apis/discovery.k8s.io/v1/namespaces/hl/endpointslices?labelSelector=kubernetes.io/service-name%3Ddb')).json.items?.[0]);
    assert.equal(slice.metadata.labels['service.kubernetes.io/headless'], '');
    assert.equal(slice.endpoints, null);
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/hl/endpoints/ext')).status, 404);
    // deleting the service deletes its Endpoints
    await c.k(['-n', 'hl', 'delete', 'service', 'db']);
    await eventually(async () => (await api(c, 'GET', '/api/v1/namespaces/hl/endpoints/db')).status === 404);
  });
});
