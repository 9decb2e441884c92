// Hostile and careless input, each answered as kube-apiserver answers it (issue 16).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:https';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api, watch } from '../testing/client.js';
import { encodeProtobufObject } from '../apiserver/protobuf/encode.js';

const cm = '/api/v1/namespaces/default/configmaps';

/** Sends a chunked body of `size` bytes (no Content-Length) and returns the answer. */
function chunkedPost(c: TestCluster, path: string, size: number): Promise<{ status: number; text: string; connection?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(c.url + path, { method: 'POST', ca: c.caCertPem, cert: c.adminCertPem, key: c.adminKeyPem, headers: { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, connection: res.headers.connection }));
    });
    req.on('error', (e) => (e.message.includes('EPIPE') || e.message.includes('ECONNRESET') ? undefined : reject(e)));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < size) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      req.end();
    };
    req.write('{"metadata":{"name":"big"},"data":{"k":"');
    pump();
  });
}

/** A request whose path is sent exactly as given (URL parsing would resolve dot segments first). */
function rawRequest(c: TestCluster, method: string, path: string): Promise<{ status: number; json: { message?: string } }> {
  const u = new URL(c.url);
  return new Promise((resolve, reject) => {
    const req = request({ host: u.hostname, port: u.port, path, method, ca: c.caCertPem, cert: c.adminCertPem, key: c.adminKeyPem }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('hardening', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: 'none' });
  });
  after(async () => c?.cleanup());

  test('a chunked body over 3 MiB is refused while it is read, not buffered', async () => {
    const rss = process.memoryUsage().rss;
    const r = await chunkedPost(c, cm, 64 * 1024 * 1024);
    assert.equal(r.status, 413);
    assert.equal(JSON.parse(r.text).message, 'Request entity too large: limit is 3145728');
    assert.equal(r.connection, 'close');
    assert.ok(process.memoryUsage().rss - rss < 48 * 1024 * 1024, 'the 64 MiB body was not held in memory');
    assert.equal((await api(c, 'GET', '/version')).status, 200);
  });

  test('a declared Content-Length over the limit is refused at once', async () => {
    const r = await api(c, 'POST', cm, Buffer.alloc(3 * 1024 * 1024 + 1, 0x20));
    assert.equal(r.status, 413);
    assert.equal(r.json.reason, 'RequestEntityTooLarge');
  });

  test('warnings travel as UTF-8 bytes with only quotes and backslashes escaped; control characters drop a warning', async () => {
    const r = await api(c, 'POST', `${cm}?fieldValidation=Warn`, '{"metadata":{"name":"utf8-warn"},"ñ":1,"bad\\u0001":2}');
    assert.equal(r.status, 201);
    assert.equal(Buffer.from(String(r.headers.warning), 'latin1').toString('utf8'), '299 - "unknown field \\"ñ\\""');
  });

  test('a YAML anchor that contains itself is refused in go-yaml words, on create and in DeleteOptions', async () => {
    const create = await api(c, 'POST', cm, 'metadata: {name: loop}\ndata: &a {k: *a}\n', { 'Content-Type': 'application/yaml' });
    assert.equal(create.status, 400);
    assert.equal(create.json.message, "error converting YAML to JSON: yaml: anchor 'a' value contains itself");
    const del = await api(c, 'DELETE', `${cm}/missing`, 'a: &a [*a, *a]\n', { 'Content-Type': 'application/yaml' });
    // v1.33 answers any undecodable DeleteOptions body with a 500 without a reason (400 from 1.35 on)
    assert.equal(del.status, 500);
    assert.equal(del.json.message, "error converting YAML to JSON: yaml: anchor 'a' value contains itself");
  });

  test('JSON nested deeper than Go decodes is a 400; deep documents never cause a 500', async () => {
    const nest = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const tooDeep = await api(c, 'POST', cm, `{"metadata":{"name":"deep"},"x":${nest(10_001)}}`);
    assert.equal(tooDeep.status, 400);
    assert.equal(tooDeep.json.message, "couldn't get version/kind; json parse error: invalid character '{' exceeded max depth");
    assert.equal((await api(c, 'POST', cm, { metadata: { name: 'target' } })).status, 201);
    for (const depth of [3000, 6000, 9999]) {
      const r = await api(c, 'PATCH', `${cm}/target`, `{"x":${nest(depth)}}`, { 'Content-Type': 'application/merge-patch+json' });
      assert.ok(r.status < 500, `depth ${depth}: ${r.status} ${r.text.slice(0, 200)}`);
    }
    const patchTooDeep = await api(c, 'PATCH', `${cm}/target`, `{"x":${nest(10_001)}}`, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(patchTooDeep.status, 400);
  });

  test('ConfigMap and Secret data over 1 MiB are invalid', async () => {
    const big = 'x'.repeat(1024 * 1024 + 1);
    const cmr = await api(c, 'POST', cm, { metadata: { name: 'huge' }, data: { k: big } });
    assert.equal(cmr.status, 422);
    assert.equal(cmr.json.message, 'ConfigMap "huge" is invalid: : Too long: may not be more than 1048576 bytes');
    assert.deepEqual(cmr.json.details.causes, [{ reason: 'FieldValueTooLong', message: 'Too long: may not be more than 1048576 bytes' }]);
    const sr = await api(c, 'POST', '/api/v1/namespaces/default/secrets', { metadata: { name: 'huge' }, data: { k: Buffer.from(big).toString('base64') } });
    assert.equal(sr.status, 422);
    assert.equal(sr.json.message, 'Secret "huge" is invalid: data: Too long: may not be more than 1048576 bytes');
    assert.equal((await api(c, 'POST', cm, { metadata: { name: 'exactly' }, data: { k: 'x'.repeat(1024 * 1024) } })).status, 201);
  });

  test('integer query parameters out of int64 range are 400s with strconv\'s words', async () => {
    const r = await api(c, 'GET', `${cm}?limit=99999999999999999999999`);
    assert.equal(r.status, 400);
    assert.equal(r.json.message, 'strconv.ParseInt: parsing "99999999999999999999999": value out of range');
    const w = await api(c, 'GET', `${cm}?watch=1&timeoutSeconds=abc`);
    assert.equal(w.status, 400);
    assert.equal(w.json.message, 'strconv.ParseInt: parsing "abc": invalid syntax');
  });

  test('a negative timeoutSeconds is accepted as upstream does and ends the watch at once', async () => {
    const w = watch(c, `${cm}?watch=1&timeoutSeconds=-1`);
    await w.ended;
    assert.equal(w.status, 200);
  });

  test('a watch with a very long timeoutSeconds stays open', async () => {
    const w = watch(c, `${cm}?watch=1&timeoutSeconds=2147484`);
    await w.gotHeaders;
    await new Promise((r) => setTimeout(r, 300));
    await api(c, 'POST', cm, { metadata: { name: 'seen' } });
    await w.waitFor((evs) => evs.some((e) => e.object.metadata.name === 'seen'));
    w.close();
  });

  test('DELETE bodies are decoded by Content-Type: protobuf DeleteOptions (as helm sends them) work', async () => {
    await api(c, 'POST', cm, { metadata: { name: 'pb', finalizers: ['example.com/keep'] } });
    const body = Buffer.from(encodeProtobufObject({ apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Orphan' }));
    const r = await api(c, 'DELETE', `${cm}/pb`, body, { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json.metadata.finalizers, ['example.com/keep', 'orphan']);
    const bad = await api(c, 'DELETE', `${cm}/pb`, Buffer.from('k8s\u0000garbage'), { 'Content-Type': 'application/vnd.kubernetes.protobuf' });
    // v1.33 answers an undecodable DeleteOptions with a reason-less 500 (1.35 made it a 400)
    assert.equal(bad.status, 500);
    assert.equal(bad.json.reason, undefined);
    await api(c, 'PATCH', `${cm}/pb`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' });
  });

  test('kubectl --as impersonates: auth whoami prints the impersonated user', async () => {
    const out = await c.k(['auth', 'whoami', '--as=dev', '--as-group=team', '-o', 'jsonpath={.status.userInfo.username} {.status.userInfo.groups}']);
    assert.equal(out, 'dev ["team","system:authenticated"]');
  });

  test('dot segments in the path are names, never resolved to another object', async () => {
    for (const name of ['..', '.']) {
      const r = await rawRequest(c, 'GET', `${cm}/${name}`);
      assert.equal(r.status, 400, name);
      assert.equal(r.json.message, `Name parameter invalid: "${name}": may not be '${name}'`);
    }
    const up = await rawRequest(c, 'DELETE', '/api/v1/namespaces/default/configmaps/../../namespaces/kube-public');
    assert.ok(up.status === 400 || up.status === 404, String(up.status));
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/kube-public')).status, 200);
  });
});

describe('limits on work in progress', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: 'none', maxMutatingRequestsInFlight: 1, requestTimeoutMs: 500 });
  });
  after(async () => c?.cleanup());

  test('mutating requests over the in-flight limit get 429 with Retry-After; reads and watches do not count', async () => {
    const w = watch(c, `${cm}?watch=1`);
    await w.gotHeaders;
    // a slow upload holds the one mutating slot
    const slow = request(c.url + cm, { method: 'POST', ca: c.caCertPem, cert: c.adminCertPem, key: c.adminKeyPem, headers: { 'Content-Type': 'application/json', 'Content-Length': '100' } }, (res) => res.resume());
    slow.on('error', () => {});
    slow.write('{"metadata":');
    await new Promise((r) => setTimeout(r, 100));
    const refused = await api(c, 'POST', cm, { metadata: { name: 'refused' } });
    assert.equal(refused.status, 429);
    assert.equal(refused.text, 'Too many requests, please try again later.\n');
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal((await api(c, 'GET', cm)).status, 200);
    slow.destroy();
    await new Promise((r) => setTimeout(r, 600));
    assert.equal((await api(c, 'POST', cm, { metadata: { name: 'later' } })).status, 201);
    w.close();
  });

  test('a request that does not complete in time (a slow upload) is a 504 Timeout', async () => {
    const r = await new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = request(c.url + cm, { method: 'POST', ca: c.caCertPem, cert: c.adminCertPem, key: c.adminKeyPem, headers: { 'Content-Type': 'application/json', 'Content-Length': '100' } }, (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      });
      req.on('error', reject);
      req.write('{"metadata":');
    });
    assert.equal(r.status, 504);
    assert.equal(r.text, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Timeout: request did not complete within the allotted timeout","reason":"Timeout","details":{},"code":504}\n');
  });
});
