// Every request body kube-apiserver decodes besides objects, sent as protobuf the way client-go encodes it:
// DeleteOptions on delete and deletecollection, Eviction, Binding, Scale, and the review kinds.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { encodeProtobufObject } from '../apiserver/protobuf/encode.js';

const PB = { 'Content-Type': 'application/vnd.kubernetes.protobuf', Accept: 'application/vnd.kubernetes.protobuf, application/json' };
// helm 3.17 (client-go) deleting a release Secret: `k8s\0` + Unknown{typeMeta{v1, DeleteOptions}, raw: empty DeleteOptions}
const HELM_DELETE_BODY = Buffer.from('6b3873000a130a027631120d44656c6574654f7074696f6e7312001a002200', 'hex');
const NS = 'pb';
const cms = `/api/v1/namespaces/${NS}/configmaps`;

const pb = (obj: Record<string, unknown>): Buffer => Buffer.from(encodeProtobufObject(obj));
const deleteOptions = (apiVersion: string, opts: Record<string, unknown>): Buffer => pb({ apiVersion, kind: 'DeleteOptions', ...opts });

describe('protobuf request bodies besides objects', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
    assert.equal((await api(c, 'POST', '/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
  });
  after(async () => {
    await c?.cleanup();
  });

  const makeCM = async (name: string, labels: Record<string, string> = {}) => {
    const r = await api(c, 'POST', cms, { metadata: { name, labels } });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };

  test('DELETE with helm\'s protobuf DeleteOptions body deletes the object', async () => {
    const made = await makeCM('helm-release');
    const r = await api(c, 'DELETE', `${cms}/helm-release`, HELM_DELETE_BODY, PB);
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'helm-release', kind: 'configmaps', uid: made.metadata.uid } });
    assert.equal((await api(c, 'GET', `${cms}/helm-release`)).status, 404);
  });

  test('protobuf DeleteOptions fields take effect: dryRun, preconditions, propagationPolicy, the group\'s apiVersion', async () => {
    const made = await makeCM('opts');
    const dry = await api(c, 'DELETE', `${cms}/opts`, deleteOptions('v1', { dryRun: ['All'] }), PB);
    assert.equal(dry.status, 200, dry.text);
    assert.equal((await api(c, 'GET', `${cms}/opts`)).status, 200);
    const pre = await api(c, 'DELETE', `${cms}/opts`, deleteOptions('v1', { preconditions: { uid: 'not-it' } }), PB);
    assert.equal(pre.status, 409);
    assert.equal(pre.json.message, `Operation cannot be fulfilled on configmaps "opts": Precondition failed: UID in precondition: not-it, UID in object meta: ${made.metadata.uid}`);
    // the query is ignored when a body is sent, as upstream
    const orphan = await api(c, 'DELETE', `${cms}/opts?propagationPolicy=Foreground&dryRun=All`, deleteOptions('meta.k8s.io/v1', { propagationPolicy: 'Orphan' }), PB);
    assert.equal(orphan.status, 200, orphan.text);
    assert.deepEqual(orphan.json.metadata.finalizers, ['orphan']);
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    const deps = `/apis/apps/v1/namespaces/${NS}/deployments`;
    assert.equal((await api(c, 'POST', deps, dep)).status, 201);
    const del = await api(c, 'DELETE', `${deps}/web`, deleteOptions('apps/v1', { gracePeriodSeconds: 0, propagationPolicy: 'Background' }), PB);
    assert.equal(del.status, 200, del.text);
    assert.equal((await api(c, 'GET', `${deps}/web`)).status, 404);
  });

  test('deletecollection decodes a protobuf DeleteOptions body', async () => {
    for (const n of ['a1', 'a2', 'b1']) await makeCM(n, { set: n[0]! });
    const r = await api(c, 'DELETE', `${cms}?labelSelector=set%3Da`, deleteOptions('v1', { propagationPolicy: 'Background' }), PB);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.kind, 'ConfigMapList');
    assert.deepEqual(r.json.items.map((o: { metadata: { name: string } }) => o.metadata.name).sort(), ['a1', 'a2']);
    const left = (await api(c, 'GET', `${cms}?labelSelector=set`)).json.items.map((o: { metadata: { name: string } }) => o.metadata.name);
    assert.deepEqual(left, ['b1']);
    const dry = await api(c, 'DELETE', `${cms}?labelSelector=set`, deleteOptions('v1', { dryRun: ['All'] }), PB);
    assert.equal(dry.status, 200);
    assert.equal((await api(c, 'GET', `${cms}/b1`)).status, 200);
  });

  test('DELETE bodies that are not DeleteOptions answer as v1.33 does', async () => {
    await makeCM('keep');
    const pod = await api(c, 'DELETE', `${cms}/keep`, pb({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keep' } }), PB);
    assert.equal(pod.status, 500);
    assert.deepEqual(pod.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', code: 500,
      message: 'no kind "ConfigMap" is registered for version "v1" in scheme "k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:27"' });
    const json = await api(c, 'DELETE', `${cms}/keep`, HELM_DELETE_BODY, { 'Content-Type': 'application/json' });
    assert.equal(json.status, 500);
    assert.equal(json.json.message, "couldn't get version/kind; json parse error: invalid character 'k' looking for beginning of value");
    const plain = await api(c, 'DELETE', `${cms}/keep`, '{}', { 'Content-Type': 'text/plain' });
    assert.equal(plain.status, 415);
    assert.equal(plain.json.message, 'the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf');
    const invalid = await api(c, 'DELETE', `${cms}/keep`, deleteOptions('v1', { propagationPolicy: 'Orphan', orphanDependents: true }), PB);
    assert.equal(invalid.status, 422);
    assert.equal(invalid.json.message, 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Invalid value: "Orphan": orphanDependents and deletionPropagation cannot be both set');
    const yaml = await api(c, 'DELETE', `${cms}/keep`, 'gracePeriodSeconds: 0\n', { 'Content-Type': 'application/yaml' });
    assert.equal(yaml.status, 200, yaml.text);
  });

  test('pods/eviction, pods/binding and bindings decode protobuf bodies', async () => {
    const pods = `/api/v1/namespaces/${NS}/pods`;
    for (const name of ['evict-me', 'bind-me', 'bind-too']) {
      const r = await api(c, 'POST', pods, { metadata: { name }, spec: { containers: [{ name: 'c', image: 'nginx' }] } });
      assert.equal(r.status, 201, r.text);
    }
    const ev = await api(c, 'POST', `${pods}/evict-me/eviction`, pb({ apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name: 'evict-me', namespace: NS }, deleteOptions: { gracePeriodSeconds: 0 } }), PB);
    assert.equal(ev.status, 201, ev.text);
    assert.equal(ev.json.status, 'Success');
    assert.equal((await api(c, 'GET', `${pods}/evict-me`)).status, 404);
    const target = { kind: 'Node', name: 'node-a' };
    const b1 = await api(c, 'POST', `${pods}/bind-me/binding`, pb({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-me' }, target }), PB);
    assert.equal(b1.status, 201, b1.text);
    assert.equal((await api(c, 'GET', `${pods}/bind-me`)).json.spec.nodeName, 'node-a');
    const b2 = await api(c, 'POST', `/api/v1/namespaces/${NS}/bindings`, pb({ apiVersion: 'v1', kind: 'Binding', metadata: { name: 'bind-too' }, target }), PB);
    assert.equal(b2.status, 201, b2.text);
    assert.equal((await api(c, 'GET', `${pods}/bind-too`)).json.spec.nodeName, 'node-a');
  });

  test('PUT of a scale subresource decodes an autoscaling/v1 Scale', async () => {
    const deps = `/apis/apps/v1/namespaces/${NS}/deployments`;
    const dep = { metadata: { name: 'scaled' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    assert.equal((await api(c, 'POST', deps, dep)).status, 201);
    const r = await api(c, 'PUT', `${deps}/scaled/scale`, pb({ apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'scaled', namespace: NS }, spec: { replicas: 4 } }), PB);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.kind, 'Scale');
    assert.equal(r.json.spec.replicas, 4);
    assert.equal((await api(c, 'GET', `${deps}/scaled`)).json.spec.replicas, 4);
  });

  test('TokenReview, the access reviews and SelfSubjectReview decode protobuf bodies', async () => {
    const post = (path: string, obj: Record<string, unknown>) => api(c, 'POST', path, pb(obj), PB);
    const tr = await post('/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: 'not-a-token' } });
    assert.equal(tr.status, 201, tr.text);
    assert.equal(tr.json.kind, 'TokenReview');
    assert.equal(tr.json.status.authenticated, undefined);
    const ra = { namespace: NS, verb: 'list', resource: 'pods' };
    const sar = await post('/apis/authorization.k8s.io/v1/subjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'nobody', resourceAttributes: ra } });
    assert.equal(sar.status, 201, sar.text);
    assert.equal(sar.json.status.allowed, false);
    const lsar = await post(`/apis/authorization.k8s.io/v1/namespaces/${NS}/localsubjectaccessreviews`, { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', metadata: { namespace: NS }, spec: { user: 'admin', groups: ['system:masters'], resourceAttributes: ra } });
    assert.equal(lsar.status, 201, lsar.text);
    assert.equal(lsar.json.status.allowed, true);
    const ssar = await post('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: ra } });
    assert.equal(ssar.status, 201, ssar.text);
    assert.equal(ssar.json.status.allowed, true);
    const ssrr = await post('/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: NS } });
    assert.equal(ssrr.status, 201, ssrr.text);
    assert.ok(ssrr.json.status.resourceRules.some((r: { verbs: string[] }) => r.verbs.includes('*')));
    const ssr = await post('/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    assert.equal(ssr.status, 201, ssr.text);
    assert.equal(ssr.json.status.userInfo.username, 'minikapi-admin');
  });
});
