// Authentication as upstream: client certificates from the cluster CA, static bearer tokens, 401 otherwise.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, runKubectl, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { createCa, issueClientCert, renderKubeconfig } from '../pki/index.js';

describe('authentication', () => {
  let c: TestCluster;
  before(async () => {
    const tokens = join(process.env.TMPDIR ?? '/tmp', `minikapi-tokens-${process.pid}.csv`);
    writeFileSync(tokens, 'admin-token,alice,1001,"system:masters,devs"\nplain-token,bob,1002\n');
    c = await startTestCluster({ tokenAuthFile: tokens });
  });
  after(() => c?.cleanup());

  test('no credentials is 401 Unauthorized with a Status body', async () => {
    const r = await api({ url: c.url, caCertPem: c.caCertPem }, 'GET', '/api/v1/namespaces');
    assert.equal(r.status, 401);
    assert.deepEqual(r.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  test('a certificate from another CA is 401', async () => {
    const other = createCa({ commonName: 'other-ca' });
    const cert = issueClientCert(other, { commonName: 'mallory', organizations: ['system:masters'] });
    const r = await api({ url: c.url, caCertPem: c.caCertPem, adminCertPem: cert.certPem, adminKeyPem: cert.keyPem }, 'GET', '/api/v1/namespaces');
    assert.equal(r.status, 401);
    assert.equal(r.json.reason, 'Unauthorized');
  });

  test('a certificate from the cluster CA authenticates as its CN and O', async () => {
    const cert = issueClientCert({ certPem: c.pki.caCertPem, keyPem: c.pki.caKeyPem }, { commonName: 'carol', organizations: ['team-x'] });
    const creds = { url: c.url, caCertPem: c.caCertPem, adminCertPem: cert.certPem, adminKeyPem: cert.keyPem };
    const who = await api(creds, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    assert.equal(who.status, 201);
    assert.deepEqual(who.json.status.userInfo, { username: 'carol', groups: ['team-x', 'system:authenticated'] });
    const denied = await api(creds, 'GET', '/api/v1/namespaces/default/pods');
    assert.equal(denied.status, 403);
    assert.equal(denied.json.reason, 'Forbidden');
    assert.equal(denied.json.message, 'pods is forbidden: User "carol" cannot list resource "pods" in API group "" in the namespace "default"');
    const kc = join(c.tmp, 'carol.kubeconfig');
    writeFileSync(kc, renderKubeconfig({ name: 'carol', server: c.url, caPem: c.caCertPem, clientCertPem: cert.certPem, clientKeyPem: cert.keyPem }));
    const r = await runKubectl(kc, join(c.tmp, 'carol-cache'), ['get', 'pods', '-n', 'default']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): pods is forbidden: User "carol" cannot list resource "pods" in API group "" in the namespace "default"');
    const canI = await runKubectl(kc, join(c.tmp, 'carol-cache'), ['auth', 'can-i', 'list', 'pods']);
    assert.equal(canI.stdout.trim(), 'no');
  });

  test('static tokens: a known token authenticates, an unknown one is 401', async () => {
    const ok = await api({ url: c.url, caCertPem: c.caCertPem, token: 'admin-token' }, 'GET', '/api/v1/namespaces');
    assert.equal(ok.status, 200);
    const who = await api({ url: c.url, caCertPem: c.caCertPem, token: 'plain-token' }, 'POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' });
    assert.deepEqual(who.json.status.userInfo, { username: 'bob', uid: '1002', groups: ['system:authenticated'] });
    const bad = await api({ url: c.url, caCertPem: c.caCertPem, token: 'nope' }, 'GET', '/api/v1/namespaces');
    assert.equal(bad.status, 401);
    const kc = join(c.tmp, 'badtoken.kubeconfig');
    writeFileSync(kc, `apiVersion: v1\nkind: Config\nclusters:\n- name: x\n  cluster:\n    server: ${c.url}\n    certificate-authority-data: ${Buffer.from(c.caCertPem).toString('base64')}\nusers:\n- name: x\n  user:\n    token: nope\ncontexts:\n- name: x\n  context:\n    cluster: x\n    user: x\ncurrent-context: x\n`);
    const r = await runKubectl(kc, join(c.tmp, 'bad-cache'), ['get', 'ns']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /\nerror: You must be logged in to the server \(the server has asked for the client to provide credentials\)\n$/);
  });

  test('without --anonymous-auth even health and version want credentials', async () => {
    const anon = { url: c.url, caCertPem: c.caCertPem };
    for (const p of ['/healthz', '/livez', '/readyz', '/version']) assert.equal((await api(anon, 'GET', p)).status, 401, p);
  });
});

describe('anonymous requests (--anonymous-auth)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ anonymousAuth: true });
  });
  after(() => c?.cleanup());

  test('health and version answer system:anonymous, as system:public-info-viewer allows', async () => {
    const anon = { url: c.url, caCertPem: c.caCertPem };
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await api(anon, 'GET', p);
      assert.equal(r.status, 200);
      assert.equal(r.text, 'ok');
    }
    const v = await api(anon, 'GET', '/readyz?verbose');
    assert.match(v.text, /^\[\+\]ping ok\n/);
    assert.match(v.text, /\nreadyz check passed\n$/);
    const ver = await api(anon, 'GET', '/version');
    assert.equal(ver.json.gitVersion, 'v1.33.1');
  });

  test('anything else is 403 for system:anonymous with RBAC\'s words', async () => {
    const anon = { url: c.url, caCertPem: c.caCertPem };
    const ns = await api(anon, 'GET', '/api/v1/namespaces');
    assert.equal(ns.status, 403);
    assert.deepEqual(ns.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope', reason: 'Forbidden', details: { kind: 'namespaces' }, code: 403 });
    const apis = await api(anon, 'GET', '/apis');
    assert.equal(apis.status, 403);
    assert.equal(apis.json.message, 'forbidden: User "system:anonymous" cannot get path "/apis"');
    const bad = await api({ ...anon, token: 'nope' }, 'GET', '/healthz');
    assert.equal(bad.status, 401, 'bad credentials are refused even with anonymous requests on');
  });
});
