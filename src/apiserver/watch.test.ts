// Watches answered in-process: the loopback transport's line sink against the byte stream other callers get.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono } from 'hono';
import type { StatusError } from '../apimachinery/errors.js';
import { HttpClient } from '../client/http-client.js';
import type { ClientWatchEvent, GVR, KObject } from '../client/types.js';
import { defineResource } from '../registry/define.js';
import { configmaps } from '../registry/resources/core.js';
import { Store, type EventJSON } from '../registry/store.js';
import type { RequestContext } from '../registry/types.js';
import { Cacher } from '../storage/cacher.js';
import { MemoryBackend } from '../storage/memory.js';
import type { Env } from './env.js';
import { toJSON } from './encode.js';
import { serveWatch } from './watch.js';

const widgets = defineResource({ group: 'example.com', resource: 'widgets', kind: 'Widget' });
const WIDGETS: GVR = { group: 'example.com', version: 'v1', resource: 'widgets', namespaced: true };
const ctx: RequestContext = { user: { username: 'admin', groups: ['system:masters'] }, dryRun: false, warnings: [], services: undefined as never };

/** A store whose watch handles count their stops, served by a bare app that answers every GET with a watch. */
function setup(def = widgets) {
  const store = new Store(def, new Cacher(new MemoryBackend(), { prefixes: [widgets.keyPrefix] }), async () => 'active');
  const watch = store.watch.bind(store);
  const handles = { open: 0, stopped: 0 };
  store.watch = async (...args) => {
    const h = await watch(...args);
    handles.open++;
    return { ...h, stop: () => (handles.stopped++, h.stop()) };
  };
  const shutdown = new AbortController();
  const app = new Hono<Env>()
    .get('*', (c) => serveWatch(c, def, store, 'ns', '', shutdown.signal))
    .onError((e, c) => c.json((e as StatusError).toStatus(), (e as StatusError).code as 400));
  // the loopback transport hands the app its env; a transport that drops it gets the byte stream
  const sinkClient = new HttpClient(async (req, env) => app.fetch(req, env));
  const streamClient = new HttpClient(async (req) => app.fetch(req));
  return { store, handles, shutdown, sinkClient, streamClient, app };
}

const until = async (cond: () => boolean) => {
  for (let i = 0; i < 500 && !cond(); i++) await new Promise((r) => setTimeout(r, 2));
  assert.ok(cond());
};

const widget = (name: string): KObject => ({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace: 'ns', labels: { a: 'b' } }, spec: { size: 1 } });

describe('in-process watch through the loopback line sink', () => {
  test('delivers the same events, in order, as the byte stream, full and as PartialObjectMetadata', async () => {
    const s = setup();
    await s.store.create('ns', widget('before'), ctx);
    const got: Record<string, ClientWatchEvent[]> = { sink: [], stream: [], sinkMeta: [], streamMeta: [] };
    const watches = [
      s.sinkClient.watch(WIDGETS, 'ns', { resourceVersion: '', allowWatchBookmarks: true }, (e) => got.sink!.push(e)),
      s.streamClient.watch(WIDGETS, 'ns', { resourceVersion: '', allowWatchBookmarks: true }, (e) => got.stream!.push(e)),
      s.sinkClient.watch(WIDGETS, 'ns', { resourceVersion: '', metadataOnly: true }, (e) => got.sinkMeta!.push(e)),
      s.streamClient.watch(WIDGETS, 'ns', { resourceVersion: '', metadataOnly: true }, (e) => got.streamMeta!.push(e)),
    ];
    await until(() => s.handles.open === 4);
    await s.store.create('ns', widget('a'), ctx);
    await s.store.update('ns', 'a', (cur) => ({ ...cur!, spec: { size: 2 } }), ctx);
    await s.store.delete('ns', 'before', {}, ctx);
    await until(() => Object.values(got).every((evs) => evs.length === 4));
    assert.deepEqual(
      got.sink!.map((e) => `${e.type} ${e.object.metadata.name} ${e.object.spec?.size}`),
      ['ADDED before 1', 'ADDED a 1', 'MODIFIED a 2', 'DELETED before 1'],
    );
    assert.deepEqual(got.sink, got.stream);
    assert.deepEqual(got.sinkMeta, got.streamMeta);
    assert.deepEqual(Object.keys(got.sinkMeta![1]!.object), ['kind', 'apiVersion', 'metadata']);
    assert.equal(got.sinkMeta![1]!.object.kind, 'PartialObjectMetadata');
    for (const w of watches) w.stop();
    await Promise.all(watches.map((w) => w.done));
  });

  test('ends on the server when the client stops it, and delivers nothing after', async () => {
    const s = setup();
    const got: string[] = [];
    const w = s.sinkClient.watch(WIDGETS, 'ns', { resourceVersion: '0' }, (e) => got.push(`${e.type} ${e.object.metadata.name}`));
    await until(() => s.handles.open === 1);
    await s.store.create('ns', widget('a'), ctx);
    await until(() => got.length === 1);
    w.stop();
    await w.done;
    assert.equal(s.handles.stopped, 1);
    await s.store.create('ns', widget('b'), ctx);
    await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(got, ['ADDED a']);
  });

  test('a watch stopped before its response came is ended on the server as soon as it opens', async () => {
    const s = setup();
    const w = s.sinkClient.watch(WIDGETS, 'ns', { resourceVersion: '0' }, () => assert.fail('no event expected'));
    w.stop();
    await w.done;
    await until(() => s.handles.open === 1 && s.handles.stopped === 1);
    await s.store.create('ns', widget('a'), ctx);
    await new Promise((r) => setTimeout(r, 10));
  });

  test('ends for the client when the server shuts down, events written before still delivered', async () => {
    const s = setup();
    const got: string[] = [];
    const w = s.sinkClient.watch(WIDGETS, 'ns', { resourceVersion: '0' }, (e) => got.push(`${e.type} ${e.object.metadata.name}`));
    await until(() => s.handles.open === 1);
    await s.store.create('ns', widget('a'), ctx);
    s.shutdown.abort();
    await w.done;
    assert.equal(s.handles.stopped, 1);
    assert.deepEqual(got, ['ADDED a']);
  });

  test('ends for the client at the watch timeout, with the closing bookmark', async () => {
    const s = setup();
    const got: string[] = [];
    const w = s.sinkClient.watch(WIDGETS, 'ns', { resourceVersion: '0', timeoutSeconds: 1, allowWatchBookmarks: true }, (e) => got.push(e.type));
    const t0 = Date.now();
    await w.done;
    assert.ok(Date.now() - t0 >= 900, `ended after ${Date.now() - t0} ms`);
    assert.deepEqual(got, ['BOOKMARK']);
    assert.equal(s.handles.stopped, 1);
  });

  test('a watch the server refuses is an ERROR event, as over the byte stream', async () => {
    const s = setup();
    const got: ClientWatchEvent[] = [];
    const w = s.sinkClient.watch(WIDGETS, 'ns', { labelSelector: 'a in (' }, (e) => got.push(e));
    await w.done;
    assert.equal(got.length, 1);
    assert.equal(got[0]!.type, 'ERROR');
    assert.equal(got[0]!.object.code, 400);
    assert.equal(s.handles.open, 0);
  });
});

