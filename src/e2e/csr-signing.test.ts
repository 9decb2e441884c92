// The certificates API as a way in (issue 11): a user's CSR for kubernetes.io/kube-apiserver-client,
// approved with kubectl, is signed by the cluster CA and the certificate logs in as that user.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runKubectl, startTestCluster, type TestCluster } from '../testing/harness.js';
import { eventually as until } from '../testing/eventually.js';

function csrYaml(name: string, requestPem: string, usages: string[], expirationSeconds?: number, signerName = 'kubernetes.io/kube-apiserver-client'): string {
  return JSON.stringify({ apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name }, spec: { request: Buffer.from(requestPem).toString('base64'), signerName, usages, ...(expirationSeconds ? { expirationSeconds } : {}) } });
}


describe('CSR signing', () => {
  let c: TestCluster;
  let keyPath = '';
  let requestPem = '';
  before(async () => {
    c = await startTestCluster();
    keyPath = join(c.tmp, 'alice.key');
    execFileSync('openssl', ['genrsa', '-out', keyPath, '2048'], { stdio: 'ignore' });
    requestPem = execFileSync('openssl', ['req', '-new', '-key', keyPath, '-subj', '/CN=alice/O=devs'], { encoding: 'utf8' });
  });
  after(() => c?.cleanup());

  test('an approved client CSR is signed by the cluster CA and its certificate logs in', async () => {
    await c.k(['create', '-f', '-'], { stdin: csrYaml('alice', requestPem, ['digital signature', 'key encipherment', 'client auth'], 3600) });
    assert.equal(await c.k(['certificate', 'approve', 'alice']), 'certificatesigningrequest.certificates.k8s.io/alice approved\n');
    const certB64 = await until('the certificate', async () => JSON.parse(await c.k(['get', 'csr', 'alice', '-o', 'json'])).status?.certificate as string | undefined);
    const certPem = Buffer.from(certB64, 'base64').toString('utf8');
    const cert = new X509Certificate(certPem);
    const ca = new X509Certificate(c.caCertPem);
    assert.equal(cert.subject, 'CN=alice\nO=devs');
    assert.equal(cert.issuer, ca.subject);
    assert.ok(cert.verify(ca.publicKey));
    assert.equal((Date.parse(cert.validTo) - Date.parse(cert.validFrom)) / 1000, 3600 + 300);
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    const row = (await c.k(['get', 'csr', 'alice', '--no-headers'])).trim().split(/\s+/);
    assert.equal(row.at(-1), 'Approved,Issued');
    // the certificate and its key are a working identity
    writeFileSync(join(c.tmp, 'alice.crt'), certPem);
    const kc = join(c.tmp, 'alice.kubeconfig');
    const server = c.url;
    writeFileSync(kc, `apiVersion: v1\nkind: Config\nclusters:\n- name: m\n  cluster:\n    server: ${server}\n    certificate-authority-data: ${Buffer.from(c.caCertPem).toString('base64')}\nusers:\n- name: alice\n  user:\n    client-certificate-data: ${Buffer.from(certPem).toString('base64')}\n    client-key-data: ${readFileSync(keyPath).toString('base64')}\ncontexts:\n- name: alice\n  context:\n    cluster: m\n    user: alice\ncurrent-context: alice\n`);
    const who = await runKubectl(kc, join(c.tmp, 'alice-cache'), ['auth', 'whoami']);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(who.stdout, 'ATTRIBUTE   VALUE\nUsername    alice\nGroups      [devs system:authenticated]\n');
  });

  test('a client CSR asking for server auth fails as upstream signer validation does', async () => {
    await c.k(['create', '-f', '-'], { stdin: csrYaml('bad-usage', requestPem, ['client auth', 'server auth']) });
    await c.k(['certificate', 'approve', 'bad-usage']);
    const failed = await until('the Failed condition', async () => (JSON.parse(await c.k(['get', 'csr', 'bad-usage', '-o', 'json'])).status?.conditions ?? []).find((x: { type: string }) => x.type === 'Failed'));
    assert.equal(failed.status, 'True');
    assert.equal(failed.reason, 'SignerValidationFailure');
    assert.equal(failed.message, 'invalid usage for client certificate: server auth');
    assert.equal((await c.k(['get', 'csr', 'bad-usage', '--no-headers'])).trim().split(/\s+/).at(-1), 'Approved,Failed');
    const csr = JSON.parse(await c.k(['get', 'csr', 'bad-usage', '-o', 'json']));
    assert.equal(csr.status.certificate, undefined);
  });

  test('a CSR that is only created, or denied, is never signed', async () => {
    await c.k(['create', '-f', '-'], { stdin: csrYaml('pending', requestPem, ['client auth']) });
    await c.k(['create', '-f', '-'], { stdin: csrYaml('denied', requestPem, ['client auth']) });
    await c.k(['certificate', 'deny', 'denied']);
    await new Promise((r) => setTimeout(r, 500));
    for (const name of ['pending', 'denied']) assert.equal(JSON.parse(await c.k(['get', 'csr', name, '-o', 'json'])).status?.certificate, undefined);
  });

  const request = (subj: string, san?: string) =>
    execFileSync('openssl', ['req', '-new', '-key', keyPath, '-subj', subj, ...(san ? ['-addext', `subjectAltName=${san}`] : [])], { encoding: 'utf8' });
  const failure = (name: string) => until('the Failed condition', async () => (JSON.parse(await c.k(['get', 'csr', name, '-o', 'json'])).status?.conditions ?? []).find((x: { type: string }) => x.type === 'Failed')?.message as string | undefined);

  test('the kubelet signers sign node certificates and refuse what upstream refuses, in its words', async () => {
    await c.k(['create', '-f', '-'], { stdin: csrYaml('serving', request('/O=system:nodes/CN=system:node:n1', 'DNS:n1.example,IP:10.0.0.7'), ['digital signature', 'key encipherment', 'server auth'], undefined, 'kubernetes.io/kubelet-serving') });
    await c.k(['create', '-f', '-'], { stdin: csrYaml('kubelet', request('/O=system:nodes/CN=system:node:n1'), ['digital signature', 'client auth'], undefined, 'kubernetes.io/kube-apiserver-client-kubelet') });
    await c.k(['create', '-f', '-'], { stdin: csrYaml('kubelet-dns', request('/O=system:nodes/CN=system:node:n1', 'DNS:n1'), ['digital signature', 'client auth'], undefined, 'kubernetes.io/kube-apiserver-client-kubelet') });
    await c.k(['create', '-f', '-'], { stdin: csrYaml('kubelet-org', request('/O=devs/CN=system:node:n1'), ['digital signature', 'client auth'], undefined, 'kubernetes.io/kube-apiserver-client-kubelet') });
    await c.k(['create', '-f', '-'], { stdin: csrYaml('serving-usage', request('/O=system:nodes/CN=system:node:n1', 'DNS:n1'), ['server auth'], undefined, 'kubernetes.io/kubelet-serving') });
    await c.k(['create', '-f', '-'], { stdin: csrYaml('serving-cn', request('/O=system:nodes/CN=n1', 'IP:10.0.0.7'), ['digital signature', 'server auth'], undefined, 'kubernetes.io/kubelet-serving') });
    await c.k(['certificate', 'approve', 'serving', 'kubelet', 'kubelet-dns', 'kubelet-org', 'serving-usage', 'serving-cn']);
    const serving = new X509Certificate(Buffer.from(await until('the serving certificate', async () => JSON.parse(await c.k(['get', 'csr', 'serving', '-o', 'json'])).status?.certificate as string | undefined), 'base64'));
    assert.equal(serving.subject, 'O=system:nodes\nCN=system:node:n1');
    assert.equal(serving.subjectAltName, 'DNS:n1.example, IP Address:10.0.0.7');
    assert.deepEqual(serving.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    const client = new X509Certificate(Buffer.from(await until('the kubelet client certificate', async () => JSON.parse(await c.k(['get', 'csr', 'kubelet', '-o', 'json'])).status?.certificate as string | undefined), 'base64'));
    assert.deepEqual(client.keyUsage, ['1.3.6.1.5.5.7.3.2']);
    assert.equal(await failure('kubelet-dns'), 'DNS subjectAltNames are not allowed');
    assert.equal(await failure('kubelet-org'), 'subject organization is not system:nodes');
    assert.equal(await failure('serving-usage'), 'usages did not match [digital signature key encipherment server auth]');
    assert.equal(await failure('serving-cn'), 'subject common name does not begin with system:node:');
  });

  test('approving needs approve on the signer (its name or <domain>/*); client CSRs for system:masters are refused', async () => {
    await c.k(['create', 'clusterrole', 'csr-approver', '--verb=get,list,watch', '--resource=certificatesigningrequests']);
    await c.k(['patch', 'clusterrole', 'csr-approver', '--type=json', '-p', '[{"op":"add","path":"/rules/-","value":{"apiGroups":["certificates.k8s.io"],"resources":["certificatesigningrequests/approval"],"verbs":["update"]}}]']);
    await c.k(['create', 'clusterrolebinding', 'csr-approver', '--clusterrole=csr-approver', '--user=carol']);
    await c.k(['create', '-f', '-'], { stdin: csrYaml('for-carol', requestPem, ['client auth']) });
    const denied = await c.kubectl(['certificate', 'approve', 'for-carol', '--as', 'carol']);
    assert.equal(denied.code, 1);
    assert.equal(denied.stderr, 'Error from server (Forbidden): certificatesigningrequests.certificates.k8s.io "for-carol" is forbidden: user not permitted to approve requests with signerName "kubernetes.io/kube-apiserver-client"\n');
    await c.k(['patch', 'clusterrole', 'csr-approver', '--type=json', '-p', '[{"op":"add","path":"/rules/-","value":{"apiGroups":["certificates.k8s.io"],"resources":["signers"],"resourceNames":["kubernetes.io/*"],"verbs":["approve"]}}]']);
    assert.equal(await c.k(['certificate', 'approve', 'for-carol', '--as', 'carol']), 'certificatesigningrequest.certificates.k8s.io/for-carol approved\n');
    const masters = execFileSync('openssl', ['req', '-new', '-key', keyPath, '-subj', '/CN=eve/O=system:masters'], { encoding: 'utf8' });
    const r = await c.kubectl(['create', '-f', '-'], { stdin: csrYaml('masters', masters, ['client auth']) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (Forbidden): error when creating "STDIN": certificatesigningrequests.certificates.k8s.io "masters" is forbidden: use of kubernetes.io/kube-apiserver-client signer with system:masters group is not allowed\n');
  });
});
