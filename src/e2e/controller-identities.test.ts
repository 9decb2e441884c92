// Each in-process controller talks to the API as kube-controller-manager with --use-service-account-credentials
// does: its own kube-system service account authorized by system:controller:<name> (RBAC only), the shared
// informers and the Lease as system:kube-controller-manager, the scheduler as system:kube-scheduler.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Obj = any;

const POLICY = `apiVersion: audit.k8s.io/v1
kind: Policy
omitStages: ["RequestReceived"]
rules:
- level: None
  nonResourceURLs: ["/healthz*", "/readyz*", "/livez*", "/version", "/openapi*", "/api", "/api/*", "/apis", "/apis/*"]
- level: Metadata
`;

const SA_GROUPS = ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'];
const kcmAgent = (name: string) => new RegExp(`^kube-controller-manager/v1\\.33\\.\\d+ \\(linux/amd64\\) kubernetes/[0-9a-f]{7}/${name}$`);


/** A KUBE_EDITOR that rewrites the JSON kubectl edit -o json opens with `change` (a function body over `o`). */
function editor(dir: string, name: string, change: string): string {
  const path = join(dir, `${name}.cjs`);
  writeFileSync(path, `const fs = require('fs'); const f = process.argv[2]; const o = JSON.parse(fs.readFileSync(f, 'utf8')); ${change}; fs.writeFileSync(f, JSON.stringify(o));\n`);
  return `${process.execPath} ${path}`;
}

