// CustomResourceDefinitions through real kubectl and raw requests: served within a second, validated, pruned
// and defaulted from the schema, printed with their columns, scaled, applied server-side, and gone with the CRD.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTestCluster, table, TESTDATA, type TestCluster } from '../testing/harness.js';
import { api, watch } from '../testing/client.js';

const CRD = join(TESTDATA, 'crds', 'widgets.yaml');
const base = '/apis/example.com/v1/namespaces/default/widgets';

function widget(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name }, spec });
}

describe('custom resources', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => c?.cleanup());

  test('a new CRD is in discovery and served within a second, and the aggregated ETag changes', async () => {
    const disco = { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' };
    const before = await api(c, 'GET', '/apis', undefined, disco);
    const etag = before.headers.etag as string;
    assert.match(etag, /^"[0-9A-F]{128}"$/);
    assert.equal((await api(c, 'GET', '/apis', undefined, { ...disco, 'If-None-Match': etag })).status, 304);
    const t0 = Date.now();
    await c.k(['apply', '-f', CRD]);
    for (;;) {
      if ((await api(c, 'GET', base)).status === 200) break;
      assert.ok(Date.now() - t0 < 1000, 'served within a second');
      await new Promise((r) => setTimeout(r, 10));
    }
    const after = await api(c, 'GET', '/apis', undefined, disco);
    assert.notEqual(after.headers.etag, etag);
    const group = after.json.items.find((g: { metadata: { name: string } }) => g.metadata.name === 'example.com');
    assert.deepEqual(group.versions.map((v: { version: string }) => v.version), ['v1', 'v1beta1']);
    const res = group.versions[0].resources[0];
    assert.deepEqual([res.resource, res.singularResource, res.scope, res.shortNames, res.categories], ['widgets', 'widget', 'Namespaced', ['wd'], ['all', 'gadgets']]);
    assert.deepEqual(res.subresources.map((s: { subresource: string }) => s.subresource), ['status', 'scale']);
    await c.k(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=10s']);
    const crd = JSON.parse(await c.k(['get', 'crd', 'widgets.example.com', '-o', 'json']));
    assert.deepEqual(crd.status.acceptedNames, { plural: 'widgets', singular: 'widget', shortNames: ['wd'], kind: 'Widget', listKind: 'WidgetList', categories: ['all', 'gadgets'] });
  });

  test('objects are defaulted and pruned; kubectl get prints the printer columns, -o wide the priority ones', async () => {
    await c.k(['apply', '-f', '-'], { stdin: widget('w1', { size: 'small', extra: { keep: { me: 1 } } }) });
    const w = JSON.parse(await c.k(['get', 'widget', 'w1', '-o', 'json']));
    assert.deepEqual(w.spec, { color: 'blue', extra: { keep: { me: 1 } }, replicas: 1, size: 'small' });
    assert.match(await c.k(['get', 'widgets']), /^NAME +SIZE +REPLICAS +READY +AGE\nw1 +small +1 +\d+s\n$/);
    const wide = table(await c.k(['get', 'wd', '-o', 'wide']));
    assert.deepEqual(wide[0], ['NAME', 'SIZE', 'REPLICAS', 'READY', 'COLOR', 'AGE']);
    const raw = await api(c, 'POST', base, widget('w2', { size: 'large', unknown: 1 }), { 'Content-Type': 'application/json' });
    assert.equal(raw.status, 201);
    assert.equal(raw.json.spec.unknown, undefined);
    assert.equal(raw.headers.warning, '299 - "unknown field \\"spec.unknown\\""');
    const strict = await c.kubectl(['create', '-f', '-'], { stdin: widget('w3', { size: 'small', bogus: true }) });
    assert.equal(strict.stderr.trim(), 'Error from server (BadRequest): error when creating "STDIN": Widget in version "v1" cannot be handled as a Widget: strict decoding error: unknown field "spec.bogus"');
  });

  test('invalid objects are refused with upstream messages and field paths', async () => {
    const r = await api(c, 'POST', base, widget('bad', { size: 'huge', replicas: -1, ports: [{ name: 'a' }, { name: 'a' }] }), { 'Content-Type': 'application/json' });
    assert.equal(r.status, 422);
    assert.deepEqual(
      r.json.details.causes.map((x: { field: string; reason: string }) => [x.field, x.reason]),
      [['spec.replicas', 'FieldValueInvalid'], ['spec.size', 'FieldValueNotSupported'], ['spec.ports[1]', 'FieldValueDuplicate'], ['.spec.replicas', 'FieldValueInvalid']],
    );
    assert.match(r.json.message, /^Widget\.example\.com "bad" is invalid: \[spec\.replicas: Invalid value: -1: spec\.replicas in body should be greater than or equal to 0, spec\.size: Unsupported value: "huge": supported values: "small", "medium", "large"/);
    const missing = await api(c, 'POST', base, widget('bad2', {}), { 'Content-Type': 'application/json' });
    assert.equal(missing.json.message, 'Widget.example.com "bad2" is invalid: spec.size: Required value');
  });

  test('scale, status, field selectors and the deprecated version', async () => {
    assert.equal(await c.k(['scale', 'widget', 'w1', '--replicas=4']), 'widget.example.com/w1 scaled\n');
    const scale = await api(c, 'GET', `${base}/w1/scale`);
    assert.deepEqual([scale.json.kind, scale.json.apiVersion, scale.json.spec.replicas], ['Scale', 'autoscaling/v1', 4]);
    const st = await api(c, 'PATCH', `${base}/w1/status`, { status: { replicas: 4, selector: 'app=w1', conditions: [{ type: 'Ready', status: 'True' }] }, spec: { size: 'medium' } }, { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(st.status, 200);
    assert.equal(st.json.spec.size, 'small', 'a status write leaves spec alone');
    assert.equal((await api(c, 'GET', `${base}/w1/scale`)).json.status.selector, 'app=w1');
    assert.deepEqual(table(await c.k(['get', 'wd', 'w1', '--no-headers'])).map((r) => r.slice(0, 4)), [['w1', 'small', '4', 'True']]);
    assert.deepEqual(table(await c.k(['get', 'wd', '--field-selector', 'spec.color=blue', '-o', 'name'])), [['widget.example.com/w1'], ['widget.example.com/w2']]);
    const old = await api(c, 'GET', '/apis/example.com/v1beta1/namespaces/default/widgets/w1');
    assert.equal(old.json.apiVersion, 'example.com/v1beta1');
    assert.equal(old.headers.warning, '299 - "example.com/v1beta1 Widget is deprecated; use example.com/v1 Widget"');
    // a list of the deprecated version warns as well (its items go out as stored bytes, not through an encoder)
    const oldList = await api(c, 'GET', '/apis/example.com/v1beta1/namespaces/default/widgets');
    assert.equal(oldList.status, 200);
    assert.equal(oldList.headers.warning, '299 - "example.com/v1beta1 Widget is deprecated; use example.com/v1 Widget"');
  });

  test('server-side apply merges list-map entries by key from the schema', async () => {
    await c.k(['apply', '--server-side', '--field-manager=a', '-f', '-'], { stdin: widget('ssa', { size: 'small', ports: [{ name: 'http', port: 80 }] }) });
    await c.k(['apply', '--server-side', '--field-manager=b', '-f', '-'], { stdin: widget('ssa', { size: 'small', ports: [{ name: 'metrics', port: 9090 }] }) });
    const o = JSON.parse(await c.k(['get', 'widget', 'ssa', '-o', 'json']));
    assert.deepEqual(o.spec.ports, [{ name: 'http', port: 80 }, { name: 'metrics', port: 9090 }]);
  });

  test('watches of custom resources see changes; deleting the CRD deletes its objects and the endpoints', async () => {
    const w = watch(c, `${base}?watch=1`);
    await w.waitFor((evs) => evs.length >= 3);
    await c.k(['delete', 'crd', 'widgets.example.com', '--timeout=20s']);
    await w.ended;
    assert.ok(w.events.some((e) => e.type === 'DELETED' && e.object.metadata.name === 'w1'));
    for (let i = 0; i < 100 && (await api(c, 'GET', base)).status !== 404; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal((await api(c, 'GET', base)).status, 404);
    await c.k(['apply', '-f', CRD]);
    await c.k(['wait', '--for=condition=Established', 'crd/widgets.example.com', '--timeout=10s']);
    assert.deepEqual(JSON.parse(await c.k(['get', 'widgets', '-o', 'json'])).items, [], 'nothing came back with the re-created CRD');
  });

  test('deleting a namespace deletes its custom resources', async () => {
    await c.k(['create', 'namespace', 'crns']);
    await c.k(['-n', 'crns', 'apply', '-f', '-'], { stdin: widget('inside', { size: 'small' }) });
    await c.k(['delete', 'namespace', 'crns', '--timeout=20s']);
    assert.equal((await api(c, 'GET', '/apis/example.com/v1/namespaces/crns/widgets/inside')).status, 404);
  });
});
