// csrapproving (issue 10): a kubelet client CSR is auto-approved after a SubjectAccessReview of its requester
// for certificatesigningrequests/nodeclient (or selfnodeclient), then signed; a requester without the
// permission is left pending.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { eventually as until } from '../testing/eventually.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;


const csr = (name: string, requestPem: string) =>
  JSON.stringify({ apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name }, spec: { request: Buffer.from(requestPem).toString('base64'), signerName: 'kubernetes.io/kube-apiserver-client-kubelet', usages: ['digital signature', 'client auth'] } });

describe('csrapproving', () => {
  let c: TestCluster;
  let request = '';
  const get = async (name: string): Promise<Obj> => JSON.parse(await c.k(['get', 'csr', name, '-o', 'json']));
  before(async () => {
    c = await startTestCluster({ controllers: 'csrsigning,csrapproving' });
    const key = join(c.tmp, 'node.key');
    execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', key], { stdio: 'ignore' });
    // creating a CSR at all is system:node-bootstrapper's permission
    await c.k(['create', 'clusterrolebinding', 'csr-creators', '--clusterrole=system:node-bootstrapper', '--group=system:authenticated']);
    request = execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/O=system:nodes/CN=system:node:worker-1'], { encoding: 'utf8' });
  });
  after(() => c?.cleanup());

  test('a bootstrap token user allowed nodeclient gets its kubelet client CSR approved and signed', async () => {
    await c.k(['create', 'clusterrolebinding', 'node-bootstrap', '--clusterrole=system:certificates.k8s.io:certificatesigningrequests:nodeclient', '--group=system:bootstrappers']);
    await c.k(['create', '-f', '-', '--as=system:bootstrap:abcdef', '--as-group=system:bootstrappers', '--as-group=system:authenticated'], { stdin: csr('node-csr-1', request) });
    const cert = await until('the certificate', async () => (await get('node-csr-1')).status?.certificate as string | undefined);
    const s = await get('node-csr-1');
    const approved = s.status.conditions.find((x: Obj) => x.type === 'Approved');
    assert.equal(approved.status, 'True');
    assert.equal(approved.reason, 'AutoApproved');
    assert.equal(approved.message, 'Auto approving kubelet client certificate after SubjectAccessReview.');
    assert.ok(approved.lastUpdateTime && approved.lastTransitionTime);
    assert.equal(new X509Certificate(Buffer.from(cert, 'base64')).subject, 'O=system:nodes\nCN=system:node:worker-1');
    assert.equal((await c.k(['get', 'csr', 'node-csr-1', '--no-headers'])).trim().split(/\s+/).at(-1), 'Approved,Issued');
  });

  test('a node renewing its own certificate is approved as selfnodeclient', async () => {
    await c.k(['create', 'clusterrolebinding', 'node-renew', '--clusterrole=system:certificates.k8s.io:certificatesigningrequests:selfnodeclient', '--group=system:nodes']);
    await c.k(['create', '-f', '-', '--as=system:node:worker-1', '--as-group=system:nodes', '--as-group=system:authenticated'], { stdin: csr('node-csr-self', request) });
    const approved = await until('the approval', async () => ((await get('node-csr-self')).status?.conditions ?? []).find((x: Obj) => x.type === 'Approved'));
    assert.equal(approved.reason, 'AutoApproved');
    assert.equal(approved.message, 'Auto approving self kubelet client certificate after SubjectAccessReview.');
  });

  test('a requester without the permission, or another signer, is left pending', async () => {
    await c.k(['create', '-f', '-', '--as=someone', '--as-group=system:authenticated'], { stdin: csr('node-csr-denied', request) });
    await c.k(['create', '-f', '-'], { stdin: csr('node-csr-other', request).replace('kube-apiserver-client-kubelet', 'kube-apiserver-client') });
    await new Promise((r) => setTimeout(r, 700));
    for (const name of ['node-csr-denied', 'node-csr-other']) {
      const s = await get(name);
      assert.equal(s.status?.conditions, undefined, name);
      assert.equal((await c.k(['get', 'csr', name, '--no-headers'])).trim().split(/\s+/).at(-1), 'Pending');
    }
  });
});
