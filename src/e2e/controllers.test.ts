// The in-process controllers, driven through real kubectl: they talk to the API as any client would.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';

describe('controllers', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => c?.cleanup());

  test('a new namespace gets a default ServiceAccount and kube-root-ca.crt, and gets them back when deleted', async () => {
    await c.k(['create', 'namespace', 'ctl']);
    await eventually('the default ServiceAccount', async () => ((await api(c, 'GET', '/api/v1/namespaces/ctl/serviceaccounts/default')).status === 200 ? true : undefined));
    const cm = await eventually('kube-root-ca.crt', async () => {
      const r = await api(c, 'GET', '/api/v1/namespaces/ctl/configmaps/kube-root-ca.crt');
      return r.status === 200 ? r.json : undefined;
    });
    assert.equal(cm.data['ca.crt'], c.caCertPem);
    assert.equal(cm.metadata.managedFields[0].manager, 'kube-controller-manager');
    await c.k(['delete', '-n', 'ctl', 'serviceaccount/default', 'configmap/kube-root-ca.crt']);
    await eventually('the default ServiceAccount back', async () => ((await api(c, 'GET', '/api/v1/namespaces/ctl/serviceaccounts/default')).status === 200 ? true : undefined));
    await eventually('kube-root-ca.crt back', async () => ((await api(c, 'GET', '/api/v1/namespaces/ctl/configmaps/kube-root-ca.crt')).status === 200 ? true : undefined));
    // a changed CA bundle is put right
    await c.k(['patch', '-n', 'ctl', 'configmap', 'kube-root-ca.crt', '--type=merge', '-p', '{"data":{"ca.crt":"tampered"}}']);
    await eventually('the CA bundle put right', async () => ((await api(c, 'GET', '/api/v1/namespaces/ctl/configmaps/kube-root-ca.crt')).json.data['ca.crt'] === c.caCertPem ? true : undefined));
  });

  test('deleting a namespace removes its content, reports progress in conditions and removes the namespace', async () => {
    await c.k(['create', 'namespace', 'doomed']);
    await c.k(['-n', 'doomed', 'create', 'configmap', 'a', '--from-literal=k=v']);
    await c.k(['-n', 'doomed', 'create', 'secret', 'generic', 's', '--from-literal=k=v']);
    await api(c, 'POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await c.k(['delete', 'namespace', 'doomed', '--wait=false']);
    const ns = await eventually('NamespaceFinalizersRemaining', async () => {
      const r = await api(c, 'GET', '/api/v1/namespaces/doomed');
      const conds = r.json.status?.conditions ?? [];
      return conds.some((x: { type: string; status: string }) => x.type === 'NamespaceFinalizersRemaining' && x.status === 'True') ? r.json : undefined;
    });
    assert.equal(ns.status.phase, 'Terminating');
    const byType = Object.fromEntries(ns.status.conditions.map((x: { type: string; status: string; reason: string; message: string }) => [x.type, [x.status, x.reason, x.message]]));
    assert.deepEqual(byType, {
      NamespaceDeletionDiscoveryFailure: ['False', 'ResourcesDiscovered', 'All resources successfully discovered'],
      NamespaceDeletionGroupVersionParsingFailure: ['False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
      NamespaceDeletionContentFailure: ['False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
      NamespaceContentRemaining: ['True', 'SomeResourcesRemain', 'Some resources are remaining: configmaps. has 1 resource instances'],
      NamespaceFinalizersRemaining: ['True', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances'],
    });
    // new content is refused while the namespace terminates
    const refused = await c.kubectl(['-n', 'doomed', 'create', 'configmap', 'late']);
    assert.match(refused.stderr, /forbidden: unable to create new content in namespace doomed because it is being terminated/);
    await c.k(['-n', 'doomed', 'patch', 'configmap', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await c.k(['wait', '--for=delete', 'namespace/doomed', '--timeout=20s']);
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/doomed')).status, 404);
  });

  test('a bound pod deleted with a grace period goes at once: nothing runs in it', async () => {
    await api(c, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'bound' }, spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'nginx' }] } });
    await c.k(['delete', 'pod', 'bound', '--wait=true', '--timeout=10s']);
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/default/pods/bound')).status, 404);
  });
});
