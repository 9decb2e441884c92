// Response compression as kube-apiserver 1.33 does it: API responses above 128 KiB gzip'ed (level 1) for clients
// whose Accept-Encoding has a bare gzip token; Content-Encoding: gzip and Vary: Accept-Encoding; watches and
// /openapi/v3 never; /openapi/v2 through gziphandler (1400 bytes, q-values, Vary on every answer).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { execFile } from 'node:child_process';
import { gunzipSync } from 'node:zlib';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { startTestCluster, TESTDATA, type TestCluster } from '../testing/harness.js';
import { api, watch, type Creds } from '../testing/client.js';

const THRESHOLD = 128 * 1024;
const NS = 'gz';
const COUNT = 200;

interface Raw {
  status: number;
  headers: IncomingHttpHeaders;
  /** Header names as sent, lower-cased, in order. */
  names: string[];
  body: Buffer;
}

/** A request whose body comes back as sent on the wire (no decompression). */
function raw(c: Creds, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    if (body !== undefined) Object.assign(h, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
    const req = request(c.url + path, { method, ca: c.caCertPem, cert: c.adminCertPem, key: c.adminKeyPem, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, names: res.rawHeaders.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase()), body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const GZIP = { 'Accept-Encoding': 'gzip' };

/** A list path pinned to the current revision, so that two requests print the same bytes whatever else is written meanwhile. */
async function pinned(c: Creds, path: string): Promise<string> {
  const r = await api(c, 'GET', `${path}?limit=1`);
  assert.equal(r.status, 200, r.text);
  return `${path}?resourceVersion=${r.json.metadata.resourceVersion}&resourceVersionMatch=Exact`;
}

/** A gzip'ed answer: exactly these compression headers, no Content-Length, chunked; returns the body inflated. */
function assertGzipped(r: Raw, contentType = 'application/json', vary = 'Accept-Encoding'): Buffer {
  assert.equal(r.headers['content-encoding'], 'gzip');
  assert.equal(r.headers.vary, vary);
  assert.equal(r.headers['content-type'], contentType);
  // a streamed list goes chunked; a body compressed whole carries its compressed length
  if (r.headers['content-length'] === undefined) assert.equal(r.headers['transfer-encoding'], 'chunked');
  else assert.equal(r.headers['content-length'], String(r.body.length));
  assert.deepEqual([r.body[0], r.body[1]], [0x1f, 0x8b]);
  return gunzipSync(r.body);
}

/** An answer as sent without compression: no Content-Encoding, no Vary for it, a right Content-Length. */
function assertPlain(r: Raw): Buffer {
  assert.equal(r.headers['content-encoding'], undefined);
  assert.equal(r.names.includes('vary'), false);
  assert.equal(r.headers['content-length'], String(r.body.length));
  return r.body;
}

/** A Table's text with its Age cells (the last, which may tick between two requests) blanked. */
function ageless(text: string): string {
  return text.replace(/,"[0-9smhd]+"\],"object"/g, ',""],"object"');
}

describe('response compression', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
    await api(c, 'POST', '/api/v1/namespaces', { metadata: { name: NS } });
    await api(c, 'POST', '/api/v1/namespaces', { metadata: { name: 'gz-small' } });
    // ~1.3 KiB each, half of it metadata: the list, its Table and its metadata list all pass 128 KiB
    for (let i = 0; i < COUNT; i += 20)
      await Promise.all(
        Array.from({ length: 20 }, (_, j) => api(c, 'POST', `/api/v1/namespaces/${NS}/configmaps`, { metadata: { name: `cm-${i + j}`, annotations: { note: 'n'.repeat(700) } }, data: { payload: `${i + j}`.repeat(200).slice(0, 500) } })),
      );
    for (let i = 0; i < 3; i++) await api(c, 'POST', '/api/v1/namespaces/gz-small/configmaps', { metadata: { name: `s-${i}` }, data: { a: 'b' } });
  });
  after(async () => c?.cleanup());

  test('a LIST above 128 KiB comes gzip-compressed with Content-Encoding and Vary, and inflates to the uncompressed bytes', async () => {
    const path = await pinned(c, `/api/v1/namespaces/${NS}/configmaps`);
    const plain = await raw(c, 'GET', path);
    assert.equal(plain.status, 200);
    assertPlain(plain);
    assert.ok(plain.body.length > THRESHOLD, String(plain.body.length));
    const gz = await raw(c, 'GET', path, GZIP);
    assert.equal(gz.status, 200);
    assert.equal(gz.headers['transfer-encoding'], 'chunked');
    assert.equal(assertGzipped(gz).toString(), plain.body.toString());
    assert.ok(gz.body.length < plain.body.length / 5, `${gz.body.length} of ${plain.body.length}`);
    // the same headers otherwise
    const other = (r: Raw) => r.names.filter((n) => !['content-encoding', 'vary', 'content-length', 'transfer-encoding'].includes(n)).sort();
    assert.deepEqual(other(gz), other(plain));
  });

  test('a client that goes away during a compressed list leaves the server serving', async () => {
    for (let i = 0; i < 3; i++)
      await new Promise<void>((resolve, reject) => {
        const req = request(`${c.url}/api/v1/namespaces/${NS}/configmaps`, { ca: c.caCertPem, cert: c.adminCertPem, key: c.adminKeyPem, headers: GZIP }, (res) => {
          assert.equal(res.headers['content-encoding'], 'gzip');
          res.once('data', () => {
            req.destroy();
            resolve();
          });
        });
        req.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? resolve() : reject(err)));
        req.end();
      });
    const after = await raw(c, 'GET', `/api/v1/namespaces/${NS}/configmaps`, GZIP);
    assert.equal(after.status, 200);
    assert.ok(assertGzipped(after).length > THRESHOLD);
  });

  test('Accept-Encoding counts only a bare gzip token: q-values, *, deflate and GZIP get the uncompressed list', async () => {
    const path = await pinned(c, `/api/v1/namespaces/${NS}/configmaps`);
    const plain = await raw(c, 'GET', path);
    for (const ae of ['gzip;q=0', 'gzip;q=1', '*', 'deflate', 'GZIP', 'identity', 'br, deflate']) {
      const r = await raw(c, 'GET', path, { 'Accept-Encoding': ae });
      assert.equal(assertPlain(r).toString(), plain.body.toString(), ae);
    }
    for (const ae of ['deflate, gzip', ' gzip , br', 'br,gzip']) {
      const r = await raw(c, 'GET', path, { 'Accept-Encoding': ae });
      assert.equal(assertGzipped(r).toString(), plain.body.toString(), ae);
    }
  });

  test('a small LIST and a HEAD stay uncompressed whatever the client accepts', async () => {
    const path = await pinned(c, '/api/v1/namespaces/gz-small/configmaps');
    const plain = await raw(c, 'GET', path);
    const gz = await raw(c, 'GET', path, GZIP);
    assert.equal(assertPlain(gz).toString(), plain.body.toString());
    const head = await raw(c, 'HEAD', `/api/v1/namespaces/${NS}/configmaps`, GZIP);
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-encoding'], undefined);
    assert.equal(head.body.length, 0);
  });

  test('a Table and a PartialObjectMetadataList above 128 KiB are compressed too', async () => {
    const path = await pinned(c, `/api/v1/namespaces/${NS}/configmaps`);
    for (const accept of ['application/json;as=Table;v=v1;g=meta.k8s.io', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io']) {
      const plain = await raw(c, 'GET', path, { Accept: accept });
      assert.equal(plain.status, 200, accept);
      assert.ok(assertPlain(plain).length > THRESHOLD, `${accept}: ${plain.body.length}`);
      const gz = await raw(c, 'GET', path, { Accept: accept, ...GZIP });
      assert.equal(ageless(assertGzipped(gz).toString()), ageless(plain.body.toString()), accept);
    }
  });

  test('a custom resource list above 128 KiB is compressed too', async () => {
    await c.k(['apply', '-f', join(TESTDATA, 'crds', 'widgets.yaml')]);
    const base = '/apis/example.com/v1/namespaces/default/widgets';
    for (let t0 = Date.now(); (await api(c, 'GET', base)).status !== 200; ) {
      assert.ok(Date.now() - t0 < 5000, 'widgets served');
      await new Promise((r) => setTimeout(r, 20));
    }
    for (let i = 0; i < 150; i += 25)
      await Promise.all(Array.from({ length: 25 }, (_, j) => api(c, 'POST', base, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: `w-${i + j}` }, spec: { size: 'small', extra: { blob: 'w'.repeat(1000) } } })));
    const path = await pinned(c, base);
    const plain = await raw(c, 'GET', path);
    assert.ok(assertPlain(plain).length > THRESHOLD);
    const gz = await raw(c, 'GET', path, GZIP);
    assert.equal(assertGzipped(gz).toString(), plain.body.toString());
  });

  test('a body of exactly 128 KiB stays uncompressed and one byte more is compressed (single object GET)', async () => {
    const path = `/api/v1/namespaces/${NS}/configmaps/edge`;
    await api(c, 'POST', `/api/v1/namespaces/${NS}/configmaps`, { metadata: { name: 'edge' }, data: { v: 'e' } });
    const sized = async (want: number): Promise<Raw> => {
      for (let tries = 0; tries < 4; tries++) {
        const now = await raw(c, 'GET', path);
        const have = now.body.length;
        if (have === want) return now;
        const v = (JSON.parse(now.body.toString()) as { data: { v: string } }).data.v;
        await api(c, 'PATCH', path, { data: { v: 'e'.repeat(v.length + want - have) } }, { 'Content-Type': 'application/merge-patch+json' });
      }
      throw new Error(`could not size the object to ${want} bytes`);
    };
    const at = await sized(THRESHOLD);
    const atGz = await raw(c, 'GET', path, GZIP);
    assert.equal(assertPlain(atGz).toString(), at.body.toString());
    const over = await sized(THRESHOLD + 1);
    const overGz = await raw(c, 'GET', path, GZIP);
    assert.equal(assertGzipped(overGz).toString(), over.body.toString());
  });

  test('a ConfigMap near 1 MiB: its create (201) and GET come compressed, without Accept-Encoding never', async () => {
    const body = JSON.stringify({ metadata: { name: 'huge' }, data: { blob: 'abcdefgh'.repeat(120_000) } });
    const created = await raw(c, 'POST', `/api/v1/namespaces/${NS}/configmaps`, GZIP, body);
    assert.equal(created.status, 201);
    const createdJSON = assertGzipped(created);
    const plain = await raw(c, 'GET', `/api/v1/namespaces/${NS}/configmaps/huge`);
    assertPlain(plain);
    assert.ok(plain.body.length > 960_000);
    assert.equal(createdJSON.toString(), plain.body.toString());
    const gz = await raw(c, 'GET', `/api/v1/namespaces/${NS}/configmaps/huge`, GZIP);
    assert.equal(assertGzipped(gz).toString(), plain.body.toString());
    const yamlPlain = await raw(c, 'GET', `/api/v1/namespaces/${NS}/configmaps/huge`, { Accept: 'application/yaml' });
    assert.ok(assertPlain(yamlPlain).toString().includes('\ndata:\n  blob: abcdefgh'));
    const yaml = await raw(c, 'GET', `/api/v1/namespaces/${NS}/configmaps/huge`, { Accept: 'application/yaml', ...GZIP });
    assert.equal(assertGzipped(yaml, 'application/yaml').toString(), yamlPlain.body.toString());
    await api(c, 'DELETE', `/api/v1/namespaces/${NS}/configmaps/huge`);
  });

  test('an error Status is compressed like any response: a small one not, one above 128 KiB yes', async () => {
    const small = await raw(c, 'GET', `/api/v1/namespaces/${NS}/configmaps/nope`, GZIP);
    assert.equal(small.status, 404);
    assert.equal(assertPlain(small).toString(), '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \\"nope\\" not found","reason":"NotFound","details":{"name":"nope","kind":"configmaps"},"code":404}\n');
    const body = JSON.stringify({ metadata: { name: 'bad', labels: { l: 'v'.repeat(150_000) } } });
    const plain = await raw(c, 'POST', `/api/v1/namespaces/${NS}/configmaps`, {}, body);
    assert.equal(plain.status, 422);
    assert.ok(assertPlain(plain).length > THRESHOLD, String(plain.body.length));
    const gz = await raw(c, 'POST', `/api/v1/namespaces/${NS}/configmaps`, GZIP, body);
    assert.equal(gz.status, 422);
    assert.equal(assertGzipped(gz).toString(), plain.body.toString());
  });

  test('a watch is never compressed', async () => {
    const w = watch(c, `/api/v1/namespaces/${NS}/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true`, GZIP);
    try {
      await w.waitFor((evs) => evs.some((e) => e.type === 'BOOKMARK'));
      assert.equal(w.status, 200);
      assert.equal(w.headers['content-encoding'], undefined);
      assert.equal(w.headers.vary, undefined);
      const listed = await api(c, 'GET', `/api/v1/namespaces/${NS}/configmaps`);
      assert.equal(w.events.filter((e) => e.type === 'ADDED').length, listed.json.items.length);
      assert.ok(w.lines.join('').length > THRESHOLD);
    } finally {
      w.close();
    }
  });

  test('/openapi/v3 documents are never compressed; /openapi/v2 goes through gziphandler', async () => {
    const v3 = await raw(c, 'GET', '/openapi/v3/api/v1', GZIP);
    assert.equal(v3.status, 200);
    assert.ok(assertPlain({ ...v3, names: v3.names.filter((n) => n !== 'vary') }).length > THRESHOLD);
    assert.equal(v3.headers.vary, 'Accept');
    const index = await raw(c, 'GET', '/openapi/v3', GZIP);
    assertPlain(index);
    const proto = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';
    const v2 = await raw(c, 'GET', '/openapi/v2', { Accept: proto });
    assert.equal(v2.status, 200);
    assert.equal(v2.headers.vary, 'Accept-Encoding, Accept');
    // two header lines, as Go's Header.Add writes them
    assert.deepEqual(v2.names.filter((n) => n === 'vary'), ['vary', 'vary']);
    assert.equal(v2.headers['content-length'], String(v2.body.length));
    assert.ok(v2.body.length >= 1400);
    const v2gz = await raw(c, 'GET', '/openapi/v2', { Accept: proto, 'Accept-Encoding': 'gzip;q=0.5' });
    assert.ok(assertGzipped(v2gz, proto, 'Accept-Encoding, Accept').equals(v2.body));
    const refused = await raw(c, 'GET', '/openapi/v2', { Accept: proto, 'Accept-Encoding': 'GZIP;q=0' });
    assert.equal(refused.headers['content-encoding'], undefined);
    assert.ok(refused.body.equals(v2.body));
    const notModified = await raw(c, 'GET', '/openapi/v2', { Accept: proto, ...GZIP, 'If-None-Match': v2.headers.etag as string });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers['content-encoding'], undefined);
    assert.equal(notModified.headers.vary, 'Accept-Encoding, Accept');
  });

  test('discovery is compressed only above 128 KiB; /version and /healthz never', async () => {
    const accept = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
    for (const path of ['/apis', '/api']) {
      const plain = await raw(c, 'GET', path, { Accept: accept });
      const gz = await raw(c, 'GET', path, { Accept: accept, ...GZIP });
      assert.equal(plain.headers.vary, 'Accept');
      if (plain.body.length > THRESHOLD) {
        assert.equal(assertGzipped(gz, accept, 'Accept, Accept-Encoding').toString(), plain.body.toString());
        assert.deepEqual(gz.names.filter((n) => n === 'vary'), ['vary', 'vary']);
      }
      else {
        assert.equal(gz.headers['content-encoding'], undefined, path);
        assert.equal(gz.headers.vary, 'Accept', path);
        assert.ok(gz.body.equals(plain.body), path);
      }
    }
    for (const path of ['/api/v1', '/apis/apps/v1', '/version', '/healthz']) assertPlain(await raw(c, 'GET', path, GZIP));
  });

  test('/metrics is compressed as promhttp does: whenever gzip wins the negotiation, without Vary', async () => {
    const plain = await raw(c, 'GET', '/metrics');
    assert.equal(plain.status, 200);
    assert.ok(assertPlain(plain).toString().startsWith('# HELP '));
    const gz = await raw(c, 'GET', '/metrics', GZIP);
    assert.equal(gz.headers['content-encoding'], 'gzip');
    assert.equal(gz.headers.vary, undefined);
    assert.equal(gz.headers['content-length'], String(gz.body.length));
    assert.ok(gunzipSync(gz.body).toString().startsWith('# HELP '));
    for (const ae of ['*', 'gzip;q=0', 'identity, gzip']) assert.equal((await raw(c, 'GET', '/metrics', { 'Accept-Encoding': ae })).headers['content-encoding'], undefined, ae);
  });

  test('kubectl and the python client read a compressed list', async () => {
    const out = JSON.parse(await c.k(['get', 'configmaps', '-n', NS, '-o', 'json'])) as { items: { metadata: { name: string } }[] };
    assert.equal(out.items.filter((i) => i.metadata.name.startsWith('cm-')).length, COUNT);
    const script = [
      'import sys',
      'from kubernetes import client, config',
      'config.load_kube_config(sys.argv[1])',
      'api = client.ApiClient()',
      "api.set_default_header('Accept-Encoding', 'gzip')",
      'v1 = client.CoreV1Api(api)',
      `r = v1.list_namespaced_config_map('${NS}', _preload_content=False)`,
      "print(r.headers.get('Content-Encoding'), r.headers.get('Vary'))",
      'import json',
      "items = json.loads(r.data)['items']",
      "print(len([i for i in items if i['metadata']['name'].startswith('cm-')]))",
      `print(len([i for i in v1.list_namespaced_config_map('${NS}').items if i.metadata.name.startswith('cm-')]))`,
    ].join('\n');
    const py = await new Promise<string>((resolve, reject) =>
      execFile('/usr/bin/python3', ['-c', script, c.kubeconfigPath], { env: { PATH: '/usr/bin:/bin', HOME: c.tmp, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
    );
    assert.equal(py, `gzip Accept-Encoding\n${COUNT}\n${COUNT}\n`);
  });
});