describe('watch event JSON shared by the watchers of one event', () => {
  test('every watcher of an event gets the same EventJSON, and a form is printed once for all of them', async () => {
    const s = setup();
    const seen: EventJSON[] = [];
    const sink = { event: (_t: string, _o: KObject, _r: number, json?: EventJSON) => void seen.push(json!), error: (e: unknown) => assert.fail(String(e)) };
    const a = await s.store.watch('ns', { resourceVersion: '0' }, sink);
    const b = await s.store.watch('ns', { resourceVersion: '0' }, sink);
    await s.store.create('ns', widget('a'), ctx);
    await until(() => seen.length === 2);
    assert.equal(seen[0], seen[1]);
    let printed = 0;
    const make = () => `printed ${++printed}`;
    assert.equal(seen[0]!.form('partial/v1', make), 'printed 1');
    assert.equal(seen[1]!.form('partial/v1', make), 'printed 1');
    assert.equal(seen[1]!.form('partial/v1beta1', make), 'printed 2');
    assert.equal(seen[0]!.full(), seen[1]!.full());
    a.stop();
    b.stop();
  });

  test('metadata watchers of v1 and v1beta1 each get the exact PartialObjectMetadata bytes of their version', async () => {
    const s = setup();
    const open = (v: string) => s.app.fetch(new Request('https://loopback/watch?resourceVersion=0', { headers: { Accept: `application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=${v}` } }));
    const responses = [await open('v1'), await open('v1'), await open('v1beta1')];
    const created = await s.store.create('ns', widget('a'), ctx);
    const lines = await Promise.all(
      responses.map(async (res) => {
        assert.equal(res.headers.get('content-type'), 'application/json');
        const reader = res.body!.getReader();
        let text = '';
        while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
        await reader.cancel();
        return text;
      }),
    );
    const expected = (v: string) => `{"type":"ADDED","object":${toJSON({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${v}`, metadata: created.metadata })}}\n`;
    assert.deepEqual(lines, [expected('v1'), expected('v1'), expected('v1beta1')]);
    assert.match(lines[0]!, /^\{"type":"ADDED","object":\{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io\/v1","metadata":\{"name":"a","namespace":"ns","uid":"/);
  });
});

describe('PartialObjectMetadata watch events of a built-in kind', () => {
  test('print the metadata as the event JSON holds it: the same bytes as printing the decoded metadata', async () => {
    const s = setup(configmaps);
    const open = () => s.app.fetch(new Request('https://loopback/watch?resourceVersion=0', { headers: { Accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1' } }));
    const res = await open();
    const metadata = {
      generateName: 'x-',
      namespace: 'ns',
      labels: { 'a.example.com/b': 'c', e: '' },
      annotations: { note: 'quotes " and \\ and <html> & \u2028 ünïcode {braces} [brackets]', empty: '' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u-1', controller: true, blockOwnerDeletion: true }],
      finalizers: ['example.com/f'],
      managedFields: [{ manager: 'm', operation: 'Update', apiVersion: 'v1', time: '2026-12-04T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { '.': {}, 'f:k': {} } } }],
    };
    const created = await s.store.create('ns', { apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { k: '{"not":"metadata"}' } }, ctx);
    const reader = res.body!.getReader();
    let text = '';
    while (!text.includes('\n')) text += new TextDecoder().decode((await reader.read()).value);
    await reader.cancel();
    assert.equal(text, `{"type":"ADDED","object":${toJSON({ kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: created.metadata })}}\n`);
    assert.ok(text.includes('\\u003chtml\\u003e \\u0026'), text);
  });
});
