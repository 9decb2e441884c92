// The garbage collector through real kubectl: background, foreground and orphan cascading deletion of
// built-in and custom resources, as on a real cluster.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';


const ownedBy = (owner: { kind: string; apiVersion: string; name: string; uid: string }, block = false) => [{ apiVersion: owner.apiVersion, kind: owner.kind, name: owner.name, uid: owner.uid, ...(block ? { blockOwnerDeletion: true } : {}) }];

describe('garbage collection', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => c?.cleanup());

  const cmPath = (ns: string, name: string) => `/api/v1/namespaces/${ns}/configmaps/${name}`;
  const gone = (path: string) => async () => ((await api(c, 'GET', path)).status === 404 ? true : undefined);

  async function configMap(ns: string, name: string, ownerReferences?: unknown[], finalizers?: string[]) {
    const r = await api(c, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name, ownerReferences, finalizers } });
    assert.equal(r.status, 201, r.text);
    return { apiVersion: 'v1', kind: 'ConfigMap', name, uid: r.json.metadata.uid as string };
  }

  test('kubectl delete of an owner ConfigMap deletes its dependent ConfigMap (background)', async () => {
    const owner = await configMap('default', 'bg-owner');
    await configMap('default', 'bg-dep', ownedBy(owner));
    await configMap('default', 'bg-dep2', ownedBy(owner, true));
    await c.k(['delete', 'configmap', 'bg-owner']);
    await eventually('bg-dep to go', gone(cmPath('default', 'bg-dep')));
    await eventually('bg-dep2 to go', gone(cmPath('default', 'bg-dep2')));
  });

  test('a dependent whose owner never existed (or has another uid) is deleted; one with a live owner stays', async () => {
    const owner = await configMap('default', 'live-owner');
    await configMap('default', 'orphaned-at-birth', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'nobody', uid: '00000000-0000-0000-0000-000000000001' }]);
    await configMap('default', 'wrong-uid', [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'live-owner', uid: '00000000-0000-0000-0000-000000000002' }]);
    await configMap('default', 'kept', ownedBy(owner));
    await eventually('orphaned-at-birth to go', gone(cmPath('default', 'orphaned-at-birth')));
    await eventually('wrong-uid to go', gone(cmPath('default', 'wrong-uid')));
    assert.equal((await api(c, 'GET', cmPath('default', 'kept'))).status, 200);
  });

  test('a dependent with one live owner and one gone loses the reference to the gone one and stays', async () => {
    const a = await configMap('default', 'two-a');
    const b = await configMap('default', 'two-b');
    await configMap('default', 'two-dep', [...ownedBy(a), ...ownedBy(b)]);
    await c.k(['delete', 'configmap', 'two-a']);
    const dep = await eventually('the reference to two-a to go', async () => {
      const r = await api(c, 'GET', cmPath('default', 'two-dep'));
      return r.json.metadata.ownerReferences?.length === 1 ? r.json : undefined;
    });
    assert.deepEqual(dep.metadata.ownerReferences, ownedBy(b));
  });

  test('kubectl delete --cascade=foreground keeps the owner with a deletionTimestamp until blocking dependents are gone', async () => {
    const owner = await configMap('default', 'fg-owner');
    await configMap('default', 'fg-dep', ownedBy(owner, true), ['example.com/hold']);
    await c.k(['delete', 'configmap', 'fg-owner', '--cascade=foreground', '--wait=false']);
    const o = await eventually('fg-dep to be deleted', async () => {
      const d = await api(c, 'GET', cmPath('default', 'fg-dep'));
      return d.json.metadata.deletionTimestamp ? (await api(c, 'GET', cmPath('default', 'fg-owner'))).json : undefined;
    });
    assert.ok(o.metadata.deletionTimestamp);
    assert.deepEqual(o.metadata.finalizers, ['foregroundDeletion']);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await api(c, 'GET', cmPath('default', 'fg-owner'))).status, 200);
    await c.k(['patch', 'configmap', 'fg-dep', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    await eventually('fg-owner to go', gone(cmPath('default', 'fg-owner')));
  });

  test('kubectl delete --cascade=foreground waits until kubectl sees the owner gone', async () => {
    const owner = await configMap('default', 'fgw-owner');
    await configMap('default', 'fgw-dep', ownedBy(owner, true));
    const start = Date.now();
    const out = await c.k(['delete', 'configmap', 'fgw-owner', '--cascade=foreground']);
    assert.equal(out, 'configmap "fgw-owner" deleted\n');
    assert.ok(Date.now() - start < 2_000, `took ${Date.now() - start} ms`);
    assert.equal((await api(c, 'GET', cmPath('default', 'fgw-dep'))).status, 404);
  });

  test('kubectl delete --cascade=orphan keeps dependents with the owner reference removed', async () => {
    const owner = await configMap('default', 'or-owner');
    const other = await configMap('default', 'or-other');
    await configMap('default', 'or-dep', [...ownedBy(owner, true), ...ownedBy(other)]);
    await configMap('default', 'or-dep2', ownedBy(owner));
    await c.k(['delete', 'configmap', 'or-owner', '--cascade=orphan']);
    await eventually('or-owner to go', gone(cmPath('default', 'or-owner')));
    assert.deepEqual((await api(c, 'GET', cmPath('default', 'or-dep'))).json.metadata.ownerReferences, ownedBy(other));
    const dep2 = await api(c, 'GET', cmPath('default', 'or-dep2'));
    assert.equal(dep2.status, 200);
    assert.equal(dep2.json.metadata.ownerReferences, undefined);
  });

  test('a cluster-scoped owner (a ClusterRole) takes its namespaced dependents along', async () => {
    const r = await api(c, 'POST', '/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'gc-owner' }, rules: [] });
    assert.equal(r.status, 201, r.text);
    const owner = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'gc-owner', uid: r.json.metadata.uid };
    await configMap('default', 'cs-dep', ownedBy(owner));
    await c.k(['create', 'namespace', 'gc-other']);
    await configMap('gc-other', 'cs-dep', ownedBy(owner));
    await new Promise((res) => setTimeout(res, 300));
    assert.equal((await api(c, 'GET', cmPath('gc-other', 'cs-dep'))).status, 200);
    await c.k(['delete', 'clusterrole', 'gc-owner']);
    await eventually('cs-dep in default to go', gone(cmPath('default', 'cs-dep')));
    await eventually('cs-dep in gc-other to go', gone(cmPath('gc-other', 'cs-dep')));
  });

  test('a namespaced owner in another namespace is no owner: the dependent is deleted, the owner stays', async () => {
    await c.k(['create', 'namespace', 'gc-x']);
    const owner = await configMap('gc-x', 'x-owner');
    await configMap('default', 'x-dep', ownedBy(owner));
    await eventually('x-dep to go', gone(cmPath('default', 'x-dep')));
    assert.equal((await api(c, 'GET', cmPath('gc-x', 'x-owner'))).status, 200);
  });

  test('custom resources: a custom owner takes custom and built-in dependents, in each cascade mode', async () => {
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.gc.example.com' },
      spec: { group: 'gc.example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }] },
    };
    await c.k(['apply', '-f', '-'], { stdin: JSON.stringify(crd) });
    await c.k(['wait', '--for=condition=Established', 'crd/widgets.gc.example.com']);
    const path = (name: string) => `/apis/gc.example.com/v1/namespaces/default/widgets/${name}`;
    const widget = async (name: string, ownerReferences?: unknown[]) => {
      const r = await eventually('widgets to be served', async () => {
        const res = await api(c, 'POST', '/apis/gc.example.com/v1/namespaces/default/widgets', { apiVersion: 'gc.example.com/v1', kind: 'Widget', metadata: { name, ownerReferences } });
        return res.status === 404 ? undefined : res;
      });
      assert.equal(r.status, 201, r.text);
      return { apiVersion: 'gc.example.com/v1', kind: 'Widget', name, uid: r.json.metadata.uid as string };
    };
    const bg = await widget('bg');
    await widget('bg-dep', ownedBy(bg));
    await configMap('default', 'w-bg-dep', ownedBy(bg));
    await c.k(['delete', 'widget', 'bg']);
    await eventually('the custom dependent to go', gone(path('bg-dep')));
    await eventually('the built-in dependent to go', gone(cmPath('default', 'w-bg-dep')));

    const fg = await widget('fg');
    await widget('fg-dep', ownedBy(fg, true));
    await c.k(['delete', 'widget', 'fg', '--cascade=foreground']);
    assert.equal((await api(c, 'GET', path('fg-dep'))).status, 404);

    const or = await widget('or');
    await widget('or-dep', ownedBy(or, true));
    await c.k(['delete', 'widget', 'or', '--cascade=orphan']);
    await eventually('the orphaning owner to go', gone(path('or')));
    const dep = await api(c, 'GET', path('or-dep'));
    assert.equal(dep.status, 200);
    assert.equal(dep.json.metadata.ownerReferences, undefined);
  });
});
