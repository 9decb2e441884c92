// Lists too large for a web Response go straight to the socket in pieces: the bytes are those of a small one.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

const NS = 'big';
const base = `/api/v1/namespaces/${NS}/configmaps`;
const N = 150;
const name = (i: number) => `cm-${String(i).padStart(3, '0')}`;

/** A GET of the list read by a client that stops reading for a while after the first bytes (or goes away then, with abort). */
function slowList(c: TestCluster, pauseMs: number, abort = false): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(c.url + base, { ca: c.caCertPem, cert: c.adminCertPem, key: c.adminKeyPem, headers: { Accept: 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.once('data', () => {
        if (abort) {
          req.destroy();
          resolve('');
          return;
        }
        res.pause();
        setTimeout(() => res.resume(), pauseMs);
      });
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('large lists', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: '-root-ca-cert-publisher' });
    assert.equal((await api(c, 'POST', '/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
    for (let i = 0; i < N; i++) {
      const r = await api(c, 'POST', base, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: name(i) }, data: { payload: 'é'.repeat(2000 + i) } });
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

  /** Each object as a typed list prints it: its GET bytes without kind, apiVersion and the final newline. */
  async function printedItems(): Promise<string[]> {
    const out: string[] = [];
    for (let i = 0; i < N; i++) {
      const one = await api(c, 'GET', `${base}/${name(i)}`);
      assert.ok(one.text.startsWith('{"kind":"ConfigMap","apiVersion":"v1",') && one.text.endsWith('}\n'));
      out.push('{' + one.text.slice('{"kind":"ConfigMap","apiVersion":"v1",'.length, -1));
    }
    return out;
  }

  test('the whole list, a page of it and a list narrowed by a field selector are byte for byte the objects as GET prints them', async () => {
    const items = await printedItems();
    const full = await api(c, 'GET', base);
    const rv = full.json.metadata.resourceVersion;
    assert.equal(full.text, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"${rv}"},"items":[${items.join(',')}]}\n`);
    const page = await api(c, 'GET', `${base}?limit=100`);
    const cont = page.json.metadata.continue;
    assert.equal(typeof cont, 'string');
    assert.equal(page.text, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"${rv}","continue":"${cont}","remainingItemCount":${N - 100}},"items":[${items.slice(0, 100).join(',')}]}\n`);
    const rest = await api(c, 'GET', `${base}?limit=100&continue=${encodeURIComponent(cont)}`);
    assert.equal(rest.text, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"${rv}"},"items":[${items.slice(100).join(',')}]}\n`);
    const narrowed = await api(c, 'GET', `${base}?fieldSelector=${encodeURIComponent(`metadata.name!=${name(0)}`)}`);
    assert.equal(narrowed.text, `{"kind":"ConfigMapList","apiVersion":"v1","metadata":{"resourceVersion":"${rv}"},"items":[${items.slice(1).join(',')}]}\n`);
    assert.equal(Number(narrowed.headers['content-length']), Buffer.byteLength(narrowed.text));
  });

  test('concurrent large lists, a client that stops reading a while and one that goes away mid-list all leave every answer whole', async () => {
    const want = (await api(c, 'GET', base)).text;
    const answers = await Promise.all([api(c, 'GET', base), slowList(c, 300), api(c, 'GET', base), slowList(c, 0, true), slowList(c, 50)]);
    assert.equal(answers[0].text, want);
    assert.equal(answers[1], want);
    assert.equal(answers[2].text, want);
    assert.equal(answers[4], want);
    assert.equal((await api(c, 'GET', base)).text, want);
    const head = await api(c, 'HEAD', base);
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal((await api(c, 'GET', base)).text, want, 'the connection serves on after a HEAD');
  });

  test('a large list as a Table and as PartialObjectMetadataList carries every object', async () => {
    const full = await api(c, 'GET', base);
    const t = await api(c, 'GET', base, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.equal(t.status, 200);
    assert.equal(t.json.kind, 'Table');
    assert.deepEqual(
      t.json.rows.map((r: { cells: unknown[] }) => r.cells.slice(0, 2)),
      Array.from({ length: N }, (_, i) => [name(i), 1]),
    );
    assert.deepEqual(t.json.rows[7].object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: full.json.items[7].metadata });
    // with the whole objects the Table is large enough to go out in pieces
    const whole = await api(c, 'GET', `${base}?includeObject=Object`, undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.ok(Buffer.byteLength(whole.text) > 3 * 64 * 1024);
    assert.equal(Number(whole.headers['content-length']), Buffer.byteLength(whole.text));
    assert.equal(whole.json.rows.length, N);
    for (const i of [0, 77, N - 1]) assert.deepEqual(whole.json.rows[i].object, (await api(c, 'GET', `${base}/${name(i)}`)).json);
    const p = await api(c, 'GET', base, undefined, { Accept: 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io' });
    assert.equal(p.status, 200);
    assert.deepEqual(p.json, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: full.json.metadata.resourceVersion },
      items: full.json.items.map((o: { metadata: unknown }) => ({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata })),
    });
  });
});
