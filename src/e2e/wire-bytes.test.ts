// Response bytes as kube-apiserver's encoder prints them: Go's field order, omitempty, sorted maps,
// HTML-escaped strings and a final newline; stored in that canonical form.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api, watch } from '../testing/client.js';

describe('response bytes', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => c?.cleanup());

  test('an object prints kind, apiVersion, metadata in ObjectMeta order, data with sorted keys and a newline', async () => {
    const created = await api(c, 'POST', '/api/v1/namespaces/default/configmaps?fieldManager=t', { data: { b: '<2>', a: 'x&y' }, metadata: { labels: { z: '1', a: '2' }, name: 'order' }, apiVersion: 'v1', kind: 'ConfigMap' });
    assert.equal(created.status, 201);
    const m = created.json.metadata;
    const mf = `[{"manager":"t","operation":"Update","apiVersion":"v1","time":"${m.managedFields[0].time}","fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{},"f:a":{},"f:b":{}},"f:metadata":{"f:labels":{".":{},"f:a":{},"f:z":{}}}}}]`;
    const expected = `{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"order","namespace":"default","uid":"${m.uid}","resourceVersion":"${m.resourceVersion}","creationTimestamp":"${m.creationTimestamp}","labels":{"a":"2","z":"1"},"managedFields":${mf}},"data":{"a":"x\\u0026y","b":"\\u003c2\\u003e"}}\n`;
    assert.equal(created.text, expected);
    const got = await api(c, 'GET', '/api/v1/namespaces/default/configmaps/order');
    assert.equal(got.text, expected);
  });

  test('a typed list prints ListMeta in order and items without kind and apiVersion', async () => {
    await api(c, 'POST', '/api/v1/namespaces', { metadata: { name: 'listbytes' } });
    const a = await api(c, 'POST', '/api/v1/namespaces/listbytes/secrets', { metadata: { name: 's' }, stringData: { k: 'v' } });
    const l = await api(c, 'GET', '/api/v1/namespaces/listbytes/secrets?limit=1');
    assert.equal(l.status, 200);
    const rv = l.json.metadata.resourceVersion;
    assert.ok(l.text.startsWith(`{"kind":"SecretList","apiVersion":"v1","metadata":{"resourceVersion":"${rv}"`), l.text.slice(0, 120));
    assert.ok(l.text.includes(`"items":[{"metadata":{"name":"s","namespace":"listbytes","uid":"${a.json.metadata.uid}","resourceVersion":"${a.json.metadata.resourceVersion}",`));
    assert.ok(l.text.endsWith(`"data":{"k":"dg=="},"type":"Opaque"}]}\n`), l.text.slice(-80));
  });

  test('errors print Status fields in Go order and leave out an empty group', async () => {
    const r = await api(c, 'GET', '/api/v1/namespaces/default/configmaps/nope');
    assert.equal(r.text, '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \\"nope\\" not found","reason":"NotFound","details":{"name":"nope","kind":"configmaps"},"code":404}\n');
    const inv = await api(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'Bad_Name' } });
    assert.equal(inv.status, 422);
    assert.ok(inv.text.startsWith('{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"ConfigMap \\"Bad_Name\\" is invalid: metadata.name: Invalid value: \\"Bad_Name\\": '), inv.text);
    assert.ok(inv.text.endsWith(',"field":"metadata.name"}]},"code":422}\n'), inv.text);
    const del = await api(c, 'DELETE', '/api/v1/namespaces/default/configmaps/order');
    assert.equal(del.text, `{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"order","kind":"configmaps","uid":"${del.json.details.uid}"}}\n`);
  });

  test('a no-op PUT with the keys in another order keeps the resourceVersion', async () => {
    const created = await api(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'noop' }, data: { a: '1', b: '2' } });
    const o = created.json;
    const reordered = { data: { b: '2', a: '1' }, kind: 'ConfigMap', metadata: { resourceVersion: o.metadata.resourceVersion, namespace: 'default', name: 'noop', uid: o.metadata.uid, managedFields: o.metadata.managedFields, creationTimestamp: o.metadata.creationTimestamp }, apiVersion: 'v1' };
    const put = await api(c, 'PUT', '/api/v1/namespaces/default/configmaps/noop', reordered);
    assert.equal(put.status, 200);
    assert.equal(put.json.metadata.resourceVersion, o.metadata.resourceVersion);
  });

  test('watch events end in a newline and carry the object as GET prints it; bookmarks are the zero object', async () => {
    const w = watch(c, '/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan');
    await w.waitFor((evs) => evs.some((e) => e.type === 'BOOKMARK'));
    const bm = w.events.find((e) => e.type === 'BOOKMARK')!;
    const rv = bm.object.metadata.resourceVersion;
    assert.equal(w.lines.find((l) => l.includes('BOOKMARK')), `{"type":"BOOKMARK","object":{"kind":"Pod","apiVersion":"v1","metadata":{"resourceVersion":"${rv}","creationTimestamp":null,"annotations":{"k8s.io/initial-events-end":"true"}},"spec":{"containers":null},"status":{}}}\n`);
    await api(c, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'w' }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
    await w.waitFor((evs) => evs.some((e) => e.type === 'ADDED'));
    const got = await api(c, 'GET', '/api/v1/namespaces/default/pods/w');
    assert.equal(w.lines.find((l) => l.startsWith('{"type":"ADDED"')), `{"type":"ADDED","object":${got.text.trimEnd()}}\n`);
    w.close();
  });

  test('/version is indented JSON without a final newline, as upstream writes it', async () => {
    const r = await api(c, 'GET', '/version');
    assert.ok(r.text.startsWith('{\n  "major": "1",\n  "minor": "33"'), r.text);
    assert.ok(r.text.endsWith('}'));
  });
});
