// Lists too large for a web Response go straight to the socket in pieces: the bytes are those of a small one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

const NS = 'big';
const base = `/api/v1/namespaces/${NS}/configmaps`;
const N = 150;

describe('large lists', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: '-root-ca-cert-publisher' });
    assert.equal((await api(c, 'POST', '/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
    for (let i = 0; i < N; i++) {
      const r = await api(c, 'POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${String(i).padStart(3, '0')}` }, data: { payload: 'é'.repeat(700 + i) } });
      assert.equal(r.status, 201);
    }
  });
  after(() => c?.cleanup());

  test('a list of several hundred KiB carries every item as GET prints it, with a Content-Length matching its bytes', async () => {
    const r = await api(c, 'GET', base);
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(Number(r.headers['content-length']), Buffer.byteLength(r.text));
    assert.ok(Buffer.byteLength(r.text) > 3 * 64 * 1024);
    assert.ok(r.text.endsWith(']}\n'));
    assert.equal(r.json.kind, 'ConfigMapList');
    assert.equal(r.json.items.length, N);
    for (const [i, item] of (r.json.items as { metadata: { name: string } }[]).entries()) {
      assert.equal(item.metadata.name, `cm-${String(i).padStart(3, '0')}`);
      const one = await api(c, 'GET', `${base}/${item.metadata.name}`);
      // a typed list prints its items without kind and apiVersion
      assert.equal(JSON.stringify(item), one.text.trimEnd().replace('{"kind":"ConfigMap","apiVersion":"v1",', '{'));
    }
  });
});