describe('controller identities', () => {
  let c: TestCluster;
  let dir = '';
  let logPath = '';
  const events = (): Obj[] => readFileSync(logPath, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const get = async (path: string): Promise<Obj> => (await api(c, 'GET', path)).json;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minikapi-ids-'));
    writeFileSync(join(dir, 'policy.yaml'), POLICY);
    logPath = join(dir, 'audit.log');
    c = await startTestCluster({ controllers: '*', auditLogPath: logPath, auditPolicyFile: join(dir, 'policy.yaml') });
  });
  after(() => c?.cleanup());

  test('kubectl get sa -n kube-system lists the controllers service accounts, created by system:kube-controller-manager', async () => {
    const names = (await c.k(['get', 'sa', '-n', 'kube-system', '-o', 'name'])).trim().split('\n');
    for (const sa of ['deployment-controller', 'replicaset-controller', 'generic-garbage-collector', 'namespace-controller', 'job-controller', 'cronjob-controller', 'statefulset-controller', 'daemon-set-controller', 'node-controller', 'endpoint-controller', 'endpointslice-controller', 'persistent-volume-binder', 'pod-garbage-collector', 'resourcequota-controller', 'disruption-controller', 'certificate-controller'])
      assert.ok(names.includes(`serviceaccount/${sa}`), `${sa} missing from ${names.join(' ')}`);
    // the scheduler is kube-scheduler's and the token controller runs on kube-controller-manager's own credentials
    assert.ok(!names.includes('serviceaccount/default-scheduler') && !names.includes('serviceaccount/tokens-controller'));
    const created = await eventually('the audit events', async () => {
      // (the service-account controller creates kube-system's default account)
      const found = events().filter((e) => e.verb === 'create' && e.objectRef?.resource === 'serviceaccounts' && e.objectRef?.namespace === 'kube-system' && !e.user.username.endsWith(':service-account-controller'));
      return found.length >= 16 && found;
    });
    for (const e of created) {
      assert.deepEqual(e.user, { username: 'system:kube-controller-manager', groups: ['system:authenticated'] });
      assert.match(e.userAgent, kcmAgent('kube-controller-manager'));
      assert.equal(e.responseStatus.code, 201);
    }
  });

  test('a Deployment\'s ReplicaSet is created by system:serviceaccount:kube-system:deployment-controller; managedFields still say kube-controller-manager', async () => {
    await c.k(['create', 'namespace', 'ids']);
    await c.k(['create', 'deployment', 'web', '--image=nginx', '--replicas=1', '-n', 'ids']);
    const rs = await eventually('the ReplicaSet', async () => (await get('/apis/apps/v1/namespaces/ids/replicasets')).items[0]);
    assert.equal(rs.metadata.managedFields[0].manager, 'kube-controller-manager');
    const sa = await get('/api/v1/namespaces/kube-system/serviceaccounts/deployment-controller');
    const e = await eventually('the audit event', async () => events().find((x) => x.verb === 'create' && x.objectRef?.resource === 'replicasets' && x.objectRef?.namespace === 'ids' && x.stage === 'ResponseComplete'));
    assert.deepEqual(e.user, { username: 'system:serviceaccount:kube-system:deployment-controller', uid: sa.metadata.uid, groups: SA_GROUPS });
    assert.match(e.userAgent, kcmAgent('deployment-controller'));
    assert.equal(e.responseStatus.code, 201);
    // the ReplicaSet's pods come from the replicaset controller's account
    const pod = await eventually('a pod create', async () => events().find((x) => x.verb === 'create' && x.objectRef?.resource === 'pods' && !x.objectRef?.subresource && x.objectRef?.namespace === 'ids'));
    assert.equal(pod.user.username, 'system:serviceaccount:kube-system:replicaset-controller');
    assert.match(pod.userAgent, kcmAgent('replicaset-controller'));
  });

  test('pods are bound by system:kube-scheduler; shared informers and the Lease are system:kube-controller-manager\'s', async () => {
    const bind = await eventually('a binding', async () => events().find((x) => x.verb === 'create' && x.objectRef?.resource === 'pods' && x.objectRef?.subresource === 'binding' && x.objectRef?.namespace === 'ids'));
    assert.deepEqual(bind.user, { username: 'system:kube-scheduler', groups: ['system:authenticated'] });
    assert.match(bind.userAgent, /^kube-scheduler\/v1\.33\.\d+ \(linux\/amd64\) kubernetes\/[0-9a-f]{7}\/scheduler$/);
    const all = events();
    const watch = all.find((x) => x.verb === 'watch' && x.objectRef?.resource === 'replicasets' && !x.objectRef?.namespace);
    assert.equal(watch?.user.username, 'system:kube-controller-manager');
    assert.match(watch?.userAgent, kcmAgent('shared-informers'));
    const metadata = all.find((x) => x.verb === 'watch' && x.objectRef?.resource === 'configmaps' && x.userAgent.endsWith('/metadata-informers'));
    assert.equal(metadata?.user.username, 'system:kube-controller-manager');
    // the scheduler's own informers list pods as kube-scheduler
    assert.ok(all.some((x) => x.verb === 'list' && x.objectRef?.resource === 'pods' && x.user.username === 'system:kube-scheduler'));
    const lease = all.find((x) => x.objectRef?.resource === 'leases' && x.objectRef?.name === 'kube-controller-manager' && (x.verb === 'create' || x.verb === 'update'));
    assert.equal(lease?.user.username, 'system:kube-controller-manager');
    assert.match(lease?.userAgent, kcmAgent('leader-election'));
    // no controller request is made as system:masters, but the simulated kubelet's
    const masters = all.filter((x) => x.user.groups?.includes('system:masters') && x.user.username !== 'minikapi-admin' && x.user.username !== 'system:apiserver');
    assert.deepEqual([...new Set(masters.map((x) => x.user.username))], masters.length ? ['system:node-simulator'] : []);
  });

  test('a rule taken from system:controller:replicaset-controller stops the controller with a 403 in its events and health', async () => {
    // kubectl edit, marking the role so the next start's reconciliation leaves it as edited
    const drop = editor(dir, 'drop', `o.metadata.annotations['rbac.authorization.kubernetes.io/autoupdate'] = 'false'; for (const r of o.rules) if (r.resources.includes('pods')) r.verbs = r.verbs.filter((v) => v !== 'create')`);
    await c.k(['edit', 'clusterrole', 'system:controller:replicaset-controller', '-o', 'json'], { env: { KUBE_EDITOR: drop } });
    const role = await get('/apis/rbac.authorization.k8s.io/v1/clusterroles/system:controller:replicaset-controller');
    assert.deepEqual(role.rules.find((r: Obj) => r.resources.includes('pods')).verbs, ['delete', 'list', 'patch', 'watch']);
    await c.k(['create', 'namespace', 'denied']);
    await c.k(['create', 'deployment', 'blocked', '--image=nginx', '-n', 'denied']);
    const ev = await eventually('a FailedCreate event', async () => (await get('/api/v1/namespaces/denied/events')).items.find((e: Obj) => e.reason === 'FailedCreate'));
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.involvedObject.kind, 'ReplicaSet');
    assert.match(ev.message, /^Error creating: pods is forbidden: User "system:serviceaccount:kube-system:replicaset-controller" cannot create resource "pods" in API group "" in the namespace "denied"$/);
    const health = await eventually('the failing health check', async () => {
      const r = await api(c, 'GET', '/healthz/replicaset-controller');
      return r.status === 500 && r;
    });
    assert.match(health.text, /^internal server error: pods is forbidden: User "system:serviceaccount:kube-system:replicaset-controller" cannot create resource "pods"/);
    const verbose = await api(c, 'GET', '/healthz?verbose');
    assert.equal(verbose.status, 500);
    assert.match(verbose.text, /^\[-\]replicaset-controller failed: reason withheld$/m);
    assert.match(verbose.text, /^\[\+\]deployment-controller ok$/m);
    assert.equal((await get('/api/v1/namespaces/denied/pods')).items.length, 0);

    const restore = editor(dir, 'restore', `for (const r of o.rules) if (r.resources.includes('pods')) r.verbs = ['create', ...r.verbs]`);
    await c.k(['edit', 'clusterrole', 'system:controller:replicaset-controller', '-o', 'json'], { env: { KUBE_EDITOR: restore } });
    await eventually('the pod', async () => (await get('/api/v1/namespaces/denied/pods')).items.length === 1, 60_000);
    await eventually('a passing health check', async () => (await api(c, 'GET', '/healthz/replicaset-controller')).status === 200);
  });
});
