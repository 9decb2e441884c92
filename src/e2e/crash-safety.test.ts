// Crash safety (issue 14): minikapi killed with SIGKILL in the middle of a 50-client write load keeps every
// write it acknowledged, intact, and a watch resumes from the last resourceVersion a client saw.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { killAll, stop, up } from '../testing/cli.js';
import { api, type Creds } from '../testing/client.js';

const tmp = mkdtempSync(join(tmpdir(), 'minikapi-crash-'));
after(() => {
  killAll();
  rmSync(tmp, { recursive: true, force: true });
});

function credsOf(kubeconfig: string): Creds {
  const kc = parse(readFileSync(kubeconfig, 'utf8'));
  const b64 = (s: string) => Buffer.from(s, 'base64').toString('utf8');
  return { url: kc.clusters[0].cluster.server, caCertPem: b64(kc.clusters[0].cluster['certificate-authority-data']), adminCertPem: b64(kc.users[0].user['client-certificate-data']), adminKeyPem: b64(kc.users[0].user['client-key-data']) };
}

const PATH = '/api/v1/namespaces/default/configmaps';
const body = (name: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { k: `${name}:${'z'.repeat(500)}` } });

describe('crash safety', () => {
  test('SIGKILL under 50 concurrent writers loses no acknowledged write; watches resume after restart', async () => {
    const dir = join(tmp, 'crash');
    const first = await up(['--port', '0', '--data-dir', dir, '--controllers', 'none']);
    const creds = credsOf(first.kubeconfig);
    const acked = new Map<string, number>();
    let killed = false;
    const writers = Array.from({ length: 50 }, async (_, w) => {
      for (let i = 0; !killed; i++) {
        const name = `w${w}-${i}`;
        try {
          const r = await api(creds, 'POST', PATH, body(name));
          if (r.status === 201) acked.set(name, Number(r.json.metadata.resourceVersion));
          else if (!killed) assert.fail(`${name}: ${r.status} ${r.text}`);
        } catch {
          return;
        }
      }
    });
    // kill in the middle of the load: once a few hundred writes were acknowledged (bounded wait)
    for (const end = Date.now() + 30_000; acked.size < 300 && Date.now() < end; ) await new Promise((r) => setTimeout(r, 50));
    killed = true;
    first.child.kill('SIGKILL');
    await first.exit;
    await Promise.allSettled(writers);
    assert.ok(acked.size >= 200, `only ${acked.size} writes were acknowledged`);
    const lastSeen = Math.max(...acked.values());

    const second = await up(['--port', '0', '--data-dir', dir, '--controllers', 'none']);
    try {
      const creds2 = credsOf(second.kubeconfig);
      const list = await api(creds2, 'GET', PATH);
      assert.equal(list.status, 200);
      const stored = new Map<string, string>(list.json.items.map((o: { metadata: { name: string }; data: { k: string } }) => [o.metadata.name, o.data.k]));
      const lost = [...acked.keys()].filter((n) => !stored.has(n));
      assert.deepEqual(lost, [], `${lost.length} of ${acked.size} acknowledged writes lost`);
      for (const [name, k] of stored) assert.equal(k, body(name).data.k, `${name} is torn`);
      assert.ok(Number(list.json.metadata.resourceVersion) >= lastSeen);
      const resumed = await api(creds2, 'GET', `${PATH}?watch=1&resourceVersion=${lastSeen}&timeoutSeconds=1`);
      assert.equal(resumed.status, 200);
      const events = resumed.text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; object: { metadata: { name: string; resourceVersion: string } } });
      assert.deepEqual(events.filter((e) => e.type === 'ERROR'), []);
      // what it replays are the writes committed after the last acknowledgement a client saw
      for (const e of events) assert.ok(Number(e.object.metadata.resourceVersion) > lastSeen);
    } finally {
      assert.equal(await stop(second), 0);
    }
  });
});
