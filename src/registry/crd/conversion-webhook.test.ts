import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { StatusError } from '../../apimachinery/errors.js';
import { createCa, issueServingCert } from '../../pki/certs.js';
import { convertThroughWebhook } from './conversion-webhook.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const ca = createCa({ commonName: 'webhook-ca' });
const serving = issueServingCert(ca, { hosts: ['converter.webhooks.svc'] });
let server: Server;
let base = '';
const seen: { url: string; review: Obj }[] = [];
/** What the webhook answers, given the review it got. */
let answer: (review: Obj) => { status?: number; body: unknown } = () => ({ body: {} });

before(async () => {
  server = createServer({ cert: serving.certPem, key: serving.keyPem }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (d: Buffer) => chunks.push(d));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      seen.push({ url: req.url ?? '', review });
      const a = answer(review);
      res.writeHead(a.status ?? 200, { 'Content-Type': 'application/json' });
      res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => server.close());

const caBundle = Buffer.from(ca.certPem).toString('base64');
const crd = (clientConfig: Obj, versions = ['v1']): Obj => ({ metadata: { name: 'widgets.example.com' }, spec: { group: 'example.com', conversion: { strategy: 'Webhook', webhook: { clientConfig, conversionReviewVersions: versions } } } });
const widget = (apiVersion: string, name: string, extra: Obj = {}): Obj => ({ apiVersion, kind: 'Widget', metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '7', labels: { a: '1' } }, spec: { size: 1 }, ...extra });

/** A webhook that renames spec.size to spec.replicas and moves objects to the desired version. */
const converter = (review: Obj) => ({
  body: {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'ConversionReview',
    response: {
      uid: review.request.uid,
      result: { status: 'Success' },
      convertedObjects: review.request.objects.map((o: Obj) => ({ ...o, apiVersion: review.request.desiredAPIVersion, metadata: { ...o.metadata, resourceVersion: 'changed', labels: { b: '2' } }, spec: { replicas: o.spec.size } })),
    },
  },
});

