// CRD conversion strategy Webhook in serving: every read and write in a version other than the stored one goes
// through the CRD's webhook (a test server on 127.0.0.1 turning v1 spec.cronSpec into v2 spec.schedule and back),
// lists in one review, watches and informers at the other version, failures as upstream's 500 InternalError.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { parse as parseYAML } from 'yaml';
import { createCa, issueServingCert } from '../pki/certs.js';
import { spawnKubectl, startTestCluster, TESTDATA, type TestCluster } from '../testing/harness.js';
import { api, watch } from '../testing/client.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const GROUP = 'stable.example.com';
const V1 = `${GROUP}/v1`;
const V2 = `${GROUP}/v2`;
const NS = 'conv';
const path = (version: string, name = '') => `/apis/${GROUP}/${version}/namespaces/${NS}/crontabs${name ? `/${name}` : ''}`;

/** The webhook's conversion: v1 spec.cronSpec ↔ v2 spec.schedule. */
function convert(o: Obj, desired: string): Obj {
  const spec = { ...o.spec };
  if (desired === V2 && 'cronSpec' in spec) {
    spec.schedule = spec.cronSpec;
    delete spec.cronSpec;
  }
  if (desired === V1 && 'schedule' in spec) {
    spec.cronSpec = spec.schedule;
    delete spec.schedule;
  }
  return { ...o, apiVersion: desired, spec };
}

const crontab = (apiVersion: string, name: string, spec: Obj) => JSON.stringify({ apiVersion, kind: 'CronTab', metadata: { name, namespace: NS }, spec });

