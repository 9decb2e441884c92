// Two minikapi servers sharing one data directory: only the holder of the kube-controller-manager Lease
// runs controllers, and the other takes over when it stops.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../server/index.js';
import { api } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';

const LEASE = '/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-controller-manager';

describe('leader election between servers sharing a data directory', () => {
  let tmp: string;
  let dataDir: string;
  let a: Cluster;
  let b: Cluster;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'minikapi-leader-'));
    dataDir = join(tmp, 'data');
    a = await startCluster({ port: 0, dataDir, storage: 'sqlite', unsafeNoFsync: true });
    b = await startCluster({ port: 0, dataDir, storage: 'sqlite', join: true, unsafeNoFsync: true });
  });
  after(async () => {
    await b?.stop();
    await a?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('the first server takes the Lease at once and runs the controllers; the second waits, ready', async () => {
    assert.equal(a.controllers.isLeading(), true);
    assert.equal(b.controllers.isLeading(), false);
    assert.equal(b.controllers.current(), undefined);
    assert.match(a.controllers.identity, new RegExp(`^${hostname().replace(/[.]/g, '\\.')}_[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`));
    const lease = (await api(b, 'GET', LEASE)).json;
    assert.equal(lease.spec.holderIdentity, a.controllers.identity);
    assert.equal(lease.spec.leaseDurationSeconds, 15);
    assert.match(lease.spec.renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    const ready = await api(b, 'GET', '/readyz?verbose');
    assert.equal(ready.status, 200);
    for (const line of ['[+]leaderElection ok', '[+]namespace-controller ok', '[+]serviceaccount-controller ok', '[+]root-ca-certificate-publisher-controller ok', '[+]garbage-collector-controller ok']) assert.ok(ready.text.split('\n').includes(line), `${line} in:\n${ready.text}`);
    assert.equal((await api(b, 'GET', '/readyz')).text, 'ok');
  });

  test("objects written through the second server are handled by the first one's controllers", async () => {
    assert.equal((await api(b, 'POST', '/api/v1/namespaces', { metadata: { name: 'via-b' } })).status, 201);
    await eventually('the default ServiceAccount', async () => ((await api(b, 'GET', '/api/v1/namespaces/via-b/serviceaccounts/default')).status === 200 ? true : undefined), 3_000);
    const owner = await api(b, 'POST', '/api/v1/namespaces/via-b/configmaps', { metadata: { name: 'owner' } });
    await api(b, 'POST', '/api/v1/namespaces/via-b/configmaps', { metadata: { name: 'dep', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.json.metadata.uid }] } });
    assert.equal((await api(b, 'DELETE', '/api/v1/namespaces/via-b/configmaps/owner')).status, 200);
    await eventually('the dependent to go', async () => ((await api(b, 'GET', '/api/v1/namespaces/via-b/configmaps/dep')).status === 404 ? true : undefined), 3_000);
  });

  test('when the leader stops it releases the Lease and the other server takes over after a jittered retry period (2 to 4.4 s)', async () => {
    const before = (await api(b, 'GET', LEASE)).json.spec.leaseTransitions;
    await a.stop();
    const released = (await api(b, 'GET', LEASE)).json.spec;
    // taken already, or still as released: holder emptied, one second
    if (released.holderIdentity !== b.controllers.identity) assert.deepEqual([released.holderIdentity, released.leaseDurationSeconds], ['', 1]);
    await eventually('the second server to lead', async () => (b.controllers.isLeading() ? true : undefined), 8_000);
    const lease = (await api(b, 'GET', LEASE)).json.spec;
    assert.equal(lease.holderIdentity, b.controllers.identity);
    assert.equal(lease.leaseTransitions, before + 1);
    assert.equal((await api(b, 'POST', '/api/v1/namespaces', { metadata: { name: 'after-takeover' } })).status, 201);
    await eventually('the default ServiceAccount', async () => ((await api(b, 'GET', '/api/v1/namespaces/after-takeover/serviceaccounts/default')).status === 200 ? true : undefined), 3_000);
  });

  test('a server started on the data directory after a clean stop leads at once', async () => {
    await b.stop();
    const t0 = Date.now();
    a = await startCluster({ port: 0, dataDir, storage: 'sqlite', unsafeNoFsync: true });
    assert.equal(a.controllers.isLeading(), true);
    assert.ok(Date.now() - t0 < 5_000);
    assert.equal((await api(a, 'GET', LEASE)).json.spec.holderIdentity, a.controllers.identity);
  });
});
