// JSON pretty-printed as kube-apiserver does it (negotiation's isPrettyPrint): for ?pretty=true, an accepted
// application/json;pretty=1, or a curl, Wget or browser user agent — two-space indentation, no newline at the end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api, watch } from '../testing/client.js';

describe('pretty-printed JSON', () => {
  let c: TestCluster;
  let compact: string;
  const path = '/api/v1/namespaces/default/configmaps/p';
  before(async () => {
    c = await startTestCluster();
    assert.equal((await api(c, 'POST', '/api/v1/namespaces/default/configmaps', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'p' }, data: { a: '1', empty: '' } })).status, 201);
    compact = (await api(c, 'GET', path)).text;
  });
  after(async () => {
    await c?.cleanup();
  });

  test('curl, Wget and browsers get indented JSON without a final newline; other clients the compact form', async () => {
    assert.ok(compact.endsWith('}\n') && !compact.includes('\n  '));
    const pretty = JSON.stringify(JSON.parse(compact), null, 2);
    for (const ua of ['curl/8.5.0', 'Wget/1.21', 'Mozilla/5.0 (X11; Linux x86_64)']) assert.equal((await api(c, 'GET', path, undefined, { 'User-Agent': ua })).text, pretty, ua);
    for (const ua of ['kubectl/v1.33.1 (linux/amd64) kubernetes/8adc0f0', 'Mozilla/4.0', 'python-requests/2.31']) assert.equal((await api(c, 'GET', path, undefined, { 'User-Agent': ua })).text, compact, ua);
  });

  test('?pretty decides when it has a value (strconv.ParseBool; anything else is false); accept pretty=1', async () => {
    const pretty = JSON.stringify(JSON.parse(compact), null, 2);
    assert.equal((await api(c, 'GET', `${path}?pretty=true`)).text, pretty);
    assert.equal((await api(c, 'GET', `${path}?pretty=T`)).text, pretty);
    assert.equal((await api(c, 'GET', `${path}?pretty=yes`)).text, compact);
    assert.equal((await api(c, 'GET', `${path}?pretty=false`, undefined, { 'User-Agent': 'curl/8.5.0' })).text, compact);
    assert.equal((await api(c, 'GET', `${path}?pretty=`, undefined, { 'User-Agent': 'curl/8.5.0' })).text, pretty);
    assert.equal((await api(c, 'GET', path, undefined, { Accept: 'application/json;pretty=1' })).text, pretty);
  });

  test('lists, errors and discovery are pretty too; watch events never', async () => {
    const list = await api(c, 'GET', '/api/v1/namespaces/default/configmaps?pretty=1');
    assert.equal(list.text, JSON.stringify(JSON.parse((await api(c, 'GET', '/api/v1/namespaces/default/configmaps')).text), null, 2));
    const missing = await api(c, 'GET', '/api/v1/namespaces/default/configmaps/missing', undefined, { 'User-Agent': 'curl/8.5.0' });
    assert.equal(missing.status, 404);
    assert.equal(missing.text, '{\n  "kind": "Status",\n  "apiVersion": "v1",\n  "metadata": {},\n  "status": "Failure",\n  "message": "configmaps \\"missing\\" not found",\n  "reason": "NotFound",\n  "details": {\n    "name": "missing",\n    "kind": "configmaps"\n  },\n  "code": 404\n}');
    assert.ok((await api(c, 'GET', '/apis/apps?pretty=true')).text.startsWith('{\n  "kind": "APIGroup",\n  "apiVersion": "v1",\n  "name": "apps",'));
    const w = watch(c, '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&fieldSelector=metadata.name%3Dp&pretty=true', { 'User-Agent': 'curl/8.5.0' });
    await w.ended;
    assert.deepEqual(w.events.map((e) => e.type), ['ADDED']);
    assert.equal(w.lines[0], `{"type":"ADDED","object":${compact.trimEnd()}}\n`);
  });
});
