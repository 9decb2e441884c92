// Three minikapi servers sharing one 3-member etcd cluster: kubectl through any of them sees the same
// objects, a watch on one sees writes made through the others in revision order, and losing an etcd
// member loses nothing acknowledged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../server/index.js';
import { runKubectl, type KubectlResult } from '../testing/harness.js';
import { watch } from '../testing/client.js';
import { startEtcdCluster, type EtcdCluster } from '../testing/etcd-cluster.js';

const NS = 'shared';

describe('three minikapi servers on one etcd cluster', () => {
  let tmp: string;
  let etcd: EtcdCluster;
  const servers: Cluster[] = [];
  const kubectl = async (i: number, args: string[]): Promise<KubectlResult> => runKubectl(servers[i]!.kubeconfigPath, join(tmp, `cache-${i}`), args);
  const k = async (i: number, args: string[]): Promise<string> => {
    const r = await kubectl(i, args);
    if (r.code !== 0) throw new Error(`kubectl (server ${'ABC'[i]}) ${args.join(' ')} exited ${r.code}: ${r.stderr || r.stdout}`);
    return r.stdout;
  };

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'minikapi-etcd-e2e-'));
    etcd = await startEtcdCluster(3);
    const storage = `etcd://${etcd.endpoints.map((e) => e.replace('http://', '')).join(',')}` as const;
    for (const name of ['a', 'b', 'c']) {
      servers.push(await startCluster({ name, port: 0, dataDir: join(tmp, name), storage, controllers: 'none', compactionIntervalMs: 0 }));
    }
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await etcd?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('every server reports the same storage revision and sees the bootstrap objects once', async () => {
    const revs = await Promise.all(servers.map((s) => s.backend.currentRevision()));
    assert.equal(new Set(revs).size, 1);
    for (let i = 0; i < 3; i++) assert.equal(await k(i, ['get', 'namespaces', '-o', 'name']), 'namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\n');
  });

  test('a watch on A sees creates made through B and C with kubectl, in order', async () => {
    await k(0, ['create', 'namespace', NS]);
    const a = servers[0]!;
    const list = watch({ url: a.url, caCertPem: a.caCertPem, adminCertPem: a.adminCertPem, adminKeyPem: a.adminKeyPem }, `/api/v1/namespaces/${NS}/configmaps?watch=true&resourceVersion=${await a.backend.currentRevision()}`);
    await list.gotHeaders;
    assert.equal(list.status, 200);
    const made: { name: string; rv: string }[] = [];
    for (let i = 0; i < 6; i++) {
      const via = 1 + (i % 2);
      const name = `cm-${i}-via-${'abc'[via]}`;
      const out = await k(via, ['create', 'configmap', name, '-n', NS, `--from-literal=i=${i}`, '-o', 'jsonpath={.metadata.resourceVersion}']);
      made.push({ name, rv: out });
    }
    await list.waitFor((evs) => evs.length >= 6);
    list.close();
    assert.deepEqual(
      list.events.map((e) => [e.type, e.object.metadata.name, e.object.metadata.resourceVersion]),
      made.map((m) => ['ADDED', m.name, m.rv]),
    );
    const rvs = made.map((m) => Number(m.rv));
    assert.deepEqual(rvs, [...rvs].sort((x, y) => x - y));
    assert.equal(await k(0, ['get', 'configmap', 'cm-5-via-c', '-n', NS, '-o', 'jsonpath={.data.i}']), '5');
  });

  test('a replace through A with the resourceVersion read from B, after a label through C, is 409 Conflict as on one server', async () => {
    const obj = JSON.parse(await k(1, ['get', 'configmap', 'cm-0-via-b', '-n', NS, '-o', 'json']));
    await k(2, ['label', 'configmap', 'cm-0-via-b', '-n', NS, 'touched=yes']);
    obj.data.i = 'stale';
    const r = await runKubectl(servers[0]!.kubeconfigPath, join(tmp, 'cache-0'), ['replace', '-f', '-'], { stdin: JSON.stringify(obj) });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Operation cannot be fulfilled on configmaps "cm-0-via-b": the object has been modified; please apply your changes to the latest version and try again/);
  });

  test('stopping the etcd leader loses nothing acknowledged and kubectl keeps working through every server', async () => {
    const before = (await k(0, ['get', 'configmaps', '-n', NS, '-o', 'name'])).trim().split('\n');
    assert.equal(before.length, 6);
    await etcd.stopMember(await etcd.leader());
    const made: string[] = [];
    for (let i = 0; i < 6; i++) {
      const name = `after-${i}`;
      const r = await kubectl(i % 3, ['create', 'configmap', name, '-n', NS, '--from-literal=x=y']);
      // the first request may meet the election; kubectl's answer is what counts as acknowledged
      if (r.code === 0) made.push(name);
    }
    assert.ok(made.length >= 5, `only ${made.length} creates succeeded during the election`);
    for (let i = 0; i < 3; i++) {
      const names = (await k(i, ['get', 'configmaps', '-n', NS, '-o', 'name'])).trim().split('\n');
      for (const n of before) assert.ok(names.includes(n), `${n} lost (server ${'ABC'[i]})`);
      for (const n of made) assert.ok(names.includes(`configmap/${n}`), `configmap/${n} lost (server ${'ABC'[i]})`);
    }
  });
});
