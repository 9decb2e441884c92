// Subresources with their own logic, driven by real kubectl: certificate approval, bindings, eviction
// (kubectl drain), scale, and system objects that refuse deletion.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTestCluster, TESTDATA, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

describe('subresources', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.cleanup());

  test('kubectl certificate approve and deny set the conditions through /approval', async () => {
    await c.k(['create', '-f', join(TESTDATA, 'builtins', 'csr.yaml')]);
    const name = JSON.parse(await c.k(['create', '-f', join(TESTDATA, 'builtins', 'csr.yaml'), '--dry-run=client', '-o', 'json'])).metadata.name;
    assert.equal((await c.k(['certificate', 'approve', name])).trim(), `certificatesigningrequest.certificates.k8s.io/${name} approved`);
    const csr = JSON.parse(await c.k(['get', 'csr', name, '-o', 'json']));
    assert.equal(csr.status.conditions[0].type, 'Approved');
    assert.equal(csr.status.conditions[0].status, 'True');
    assert.equal(csr.status.conditions[0].reason, 'KubectlApprove');
    const rows = (await c.k(['get', 'csr', name, '--no-headers'])).trim().split(/\s+/);
    // the csrsigning controller may have issued it already
    assert.match(rows[rows.length - 1]!, /^Approved(,Issued)?$/);
  });

  test('POST pods/<name>/binding assigns the node; a second binding is 409', async () => {
    await c.k(['run', 'bindme', '--image=nginx']);
    const b = { apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bindme' }, target: { apiVersion: 'v1', kind: 'Node', name: 'node-1' } };
    const r = await api(c, 'POST', '/api/v1/namespaces/default/pods/bindme/binding', b);
    assert.equal(r.status, 201);
    assert.equal(r.json.status, 'Success');
    assert.equal(JSON.parse(await c.k(['get', 'pod', 'bindme', '-o', 'json'])).spec.nodeName, 'node-1');
    const again = await api(c, 'POST', '/api/v1/namespaces/default/bindings', b);
    assert.equal(again.status, 409);
    assert.equal(again.json.reason, 'Conflict');
  });

  test('kubectl logs: container choice as upstream, waiting containers refuse, running ones give a synthetic line', async () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'logger' }, spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'side', image: 'busybox' }] } };
    assert.equal((await api(c, 'POST', '/api/v1/namespaces/default/pods', pod)).status, 201);
    // kubectl picks the first container itself; the API asks for one
    const none = await api(c, 'GET', '/api/v1/namespaces/default/pods/logger/log');
    assert.equal(none.status, 400);
    assert.equal(none.json.message, 'a container name must be specified for pod logger, choose one of: [app side]');
    const wrong = await api(c, 'GET', '/api/v1/namespaces/default/pods/logger/log?container=nope');
    assert.equal(wrong.status, 400);
    assert.equal(wrong.json.message, 'container nope is not valid for pod logger');
    const waiting = await c.kubectl(['logs', 'logger', '-c', 'app']);
    assert.equal(waiting.stderr, 'Error from server (BadRequest): container "app" in pod "logger" is waiting to start: ContainerCreating\n');
    const startedAt = '2026-12-04T03:00:00Z';
    const status = { status: { phase: 'Running', containerStatuses: ['app', 'side'].map((name) => ({ name, image: 'x', imageID: '', ready: true, restartCount: 0, state: { running: { startedAt } } })) } };
    assert.equal((await api(c, 'PATCH', '/api/v1/namespaces/default/pods/logger/status', status, { 'Content-Type': 'application/merge-patch+json' })).status, 200);
    assert.equal(await c.k(['logs', 'logger', '-c', 'app']), 'minikapi: container "app" (image nginx:1.27) runs simulated on node "node-1"; it writes no output\n');
    assert.equal(await c.k(['logs', 'logger', '-c', 'side', '--timestamps']), '2026-12-04T03:00:00.000000000Z minikapi: container "side" (image busybox) runs simulated on node "node-1"; it writes no output\n');
    // --previous: the kubelet's refusal while the container never terminated, the earlier run's start once it did
    const noPrevious = await c.kubectl(['logs', 'logger', '-c', 'app', '--previous']);
    assert.equal(noPrevious.stderr, 'Error from server (BadRequest): previous terminated container "app" in pod "logger" not found\n');
    const restarted = { status: { containerStatuses: [
      { name: 'app', image: 'x', imageID: '', ready: true, restartCount: 1, state: { running: { startedAt: '2026-12-04T03:05:00Z' } }, lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt, finishedAt: '2026-12-04T03:04:00Z', containerID: 'minikapi://1' } } },
      { name: 'side', image: 'x', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } },
    ] } };
    assert.equal((await api(c, 'PATCH', '/api/v1/namespaces/default/pods/logger/status', restarted, { 'Content-Type': 'application/merge-patch+json' })).status, 200);
    assert.equal(await c.k(['logs', 'logger', '-c', 'app', '--previous', '--timestamps']), '2026-12-04T03:00:00.000000000Z minikapi: container "app" (image nginx:1.27) runs simulated on node "node-1"; it writes no output\n');
    const backOff = await c.kubectl(['logs', 'logger', '-c', 'side']);
    assert.equal(backOff.stderr, 'Error from server (BadRequest): container "side" in pod "logger" is waiting to start: trying and failing to pull image\n');
    // a pod on no node has no kubelet to ask: an empty log
    await api(c, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'unplaced' }, spec: { containers: [{ name: 'app', image: 'nginx' }] } });
    const empty = await c.kubectl(['logs', 'unplaced']);
    assert.deepEqual([empty.code, empty.stdout, empty.stderr], [0, '', '']);
  });

  test('kubectl drain evicts pods through pods/<name>/eviction', async () => {
    await api(c, 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-2' } });
    await c.k(['run', 'evictme', '--image=nginx', '--overrides', '{"spec":{"nodeName":"node-2"}}']);
    const r = await c.kubectl(['drain', 'node-2', '--force', '--timeout=20s']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /node\/node-2 cordoned/);
    assert.match(r.stdout, /pod\/evictme evicted/);
    assert.match(r.stdout, /node\/node-2 drained/);
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/default/pods/evictme')).status, 404);
    assert.equal(JSON.parse(await c.k(['get', 'node', 'node-2', '-o', 'json'])).spec.unschedulable, true);
  });

  test('kubectl scale goes through /scale', async () => {
    await c.k(['create', 'deployment', 'sc', '--image=nginx']);
    assert.equal((await c.k(['scale', 'deployment', 'sc', '--replicas=4'])).trim(), 'deployment.apps/sc scaled');
    const d = JSON.parse(await c.k(['get', 'deploy', 'sc', '-o', 'json', '--show-managed-fields']));
    assert.equal(d.spec.replicas, 4);
    const scaleEntry = d.metadata.managedFields.find((m: { subresource?: string }) => m.subresource === 'scale');
    assert.equal(scaleEntry.operation, 'Update');
    assert.deepEqual(scaleEntry.fieldsV1, { 'f:spec': { 'f:replicas': {} } });
    const bad = await api(c, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/sc/scale', { spec: { replicas: -1 } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.details.causes[0].field, 'spec.replicas');
  });

  test('system priority classes cannot be deleted', async () => {
    const r = await c.kubectl(['delete', 'priorityclass', 'system-node-critical']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): priorityclasses.scheduling.k8s.io "system-node-critical" is forbidden: this is a system priority class and cannot be deleted');
  });

  test('create-only kinds refuse other verbs with 405', async () => {
    const r = await api(c, 'GET', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews');
    assert.equal(r.status, 405);
    assert.equal(r.json.message, 'the server does not allow this method on the requested resource');
  });
});
