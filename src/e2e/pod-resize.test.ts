// pods/resize (in-place pod resize, beta and on in v1.33) through real kubectl and raw HTTPS: what a resize
// may change, upstream's refusals, and the simulated kubelet actuating it or reporting PodResizePending.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';

const P = '/api/v1/namespaces/default/pods';
const SMP = { 'Content-Type': 'application/strategic-merge-patch+json' };

describe('pods/resize', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: '*', nodes: 1 });
  });
  after(async () => c?.cleanup());

  const running = (name: string, resources: unknown, pods = P) =>
    api(c, 'POST', pods, { metadata: { name }, spec: { containers: [{ name: 'app', image: 'nginx', resources }] } }).then(async (r) => {
      assert.equal(r.status, 201, JSON.stringify(r.json));
      return eventually(`pod ${name} running`, async () => {
        const p = (await api(c, 'GET', `${pods}/${name}`)).json;
        return p.status?.phase === 'Running' ? p : undefined;
      });
    });
  const resize = (name: string, patch: unknown) => api(c, 'PATCH', `${P}/${name}/resize`, patch, SMP);
  const causes = (r: { json: { details: { causes: { field: string; message: string }[] } } }) => r.json.details.causes.map((x) => `${x.field}: ${x.message}`);

  test('kubectl 1.33 patch --subresource resize changes the spec; the kubelet actuates it in the container status', async () => {
    const pod = await running('web', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m', memory: '128Mi' } });
    assert.deepEqual(pod.status.containerStatuses[0].resources, { limits: { cpu: '200m', memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } });
    const out = await c.k(['patch', 'pod', 'web', '--subresource', 'resize', '-p', '{"spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"150m"},"limits":{"cpu":"300m","memory":"256Mi"}}}]}}']);
    assert.equal(out.trim(), 'pod/web patched');
    const spec = (await api(c, 'GET', `${P}/web`)).json.spec.containers[0].resources;
    assert.deepEqual(spec, { limits: { cpu: '300m', memory: '256Mi' }, requests: { cpu: '150m', memory: '64Mi' } });
    const st = await eventually('resize actuated', async () => {
      const s = (await api(c, 'GET', `${P}/web`)).json.status;
      return s.containerStatuses[0].resources.limits.cpu === '300m' ? s : undefined;
    });
    assert.deepEqual(st.containerStatuses[0].resources, { limits: { cpu: '300m', memory: '256Mi' }, requests: { cpu: '150m', memory: '64Mi' } });
    assert.equal(st.containerStatuses[0].restartCount, 0);
    assert.deepEqual(st.conditions.filter((x: { type: string }) => x.type.startsWith('PodResize')), []);
    const got = await api(c, 'GET', `${P}/web/resize`);
    assert.equal(got.status, 200);
    assert.equal(got.json.kind, 'Pod');
    assert.deepEqual(got.json.spec.containers[0].resources, spec);
    const mf = got.json.metadata.managedFields.find((m: { subresource?: string }) => m.subresource === 'resize');
    assert.ok(mf && /^kubectl/.test(mf.manager) && mf.operation === 'Update', JSON.stringify(got.json.metadata.managedFields));
  });

  test('a resize refused as upstream: removed request, other resource, QoS change, memory limit decrease', async () => {
    // no memory limit: a removed request would otherwise come back defaulted from the limit, as upstream's decoding does
    await running('bad', { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: '200m' } });
    const gone = await api(c, 'PATCH', `${P}/bad/resize`, { spec: { containers: [{ name: 'app', resources: { requests: { memory: null } } }] } }, SMP);
    assert.equal(gone.status, 422);
    assert.equal(gone.json.reason, 'Invalid');
    assert.equal(gone.json.message, 'Pod "bad" is invalid: spec.containers[0].resources.requests: Forbidden: resource requests cannot be removed');
    assert.deepEqual(causes(gone), ['spec.containers[0].resources.requests: Forbidden: resource requests cannot be removed']);
    const storage = await resize('bad', { spec: { containers: [{ name: 'app', resources: { limits: { 'ephemeral-storage': '1Gi' } } }] } });
    assert.equal(storage.status, 422);
    assert.equal(storage.json.message, 'Pod "bad" is invalid: spec: Forbidden: only cpu and memory resources are mutable');
    assert.deepEqual(causes(storage), ['spec: Forbidden: only cpu and memory resources are mutable']);
    const qos = await resize('bad', { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '200m', memory: '64Mi' }, limits: { memory: '64Mi' } } }] } });
    assert.equal(qos.status, 422);
    assert.deepEqual(causes(qos), [
      'spec: Invalid value: "Burstable": Pod QOS Class may not change as a result of resizing',
      'spec.containers[0].resources.limits[memory]: Forbidden: memory limits cannot be added unless resizePolicy is RestartContainer',
    ]);
    // resizePolicy is copied by the strategy but v1.33's validation allows only cpu and memory to differ
    const policy = await resize('bad', { spec: { containers: [{ name: 'app', resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'RestartContainer' }] }] } });
    assert.deepEqual(causes(policy), ['spec: Forbidden: only cpu and memory resources are mutable']);
    const added = await resize('bad', { spec: { containers: [{ name: 'app', resources: { limits: { memory: '100Mi' } } }] } });
    assert.equal(added.status, 422);
    assert.equal(added.json.message, 'Pod "bad" is invalid: spec.containers[0].resources.limits[memory]: Forbidden: memory limits cannot be added unless resizePolicy is RestartContainer');
  });

  test('through /resize other fields are dropped silently, containers may not be renamed or added; the main resource refuses a resources change', async () => {
    const pod = await running('keep', { requests: { cpu: '100m' } });
    const r = await resize('keep', { metadata: { labels: { a: 'b' } }, spec: { activeDeadlineSeconds: 30, containers: [{ name: 'app', image: 'busybox', resources: { requests: { cpu: '120m' } } }] } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    assert.equal(r.json.metadata.labels, undefined);
    assert.equal(r.json.spec.activeDeadlineSeconds, undefined);
    assert.equal(r.json.spec.containers[0].image, 'nginx');
    assert.deepEqual(r.json.spec.containers[0].resources, { requests: { cpu: '120m' } });
    // containers may not be renamed, reordered, added or removed (the request is then validated as sent)
    const renamed = await api(c, 'PATCH', `${P}/keep/resize`, [{ op: 'replace', path: '/spec/containers/0/name', value: 'other' }], { 'Content-Type': 'application/json-patch+json' });
    assert.equal(renamed.status, 422);
    assert.deepEqual(causes(renamed), ['spec.containers[0].name: Forbidden: containers may not be renamed or reordered on resize']);
    const added = await resize('keep', { spec: { containers: [{ name: 'other', image: 'busybox' }] } });
    assert.equal(added.status, 422);
    assert.deepEqual(causes(added), ['spec.containers: Forbidden: containers may not be added or removed on resize']);
    const main = await api(c, 'PATCH', `${P}/keep`, { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '140m' } } }] } }, SMP);
    assert.equal(main.status, 422);
    assert.match(main.json.message, /^Pod "keep" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`/);
    assert.equal(pod.metadata.name, 'keep');
  });

  test('a resize that can never fit the node gets PodResizePending with reason Infeasible', async () => {
    await running('huge', { requests: { cpu: '100m' } });
    const node = (await api(c, 'GET', '/api/v1/nodes')).json.items[0];
    const cap = Number(node.status.allocatable.cpu) * 1000;
    const r = await resize('huge', { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '1000' } } }] } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const cond = await eventually('PodResizePending', async () => (await api(c, 'GET', `${P}/huge`)).json.status.conditions?.find((x: { type: string }) => x.type === 'PodResizePending'));
    assert.deepEqual([cond.status, cond.reason, cond.message], ['True', 'Infeasible', `Node didn't have enough capacity: cpu, requested: 1000000, capacity: ${cap}`]);
    assert.equal(cond.lastProbeTime, null);
    // going back to what it has clears the condition
    await resize('huge', { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '100m' } } }] } });
    await eventually('condition cleared', async () => !(await api(c, 'GET', `${P}/huge`)).json.status.conditions.some((x: { type: string }) => x.type === 'PodResizePending'));
  });

  test('ResourceQuota charges a resize what it adds; LimitRanger checks a resize against its max', async () => {
    await c.k(['create', 'namespace', 'rq']);
    const pods = '/api/v1/namespaces/rq/pods';
    await eventually('default service account', async () => (await api(c, 'GET', '/api/v1/namespaces/rq/serviceaccounts/default')).status === 200);
    await running('q', { requests: { cpu: '100m' }, limits: { cpu: '200m' } }, pods);
    await api(c, 'POST', '/api/v1/namespaces/rq/resourcequotas', { metadata: { name: 'cpu' }, spec: { hard: { 'requests.cpu': '300m' } } });
    await eventually('quota used', async () => (await api(c, 'GET', '/api/v1/namespaces/rq/resourcequotas/cpu')).json.status?.used?.['requests.cpu'] === '100m');
    const over = await api(c, 'PATCH', `${pods}/q/resize`, { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '400m' }, limits: { cpu: '400m' } } }] } }, SMP);
    assert.equal(over.status, 403);
    assert.equal(over.json.reason, 'Forbidden');
    assert.equal(over.json.message, 'pods "q" is forbidden: exceeded quota: cpu, requested: requests.cpu=300m, used: requests.cpu=100m, limited: requests.cpu=300m');
    const ok = await api(c, 'PATCH', `${pods}/q/resize`, { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '250m' }, limits: { cpu: '250m' } } }] } }, SMP);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/rq/resourcequotas/cpu')).json.status.used['requests.cpu'], '250m');
    await api(c, 'POST', '/api/v1/namespaces/rq/limitranges', { metadata: { name: 'max' }, spec: { limits: [{ type: 'Container', max: { cpu: '280m' } }] } });
    const big = await eventually('LimitRange seen', async () => {
      const r = await api(c, 'PATCH', `${pods}/q/resize`, { spec: { containers: [{ name: 'app', resources: { limits: { cpu: '290m' } } }] } }, SMP);
      return r.status === 403 ? r : undefined;
    });
    assert.equal(big.json.message, 'pods "q" is forbidden: maximum cpu usage per Container is 280m, but limit is 290m');
  });

  test('PUT and server-side apply on /resize change resources; apply records its manager with subresource resize', async () => {
    const pod = await running('put', { requests: { cpu: '100m' } });
    const put = await api(c, 'PUT', `${P}/put/resize`, { ...pod, metadata: { ...pod.metadata, labels: { x: 'y' } }, spec: { ...pod.spec, containers: [{ ...pod.spec.containers[0], resources: { requests: { cpu: '110m' } } }] } });
    assert.equal(put.status, 200, JSON.stringify(put.json));
    assert.deepEqual([put.json.spec.containers[0].resources, put.json.metadata.labels], [{ requests: { cpu: '110m' } }, undefined]);
    // forced: the PUT before owns the cpu request through the same subresource
    const applied = await api(
      c,
      'PATCH',
      `${P}/put/resize?fieldManager=resizer&force=true`,
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'put' }, spec: { containers: [{ name: 'app', resources: { requests: { cpu: '120m' } } }] } },
      { 'Content-Type': 'application/apply-patch+yaml' },
    );
    assert.equal(applied.status, 200, JSON.stringify(applied.json));
    assert.deepEqual(applied.json.spec.containers[0].resources, { requests: { cpu: '120m' } });
    const mf = applied.json.metadata.managedFields.find((m: { manager: string }) => m.manager === 'resizer');
    assert.deepEqual([mf.operation, mf.subresource], ['Apply', 'resize']);
    const status = await eventually('resize actuated', async () => {
      const s = (await api(c, 'GET', `${P}/put`)).json.status.containerStatuses[0];
      return s.resources.requests.cpu === '120m' ? s : undefined;
    });
    assert.equal(status.restartCount, 0);
  });

  test('a resize that does not fit beside the other pods is Deferred, and applied once room is made', async () => {
    await running('small', { requests: { cpu: '100m' } });
    const node = (await api(c, 'GET', '/api/v1/nodes')).json.items[0];
    const cap = Number(node.status.allocatable.cpu) * 1000;
    const milli = (q: string | undefined) => (q === undefined ? 0 : q.endsWith('m') ? Number(q.slice(0, -1)) : Number(q) * 1000);
    const others = async () => {
      const all = (await api(c, 'GET', '/api/v1/pods')).json.items.filter((p: { metadata: { name: string }; status: { phase: string } }) => p.metadata.name !== 'small' && p.status.phase !== 'Succeeded' && p.status.phase !== 'Failed');
      return all.reduce((n: number, p: { spec: { containers: { resources?: { requests?: { cpu?: string } } }[] } }) => n + p.spec.containers.reduce((m, x) => m + milli(x.resources?.requests?.cpu), 0), 0);
    };
    // a pod taking what is left, then a resize of small that needs more than remains
    const used = await others();
    await running('filler', { requests: { cpu: `${cap - used - 200}m` } });
    const r = await resize('small', { spec: { containers: [{ name: 'app', resources: { requests: { cpu: '300m' } } }] } });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const cond = await eventually('PodResizePending Deferred', async () => (await api(c, 'GET', `${P}/small`)).json.status.conditions?.find((x: { type: string }) => x.type === 'PodResizePending'));
    assert.deepEqual([cond.status, cond.reason, cond.message], ['True', 'Deferred', `Node didn't have enough resource: cpu, requested: 300, used: ${cap - 200}, capacity: ${cap}`]);
    await c.k(['delete', 'pod', 'filler', '--wait=true']);
    const st = await eventually('resize applied', async () => {
      const s = (await api(c, 'GET', `${P}/small`)).json.status;
      return s.containerStatuses[0].resources.requests.cpu === '300m' ? s : undefined;
    });
    assert.deepEqual(st.conditions.filter((x: { type: string }) => x.type.startsWith('PodResize')), []);
  });
});
