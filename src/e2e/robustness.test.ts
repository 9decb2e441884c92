// Bad input gets a 4xx Status and loses nothing: malformed bodies, patches, paths and parameters
// never crash the server or half-write an object.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

const cm = '/api/v1/namespaces/default/configmaps';

describe('robustness', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ storage: 'sqlite' });
    assert.equal((await api(c, 'POST', cm, { metadata: { name: 'keep' }, data: { a: '1' } })).status, 201);
  });
  after(() => c?.cleanup());

  test('malformed requests answer 4xx with a Status body', async () => {
    const cases: [string, string, unknown, Record<string, string>?][] = [
      ['POST', cm, '{'],
      ['POST', cm, '[]'],
      ['POST', cm, 'null'],
      ['POST', cm, '"str"'],
      ['POST', cm, { metadata: 'nope' }],
      ['POST', cm, { metadata: { name: 123 } }],
      ['POST', cm, { metadata: { name: 'x', labels: { 'bad key!': 'v' } } }],
      ['POST', cm, { metadata: { name: 'x' }, data: 'not-a-map' }],
      ['POST', cm, { metadata: { name: 'x' }, data: { k: 5 } }],
      ['POST', cm, { kind: 'Secret', apiVersion: 'v1', metadata: { name: 'x' } }],
      ['POST', cm, { apiVersion: 'apps/v1', metadata: { name: 'x' } }],
      ['POST', cm, 'garbage', { 'Content-Type': 'application/vnd.kubernetes.protobuf' }],
      ['POST', cm, 'k8s\u0000\u0001\u0002', { 'Content-Type': 'application/vnd.kubernetes.protobuf' }],
      ['POST', cm, 'a: [', { 'Content-Type': 'application/yaml' }],
      ['POST', cm, '{}', { 'Content-Type': 'application/xml' }],
      ['PUT', `${cm}/keep`, { metadata: { name: 'other' } }],
      ['PUT', `${cm}/keep`, { metadata: { name: 'keep', resourceVersion: 'abc' }, data: { a: '2' } }],
      ['PATCH', `${cm}/keep`, '{', { 'Content-Type': 'application/merge-patch+json' }],
      ['PATCH', `${cm}/keep`, '{"op":"add"}', { 'Content-Type': 'application/json-patch+json' }],
      ['PATCH', `${cm}/keep`, '[{"op":"bogus","path":"/data"}]', { 'Content-Type': 'application/json-patch+json' }],
      ['PATCH', `${cm}/keep`, '[{"op":"replace","path":"/metadata/name","value":"renamed"}]', { 'Content-Type': 'application/json-patch+json' }],
      ['PATCH', `${cm}/keep`, 'a: [', { 'Content-Type': 'application/apply-patch+yaml' }],
      ['PATCH', `${cm}/keep`, '{}', { 'Content-Type': 'text/plain' }],
      ['PATCH', `${cm}/keep`, '{"metadata":"x"}', { 'Content-Type': 'application/merge-patch+json' }],
      ['PATCH', `${cm}/keep`, '{"data":5}', { 'Content-Type': 'application/merge-patch+json' }],
      ['PATCH', `${cm}/keep`, '{"metadata":{"labels":[1]}}', { 'Content-Type': 'application/strategic-merge-patch+json' }],
      ['PATCH', `${cm}/keep`, '[{"op":"replace","path":"/metadata","value":7}]', { 'Content-Type': 'application/json-patch+json' }],
      ['PATCH', '/apis/apps/v1/namespaces/default/deployments/nope/scale', '{"spec":{"replicas":"x"}}', { 'Content-Type': 'application/merge-patch+json' }],
      ['PUT', `${cm}/keep`, { metadata: { name: 'keep', finalizers: 'x' } }],
      ['GET', `${cm}?limit=abc`, undefined],
      ['GET', `${cm}?labelSelector=%3D%3D%3D`, undefined],
      ['GET', `${cm}?fieldSelector=nonsense`, undefined],
      ['GET', `${cm}?resourceVersion=abc`, undefined],
      ['GET', `${cm}?continue=%ZZ`, undefined],
      ['DELETE', `${cm}/keep?gracePeriodSeconds=abc`, undefined],
      ['GET', '/api/v1/namespaces/default/configmaps/keep/nope', undefined],
      ['GET', '/apis/nope.example.com/v1/widgets', undefined],
      ['POST', '/api/v1/namespaces/%2E%2E/configmaps', { metadata: { name: 'x' } }],
    ];
    for (const [method, path, body, headers] of cases) {
      const r = await api(c, method, path, body as string, headers);
      assert.ok(r.status >= 400 && r.status < 500, `${method} ${path} ${JSON.stringify(body)} → ${r.status} ${r.text.slice(0, 200)}`);
      if (r.headers['content-type'] === 'application/json') {
        assert.equal(r.json.kind, 'Status', `${method} ${path}: ${r.text.slice(0, 200)}`);
        assert.equal(r.json.code, r.status);
      }
    }
    // v1.33 hands an undecodable DELETE body's error on as is: a 500 without a reason
    const del = await api(c, 'DELETE', `${cm}/keep`, '{"preconditions":"x"', { 'Content-Type': 'application/json' });
    assert.equal(del.status, 500);
    assert.deepEqual(del.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: "couldn't get version/kind; json parse error: unexpected end of JSON input", code: 500 });
    // an unknown $patch directive is a 500 without a reason upstream too (strategicpatch's plain error)
    const smp = await api(c, 'PATCH', `${cm}/keep`, '{"data":{"$patch":"bogus"}}', { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(smp.status, 500);
    assert.deepEqual(smp.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'unknown patch type: bogus in map: map[$patch:bogus]', code: 500 });
    const keep = await api(c, 'GET', `${cm}/keep`);
    assert.equal(keep.status, 200);
    assert.deepEqual(keep.json.data, { a: '1' });
    assert.equal(keep.json.metadata.name, 'keep');
    const names = (await api(c, 'GET', cm)).json.items.map((o: { metadata: { name: string } }) => o.metadata.name).sort();
    assert.deepEqual(names, ['keep', 'kube-root-ca.crt']);
  });

  test('a mistyped field is named in Go decoding words', async () => {
    const d = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'typed' }, spec: { replicas: 'three', selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    const r = await api(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', d);
    assert.equal(r.status, 400);
    assert.equal(r.json.message, 'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32');
    const k = await c.kubectl(['create', '--validate=false', '-f', '-'], { stdin: JSON.stringify({ ...d, spec: { ...d.spec, replicas: 1, template: { ...d.spec.template, spec: { containers: [{ name: 'c', image: 5 }] } } } }) });
    assert.equal(k.code, 1);
    assert.equal(k.stderr.trim(), 'Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string');
  });

  test('random bytes to every verb never crash the server', async () => {
    let seed = 42;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const types = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/json-patch+json', 'application/apply-patch+yaml'];
    for (let i = 0; i < 300; i++) {
      const len = Math.floor(rnd() * 200);
      const bytes = Buffer.from(Array.from({ length: len }, () => Math.floor(rnd() * 256)));
      if (i % 3 === 0) bytes.write('k8s\u0000', 0);
      const method = ['POST', 'PUT', 'PATCH'][i % 3];
      const path = method === 'POST' ? cm : `${cm}/keep`;
      const r = await api(c, method, `${path}?fieldManager=fuzz`, bytes, { 'Content-Type': types[i % types.length] });
      assert.ok(r.status >= 200 && r.status < 500, `${method} #${i} → ${r.status}: ${r.text.slice(0, 300)}`);
    }
    assert.equal((await api(c, 'GET', '/readyz')).text, 'ok');
  });
});
