// Odds and ends of the API surface: error answers, status subresource semantics, per-kind field
// selectors, and the simulated pods' log/exec endpoints.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, table, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

describe('API surface', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.cleanup());

  test('error answers: namespace mismatch 400, wrong method 405, unknown media type 415, unknown resource 404', async () => {
    const mismatch = await api(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'x', namespace: 'kube-system' } });
    assert.equal(mismatch.status, 400);
    assert.equal(mismatch.json.reason, 'BadRequest');
    assert.equal(mismatch.json.message, 'the namespace of the provided object does not match the namespace sent on the request');
    const noNs = await api(c, 'POST', '/api/v1/configmaps', { metadata: { name: 'x' } });
    assert.equal(noNs.status, 405);
    assert.equal(noNs.json.reason, 'MethodNotAllowed');
    const media = await api(c, 'PATCH', '/api/v1/namespaces/default/configmaps/kube-root-ca.crt', '{}', { 'Content-Type': 'text/plain' });
    assert.equal(media.status, 415);
    assert.equal(media.json.reason, 'UnsupportedMediaType');
    const unknown = await api(c, 'GET', '/api/v1/namespaces/default/widgets');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.message, 'the server could not find the requested resource');
    const badJSON = await api(c, 'POST', '/api/v1/namespaces/default/configmaps', '{"metadata":');
    assert.equal(badJSON.status, 400);
    const r = await c.kubectl(['get', 'widgets']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /error: the server doesn't have a resource type "widgets"/);
  });

  test('status subresource: the main resource keeps status, /status keeps spec, generation follows spec', async () => {
    await c.k(['create', 'deployment', 'st', '--image=nginx']);
    const path = '/apis/apps/v1/namespaces/default/deployments/st';
    const s1 = await api(c, 'PATCH', `${path}/status`, { status: { replicas: 3, readyReplicas: 2 }, spec: { replicas: 9 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(s1.status, 200);
    assert.equal(s1.json.status.replicas, 3);
    assert.equal(s1.json.spec.replicas, 1);
    assert.equal(s1.json.metadata.generation, 1);
    const m1 = await api(c, 'PATCH', path, { status: { replicas: 7 }, spec: { replicas: 2 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(m1.json.status.replicas, 3);
    assert.equal(m1.json.spec.replicas, 2);
    assert.equal(m1.json.metadata.generation, 2);
    const m2 = await api(c, 'PATCH', path, { metadata: { labels: { a: 'b' } } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(m2.json.metadata.generation, 2);
    const rows = table(await c.k(['get', 'deploy', 'st']));
    assert.deepEqual(rows[1].slice(0, 4), ['st', '2/2', '0', '0']);
  });

  test('kind-specific field selectors: pods by status.phase and spec.nodeName, secrets by type', async () => {
    await c.k(['run', 'fs-a', '--image=nginx']);
    await c.k(['run', 'fs-b', '--image=nginx', '--overrides', '{"spec":{"nodeName":"n1"}}']);
    const pending = table(await c.k(['get', 'pods', '--field-selector', 'status.phase=Pending', '-o', 'name']));
    assert.deepEqual(pending.map((r) => r[0]).sort(), ['pod/fs-a', 'pod/fs-b']);
    const onNode = await c.k(['get', 'pods', '--field-selector', 'spec.nodeName=n1', '-o', 'name']);
    assert.equal(onNode.trim(), 'pod/fs-b');
    await c.k(['create', 'secret', 'generic', 'opaque-one', '--from-literal=a=b']);
    const secrets = await c.k(['get', 'secrets', '--field-selector', 'type=Opaque', '-o', 'name']);
    assert.equal(secrets.trim(), 'secret/opaque-one');
    const bad = await c.kubectl(['get', 'pods', '--field-selector', 'spec.image=x']);
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr.trim(), 'Error from server (BadRequest): Unable to find "/v1, Resource=pods" that match label selector "", field selector "spec.image=x": field label not supported: spec.image');
  });

  test('logs and exec on simulated pods answer a clear 400', async () => {
    // fs-b was placed on a node whose kubelet has not started it; fs-a is on no node (an empty log, as upstream)
    const logs = await c.kubectl(['logs', 'fs-b']);
    assert.equal(logs.code, 1);
    assert.equal(logs.stderr.trim(), 'Error from server (BadRequest): container "fs-b" in pod "fs-b" is waiting to start: ContainerCreating');
    assert.deepEqual(await c.kubectl(['logs', 'fs-a']), { code: 0, stdout: '', stderr: '' });
    const exec = await api(c, 'POST', '/api/v1/namespaces/default/pods/fs-a/exec?command=ls&stdout=true');
    assert.equal(exec.status, 400);
    assert.equal(exec.json.message, 'minikapi simulates pods: pod "fs-a" has no running containers, so exec is not possible');
  });
});

describe('quantities', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.cleanup());

  test('resource quantities are stored in canonical form, and QoS compares their values', async () => {
    const spec = { containers: [{ name: 'q', image: 'nginx', resources: { requests: { cpu: '1000m', memory: '1024Mi' }, limits: { cpu: 1, memory: '1Gi' } } }] };
    await c.k(['run', 'q', '--image=nginx', `--overrides=${JSON.stringify({ spec })}`]);
    const pod = JSON.parse(await c.k(['get', 'pod', 'q', '-o', 'json']));
    assert.deepEqual(pod.spec.containers[0].resources, { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } });
    assert.equal(pod.status.qosClass, 'Guaranteed');
    await c.k(['create', 'quota', 'qq', '--hard=cpu=1500m,memory=1.5Gi,pods=10']);
    assert.deepEqual(JSON.parse(await c.k(['get', 'quota', 'qq', '-o', 'json'])).spec.hard, { cpu: '1500m', memory: '1536Mi', pods: '10' });
  });
});