describe('CRD conversion webhook in serving', () => {
  let c: TestCluster;
  let hook: Server;
  let port = 0;
  let caBundle = '';
  /** What the webhook does: convert, or answer with a wrong uid. */
  let mode: 'ok' | 'bad-uid' = 'ok';
  const seen: { url: string; review: Obj }[] = [];
  /** AdmissionReview requests the same server got. */
  const admissions: { path: string; request: Obj }[] = [];
  /** The reviews seen since the last call, as [desiredAPIVersion, [apiVersion name]...]. */
  const calls = () => seen.splice(0).map((s) => [s.review.request.desiredAPIVersion, s.review.request.objects.map((o: Obj) => `${o.apiVersion} ${o.metadata.name}`)]);
  const crd = () => parseYAML(readFileSync(join(TESTDATA, 'crds', 'crontabs-webhook.yaml'), 'utf8')) as Obj;
  const withClientConfig = (o: Obj, clientConfig: Obj) => {
    o.spec.conversion.webhook.clientConfig = { ...clientConfig, caBundle };
    return JSON.stringify(o);
  };

  /** Admission webhooks on v2: one sets spec.image, one refuses schedule "deny-me". */
  const admit = (p: string, r: Obj): Obj => {
    admissions.push({ path: p, request: r });
    let response: Obj = { uid: r.uid, allowed: true };
    if (p === '/mutate' && !r.object.spec.image) {
      const patch = Buffer.from(JSON.stringify([{ op: 'add', path: '/spec/image', value: 'from-webhook' }])).toString('base64');
      response = { ...response, patchType: 'JSONPatch', patch };
    }
    if (p === '/validate' && r.object.spec.schedule === 'deny-me') response = { uid: r.uid, allowed: false, status: { code: 403, reason: 'Forbidden', message: 'schedule deny-me refused' } };
    return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response };
  };

  const listen = () => new Promise<void>((r) => hook.listen(port, '127.0.0.1', r));
  const down = async () => {
    const closed = new Promise((r) => hook.close(r));
    hook.closeAllConnections();
    await closed;
    // the API server's kept-alive sockets see the close before the next call
    await new Promise((r) => setTimeout(r, 100));
  };

  before(async () => {
    const ca = createCa({ commonName: 'conversion-ca' });
    const serving = issueServingCert(ca, { hosts: ['127.0.0.1', 'converter.webhooks.svc'] });
    caBundle = Buffer.from(ca.certPem).toString('base64');
    hook = createServer({ key: serving.keyPem, cert: serving.certPem }, (req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        const review = JSON.parse(body) as Obj;
        res.setHeader('Content-Type', 'application/json');
        if (review.kind === 'AdmissionReview') return res.end(JSON.stringify(admit(req.url!.split('?')[0]!, review.request)));
        seen.push({ url: req.url!, review });
        const r = review.request;
        const response =
          mode === 'bad-uid'
            ? { uid: 'not-the-request-uid', result: { status: 'Success' }, convertedObjects: [] }
            : { uid: r.uid, result: { status: 'Success' }, convertedObjects: r.objects.map((o: Obj) => convert(o, r.desiredAPIVersion)) };
        res.end(JSON.stringify({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response }));
      });
    });
    await listen();
    port = (hook.address() as AddressInfo).port;
    c = await startTestCluster({ controllers: 'none' });
    await c.k(['create', 'namespace', NS]);
    await c.k(['create', '-f', '-'], { stdin: withClientConfig(crd(), { url: `https://127.0.0.1:${port}/convert` }) });
    await c.k(['wait', '--for=condition=Established', `crd/crontabs.${GROUP}`, '--timeout=10s']);
  });
  after(async () => {
    hook?.closeAllConnections();
    hook?.close();
    await c?.cleanup();
  });

  test('an object read in its stored version makes no call; in the other version the webhook converts it, named by desiredAPIVersion', async () => {
    assert.equal(await c.k(['create', '-f', '-'], { stdin: crontab(V1, 'c1', { cronSpec: '* * * * */5', image: 'img', replicas: 1 }) }), `crontab.${GROUP}/c1 created\n`);
    const v1 = parseYAML(await c.k(['get', `crontabs.v1.${GROUP}`, 'c1', '-n', NS, '-o', 'yaml']));
    assert.deepEqual([v1.apiVersion, v1.spec], [V1, { cronSpec: '* * * * */5', image: 'img', replicas: 1 }]);
    assert.deepEqual(calls(), []);
    const v2 = parseYAML(await c.k(['get', `crontabs.v2.${GROUP}`, 'c1', '-n', NS, '-o', 'yaml']));
    assert.deepEqual([v2.apiVersion, v2.kind, v2.metadata.name, v2.metadata.resourceVersion, v2.metadata.uid], [V2, 'CronTab', 'c1', v1.metadata.resourceVersion, v1.metadata.uid]);
    assert.deepEqual(v2.spec, { image: 'img', replicas: 1, schedule: '* * * * */5' });
    const reviews = seen.slice();
    assert.deepEqual(calls(), [[V2, [`${V1} c1`]]]);
    assert.equal(reviews[0]!.url, '/convert?timeout=30s');
    assert.equal(reviews[0]!.review.apiVersion, 'apiextensions.k8s.io/v1');
    assert.equal(reviews[0]!.review.request.objects[0].metadata.resourceVersion, v1.metadata.resourceVersion);
  });

  test('kubectl apply at v2 stores the v1 form (request → storage) and answers the stored object converted back', async () => {
    const out = await c.k(['apply', '-f', '-', '-o', 'json'], { stdin: crontab(V2, 'c2', { schedule: '0 * * * *', image: 'img', replicas: 2 }) });
    const applied = JSON.parse(out);
    assert.deepEqual([applied.apiVersion, applied.spec], [V2, { image: 'img', replicas: 2, schedule: '0 * * * *' }]);
    assert.deepEqual(calls(), [
      [V1, [`${V2} c2`]],
      [V2, [`${V1} c2`]],
    ]);
    const stored = (await api(c, 'GET', path('v1', 'c2'))).json;
    assert.deepEqual([stored.apiVersion, stored.spec], [V1, { cronSpec: '0 * * * *', image: 'img', replicas: 2 }]);
    assert.deepEqual(calls(), []);
    // a second apply reads the live object at v2 (kubectl GETs it), patches it and answers it
    await c.k(['apply', '-f', '-'], { stdin: crontab(V2, 'c2', { schedule: '30 * * * *', image: 'img', replicas: 2 }) });
    assert.equal((await api(c, 'GET', path('v1', 'c2'))).json.spec.cronSpec, '30 * * * *');
    // server-side apply at v2 too
    await c.k(['apply', '--server-side', '--field-manager=ssa', '-f', '-'], { stdin: crontab(V2, 'c3', { schedule: '15 * * * *', image: 'ssa' }) });
    assert.deepEqual((await api(c, 'GET', path('v1', 'c3'))).json.spec, { cronSpec: '15 * * * *', image: 'ssa' });
    const ssa = (await api(c, 'GET', path('v2', 'c3'))).json;
    assert.deepEqual(ssa.metadata.managedFields.map((m: Obj) => [m.manager, m.operation, m.apiVersion]), [['ssa', 'Apply', V2]]);
    seen.length = 0;
  });

  test('a list at v2 sends every item in one review; Table output and field selectors see the v2 fields', async () => {
    const list = (await api(c, 'GET', path('v2'))).json;
    assert.deepEqual([list.apiVersion, list.kind], [V2, 'CronTabList']);
    assert.deepEqual(list.items.map((o: Obj) => [o.apiVersion, o.metadata.name, o.spec.schedule]), [
      [V2, 'c1', '* * * * */5'],
      [V2, 'c2', '30 * * * *'],
      [V2, 'c3', '15 * * * *'],
    ]);
    assert.deepEqual(calls(), [[V2, [`${V1} c1`, `${V1} c2`, `${V1} c3`]]]);
    // paged: one review per page
    const page1 = (await api(c, 'GET', `${path('v2')}?limit=2`)).json;
    const page2 = (await api(c, 'GET', `${path('v2')}?limit=2&continue=${encodeURIComponent(page1.metadata.continue)}`)).json;
    assert.deepEqual([...page1.items, ...page2.items].map((o: Obj) => [o.apiVersion, o.metadata.name]), [
      [V2, 'c1'],
      [V2, 'c2'],
      [V2, 'c3'],
    ]);
    assert.deepEqual(calls(), [
      [V2, [`${V1} c1`, `${V1} c2`]],
      [V2, [`${V1} c3`]],
    ]);
    // kubectl's preferred version is v2: its printer columns, from converted objects
    const lines = (await c.k(['get', 'crontabs', '-n', NS])).trimEnd().split('\n');
    assert.equal(lines.length, 4);
    assert.match(lines[0]!, /^NAME +SCHEDULE +REPLICAS$/);
    assert.match(lines[1]!, /^c1 +\* \* \* \* \*\/5 +1$/);
    assert.match(lines[2]!, /^c2 +30 \* \* \* \* +2$/);
    assert.equal(lines[3], 'c3     15 * * * *');
    assert.deepEqual(calls(), [[V2, [`${V1} c1`, `${V1} c2`, `${V1} c3`]]]);
    assert.equal(await c.k(['get', `crontabs.v2.${GROUP}`, '-n', NS, '--field-selector', 'spec.schedule=30 * * * *', '-o', 'name']), `crontab.${GROUP}/c2\n`);
    const byField = await api(c, 'GET', `${path('v1')}?fieldSelector=spec.schedule%3Dx`);
    assert.equal(byField.status, 400);
    assert.equal(byField.json.message, 'field label not supported: spec.schedule');
    seen.length = 0;
  });

  test('an edit-like patch, the scale and status subresources at v2 convert both ways; no write when nothing changed', async () => {
    // kubectl GETs the object, then PATCHes: read at v2, the result to storage, the stored object back to v2
    await c.k(['patch', `crontabs.v2.${GROUP}`, 'c1', '-n', NS, '--type=merge', '-p', '{"spec":{"schedule":"*/10 * * * *"}}']);
    assert.deepEqual(calls(), [
      [V2, [`${V1} c1`]],
      [V2, [`${V1} c1`]],
      [V1, [`${V2} c1`]],
      [V2, [`${V1} c1`]],
    ]);
    const before = (await api(c, 'GET', path('v1', 'c1'))).json;
    assert.equal(before.spec.cronSpec, '*/10 * * * *');
    const same = await api(c, 'PATCH', path('v2', 'c1'), '{"spec":{"schedule":"*/10 * * * *"}}', { 'Content-Type': 'application/merge-patch+json' });
    assert.deepEqual([same.status, same.json.apiVersion, same.json.metadata.resourceVersion], [200, V2, before.metadata.resourceVersion]);
    assert.deepEqual(calls(), [
      [V2, [`${V1} c1`]],
      [V1, [`${V2} c1`]],
    ]);
    assert.equal(await c.k(['scale', `crontabs.v2.${GROUP}`, 'c1', '-n', NS, '--replicas=3']), `crontab.${GROUP}/c1 scaled\n`);
    const scale = (await api(c, 'GET', `${path('v2', 'c1')}/scale`)).json;
    assert.deepEqual([scale.kind, scale.spec.replicas], ['Scale', 3]);
    await c.k(['patch', `crontabs.v2.${GROUP}`, 'c1', '-n', NS, '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running","replicas":3}}']);
    const v1 = (await api(c, 'GET', path('v1', 'c1'))).json;
    assert.deepEqual([v1.spec, v1.status], [{ cronSpec: '*/10 * * * *', image: 'img', replicas: 3 }, { phase: 'Running', replicas: 3 }]);
    const tableRows = (await api(c, 'GET', path('v2', 'c1'), undefined, { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' })).json;
    assert.deepEqual(tableRows.rows[0].cells.slice(0, 3), ['c1', '*/10 * * * *', 3]);
    seen.length = 0;
  });

  test('a watch and an informer at v2 receive converted objects; a v1 watch makes no call', async () => {
    const rv = (await api(c, 'GET', path('v1'))).json.metadata.resourceVersion;
    seen.length = 0;
    const w1 = watch(c, `${path('v1')}?watch=1&resourceVersion=${rv}`);
    const w2 = watch(c, `${path('v2')}?watch=1&resourceVersion=${rv}`);
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(c.kubeconfigPath);
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const informer = k8s.makeInformer(kc, path('v2'), () => custom.listNamespacedCustomObject({ group: GROUP, version: 'v2', namespace: NS, plural: 'crontabs' }));
    const got: string[] = [];
    informer.on('add', (o) => got.push(`add ${o.metadata?.name} ${(o as Obj).apiVersion} ${(o as Obj).spec.schedule}`));
    informer.on('update', (o) => got.push(`update ${o.metadata?.name} ${(o as Obj).spec.schedule}`));
    await informer.start();
    try {
      await w1.gotHeaders;
      await w2.gotHeaders;
      await c.k(['create', '-f', '-'], { stdin: crontab(V1, 'c4', { cronSpec: '1 1 * * *' }) });
      await c.k(['patch', `crontabs.v1.${GROUP}`, 'c4', '-n', NS, '--type=merge', '-p', '{"spec":{"cronSpec":"2 2 * * *"}}']);
      await w2.waitFor((e) => e.length === 2);
      assert.deepEqual(w2.events.map((e) => [e.type, e.object.apiVersion, e.object.metadata.name, e.object.spec]), [
        ['ADDED', V2, 'c4', { schedule: '1 1 * * *' }],
        ['MODIFIED', V2, 'c4', { schedule: '2 2 * * *' }],
      ]);
      await w1.waitFor((e) => e.length === 2);
      assert.deepEqual(w1.events.map((e) => [e.type, e.object.apiVersion, e.object.spec]), [
        ['ADDED', V1, { cronSpec: '1 1 * * *' }],
        ['MODIFIED', V1, { cronSpec: '2 2 * * *' }],
      ]);
      const deadline = Date.now() + 10_000;
      while (!got.includes('update c4 2 2 * * *') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.ok(got.includes(`add c1 ${V2} */10 * * * *`), got.join(', '));
      assert.ok(got.includes(`add c4 ${V2} 1 1 * * *`), got.join(', '));
      assert.ok(got.includes('update c4 2 2 * * *'), got.join(', '));
      // the informer's list in one review, then one review per event shared by both watchers at v2
      assert.deepEqual(calls(), [
        [V2, [`${V1} c1`, `${V1} c2`, `${V1} c3`]],
        [V2, [`${V1} c4`]],
        [V2, [`${V1} c4`]],
      ]);
    } finally {
      await informer.stop();
      w1.close();
      w2.close();
      seen.length = 0;
    }
  });

  test('kubectl get -w at v2 prints the printer columns of converted objects', async () => {
    const w = spawnKubectl(c.kubeconfigPath, join(c.tmp, 'kubecache'), ['get', `crontabs.v2.${GROUP}`, '-n', NS, '-w']);
    try {
      await w.waitFor(/^c3 +15 \* \* \* \*/m);
      await c.k(['patch', `crontabs.v1.${GROUP}`, 'c3', '-n', NS, '--type=merge', '-p', '{"spec":{"cronSpec":"16 * * * *"}}']);
      await w.waitFor(/^c3 +16 \* \* \* \*/m);
    } finally {
      await w.stop();
      seen.length = 0;
    }
  });

  test('DELETE at v2 reads the object at v2; an object kept by a finalizer is answered at v2; kubectl delete by the full resource name', async () => {
    const del = await api(c, 'DELETE', path('v2', 'c4'));
    assert.equal(del.status, 200);
    assert.deepEqual([del.json.kind, del.json.status, del.json.details.name, del.json.details.group, del.json.details.kind], ['Status', 'Success', 'c4', GROUP, 'crontabs']);
    assert.deepEqual(calls(), [[V2, [`${V1} c4`]]]);
    await c.k(['patch', `crontabs.v1.${GROUP}`, 'c2', '-n', NS, '--type=merge', '-p', '{"metadata":{"finalizers":["example.com/keep"]}}']);
    seen.length = 0;
    const kept = await api(c, 'DELETE', path('v2', 'c2'));
    assert.equal(kept.status, 200);
    assert.deepEqual([kept.json.apiVersion, kept.json.metadata.name, kept.json.spec.schedule, typeof kept.json.metadata.deletionTimestamp], [V2, 'c2', '30 * * * *', 'string']);
    assert.deepEqual(calls(), [
      [V2, [`${V1} c2`]],
      [V1, [`${V2} c2`]],
      [V2, [`${V1} c2`]],
    ]);
    await c.k(['patch', `crontabs.v2.${GROUP}`, 'c2', '-n', NS, '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    assert.equal((await api(c, 'GET', path('v1', 'c2'))).status, 404);
    assert.equal(await c.k(['delete', `crontabs.v2.${GROUP}`, 'c3', '-n', NS]), `crontab.${GROUP} "c3" deleted\n`);
    assert.equal((await api(c, 'GET', path('v1', 'c3'))).status, 404);
    await c.k(['create', '-f', '-'], { stdin: crontab(V1, 'c2', { cronSpec: '30 * * * *', image: 'img', replicas: 2 }) });
    seen.length = 0;
  });

  test('a webhook that is down: reads and writes at v2 fail with a 500 in upstream words (a plain storage error: no reason) and write nothing; v1 still works', async () => {
    await down();
    try {
      const msg = (gvk: string) => `conversion webhook for ${gvk}, Kind=CronTab failed: Post "https://127.0.0.1:${port}/convert?timeout=30s": dial tcp 127.0.0.1:${port}: connect: connection refused`;
      const get = await api(c, 'GET', path('v2', 'c1'));
      assert.equal(get.status, 500);
      assert.deepEqual(get.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: msg(V1), code: 500 });
      const r = await c.kubectl(['get', `crontabs.v2.${GROUP}`, 'c1', '-n', NS]);
      assert.equal(r.code, 1);
      assert.equal(r.stderr.trim(), `Error from server: ${msg(V1)}`);
      const list = await api(c, 'GET', path('v2'));
      assert.deepEqual([list.status, list.json], [500, get.json]);
      const create = await api(c, 'POST', path('v2'), crontab(V2, 'c5', { schedule: '5 5 * * *' }));
      assert.deepEqual([create.status, create.json.reason, create.json.message], [500, undefined, msg(V2)]);
      const applied = await c.kubectl(['apply', '--server-side', '-f', '-'], { stdin: crontab(V2, 'c5', { schedule: '5 5 * * *' }) });
      assert.equal(applied.stderr.trim(), `Error from server: ${msg(V2)}`);
      const patch = await api(c, 'PATCH', path('v2', 'c2'), '{"spec":{"image":"x"}}', { 'Content-Type': 'application/merge-patch+json' });
      assert.deepEqual([patch.status, patch.json.message], [500, msg(V1)]);
      const del = await api(c, 'DELETE', path('v2', 'c2'));
      assert.deepEqual([del.status, del.json.message], [500, msg(V1)]);
      const v1 = await api(c, 'GET', path('v1'));
      assert.equal(v1.status, 200);
      assert.deepEqual(v1.json.items.map((o: Obj) => [o.metadata.name, o.spec.image]), [
        ['c1', 'img'],
        ['c2', 'img'],
      ]);
    } finally {
      await listen();
    }
  });

  test('a bad webhook response fails with its exact 500; a watch at v2 ends, without an error event, when an event cannot be converted', async () => {
    mode = 'bad-uid';
    seen.length = 0;
    const failure = () => {
      const uid = seen[seen.length - 1]!.review.request.uid;
      return `conversion webhook for ${V1}, Kind=CronTab failed: expected response.uid="${uid}", got "not-the-request-uid"`;
    };
    try {
      const get = await api(c, 'GET', path('v2', 'c1'));
      const msg = failure();
      assert.deepEqual(get.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: msg, code: 500 });
      mode = 'ok';
      const rv = (await api(c, 'GET', path('v1'))).json.metadata.resourceVersion;
      const w = watch(c, `${path('v2')}?watch=1&resourceVersion=${rv}`);
      const w1 = watch(c, `${path('v1')}?watch=1&resourceVersion=${rv}`);
      await w.gotHeaders;
      await w1.gotHeaders;
      mode = 'bad-uid';
      seen.length = 0;
      await c.k(['create', '-f', '-'], { stdin: crontab(V1, 'c6', { cronSpec: '6 6 * * *' }) });
      await w.ended;
      assert.deepEqual(w.events, []);
      // the v1 watch needs no conversion and goes on
      await w1.waitFor((e) => e.length === 1);
      assert.deepEqual([w1.events[0]!.type, w1.events[0]!.object.metadata.name], ['ADDED', 'c6']);
      w1.close();
      // a client watching again from where it was ends again; its relist fails with the webhook's error
      const again = watch(c, `${path('v2')}?watch=1&resourceVersion=${rv}`);
      await again.ended;
      assert.deepEqual([again.status, again.events], [200, []]);
      const list = await api(c, 'GET', path('v2'));
      assert.deepEqual([list.status, list.json.message], [500, failure()]);
    } finally {
      mode = 'ok';
      seen.length = 0;
    }
  });

  test('admission webhooks on v2 see the v2 object of a v2 write; the mutated object is converted to storage; a refusal converts nothing', async () => {
    const rules = [{ operations: ['CREATE'], apiGroups: [GROUP], apiVersions: ['v2'], resources: ['crontabs'] }];
    const webhook = (name: string, p: string) => ({ name, clientConfig: { url: `https://127.0.0.1:${port}${p}`, caBundle }, rules, matchPolicy: 'Exact', sideEffects: 'None', admissionReviewVersions: ['v1'] });
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'crontab-image' }, webhooks: [webhook('image.crontabs.example.com', '/mutate')] },
          { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingWebhookConfiguration', metadata: { name: 'crontab-deny' }, webhooks: [webhook('deny.crontabs.example.com', '/validate')] },
        ],
      }),
    });
    const deadline = Date.now() + 10_000;
    while ((await api(c, 'POST', `${path('v2')}?dryRun=All`, crontab(V2, 'probe', { schedule: 'p' }))).json.spec.image !== 'from-webhook') {
      assert.ok(Date.now() < deadline, 'the webhooks take effect within 10s');
      await new Promise((r) => setTimeout(r, 100));
    }
    seen.length = 0;
    admissions.length = 0;
    const created = await api(c, 'POST', path('v2'), crontab(V2, 'c9', { schedule: '9 9 * * *' }));
    assert.deepEqual([created.status, created.json.apiVersion, created.json.spec], [201, V2, { image: 'from-webhook', schedule: '9 9 * * *' }]);
    assert.deepEqual(admissions.map((a) => [a.path, a.request.kind.version, a.request.object.apiVersion, a.request.object.spec]), [
      ['/mutate', 'v2', V2, { schedule: '9 9 * * *' }],
      ['/validate', 'v2', V2, { image: 'from-webhook', schedule: '9 9 * * *' }],
    ]);
    assert.deepEqual(calls(), [
      [V1, [`${V2} c9`]],
      [V2, [`${V1} c9`]],
    ]);
    assert.deepEqual((await api(c, 'GET', path('v1', 'c9'))).json.spec, { cronSpec: '9 9 * * *', image: 'from-webhook' });
    const refused = await c.kubectl(['create', '-f', '-'], { stdin: crontab(V2, 'c10', { schedule: 'deny-me' }) });
    assert.equal(refused.stderr, 'Error from server (Forbidden): error when creating "STDIN": admission webhook "deny.crontabs.example.com" denied the request: schedule deny-me refused\n');
    assert.deepEqual(calls(), []);
    assert.equal((await api(c, 'GET', path('v1', 'c10'))).status, 404);
    await c.k(['delete', 'mutatingwebhookconfiguration/crontab-image', 'validatingwebhookconfiguration/crontab-deny']);
    await c.k(['delete', `crontabs.v1.${GROUP}`, 'c9', '-n', NS]);
    assert.deepEqual(calls(), []);
  });

  test('a ValidatingAdmissionPolicy matching v2 (matchPolicy Equivalent) sees a write at v1 converted by the webhook', async () => {
    const rules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [GROUP], apiVersions: ['v2'], resources: ['crontabs'] }];
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicy', metadata: { name: 'no-forbidden' }, spec: { failurePolicy: 'Fail', matchConstraints: { matchPolicy: 'Equivalent', resourceRules: rules }, validations: [{ expression: "object.spec.schedule != 'forbidden'" }] } },
          { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'ValidatingAdmissionPolicyBinding', metadata: { name: 'no-forbidden-binding' }, spec: { policyName: 'no-forbidden', validationActions: ['Deny'] } },
        ],
      }),
    });
    const post = () => api(c, 'POST', path('v1'), crontab(V1, 'c8', { cronSpec: 'forbidden' }));
    const deadline = Date.now() + 10_000;
    while ((await post()).status !== 422) {
      assert.ok(Date.now() < deadline, 'the policy takes effect within 10s');
      await new Promise((r) => setTimeout(r, 100));
    }
    seen.length = 0;
    const denied = await post();
    const why = "ValidatingAdmissionPolicy 'no-forbidden' with binding 'no-forbidden-binding' denied request: failed expression: object.spec.schedule != 'forbidden'";
    assert.deepEqual([denied.status, denied.json.reason, denied.json.message], [422, 'Invalid', `crontabs.${GROUP} "c8" is forbidden: ${why}`]);
    assert.deepEqual(calls(), [[V2, [`${V1} c8`]]]);
    const allowed = await api(c, 'POST', `${path('v1')}?dryRun=All`, crontab(V1, 'c8', { cronSpec: 'fine' }));
    assert.equal(allowed.status, 201);
    assert.deepEqual(calls(), [[V2, [`${V1} c8`]]]);
    // a conversion that fails is the policy's configuration error (failurePolicy Fail refuses the write)
    mode = 'bad-uid';
    try {
      const failed = await api(c, 'POST', path('v1'), crontab(V1, 'c8', { cronSpec: 'fine' }));
      const uid = seen[seen.length - 1]!.review.request.uid;
      const conv = `conversion webhook for ${V1}, Kind=CronTab failed: expected response.uid="${uid}", got "not-the-request-uid"`;
      assert.deepEqual([failed.status, failed.json.reason, failed.json.message], [422, 'Invalid', `crontabs.${GROUP} "c8" is forbidden: ValidatingAdmissionPolicy 'no-forbidden' denied request: failed to configure policy: ${conv}`]);
    } finally {
      mode = 'ok';
      seen.length = 0;
    }
  });

  test('a webhook behind a Service is reached through its minikapi.dev/webhook-url annotation and verified as the Service name', async () => {
    await c.k(['create', 'namespace', 'webhooks']);
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'converter', namespace: 'webhooks', annotations: { 'minikapi.dev/webhook-url': `https://127.0.0.1:${port}/svc` } }, spec: { ports: [{ port: 443 }] } }),
    });
    const service = { namespace: 'webhooks', name: 'converter', path: '/convert', port: 443 };
    await c.k(['patch', 'crd', `crontabs.${GROUP}`, '--type=merge', '-p', JSON.stringify({ spec: { conversion: { webhook: { clientConfig: { url: null, service } } } } })]);
    const deadline = Date.now() + 10_000;
    for (;;) {
      seen.length = 0;
      const got = await api(c, 'GET', path('v2', 'c1'));
      if (seen[0]?.url.startsWith('/svc')) {
        assert.equal(got.json.spec.schedule, '*/10 * * * *');
        break;
      }
      assert.ok(Date.now() < deadline, 'the Service clientConfig is served within 10s');
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.equal(seen[0]!.url, '/svc/convert?timeout=30s');
    await down();
    try {
      const get = await api(c, 'GET', path('v2', 'c1'));
      assert.equal(get.json.message, `conversion webhook for ${V1}, Kind=CronTab failed: Post "https://converter.webhooks.svc:443/convert?timeout=30s": dial tcp 127.0.0.1:${port}: connect: connection refused`);
    } finally {
      await listen();
      seen.length = 0;
    }
  });

  test('after the storage version changes, objects stored in the old one are converted; a list sends only those not in the wanted version', async () => {
    await c.k(['patch', 'crd', `crontabs.${GROUP}`, '--type=json', '-p', JSON.stringify([
      { op: 'replace', path: '/spec/versions/0/storage', value: false },
      { op: 'replace', path: '/spec/versions/1/storage', value: true },
    ])]);
    const status = JSON.parse(await c.k(['get', 'crd', `crontabs.${GROUP}`, '-o', 'json'])).status;
    assert.deepEqual(status.storedVersions, ['v1', 'v2']);
    // served with v2 as the storage version once a dry-run create at v2 makes no call
    const deadline = Date.now() + 10_000;
    for (;;) {
      seen.length = 0;
      const dry = await api(c, 'POST', `${path('v2')}?dryRun=All`, crontab(V2, 'probe', { schedule: 'p' }));
      assert.equal(dry.status, 201);
      if (seen.length === 0) break;
      assert.ok(Date.now() < deadline, 'v2 is the storage version within 10s');
      await new Promise((r) => setTimeout(r, 50));
    }
    await c.k(['create', '-f', '-'], { stdin: crontab(V2, 'c7', { schedule: '7 7 * * *' }) });
    assert.deepEqual(calls(), []);
    const v1 = (await api(c, 'GET', path('v1'))).json;
    assert.deepEqual(v1.items.map((i: Obj) => [i.metadata.name, i.apiVersion, i.spec.cronSpec]), [
      ['c1', V1, '*/10 * * * *'],
      ['c2', V1, '30 * * * *'],
      ['c6', V1, '6 6 * * *'],
      ['c7', V1, '7 7 * * *'],
    ]);
    assert.deepEqual(calls(), [[V1, [`${V2} c7`]]]);
    const v2 = (await api(c, 'GET', path('v2'))).json;
    assert.deepEqual(v2.items.map((i: Obj) => [i.metadata.name, i.apiVersion, i.spec.schedule]), [
      ['c1', V2, '*/10 * * * *'],
      ['c2', V2, '30 * * * *'],
      ['c6', V2, '6 6 * * *'],
      ['c7', V2, '7 7 * * *'],
    ]);
    assert.deepEqual(calls(), [[V2, [`${V1} c1`, `${V1} c2`, `${V1} c6`]]]);
    // an update at v2 of an object stored at v1 rewrites it in v2: kubectl's GET and the patch's read convert it,
    // the write and its answer need no call
    await c.k(['label', `crontabs.v2.${GROUP}`, 'c1', '-n', NS, 'migrated=yes']);
    assert.deepEqual(calls(), [
      [V2, [`${V1} c1`]],
      [V2, [`${V1} c1`]],
    ]);
    assert.equal((await api(c, 'GET', path('v2', 'c1'))).json.metadata.labels.migrated, 'yes');
    assert.deepEqual(calls(), []);
  });

  test('strategy None: after the storage version changes, an object stored in the old one reads with the new apiVersion and no call', async () => {
    const o = crd();
    o.metadata.name = `gadgets.${GROUP}`;
    o.spec.names = { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' };
    o.spec.conversion = { strategy: 'None' };
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify(o) });
    await c.k(['wait', '--for=condition=Established', `crd/gadgets.${GROUP}`, '--timeout=10s']);
    const gadgets = (version: string, name = '') => `/apis/${GROUP}/${version}/namespaces/${NS}/gadgets${name ? `/${name}` : ''}`;
    const made = await api(c, 'POST', gadgets('v1'), { apiVersion: V1, kind: 'Gadget', metadata: { name: 'g1' }, spec: { cronSpec: 'kept' } });
    assert.equal(made.status, 201);
    await c.k(['patch', 'crd', `gadgets.${GROUP}`, '--type=json', '-p', JSON.stringify([
      { op: 'replace', path: '/spec/versions/0/storage', value: false },
      { op: 'replace', path: '/spec/versions/1/storage', value: true },
    ])]);
    const deadline = Date.now() + 10_000;
    for (;;) {
      const got = (await api(c, 'GET', gadgets('v2', 'g1'))).json;
      assert.deepEqual(got.spec, { cronSpec: 'kept' });
      if (got.apiVersion === V2) break;
      assert.ok(Date.now() < deadline, 'served with v2 as the storage version within 10s');
      await new Promise((r) => setTimeout(r, 50));
    }
    const list = (await api(c, 'GET', gadgets('v2'))).json;
    assert.deepEqual(list.items.map((i: Obj) => [i.apiVersion, i.metadata.name]), [[V2, 'g1']]);
    assert.equal((await api(c, 'GET', gadgets('v1', 'g1'))).json.apiVersion, V1);
    assert.deepEqual(calls(), []);
  });
});
