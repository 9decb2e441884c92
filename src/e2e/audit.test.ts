// Audit logging as kube-apiserver's --audit-log-path/--audit-policy-file: the first matching policy rule
// sets the level, events are audit.k8s.io/v1 JSON lines, and every response carries an Audit-Id.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: None
  nonResourceURLs: ["/healthz*", "/readyz*", "/livez*", "/version", "/openapi*", "/api", "/api/*", "/apis", "/apis/*"]
- level: RequestResponse
  resources:
  - group: ""
    resources: ["configmaps"]
- level: Request
  users: ["bob"]
- level: Metadata
`;

type Event = Record<string, any>;

describe('audit log', () => {
  let c: TestCluster;
  let logPath = '';
  const events = (): Event[] => readFileSync(logPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Event);
  before(async () => {
    const dir = join(process.env.TMPDIR ?? '/tmp', `minikapi-audit-${process.pid}`);
    const { mkdirSync } = await import('node:fs');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    writeFileSync(join(dir, 'tokens.csv'), 'bob-token,bob,1002\n');
    logPath = join(dir, 'audit.log');
    writeFileSync(logPath, '');
    c = await startTestCluster({ controllers: 'none', auditLogPath: logPath, auditPolicyFile: join(dir, 'policy.yaml'), tokenAuthFile: join(dir, 'tokens.csv') });
  });
  after(() => c?.cleanup());

  test('a create at RequestResponse level logs the object sent and the object stored', async () => {
    const r = await api(c, 'POST', '/api/v1/namespaces/default/configmaps?fieldManager=audit-test', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'audited' }, data: { k: 'v' } }, { 'User-Agent': 'audit-test/1.0' });
    assert.equal(r.status, 201);
    const id = String(r.headers['audit-id']);
    assert.match(id, /^[0-9a-f-]{36}$/);
    await new Promise((res) => setTimeout(res, 50));
    const mine = events().filter((e) => e.auditID === id);
    assert.equal(mine.length, 1);
    const e = mine[0]!;
    assert.deepEqual(Object.keys(e), ['kind', 'apiVersion', 'level', 'auditID', 'stage', 'requestURI', 'verb', 'user', 'sourceIPs', 'userAgent', 'objectRef', 'responseStatus', 'requestObject', 'responseObject', 'requestReceivedTimestamp', 'stageTimestamp', 'annotations']);
    assert.equal(e.kind, 'Event');
    assert.equal(e.apiVersion, 'audit.k8s.io/v1');
    assert.equal(e.level, 'RequestResponse');
    assert.equal(e.stage, 'ResponseComplete');
    assert.equal(e.requestURI, '/api/v1/namespaces/default/configmaps?fieldManager=audit-test');
    assert.equal(e.verb, 'create');
    assert.deepEqual(e.user, { username: 'minikapi-admin', groups: ['system:masters', 'system:authenticated'] });
    assert.deepEqual(e.sourceIPs, ['127.0.0.1']);
    assert.equal(e.userAgent, 'audit-test/1.0');
    assert.deepEqual(e.objectRef, { resource: 'configmaps', namespace: 'default', name: 'audited', apiVersion: 'v1' });
    assert.deepEqual(e.responseStatus, { metadata: {}, code: 201 });
    assert.deepEqual(e.requestObject, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'audited' }, data: { k: 'v' } });
    assert.equal(e.responseObject.metadata.uid, r.json.metadata.uid);
    assert.match(e.requestReceivedTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.match(e.stageTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.deepEqual(e.annotations, { 'authorization.k8s.io/decision': 'allow', 'authorization.k8s.io/reason': '' });
  });

  test('a response sent gzip-compressed is logged as its object', async () => {
    const blob = 'z'.repeat(200_000);
    const r = await api(c, 'POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'audited-big' }, data: { blob } }, { 'Accept-Encoding': 'gzip' });
    assert.equal(r.status, 201);
    assert.equal(r.headers['content-encoding'], 'gzip');
    await new Promise((res) => setTimeout(res, 50));
    const e = events().find((x) => x.auditID === r.headers['audit-id'])!;
    assert.equal(e.responseObject.metadata.name, 'audited-big');
    assert.equal(e.responseObject.data.blob, blob);
  });

  test('the first matching rule decides: Metadata logs no objects, None logs nothing, a refusal logs its Status', async () => {
    const get = await api(c, 'GET', '/api/v1/namespaces/default/secrets');
    const health = await api(c, 'GET', '/healthz');
    const forbidden = await api({ url: c.url, caCertPem: c.caCertPem, token: 'bob-token' }, 'GET', '/api/v1/namespaces/default/pods/x', undefined, { 'Audit-ID': 'my-own-id' });
    assert.equal(forbidden.headers['audit-id'], 'my-own-id');
    const anonymous = await api({ url: c.url, caCertPem: c.caCertPem }, 'GET', '/api/v1/namespaces');
    assert.equal(anonymous.status, 401);
    assert.match(String(anonymous.headers['audit-id']), /^[0-9a-f-]{36}$/);
    await new Promise((res) => setTimeout(res, 50));
    const all = events();
    const g = all.find((e) => e.auditID === get.headers['audit-id'])!;
    assert.equal(g.level, 'Metadata');
    assert.equal(g.verb, 'list');
    assert.deepEqual(g.objectRef, { resource: 'secrets', namespace: 'default', apiVersion: 'v1' });
    assert.equal(g.requestObject, undefined);
    assert.equal(g.responseObject, undefined);
    assert.equal(all.filter((e) => e.auditID === health.headers['audit-id']).length, 0);
    const f = all.find((e) => e.auditID === 'my-own-id')!;
    assert.equal(f.level, 'Request');
    assert.deepEqual(f.user, { username: 'bob', uid: '1002', groups: ['system:authenticated'] });
    assert.deepEqual(f.responseStatus, { metadata: {}, status: 'Failure', message: 'pods "x" is forbidden: User "bob" cannot get resource "pods" in API group "" in the namespace "default"', reason: 'Forbidden', code: 403 });
    assert.deepEqual(f.annotations, { 'authorization.k8s.io/decision': 'forbid', 'authorization.k8s.io/reason': '' });
  });

  test('a watch is logged when its response starts and again when it ends', async () => {
    const w = await api(c, 'GET', '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1&resourceVersion=0');
    assert.equal(w.status, 200);
    await new Promise((res) => setTimeout(res, 100));
    const stages = events().filter((e) => e.auditID === w.headers['audit-id']).map((e) => `${e.stage} ${e.verb} ${e.responseStatus?.code}`);
    assert.deepEqual(stages, ['ResponseStarted watch 200', 'ResponseComplete watch 200']);
  });
});
