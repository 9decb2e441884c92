// Deletion as upstream: finalizers, propagation policies, preconditions, dry-run, deletecollection.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { API_TEST_CONTROLLERS, spawnKubectl, startTestCluster, type TestCluster } from '../testing/harness.js';
import { api, watch } from '../testing/client.js';

const NS = 'del';
const base = `/api/v1/namespaces/${NS}/configmaps`;
const merge = { 'Content-Type': 'application/merge-patch+json' };

describe('deletion', () => {
  let c: TestCluster;
  before(async () => {
    // the API's side of deletion: without a garbage collector acting on the finalizers it adds
    c = await startTestCluster({ controllers: `${API_TEST_CONTROLLERS},-garbagecollector` });
    assert.equal((await api(c, 'POST', '/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
  });
  after(() => c?.cleanup());

  test('finalizers hold an object with a deletionTimestamp until the last one is removed (seen through get -w)', async () => {
    await c.k(['-n', NS, 'create', 'configmap', 'held']);
    await c.k(['-n', NS, 'patch', 'cm', 'held', '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/hold","example.com/second"]}}']);
    const w = spawnKubectl(c.kubeconfigPath, join(c.tmp, 'kubecache'), ['-n', NS, 'get', 'cm', 'held', '-w', '--output-watch-events', '-o', 'custom-columns=EVENT:.type,NAME:.object.metadata.name,DT:.object.metadata.deletionTimestamp,F:.object.metadata.finalizers']);
    try {
      await w.waitFor(/ADDED +held +<none> +\[example\.com\/hold example\.com\/second\]/);
      const del = await api(c, 'DELETE', `${base}/held`);
      assert.equal(del.status, 200);
      assert.match(del.json.metadata.deletionTimestamp, /Z$/);
      assert.equal(del.json.metadata.deletionGracePeriodSeconds, 0);
      // still there, and no new finalizers may be added
      assert.equal((await api(c, 'GET', `${base}/held`)).status, 200);
      const add = await api(c, 'PATCH', `${base}/held`, { metadata: { finalizers: ['example.com/hold', 'example.com/second', 'example.com/new'] } }, merge);
      assert.equal(add.status, 422);
      assert.equal(add.json.details.causes[0].field, 'metadata.finalizers');
      assert.match(add.json.details.causes[0].message, /^Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers \[\]string\{"example\.com\/new"\}$/);
      // deleting again changes nothing
      const again = await api(c, 'DELETE', `${base}/held`);
      assert.equal(again.status, 200);
      await api(c, 'PATCH', `${base}/held`, { metadata: { finalizers: ['example.com/second'] } }, merge);
      assert.equal((await api(c, 'GET', `${base}/held`)).status, 200);
      await api(c, 'PATCH', `${base}/held`, { metadata: { finalizers: null } }, merge);
      await w.waitFor(/DELETED +held/);
      assert.equal((await api(c, 'GET', `${base}/held`)).status, 404);
    } finally {
      await w.stop();
    }
    const types = w.output().split('\n').filter((l) => /^(ADDED|MODIFIED|DELETED)/.test(l)).map((l) => l.split(/\s+/)[0]);
    assert.deepEqual(types, ['ADDED', 'MODIFIED', 'MODIFIED', 'DELETED']);
  });

  test('propagationPolicy Orphan and Foreground add the garbage collector finalizers', async () => {
    for (const [name, policy, fin] of [['orph', 'Orphan', 'orphan'], ['fore', 'Foreground', 'foregroundDeletion']] as const) {
      await api(c, 'POST', base, { metadata: { name } });
      const r = await api(c, 'DELETE', `${base}/${name}`, { propagationPolicy: policy });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json.metadata.finalizers, [fin]);
      assert.ok(r.json.metadata.deletionTimestamp);
    }
    // switching to Background drops them and the object goes
    const bg = await api(c, 'DELETE', `${base}/orph?propagationPolicy=Background`);
    assert.equal(bg.status, 200);
    assert.equal((await api(c, 'GET', `${base}/orph`)).status, 404);
    const orphanDependents = await api(c, 'DELETE', `${base}/fore`, { orphanDependents: true });
    assert.equal(orphanDependents.status, 200);
    assert.deepEqual(orphanDependents.json.metadata.finalizers, ['orphan']);
    // upstream answers 202 for a deferred delete only when orphanDependents=false was asked for
    await api(c, 'POST', base, { metadata: { name: 'held2', finalizers: ['example.com/x'] } });
    const accepted = await api(c, 'DELETE', `${base}/held2`, { orphanDependents: false });
    assert.equal(accepted.status, 202);
    await api(c, 'PATCH', `${base}/held2`, { metadata: { finalizers: null } }, merge);
    const bad = await api(c, 'DELETE', `${base}/fore`, { propagationPolicy: 'Sideways' });
    assert.equal(bad.status, 422);
    assert.equal(bad.json.message, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"');
    assert.deepEqual(bad.json.details, { group: 'meta.k8s.io', kind: 'DeleteOptions', causes: [{ reason: 'FieldValueNotSupported', message: 'Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"', field: 'propagationPolicy' }] });
  });

  test('preconditions on uid and resourceVersion give 409 Conflict on mismatch', async () => {
    const made = await api(c, 'POST', base, { metadata: { name: 'pre' } });
    const uid = made.json.metadata.uid;
    const r1 = await api(c, 'DELETE', `${base}/pre`, { preconditions: { uid: 'not-the-uid' } });
    assert.equal(r1.status, 409);
    assert.equal(r1.json.reason, 'Conflict');
    assert.equal(r1.json.message, `Operation cannot be fulfilled on configmaps "pre": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${uid}`);
    const r2 = await api(c, 'DELETE', `${base}/pre`, { preconditions: { resourceVersion: '1' } });
    assert.equal(r2.status, 409);
    const ok = await api(c, 'DELETE', `${base}/pre`, { preconditions: { uid, resourceVersion: made.json.metadata.resourceVersion } });
    assert.equal(ok.status, 200);
    assert.deepEqual(ok.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'pre', kind: 'configmaps', uid } });
  });

  test('dryRun=All delete leaves the object and the revision alone', async () => {
    await api(c, 'POST', base, { metadata: { name: 'dry' } });
    const rv = await c.backend.currentRevision();
    const r = await api(c, 'DELETE', `${base}/dry?dryRun=All`);
    assert.equal(r.status, 200);
    assert.equal(await c.backend.currentRevision(), rv);
    assert.equal((await api(c, 'GET', `${base}/dry`)).status, 200);
    const badDry = await api(c, 'DELETE', `${base}/dry?dryRun=Some`);
    assert.equal(badDry.status, 422);
    assert.equal(badDry.json.message, 'DeleteOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Some"}: supported values: "All"');
  });

  test('pods return the deleted object; a missing object is 404', async () => {
    await c.k(['-n', NS, 'run', 'p1', '--image=nginx']);
    const r = await api(c, 'DELETE', `/api/v1/namespaces/${NS}/pods/p1`);
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'Pod');
    assert.equal(r.json.metadata.name, 'p1');
    const gone = await api(c, 'DELETE', `/api/v1/namespaces/${NS}/pods/p1`);
    assert.equal(gone.status, 404);
    assert.equal(gone.json.message, 'pods "p1" not found');
  });

  test('deletecollection honours label and field selectors', async () => {
    for (const [n, l] of [['dc1', 'a'], ['dc2', 'a'], ['dc3', 'b']]) await api(c, 'POST', base, { metadata: { name: n, labels: { dc: l } } });
    const r = await api(c, 'DELETE', `${base}?labelSelector=dc%3Da`);
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'ConfigMapList');
    assert.deepEqual(r.json.items.map((o: { metadata: { name: string } }) => o.metadata.name).sort(), ['dc1', 'dc2']);
    const f = await api(c, 'DELETE', `${base}?fieldSelector=metadata.name%3Ddc3`);
    assert.deepEqual(f.json.items.map((o: { metadata: { name: string } }) => o.metadata.name), ['dc3']);
    const left = await api(c, 'GET', `${base}?labelSelector=dc`);
    assert.equal(left.json.items.length, 0);
  });

  test('kubectl delete --cascade=orphan and --dry-run=server', async () => {
    await c.k(['-n', NS, 'create', 'deployment', 'orphaned', '--image=nginx']);
    assert.equal((await c.k(['-n', NS, 'delete', 'deployment', 'orphaned', '--dry-run=server'])).trim(), 'deployment.apps "orphaned" deleted (server dry run)');
    assert.equal((await api(c, 'GET', `/apis/apps/v1/namespaces/${NS}/deployments/orphaned`)).status, 200);
    const r = await c.kubectl(['-n', NS, 'delete', 'deployment', 'orphaned', '--cascade=orphan', '--wait=false']);
    assert.equal(r.code, 0, r.stderr);
    const d = await api(c, 'GET', `/apis/apps/v1/namespaces/${NS}/deployments/orphaned`);
    assert.deepEqual(d.json.metadata.finalizers, ['orphan']);
  });

  test('default, kube-system and kube-public may not be deleted (NamespaceLifecycle), even in a dry run; kube-node-lease may', async () => {
    for (const ns of ['default', 'kube-system', 'kube-public']) {
      const r = await c.kubectl(['delete', 'namespace', ns, '--wait=false']);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), `Error from server (Forbidden): namespaces "${ns}" is forbidden: this namespace may not be deleted`);
    }
    const dry = await api(c, 'DELETE', '/api/v1/namespaces/default?dryRun=All');
    assert.equal(dry.status, 403);
    assert.deepEqual(dry.json.details, { name: 'default', kind: 'namespaces' });
    assert.equal(dry.json.reason, 'Forbidden');
    assert.equal((await c.k(['delete', 'namespace', 'kube-node-lease', '--dry-run=server'])).trim(), 'namespace "kube-node-lease" deleted (server dry run)');
  });
});

