// ResourceQuota (admission and the resourcequota controller) through real kubectl: refusals with upstream's
// text, status.used kept by admission and recomputed by the controller when objects go.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { API_TEST_CONTROLLERS, startTestCluster, table, type TestCluster } from '../testing/harness.js';
import { eventually } from '../testing/eventually.js';


// kubectl each poll: every 100 ms
const until = (what: string, fn: () => Promise<boolean>, ms = 20_000) => eventually(what, fn, ms, 100);

const quota = (name: string, ns: string, hard: Record<string, string>, spec: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name, namespace: ns }, spec: { hard, ...spec } });

describe('resource quota', () => {
  let c: TestCluster;
  const used = async (ns: string, name: string) => JSON.parse(await c.k(['get', 'quota', name, '-n', ns, '-o', 'json'])).status?.used;
  const create = async (ns: string, name: string, hard: Record<string, string>, spec: Record<string, unknown> = {}) => {
    await c.k(['create', '-f', '-'], { stdin: quota(name, ns, hard, spec) });
    await until(`status of ${name}`, async () => (await used(ns, name)) !== undefined);
  };
  before(async () => {
    c = await startTestCluster({ name: 'quota', controllers: API_TEST_CONTROLLERS.replace(',-resourcequota', '') });
  });
  after(() => c?.cleanup());

  test('a pods quota of 2 refuses the third kubectl run with upstream text; deleting a pod frees it', async () => {
    await c.k(['create', 'namespace', 'q1']);
    await create('q1', 'q', { pods: '2', configmaps: '10' });
    assert.deepEqual(await used('q1', 'q'), { configmaps: '1', pods: '0' });
    await c.k(['run', 'p1', '--image=nginx', '-n', 'q1']);
    await c.k(['run', 'p2', '--image=nginx', '-n', 'q1']);
    const r = await c.kubectl(['run', 'p3', '--image=nginx', '-n', 'q1']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (Forbidden): pods "p3" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2\n');
    const rows = table(await c.k(['get', 'quota', '-n', 'q1']));
    assert.deepEqual(rows[0], ['NAME', 'AGE', 'REQUEST', 'LIMIT']);
    assert.equal(rows[1][0], 'q');
    assert.equal(rows[1][2], 'configmaps: 1/10, pods: 2/2');
    const described = await c.k(['describe', 'quota', 'q', '-n', 'q1']);
    assert.match(described, /Resource\s+Used\s+Hard\n-+\s+-+\s+-+\nconfigmaps\s+1\s+10\npods\s+2\s+2\n/);
    await c.k(['delete', 'pod', 'p1', '-n', 'q1', '--grace-period=0', '--force']);
    await until('the controller to free the pod', async () => (await used('q1', 'q')).pods === '1');
    assert.equal(await c.k(['run', 'p3', '--image=nginx', '-n', 'q1']), 'pod/p3 created\n');
  });

  test('a quota on cpu limits refuses a pod whose containers do not set them; usage sums canonically', async () => {
    await c.k(['create', 'namespace', 'q2']);
    await create('q2', 'compute', { 'limits.cpu': '1', 'requests.memory': '1Gi' });
    const r = await c.kubectl(['run', 'bare', '--image=nginx', '-n', 'q2']);
    assert.equal(r.stderr, 'Error from server (Forbidden): pods "bare" is forbidden: failed quota: compute: must specify limits.cpu for: bare; requests.memory for: bare\n');
    const pod = (name: string, cpu: string) => JSON.stringify({
      apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'q2' },
      spec: { containers: [{ name: 'c', image: 'nginx', resources: { limits: { cpu }, requests: { memory: '256Mi' } } }] },
    });
    await c.k(['create', '-f', '-'], { stdin: pod('a', '500m') });
    await c.k(['create', '-f', '-'], { stdin: pod('b', '250m') });
    assert.deepEqual(await used('q2', 'compute'), { 'limits.cpu': '750m', 'requests.memory': '512Mi' });
    const over = await c.kubectl(['create', '-f', '-'], { stdin: pod('c', '500m') });
    assert.equal(over.stderr, 'Error from server (Forbidden): error when creating "STDIN": pods "c" is forbidden: exceeded quota: compute, requested: limits.cpu=500m, used: limits.cpu=750m, limited: limits.cpu=1\n');
    assert.equal(table(await c.k(['get', 'quota', 'compute', '-n', 'q2']))[1].slice(2).join('|'), 'requests.memory: 512Mi/1Gi|limits.cpu: 750m/1');
  });

  test('scoped quotas count only their pods; count/<resource>.<group> counts any resource', async () => {
    await c.k(['create', 'namespace', 'q3']);
    await create('q3', 'besteffort', { pods: '1' }, { scopes: ['BestEffort'] });
    await create('q3', 'deploys', { 'count/deployments.apps': '1' });
    await c.k(['run', 'be1', '--image=nginx', '-n', 'q3']);
    const r = await c.kubectl(['run', 'be2', '--image=nginx', '-n', 'q3']);
    assert.equal(r.stderr, 'Error from server (Forbidden): pods "be2" is forbidden: exceeded quota: besteffort, requested: pods=1, used: pods=1, limited: pods=1\n');
    assert.equal(await c.k(['run', 'burst', '--image=nginx', '-n', 'q3', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'burst', image: 'nginx', resources: { requests: { cpu: '100m' } } }] } })]), 'pod/burst created\n');
    await c.k(['create', 'deployment', 'd1', '--image=nginx', '-n', 'q3']);
    const d = await c.kubectl(['create', 'deployment', 'd2', '--image=nginx', '-n', 'q3']);
    assert.equal(d.stderr, 'error: failed to create deployment: deployments.apps "d2" is forbidden: exceeded quota: deploys, requested: count/deployments.apps=1, used: count/deployments.apps=1, limited: count/deployments.apps=1\n');
  });

  test('an update is charged what it adds: a service turned NodePort needs node ports in the quota', async () => {
    await c.k(['create', 'namespace', 'q4']);
    await create('q4', 'np', { 'services.nodeports': '1', services: '5' });
    await c.k(['create', 'service', 'clusterip', 'web', '--tcp=80:80,443:443', '-n', 'q4']);
    assert.deepEqual(await used('q4', 'np'), { services: '1', 'services.nodeports': '0' });
    const r = await c.kubectl(['patch', 'service', 'web', '-n', 'q4', '-p', '{"spec":{"type":"NodePort"}}']);
    assert.equal(r.stderr, 'Error from server (Forbidden): services "web" is forbidden: exceeded quota: np, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1\n');
    assert.equal(await c.k(['create', 'service', 'nodeport', 'one', '--tcp=80:80', '-n', 'q4']), 'service/one created\n');
    assert.deepEqual(await used('q4', 'np'), { services: '2', 'services.nodeports': '1' });
  });

  test('parallel creates never take a quota past hard', async () => {
    await c.k(['create', 'namespace', 'q5']);
    await create('q5', 'sec', { secrets: '3' });
    const results = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => c.kubectl(['create', 'secret', 'generic', `s${i}`, '--from-literal=a=b', '-n', 'q5'])));
    assert.equal(results.filter((r) => r.code === 0).length, 3);
    for (const r of results.filter((x) => x.code !== 0)) assert.match(r.stderr, /^error: failed to create secret secrets "s\d" is forbidden: exceeded quota: sec, requested: secrets=1, used: secrets=3, limited: secrets=3\n$/);
    assert.deepEqual(await used('q5', 'sec'), { secrets: '3' });
  });
});

