// endpointslice-mirroring (issue 10): the Endpoints of a Service without a selector are mirrored into an
// EndpointSlice managed by endpointslicemirroring-controller.k8s.io, kept up to date and removed as upstream.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;


const MANAGED = 'endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io';

describe('endpointslice-mirroring', () => {
  let c: TestCluster;
  const slices = async (ns: string, svc: string): Promise<Obj[]> =>
    (await api(c, 'GET', `/apis/discovery.k8s.io/v1/namespaces/${ns}/endpointslices?labelSelector=${encodeURIComponent(`${MANAGED},kubernetes.io/service-name=${svc}`)}`)).json.items;
  const apply = (o: Obj) => c.k(['apply', '-f', '-'], { stdin: JSON.stringify(o) });
  const endpoints = (name: string, subsets: Obj[], labels?: Obj, annotations?: Obj) => ({ apiVersion: 'v1', kind: 'Endpoints', metadata: { name, namespace: 'mirror', labels, annotations }, subsets });

  before(async () => {
    c = await startTestCluster({ controllers: 'endpointslice-mirroring,endpointslice,endpoints,garbagecollector' });
    await c.k(['create', 'namespace', 'mirror']);
  });
  after(() => c?.cleanup());

  test('a selector-less Service and its Endpoints are mirrored into one EndpointSlice', async () => {
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'mirror' }, spec: { ports: [{ name: 'pg', port: 5432 }] } });
    await apply(endpoints('db', [{ addresses: [{ ip: '10.1.0.1', hostname: 'a' }, { ip: '10.1.0.2' }], notReadyAddresses: [{ ip: '10.1.0.3' }], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }], { team: 'data' }, { note: 'x' }));
    const [s] = await eventually('the mirrored slice', async () => ((await slices('mirror', 'db')).length === 1 ? slices('mirror', 'db') : undefined));
    const ep = (await api(c, 'GET', '/api/v1/namespaces/mirror/endpoints/db')).json;
    assert.match(s.metadata.name, /^db-[a-z0-9]{5}$/);
    assert.equal(s.metadata.generateName, 'db-');
    assert.deepEqual(s.metadata.labels, { team: 'data', 'kubernetes.io/service-name': 'db', 'endpointslice.kubernetes.io/managed-by': 'endpointslicemirroring-controller.k8s.io' });
    assert.equal(s.metadata.annotations.note, 'x');
    assert.equal(s.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], undefined);
    assert.deepEqual(s.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Endpoints', name: 'db', uid: ep.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, [{ name: 'pg', protocol: 'TCP', port: 5432 }]);
    const eps = [...s.endpoints].sort((a: Obj, b: Obj) => (a.addresses[0] < b.addresses[0] ? -1 : 1));
    assert.deepEqual(eps, [
      { addresses: ['10.1.0.1'], conditions: { ready: true }, hostname: 'a' },
      { addresses: ['10.1.0.2'], conditions: { ready: true } },
      { addresses: ['10.1.0.3'], conditions: { ready: false } },
    ]);
    // the endpointslice controller leaves it alone
    const all = (await api(c, 'GET', '/apis/discovery.k8s.io/v1/namespaces/mirror/endpointslices')).json.items;
    assert.equal(all.length, 1);
  });

  test('a change to the Endpoints updates the slice in place; IPv6 addresses get their own slice', async () => {
    const before = (await slices('mirror', 'db'))[0];
    await apply(endpoints('db', [{ addresses: [{ ip: '10.1.0.9' }, { ip: 'fd00::9' }], ports: [{ name: 'pg', port: 5432, protocol: 'TCP' }] }], { team: 'data' }, { note: 'x' }));
    const got = await eventually('the updated slices', async () => {
      const s = await slices('mirror', 'db');
      const v4 = s.find((x) => x.addressType === 'IPv4');
      return s.length === 2 && v4?.endpoints?.length === 1 && v4.endpoints[0].addresses[0] === '10.1.0.9' && s;
    });
    const v4 = got.find((x: Obj) => x.addressType === 'IPv4');
    const v6 = got.find((x: Obj) => x.addressType === 'IPv6');
    assert.equal(v4.metadata.name, before.metadata.name);
    assert.deepEqual(v6.endpoints, [{ addresses: ['fd00::9'], conditions: { ready: true } }]);
    // settled: nothing rewrites the slices
    const rv = (await slices('mirror', 'db')).map((s) => s.metadata.resourceVersion).sort();
    await new Promise((r) => setTimeout(r, 500));
    assert.deepEqual((await slices('mirror', 'db')).map((s) => s.metadata.resourceVersion).sort(), rv);
  });

  test('the skip-mirror label removes the mirrored slice and taking it off brings it back', async () => {
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ext', namespace: 'mirror' }, spec: { ports: [{ port: 80 }] } });
    await apply(endpoints('ext', [{ addresses: [{ ip: '10.2.0.1' }], ports: [{ port: 80, protocol: 'TCP' }] }]));
    await eventually('the ext slice', async () => (await slices('mirror', 'ext')).length === 1);
    await c.k(['-n', 'mirror', 'label', 'endpoints', 'ext', 'endpointslice.kubernetes.io/skip-mirror=true']);
    await eventually('the ext slice removed (skip-mirror)', async () => (await slices('mirror', 'ext')).length === 0);
    await c.k(['-n', 'mirror', 'label', 'endpoints', 'ext', 'endpointslice.kubernetes.io/skip-mirror-']);
    await eventually('the ext slice back', async () => (await slices('mirror', 'ext')).length === 1);
  });

  test('giving the Service a selector or deleting the Endpoints removes the mirrored slices', async () => {
    await c.k(['-n', 'mirror', 'patch', 'service', 'ext', '-p', '{"spec":{"selector":{"app":"ext"}}}']);
    await eventually('the ext slice removed (selector)', async () => (await slices('mirror', 'ext')).length === 0);
    await c.k(['-n', 'mirror', 'delete', 'endpoints', 'db']);
    await eventually('the db slices removed', async () => (await slices('mirror', 'db')).length === 0);
  });

  test('more than 1000 addresses in a subset: 1000 are mirrored and a TooManyAddressesToMirror warning is recorded', async () => {
    await apply({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'big', namespace: 'mirror' }, spec: { ports: [{ port: 80 }] } });
    const addresses = Array.from({ length: 1002 }, (_, i) => ({ ip: `10.3.${Math.floor(i / 250)}.${(i % 250) + 1}` }));
    await apply(endpoints('big', [{ addresses, ports: [{ port: 80, protocol: 'TCP' }] }]));
    const [s] = await eventually('the big slice', async () => ((await slices('mirror', 'big')).length === 1 ? slices('mirror', 'big') : undefined));
    assert.equal(s.endpoints.length, 1000);
    const ev = await eventually('the warning', async () => (await api(c, 'GET', '/api/v1/namespaces/mirror/events?fieldSelector=reason%3DTooManyAddressesToMirror')).json.items[0]);
    assert.equal(ev.type, 'Warning');
    assert.deepEqual(ev.involvedObject.kind, 'Endpoints');
    assert.equal(ev.message, 'A max of 1000 addresses can be mirrored to EndpointSlices per Endpoints subset. 2 addresses were skipped');
    assert.equal(ev.source.component, 'endpoint-slice-mirroring-controller');
  });
});
