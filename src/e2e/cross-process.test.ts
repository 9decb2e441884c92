// Two minikapi processes sharing one SQLite file: every watcher sees every committed revision once, in order.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYAML } from 'yaml';
import { startCluster, type Cluster } from '../server/index.js';
import { REPO_ROOT } from '../testing/harness.js';
import { api, watch, type Creds } from '../testing/client.js';

const N = 1000;

function credsFromKubeconfig(path: string): Creds {
  const kc = parseYAML(readFileSync(path, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  return { url: kc.clusters[0].cluster.server, caCertPem: b64(kc.clusters[0].cluster['certificate-authority-data']), adminCertPem: b64(kc.users[0].user['client-certificate-data']), adminKeyPem: b64(kc.users[0].user['client-key-data']) };
}

describe('two processes, one SQLite file', () => {
  let tmp: string;
  let a: Cluster;
  let child: ChildProcess;
  let b: Creds;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'minikapi-xproc-'));
    a = await startCluster({ port: 0, dataDir: join(tmp, 'data'), storage: 'sqlite' });
    child = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'minikapi'), 'up', '--join', '--port', '0', '--data-dir', join(tmp, 'data'), '--kubeconfig', join(tmp, 'b.kubeconfig')], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`second process did not start:\n${out}`)), 15_000);
      child.stdout!.on('data', () => {
        if (out.includes('export KUBECONFIG=')) {
          clearTimeout(t);
          resolve();
        }
      });
      child.on('exit', (code) => reject(new Error(`second process exited ${code}:\n${out}`)));
    });
    b = credsFromKubeconfig(join(tmp, 'b.kubeconfig'));
  });
  after(async () => {
    child?.kill('SIGTERM');
    await a?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test(`${2 * N} creates from both processes reach watchers on both, once each, in revision order`, async () => {
    const ca: Creds = { url: a.url, caCertPem: a.caCertPem, adminCertPem: a.adminCertPem, adminKeyPem: a.adminKeyPem };
    for (const [c, ns] of [[ca, 'from-a'], [b, 'from-b']] as const) assert.equal((await api(c, 'POST', '/api/v1/namespaces', { metadata: { name: ns } })).status, 201);
    const rv = (await api(ca, 'GET', '/api/v1/configmaps?labelSelector=xproc')).json.metadata.resourceVersion;
    const path = `/api/v1/configmaps?watch=true&labelSelector=xproc&resourceVersion=${rv}`;
    const wa = watch(ca, path);
    const wb = watch(b, path);
    await Promise.all([wa.gotHeaders, wb.gotHeaders]);
    const writer = async (c: Creds, ns: string) => {
      let next = 0;
      const worker = async () => {
        while (next < N) {
          const i = next++;
          const r = await api(c, 'POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: `cm-${i}`, labels: { xproc: 'yes' } }, data: { i: String(i) } });
          assert.equal(r.status, 201, r.text);
        }
      };
      await Promise.all(Array.from({ length: 8 }, worker));
    };
    await Promise.all([writer(ca, 'from-a'), writer(b, 'from-b')]);
    await wa.waitFor((e) => e.length >= 2 * N, 30_000);
    await wb.waitFor((e) => e.length >= 2 * N, 30_000);
    await new Promise((r) => setTimeout(r, 300));
    wa.close();
    wb.close();
    for (const w of [wa, wb]) {
      assert.equal(w.events.length, 2 * N);
      const revs = w.events.map((e) => Number(e.object.metadata.resourceVersion));
      for (let i = 1; i < revs.length; i++) assert.ok(revs[i] > revs[i - 1], `revision order broken at ${i}: ${revs[i - 1]} then ${revs[i]}`);
      assert.ok(w.events.every((e) => e.type === 'ADDED'));
      assert.equal(new Set(w.events.map((e) => `${e.object.metadata.namespace}/${e.object.metadata.name}`)).size, 2 * N);
    }
    const seq = (w: typeof wa) => w.events.map((e) => `${e.object.metadata.resourceVersion} ${e.object.metadata.namespace}/${e.object.metadata.name}`);
    assert.deepEqual(seq(wa), seq(wb));
    // the log agrees: an exact list at the last revision holds the same objects at the same revisions
    const last = wa.events[wa.events.length - 1].object.metadata.resourceVersion;
    const list = await api(ca, 'GET', `/api/v1/configmaps?labelSelector=xproc&resourceVersion=${last}&resourceVersionMatch=Exact`);
    const fromLog = list.json.items.map((o: { metadata: { resourceVersion: string; namespace: string; name: string } }) => `${o.metadata.resourceVersion} ${o.metadata.namespace}/${o.metadata.name}`).sort();
    assert.deepEqual(fromLog, [...seq(wa)].sort());
  });
});