describe('limit ranger', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ name: 'limits', controllers: API_TEST_CONTROLLERS.replace(',-resourcequota', '') });
    await c.k(['create', 'namespace', 'lr']);
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'defaults', namespace: 'lr' },
        spec: { limits: [{ type: 'Container', default: { cpu: '500m', memory: '128Mi' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' }, min: { memory: '64Mi' } }] },
      }),
    });
  });
  after(() => c?.cleanup());

  test('a pod without resources gets the defaults and the kubernetes.io/limit-ranger annotation', async () => {
    await c.k(['run', 'plain', '--image=nginx', '-n', 'lr']);
    const pod = JSON.parse(await c.k(['get', 'pod', 'plain', '-n', 'lr', '-o', 'json']));
    assert.deepEqual(pod.spec.containers[0].resources, { limits: { cpu: '500m', memory: '128Mi' }, requests: { cpu: '100m', memory: '128Mi' } });
    assert.equal(pod.metadata.annotations['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu, memory request for container plain; cpu, memory limit for container plain');
  });

  test('max and min are enforced with upstream messages', async () => {
    const big = await c.kubectl(['run', 'big', '--image=nginx', '-n', 'lr', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'big', image: 'nginx', resources: { limits: { cpu: '2' } } }] } })]);
    assert.equal(big.stderr, 'Error from server (Forbidden): pods "big" is forbidden: maximum cpu usage per Container is 1, but limit is 2\n');
    const small = await c.kubectl(['run', 'small', '--image=nginx', '-n', 'lr', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'small', image: 'nginx', resources: { limits: { cpu: '2', memory: '32Mi' } } }] } })]);
    assert.equal(small.stderr, 'Error from server (Forbidden): pods "small" is forbidden: [minimum memory usage per Container is 64Mi, but request is 32Mi, maximum cpu usage per Container is 1, but limit is 2]\n');
  });

  test('defaults satisfy a quota that requires limits', async () => {
    await c.k(['create', '-f', '-'], { stdin: quota('compute', 'lr', { 'limits.cpu': '1' }) });
    await until('quota status', async () => JSON.parse(await c.k(['get', 'quota', 'compute', '-n', 'lr', '-o', 'json'])).status?.used !== undefined);
    assert.equal(await c.k(['run', 'quoted', '--image=nginx', '-n', 'lr']), 'pod/quoted created\n');
    const q = JSON.parse(await c.k(['get', 'quota', 'compute', '-n', 'lr', '-o', 'json']));
    assert.equal(q.status.used['limits.cpu'], '1');
  });
});