describe('graceful deletion of pods', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(() => c?.cleanup());

  test('a pod on no node goes at once; a bound pod gets its grace period, then the simulated kubelet removes it', async () => {
    await c.k(['run', 'unbound', '--image=nginx']);
    const r1 = await api(c, 'DELETE', '/api/v1/namespaces/default/pods/unbound');
    assert.equal(r1.status, 200);
    assert.equal(r1.json.metadata.deletionTimestamp, undefined);
    await c.k(['run', 'bound', '--image=nginx', '--overrides', '{"spec":{"nodeName":"node-1","terminationGracePeriodSeconds":45}}']);
    const rv = JSON.parse(await c.k(['get', 'pod', 'bound', '-o', 'json'])).metadata.resourceVersion;
    const w = watch(c, `/api/v1/namespaces/default/pods?watch=true&fieldSelector=metadata.name%3Dbound&resourceVersion=${rv}`);
    await w.gotHeaders;
    const r2 = await api(c, 'DELETE', '/api/v1/namespaces/default/pods/bound');
    assert.equal(r2.status, 200);
    assert.equal(r2.json.metadata.deletionGracePeriodSeconds, 45);
    const ts = Date.parse(r2.json.metadata.deletionTimestamp);
    assert.ok(ts > Date.now() + 40_000 && ts < Date.now() + 50_000, r2.json.metadata.deletionTimestamp);
    await w.waitFor((e) => e.some((x) => x.type === 'DELETED'));
    w.close();
    assert.deepEqual(w.events.map((e) => e.type), ['MODIFIED', 'DELETED']);
    assert.equal(w.events[0].object.metadata.deletionGracePeriodSeconds, 45);
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/default/pods/bound')).status, 404);
  });
});
