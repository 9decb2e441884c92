// The watch cache: lists and watches served from memory stay exactly as consistent as storage,
// including writes made by another process sharing the SQLite file.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startCluster, type Cluster } from '../server/index.js';
import { openBackend, type Backend } from '../storage/index.js';
import { api, watch } from '../testing/client.js';

const base = '/api/v1/namespaces/default/configmaps';

function cmBytes(name: string, v: string): Buffer {
  return Buffer.from(JSON.stringify({ metadata: { name, namespace: 'default', uid: `uid-${name}`, creationTimestamp: '2026-01-01T00:00:00Z' }, apiVersion: 'v1', kind: 'ConfigMap', data: { v } }));
}

describe('watch cache', () => {
  let tmp: string;
  let c: Cluster;
  let other: Backend;
  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'minikapi-wcache-'));
    c = await startCluster({ port: 0, dataDir: join(tmp, 'data'), storage: 'sqlite', pollIntervalMs: 50 });
    other = await openBackend({ kind: 'sqlite', path: join(tmp, 'data', 'state.db') });
  });
  after(async () => {
    await other?.close();
    await c?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  test('a list right after another process wrote includes the write (no stale cache read)', async () => {
    await api(c, 'GET', base);
    await new Promise((r) => setTimeout(r, 100));
    for (let i = 0; i < 20; i++) {
      const written = await other.create(`/registry/configmaps/default/foreign-${i}`, cmBytes(`foreign-${i}`, String(i)));
      const l = await api(c, 'GET', base);
      const names = l.json.items.map((o: { metadata: { name: string } }) => o.metadata.name);
      assert.ok(names.includes(`foreign-${i}`), `foreign-${i} missing right after it was written`);
      // (the server itself may write meanwhile, e.g. flow-control status: the list is at least at the foreign write)
      assert.ok(Number(l.json.metadata.resourceVersion) >= written.modRevision, `list at ${l.json.metadata.resourceVersion}, write at ${written.modRevision}`);
    }
  });

  test('a get right after another process updated the object returns the new value', async () => {
    await api(c, 'GET', `${base}/foreign-0`);
    await new Promise((r) => setTimeout(r, 100));
    let kv = (await other.get('/registry/configmaps/default/foreign-0'))!;
    for (let i = 0; i < 20; i++) {
      kv = await other.update(kv.key, cmBytes('foreign-0', `v${i}`), kv.modRevision);
      const g = await api(c, 'GET', `${base}/foreign-0`);
      assert.equal(g.json.data.v, `v${i}`);
      assert.equal(g.json.metadata.resourceVersion, String(kv.modRevision));
    }
  });

  test('resourceVersion=0 may be served from the cache, and own writes are read back at once', async () => {
    for (let i = 0; i < 20; i++) {
      const r = await api(c, 'POST', base, { metadata: { name: `own-${i}` } });
      assert.equal(r.status, 201);
      const l = await api(c, 'GET', `${base}?resourceVersion=0`);
      assert.ok(l.json.items.some((o: { metadata: { name: string } }) => o.metadata.name === `own-${i}`));
      assert.ok(Number(l.json.metadata.resourceVersion) >= Number(r.json.metadata.resourceVersion));
    }
  });

  test('many watchers from the list revision each get every event once, in order', async () => {
    const l = await api(c, 'GET', `${base}?labelSelector=w`);
    const watchers = Array.from({ length: 30 }, () => watch(c, `${base}?watch=true&labelSelector=w&resourceVersion=${l.json.metadata.resourceVersion}`));
    await Promise.all(watchers.map((w) => w.gotHeaders));
    for (let i = 0; i < 10; i++) await api(c, 'POST', base, { metadata: { name: `w-${i}`, labels: { w: 'x' } } });
    await other.create('/registry/configmaps/default/w-foreign', Buffer.from(JSON.stringify({ metadata: { name: 'w-foreign', namespace: 'default', uid: 'u', labels: { w: 'y' } }, apiVersion: 'v1', kind: 'ConfigMap' })));
    await api(c, 'DELETE', `${base}/w-3`);
    for (const w of watchers) await w.waitFor((e) => e.length >= 12);
    for (const w of watchers) {
      w.close();
      assert.deepEqual(
        w.events.map((e) => `${e.type} ${e.object.metadata.name}`),
        [...Array.from({ length: 10 }, (_, i) => `ADDED w-${i}`), 'ADDED w-foreign', 'DELETED w-3'],
      );
    }
  });
});
