// @kubernetes/client-node against minikapi: typed CRUD, and an informer living on list+watch.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as k8s from '@kubernetes/client-node';
import { startTestCluster, type TestCluster } from '../testing/harness.js';

describe('@kubernetes/client-node', () => {
  let c: TestCluster;
  let kc: k8s.KubeConfig;
  before(async () => {
    c = await startTestCluster();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfigPath);
  });
  after(() => c?.cleanup());

  test('typed clients create, read, replace and delete', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    await core.createNamespace({ body: { metadata: { name: 'cn' } } });
    const created = await core.createNamespacedConfigMap({ namespace: 'cn', body: { metadata: { name: 'a' }, data: { x: '1' } } });
    assert.equal(created.metadata?.namespace, 'cn');
    const got = await core.readNamespacedConfigMap({ namespace: 'cn', name: 'a' });
    got.data = { x: '2' };
    const replaced = await core.replaceNamespacedConfigMap({ namespace: 'cn', name: 'a', body: got });
    assert.equal(replaced.data?.x, '2');
    assert.ok(Number(replaced.metadata?.resourceVersion) > Number(created.metadata?.resourceVersion));
    await assert.rejects(core.replaceNamespacedConfigMap({ namespace: 'cn', name: 'a', body: got }), (e: unknown) => {
      const err = e as { code?: number; body?: string };
      assert.equal(err.code, 409);
      assert.equal(JSON.parse(err.body!).reason, 'Conflict');
      return true;
    });
    const d = await apps.createNamespacedDeployment({ namespace: 'cn', body: { metadata: { name: 'd' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } } });
    assert.equal(d.spec?.replicas, 1);
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'cn', name: 'd' });
    assert.equal(scale.spec?.replicas, 1);
    assert.equal(scale.status?.selector, 'a=b');
    await core.deleteNamespacedConfigMap({ namespace: 'cn', name: 'a' });
    await assert.rejects(core.readNamespacedConfigMap({ namespace: 'cn', name: 'a' }), (e: unknown) => (e as { code?: number }).code === 404);
  });

  test('an informer sees add, update and delete and keeps its cache in sync', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'inf' } } });
    await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'before' }, data: { v: '0' } } });
    const informer = k8s.makeInformer(kc, '/api/v1/namespaces/inf/configmaps', () => core.listNamespacedConfigMap({ namespace: 'inf' }));
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name} ${(o as k8s.V1ConfigMap).data?.v}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name}`));
    await informer.start();
    try {
      await core.createNamespacedConfigMap({ namespace: 'inf', body: { metadata: { name: 'after' }, data: { v: '1' } } });
      await core.patchNamespacedConfigMap({ namespace: 'inf', name: 'after', body: { data: { v: '2' } } }, k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch));
      await core.deleteNamespacedConfigMap({ namespace: 'inf', name: 'before' });
      const deadline = Date.now() + 10_000;
      while (!seen.includes('delete before') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(seen.includes('add before'), seen.join(', '));
      assert.ok(seen.includes('add after'), seen.join(', '));
      assert.ok(seen.includes('update after 2'), seen.join(', '));
      assert.ok(seen.includes('delete before'), seen.join(', '));
      const names = informer.list('inf').map((o) => o.metadata?.name).sort();
      assert.deepEqual(names, ['after', 'kube-root-ca.crt']);
    } finally {
      await informer.stop();
    }
  });
});
