// metrics.k8s.io/v1beta1 as metrics-server serves it, from simulated usage (pod annotations): kubectl top pod and
// kubectl top node print as against a cluster with metrics-server, and the API answers lists, gets and errors.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;


const pod = (name: string, annotations: Record<string, string>, containers = ['app']) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'top', annotations, labels: { app: 'top' } }, spec: { containers: containers.map((n) => ({ name: n, image: 'nginx' })) } });

describe('metrics.k8s.io', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: 'node-simulator,kubelet-simulator,default-scheduler,node-lifecycle' });
    await c.k(['create', 'namespace', 'top']);
    await c.k(['create', '-f', '-'], { stdin: pod('busy', { 'minikapi.dev/cpu-usage': '250m', 'minikapi.dev/memory-usage': '64Mi' }) });
    await c.k(['create', '-f', '-'], { stdin: pod('idle', {}, ['a', 'b']) });
    await eventually('running pods', async () => {
      const items: Obj[] = (await api(c, 'GET', '/api/v1/namespaces/top/pods')).json.items;
      return items.length === 2 && items.every((p) => p.status?.phase === 'Running');
    });
  });
  after(() => c?.cleanup());

  test('kubectl top pod prints each running pod\'s usage as with metrics-server', async () => {
    assert.equal(await c.k(['-n', 'top', 'top', 'pod']), 'NAME   CPU(cores)   MEMORY(bytes)   \nbusy   250m         64Mi            \nidle   2m           8Mi             \n');
    assert.equal(await c.k(['-n', 'top', 'top', 'pod', 'busy', '--containers']), 'POD    NAME   CPU(cores)   MEMORY(bytes)   \nbusy   app    250m         64Mi            \n');
  });

  test('kubectl top node sums the node\'s running pods and its base usage', async () => {
    // 100m + 250m + 2 × 1m of 2 CPUs; 512Mi + 64Mi + 2 × 4Mi of 24683756Ki
    assert.equal(
      await c.k(['top', 'node']),
      'NAME                     CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   \nminikapi-control-plane   352m         17%      584Mi           2%          \n',
    );
    const m: Obj = (await api(c, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes/minikapi-control-plane')).json;
    assert.equal(m.kind, 'NodeMetrics');
    assert.deepEqual(m.usage, { cpu: '352m', memory: '584Mi' });
    assert.equal(m.metadata.labels['kubernetes.io/hostname'], 'minikapi-control-plane');
    const missing = await api(c, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'nodes "nope" not found');
  });

  test('PodMetrics and NodeMetrics objects carry the pod\'s labels, a timestamp, the window and the containers', async () => {
    const m: Obj = (await api(c, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/top/pods/busy')).json;
    assert.equal(m.kind, 'PodMetrics');
    assert.equal(m.apiVersion, 'metrics.k8s.io/v1beta1');
    assert.deepEqual(m.metadata.labels, { app: 'top' });
    assert.equal(m.window, '15s');
    assert.match(m.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.deepEqual(m.containers, [{ name: 'app', usage: { cpu: '250m', memory: '64Mi' } }]);
    const list: Obj = (await api(c, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/top/pods?labelSelector=app%3Dtop')).json;
    assert.equal(list.kind, 'PodMetricsList');
    assert.deepEqual(list.items.map((i: Obj) => i.metadata.name), ['busy', 'idle']);
    assert.deepEqual(list.items[1].containers, [{ name: 'a', usage: { cpu: '1m', memory: '4Mi' } }, { name: 'b', usage: { cpu: '1m', memory: '4Mi' } }]);
  });

  test('a missing pod is NotFound as the pod lister says; a pod without metrics as podmetrics', async () => {
    const missing = await api(c, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/top/pods/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.message, 'pods "nope" not found');
    await c.k(['-n', 'top', 'create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pending', namespace: 'top' }, spec: { nodeName: 'no-such-node', containers: [{ name: 'x', image: 'x' }] } }) });
    const pending = await api(c, 'GET', '/apis/metrics.k8s.io/v1beta1/namespaces/top/pods/pending');
    assert.equal(pending.status, 404);
    assert.equal(pending.json.message, 'podmetrics.metrics.k8s.io "top/pending" not found');
    const r = await c.kubectl(['-n', 'top', 'top', 'pod', 'pending']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (NotFound): podmetrics.metrics.k8s.io "top/pending" not found\n');
  });

  test('kubectl get podmetrics prints metrics-server\'s table', async () => {
    const out = await c.k(['-n', 'top', 'get', 'pods.metrics.k8s.io', 'busy']);
    assert.equal(out, 'NAME   CPU    MEMORY   WINDOW\nbusy   250m   64Mi     15s\n');
  });
  test('a node that is not Ready has no NodeMetrics and kubectl top node shows it as unknown', async () => {
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'zz-down' } }) });
    const r = await api(c, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes/zz-down');
    assert.equal(r.status, 404);
    assert.equal(r.json.message, 'nodemetrics.metrics.k8s.io "zz-down" not found');
    const list: Obj = (await api(c, 'GET', '/apis/metrics.k8s.io/v1beta1/nodes')).json;
    assert.deepEqual(list.items.map((n: Obj) => n.metadata.name), ['minikapi-control-plane']);
    const out = await c.k(['top', 'node']);
    assert.equal(out.split('\n')[2], 'zz-down                  <unknown>    <unknown>   <unknown>       <unknown>   ');
  });
});