/** What the server's webhook caller does for a Service: connect to where it runs, verify the Service's DNS name. */
function serviceCall(cc: Obj, review: Obj, timeout: number, port: number): Promise<Obj> {
  assert.deepEqual([cc.service.namespace, cc.service.name, cc.service.port], ['webhooks', 'converter', 443]);
  const body = JSON.stringify(review);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `${cc.service.path}?timeout=${timeout}s`, method: 'POST', servername: 'converter.webhooks.svc', ca: Buffer.from(cc.caBundle, 'base64').toString('utf8'), headers: { 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function failure(p: Promise<unknown>): Promise<string> {
  const e = await p.then(
    () => assert.fail('conversion succeeded'),
    (x: unknown) => x,
  );
  assert.ok(e instanceof StatusError);
  assert.equal(e.code, 500);
  assert.equal(e.reason, '');
  return e.message;
}

describe('conversion webhook (apiextensions webhook converter)', () => {
  test('a ConversionReview v1 goes to clientConfig.url with the caBundle; metadata is restored but for labels and annotations', async () => {
    answer = converter;
    seen.length = 0;
    const out = await convertThroughWebhook(crd({ url: `${base}/convert`, caBundle }), widget('example.com/v1beta1', 'w1'), 'example.com/v1');
    assert.deepEqual(out, { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1', namespace: 'default', uid: 'uid-w1', resourceVersion: '7', labels: { b: '2' } }, spec: { replicas: 1 } });
    assert.equal(seen[0]!.url, '/convert?timeout=30s');
    const r = seen[0]!.review;
    assert.deepEqual(Object.keys(r), ['kind', 'apiVersion', 'request', 'response']);
    assert.equal(r.apiVersion, 'apiextensions.k8s.io/v1');
    assert.match(r.request.uid, /^[0-9a-f-]{36}$/);
    assert.equal(r.request.desiredAPIVersion, 'example.com/v1');
    assert.deepEqual(r.request.objects, [widget('example.com/v1beta1', 'w1')]);
    assert.deepEqual(r.response, { uid: '', convertedObjects: null, result: { metadata: {} } });
  });

  test('a list sends only the objects not yet in the desired version; a Service is reached through the injected caller with the review and a 30s timeout', async () => {
    answer = converter;
    seen.length = 0;
    const port = (server.address() as AddressInfo).port;
    const list = { apiVersion: 'example.com/v1beta1', kind: 'WidgetList', metadata: { resourceVersion: '9' }, items: [widget('example.com/v1', 'a'), widget('example.com/v1beta1', 'b')] };
    const out = await convertThroughWebhook(crd({ service: { namespace: 'webhooks', name: 'converter', path: '/crd', port: 443 }, caBundle }), list, 'example.com/v1', { call: (cc, review, timeout) => serviceCall(cc, review, timeout, port) });
    assert.deepEqual(seen.map((s) => [s.url, s.review.request.objects.map((o: Obj) => o.metadata.name)]), [['/crd?timeout=30s', ['b']]]);
    assert.equal(out.apiVersion, 'example.com/v1');
    assert.deepEqual(out.items.map((o: Obj) => [o.apiVersion, o.metadata.name, o.spec]), [
      ['example.com/v1', 'a', { size: 1 }],
      ['example.com/v1', 'b', { replicas: 1 }],
    ]);
  });

  test('v1beta1 reviews when the CRD asks only for them; no call when nothing needs converting', async () => {
    answer = (review) => ({ body: { apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'ConversionReview', response: { uid: 'ignored for v1beta1', result: { status: 'Success' }, convertedObjects: review.request.objects.map((o: Obj) => ({ ...o, apiVersion: 'example.com/v1' })) } } });
    seen.length = 0;
    await convertThroughWebhook(crd({ url: `${base}/convert`, caBundle }, ['v1beta1']), widget('example.com/v1beta1', 'w'), 'example.com/v1');
    assert.equal(seen[0]!.review.apiVersion, 'apiextensions.k8s.io/v1beta1');
    const same = widget('example.com/v1', 'w');
    assert.equal(await convertThroughWebhook(crd({ url: `${base}/convert`, caBundle }), same, 'example.com/v1'), same);
    assert.equal(seen.length, 1);
  });

  test('malformed answers fail with upstream texts as a 500 without reason (a plain error from storage)', async () => {
    const cfg = crd({ url: `${base}/convert`, caBundle });
    const w = widget('example.com/v1beta1', 'w1');
    const pre = 'conversion webhook for example.com/v1beta1, Kind=Widget';
    answer = () => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: 'other', result: { status: 'Success' } } } });
    assert.match(await failure(convertThroughWebhook(cfg, w, 'example.com/v1')), new RegExp(`^${pre} failed: expected response.uid="[0-9a-f-]{36}", got "other"$`));
    answer = (review) => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: review.request.uid, result: { status: 'Failure', message: 'cannot convert size' } } } });
    assert.equal(await failure(convertThroughWebhook(cfg, w, 'example.com/v1')), `${pre} failed: cannot convert size`);
    answer = (review) => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: review.request.uid, result: { status: 'Failure' } } } });
    assert.equal(await failure(convertThroughWebhook(cfg, w, 'example.com/v1')), `${pre} failed: response.result.status was 'Failure', not 'Success'`);
    answer = () => ({ body: { apiVersion: 'apiextensions.k8s.io/v1beta1', kind: 'ConversionReview' } });
    assert.equal(await failure(convertThroughWebhook(cfg, w, 'example.com/v1')), `${pre} failed: expected webhook response of apiextensions.k8s.io/v1, Kind=ConversionReview, got apiextensions.k8s.io/v1beta1, Kind=ConversionReview`);
    answer = () => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview' } });
    assert.equal(await failure(convertThroughWebhook(cfg, w, 'example.com/v1')), `${pre} failed: no response provided`);
    answer = (review) => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects: [] } } });
    assert.equal(await failure(convertThroughWebhook(cfg, w, 'example.com/v1')), `${pre} failed, no objects returned`);
    const returning = (o: Obj) => (review: Obj) => ({ body: { apiVersion: 'apiextensions.k8s.io/v1', kind: 'ConversionReview', response: { uid: review.request.uid, result: { status: 'Success' }, convertedObjects: [o] } } });
    answer = returning(widget('example.com/v1beta1', 'w1'));
    assert.equal(await failure(convertThroughWebhook(cfg, w, 'example.com/v1')), `${pre} returned invalid object at index 0: invalid groupVersion (expected example.com/v1, received example.com/v1beta1)`);
    answer = returning({ ...widget('example.com/v1', 'w1'), kind: 'Gadget' });
    assert.equal(await failure(convertThroughWebhook(cfg, w, 'example.com/v1')), `${pre} returned invalid object at index 0: invalid kind (expected Widget, received Gadget)`);
    answer = returning(widget('example.com/v1', 'renamed'));
    assert.equal(await failure(convertThroughWebhook(cfg, w, 'example.com/v1')), `${pre} returned invalid object: must have the same name: w1 != renamed`);
    answer = returning({ ...widget('example.com/v1', 'w1'), metadata: { name: 'w1', namespace: 'default', uid: 'uid-w1', labels: { a: 1 } } });
    assert.equal(await failure(convertThroughWebhook(cfg, w, 'example.com/v1')), `${pre} returned invalid metadata: metadata.labels[a] must be a string, but is float64 in converted object`);
    const list = { apiVersion: 'example.com/v1beta1', kind: 'WidgetList', items: [widget('example.com/v1beta1', 'a'), widget('example.com/v1beta1', 'b')] };
    answer = returning(widget('example.com/v1', 'a'));
    assert.equal(await failure(convertThroughWebhook(cfg, list, 'example.com/v1')), 'conversion webhook for example.com/v1beta1, Kind=WidgetList returned 1 objects, expected 2');
  });

  test('an untrusted server certificate fails the call', async () => {
    const other = createCa({ commonName: 'other-ca' });
    const msg = await failure(convertThroughWebhook(crd({ url: `${base}/convert`, caBundle: Buffer.from(other.certPem).toString('base64') }), widget('example.com/v1beta1', 'w1'), 'example.com/v1'));
    assert.match(msg, new RegExp(`^conversion webhook for example.com/v1beta1, Kind=Widget failed: Post "${base}/convert\\?timeout=30s": `));
  });
});
