// RBAC end to end with real kubectl: bootstrap roles, bindings, can-i, impersonation, escalation and aggregation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, runKubectl, type KubectlOptions, type TestCluster } from '../testing/harness.js';
import { api, type Creds } from '../testing/client.js';
import { issueClientCert, renderKubeconfig } from '../pki/index.js';

const RBAC = 'rbac.authorization.k8s.io';

describe('RBAC', () => {
  let c: TestCluster;
  let alice: Creds;
  let admin: Creds;
  let asAlice: (args: string[], opts?: KubectlOptions) => ReturnType<typeof runKubectl>;

  before(async () => {
    c = await startTestCluster();
    const cert = issueClientCert({ certPem: c.pki.caCertPem, keyPem: c.pki.caKeyPem }, { commonName: 'alice', organizations: ['devs'] });
    alice = { url: c.url, caCertPem: c.caCertPem, adminCertPem: cert.certPem, adminKeyPem: cert.keyPem };
    admin = { url: c.url, caCertPem: c.caCertPem, adminCertPem: c.adminCertPem, adminKeyPem: c.adminKeyPem };
    const kc = join(c.tmp, 'alice.kubeconfig');
    writeFileSync(kc, renderKubeconfig({ name: 'alice', server: c.url, caPem: c.caCertPem, clientCertPem: cert.certPem, clientKeyPem: cert.keyPem }));
    asAlice = (args, opts) => runKubectl(kc, join(c.tmp, 'alice-cache'), args, opts);
    await c.k(['create', 'namespace', 'team']);
  });
  after(() => c?.cleanup());

  test('kubectl get clusterroles lists the bootstrap roles of v1.33, labelled and annotated for reconciliation', async () => {
    const names = (await c.k(['get', 'clusterroles', '-o', 'name'])).trim().split('\n');
    for (const n of ['admin', 'cluster-admin', 'edit', 'view', 'system:basic-user', 'system:discovery', 'system:public-info-viewer', 'system:node', 'system:node-proxier', 'system:kube-controller-manager', 'system:kube-scheduler', 'system:controller:namespace-controller', 'system:controller:clusterrole-aggregation-controller', 'system:aggregate-to-view'])
      assert.ok(names.includes(`clusterrole.${RBAC}/${n}`), n);
    const ca = JSON.parse(await c.k(['get', 'clusterrole', 'cluster-admin', '-o', 'json']));
    assert.deepEqual(ca.metadata.labels, { 'kubernetes.io/bootstrapping': 'rbac-defaults' });
    assert.deepEqual(ca.metadata.annotations, { 'rbac.authorization.kubernetes.io/autoupdate': 'true' });
    assert.deepEqual(ca.rules, [
      { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      { nonResourceURLs: ['*'], verbs: ['*'] },
    ]);
    const crb = JSON.parse(await c.k(['get', 'clusterrolebinding', 'cluster-admin', '-o', 'json']));
    assert.deepEqual(crb.subjects, [{ apiGroup: RBAC, kind: 'Group', name: 'system:masters' }]);
    const view = JSON.parse(await c.k(['get', 'clusterrole', 'view', '-o', 'json']));
    assert.deepEqual(view.aggregationRule, { clusterRoleSelectors: [{ matchLabels: { [`${RBAC}/aggregate-to-view`]: 'true' } }] });
    assert.deepEqual(view.rules[0], {
      apiGroups: [''],
      resources: ['configmaps', 'endpoints', 'persistentvolumeclaims', 'persistentvolumeclaims/status', 'pods', 'replicationcontrollers', 'replicationcontrollers/scale', 'serviceaccounts', 'services', 'services/status'],
      verbs: ['get', 'list', 'watch'],
    });
  });

  test('a user with no bindings is forbidden with the upstream message', async () => {
    const r = await asAlice(['get', 'pods', '-n', 'default']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "default"');
    const raw = await api(alice, 'GET', '/api/v1/nodes/n1');
    assert.equal(raw.status, 403);
    assert.deepEqual(raw.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'nodes "n1" is forbidden: User "alice" cannot get resource "nodes" in API group "" at the cluster scope',
      reason: 'Forbidden',
      details: { name: 'n1', kind: 'nodes' },
      code: 403,
    });
    // discovery and the self reviews come from the bootstrap bindings to system:authenticated
    assert.equal((await api(alice, 'GET', '/apis')).status, 200);
    assert.equal((await asAlice(['auth', 'can-i', 'list', 'pods', '-n', 'default'])).stdout.trim(), 'no');
  });

  test('a RoleBinding to view lets alice read pods in that namespace only', async () => {
    assert.equal((await c.k(['create', 'rolebinding', 'alice-view', '--clusterrole=view', '--user=alice', '-n', 'default'])).trim(), `rolebinding.${RBAC}/alice-view created`);
    const ok = await asAlice(['get', 'pods', '-n', 'default']);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(ok.stderr.trim(), 'No resources found in default namespace.');
    const other = await asAlice(['get', 'pods', '-n', 'kube-system']);
    assert.equal(other.stderr.trim(), 'Error from server (Forbidden): pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "kube-system"');
    const write = await asAlice(['create', 'configmap', 'x', '-n', 'default']);
    assert.equal(write.stderr.trim(), 'error: failed to create configmap: configmaps is forbidden: User "alice" cannot create resource "configmaps" in API group "" in the namespace "default"');
    assert.equal((await asAlice(['auth', 'can-i', 'get', 'pods/log', '-n', 'default'])).stdout.trim(), 'yes');
    assert.equal((await asAlice(['auth', 'can-i', 'get', 'secrets', '-n', 'default'])).stdout.trim(), 'no');
    const ssar = await api(alice, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: 'default', verb: 'list', resource: 'pods' } } });
    assert.equal(ssar.status, 201);
    assert.deepEqual(ssar.json.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-view/default" of ClusterRole "view" to User "alice"' });
  });

  test('kubectl auth can-i --list --as alice lists the bound and the bootstrap rules', async () => {
    const lines = (await c.k(['auth', 'can-i', '--list', '--as', 'alice', '-n', 'default'])).trimEnd().split('\n');
    assert.deepEqual(lines.slice(0, 6), [
      'Resources                                       Non-Resource URLs   Resource Names   Verbs',
      'selfsubjectreviews.authentication.k8s.io        []                  []               [create]',
      'selfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]',
      'selfsubjectrulesreviews.authorization.k8s.io    []                  []               [create]',
      'bindings                                        []                  []               [get list watch]',
      'configmaps                                      []                  []               [get list watch]',
    ]);
    assert.ok(lines.includes('pods/log                                        []                  []               [get list watch]'));
    assert.ok(!lines.some((l) => l.startsWith('secrets ')));
    assert.deepEqual(lines.slice(-16), [
      '                                                [/api/*]            []               [get]',
      '                                                [/api]              []               [get]',
      '                                                [/apis/*]           []               [get]',
      '                                                [/apis]             []               [get]',
      '                                                [/healthz]          []               [get]',
      '                                                [/healthz]          []               [get]',
      '                                                [/livez]            []               [get]',
      '                                                [/livez]            []               [get]',
      '                                                [/openapi/*]        []               [get]',
      '                                                [/openapi]          []               [get]',
      '                                                [/readyz]           []               [get]',
      '                                                [/readyz]           []               [get]',
      '                                                [/version/]         []               [get]',
      '                                                [/version/]         []               [get]',
      '                                                [/version]          []               [get]',
      '                                                [/version]          []               [get]',
    ]);
  });

  test('impersonation needs the impersonate verb', async () => {
    assert.equal((await c.kubectl(['get', 'pods', '-n', 'default', '--as', 'alice'])).code, 0);
    const r = await asAlice(['get', 'pods', '-n', 'default', '--as', 'bob']);
    assert.equal(r.stderr.trim(), 'Error from server (Forbidden): users "bob" is forbidden: User "alice" cannot impersonate resource "users" in API group "" at the cluster scope');
    await c.k(['create', 'clusterrole', 'impersonate-bob', '--verb=impersonate', '--resource=users', '--resource-name=bob']);
    await c.k(['create', 'clusterrolebinding', 'alice-impersonates-bob', '--clusterrole=impersonate-bob', '--user=alice']);
    const asBob = await asAlice(['get', 'pods', '-n', 'default', '--as', 'bob']);
    assert.equal(asBob.stderr.trim(), 'Error from server (Forbidden): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"');
  });

  test('roles and bindings that grant more than the writer holds are refused as escalation', async () => {
    await c.k(['create', 'rolebinding', 'alice-admin', '--clusterrole=admin', '--user=alice', '-n', 'team']);
    const role = await asAlice(['create', 'role', 'node-reader', '--verb=get,list', '--resource=nodes,pods', '-n', 'team']);
    assert.equal(role.code, 1);
    assert.equal(
      role.stderr.trim(),
      `Error from server (Forbidden): roles.${RBAC} "node-reader" is forbidden: user "alice" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get" "list"]}`,
    );
    assert.equal((await asAlice(['create', 'role', 'pod-reader', '--verb=get,list', '--resource=pods', '-n', 'team'])).code, 0);
    const bind = await asAlice(['create', 'rolebinding', 'bob-admin', '--clusterrole=cluster-admin', '--user=bob', '-n', 'team']);
    assert.equal(
      bind.stderr.trim(),
      `error: failed to create rolebinding: rolebindings.${RBAC} "bob-admin" is forbidden: user "alice" (groups=["devs" "system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:["*"], Resources:["*"], Verbs:["*"]}\n{NonResourceURLs:["*"], Verbs:["*"]}`,
    );
    const missing = await asAlice(['create', 'rolebinding', 'x', '--role=nope', '--user=bob', '-n', 'team']);
    assert.equal(missing.stderr.trim(), `error: failed to create rolebinding: rolebindings.${RBAC} "x" is forbidden: role.${RBAC} "nope" not found`);
    // the bind verb on the named role lifts the check
    await c.k(['create', 'role', 'binder', '--verb=bind', '--resource=clusterroles', '--resource-name=cluster-admin', '-n', 'team']);
    await c.k(['create', 'rolebinding', 'alice-binder', '--role=binder', '--user=alice', '-n', 'team']);
    assert.equal((await asAlice(['create', 'rolebinding', 'bob-admin', '--clusterrole=cluster-admin', '--user=bob', '-n', 'team'])).code, 0);
    assert.equal((await c.kubectl(['auth', 'can-i', 'delete', 'secrets', '-n', 'team', '--as', 'bob'])).stdout.trim(), 'yes');
  });

  test('a binding to a missing role is the reason in the 403 and in can-i', async () => {
    await c.k(['create', 'rolebinding', 'carl-broken', '--role=missing', '--user=carl', '-n', 'team']);
    const r = await c.kubectl(['get', 'pods', '-n', 'team', '--as', 'carl']);
    assert.equal(r.stderr.trim(), `Error from server (Forbidden): pods is forbidden: User "carl" cannot list resource "pods" in API group "" in the namespace "team": RBAC: role.${RBAC} "missing" not found`);
    assert.equal((await c.kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'team', '--as', 'carl'])).stdout.trim(), `no - RBAC: role.${RBAC} "missing" not found`);
  });

  test('view aggregates the rules of a new labelled ClusterRole within a second, and drops them when it goes', async () => {
    const widgets = { apiGroups: ['example.com'], resources: ['widgets'], verbs: ['get', 'list'] };
    const t0 = Date.now();
    const r = await api(admin, 'POST', `/apis/${RBAC}/v1/clusterroles`, { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: 'widgets-view', labels: { [`${RBAC}/aggregate-to-view`]: 'true' } }, rules: [widgets] });
    assert.equal(r.status, 201);
    const has = async () => ((await api(admin, 'GET', `/apis/${RBAC}/v1/clusterroles/view`)).json.rules ?? []).some((x: { resources?: string[] }) => x.resources?.includes('widgets'));
    while (!(await has())) {
      assert.ok(Date.now() - t0 < 1000, 'view did not aggregate widgets-view within 1 s');
      await new Promise((res) => setTimeout(res, 20));
    }
    const edit = async () => ((await api(admin, 'GET', `/apis/${RBAC}/v1/clusterroles/admin`)).json.rules ?? []).some((x: { resources?: string[] }) => x.resources?.includes('widgets'));
    while (!(await edit())) {
      assert.ok(Date.now() - t0 < 2000, 'admin did not aggregate widgets-view through edit');
      await new Promise((res) => setTimeout(res, 20));
    }
    const ssar = await api(alice, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectAccessReview', spec: { resourceAttributes: { namespace: 'default', verb: 'list', group: 'example.com', resource: 'widgets' } } });
    assert.equal(ssar.json.status.allowed, true);
    assert.equal((await api(admin, 'DELETE', `/apis/${RBAC}/v1/clusterroles/widgets-view`)).status, 200);
    const t1 = Date.now();
    while (await has()) {
      assert.ok(Date.now() - t1 < 1000, 'view kept the rules of a deleted role');
      await new Promise((res) => setTimeout(res, 20));
    }
  });

  test('only cluster admins may set an aggregationRule', async () => {
    await c.k(['create', 'clusterrole', 'role-admin', '--verb=create,get,list', `--resource=clusterroles.${RBAC}`]);
    await c.k(['create', 'clusterrolebinding', 'alice-role-admin', '--clusterrole=role-admin', '--user=alice']);
    const r = await api(alice, 'POST', `/apis/${RBAC}/v1/clusterroles`, { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: 'grabber' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { x: 'y' } }] } });
    assert.equal(r.status, 403);
    assert.equal(r.json.message, `clusterroles.${RBAC} "grabber" is forbidden: must have cluster-admin privileges to use the aggregationRule`);
  });

  test('SubjectAccessReview and LocalSubjectAccessReview answer for the user they name', async () => {
    const sar = await api(admin, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'alice', resourceAttributes: { namespace: 'default', verb: 'watch', resource: 'pods' } } });
    assert.deepEqual(sar.json.status, { allowed: true, reason: 'RBAC: allowed by RoleBinding "alice-view/default" of ClusterRole "view" to User "alice"' });
    const denied = await api(admin, 'POST', '/apis/authorization.k8s.io/v1/namespaces/kube-system/localsubjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'LocalSubjectAccessReview', spec: { user: 'alice', resourceAttributes: { namespace: 'kube-system', verb: 'get', resource: 'pods' } } });
    assert.deepEqual(denied.json.status, { allowed: false });
    const url = await api(admin, 'POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec: { user: 'x', groups: ['system:authenticated'], nonResourceAttributes: { path: '/apis/apps', verb: 'get' } } });
    assert.deepEqual(url.json.status, { allowed: true, reason: 'RBAC: allowed by ClusterRoleBinding "system:discovery" of ClusterRole "system:discovery" to Group "system:authenticated"' });
  });

  test('kubectl auth reconcile creates, then adds missing rules', async () => {
    const doc = (verbs: string) =>
      `apiVersion: ${RBAC}/v1\nkind: Role\nmetadata:\n  name: reconciled\n  namespace: team\nrules:\n- apiGroups: [""]\n  resources: ["configmaps"]\n  verbs: [${verbs}]\n---\napiVersion: ${RBAC}/v1\nkind: RoleBinding\nmetadata:\n  name: reconciled\n  namespace: team\nroleRef:\n  apiGroup: ${RBAC}\n  kind: Role\n  name: reconciled\nsubjects:\n- kind: User\n  apiGroup: ${RBAC}\n  name: dave\n`;
    assert.equal((await c.k(['auth', 'reconcile', '-f', '-'], { stdin: doc('"get"') })).trim(), `role.${RBAC}/reconciled reconciled\nrolebinding.${RBAC}/reconciled reconciled`);
    await c.k(['auth', 'reconcile', '-f', '-'], { stdin: doc('"get", "list"') });
    assert.equal(await c.k(['get', 'role', 'reconciled', '-n', 'team', '-o', 'jsonpath={.rules}']), '[{"apiGroups":[""],"resources":["configmaps"],"verbs":["get"]},{"apiGroups":[""],"resources":["configmaps"],"verbs":["list"]}]');
    assert.equal((await c.kubectl(['auth', 'can-i', 'list', 'configmaps', '-n', 'team', '--as', 'dave'])).stdout.trim(), 'yes');
  });
});

describe('--authorization-mode AlwaysAllow', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ authorizationMode: 'AlwaysAllow' });
  });
  after(() => c?.cleanup());

  test('every authenticated user may do everything, and rules reviews say so', async () => {
    const cert = issueClientCert({ certPem: c.pki.caCertPem, keyPem: c.pki.caKeyPem }, { commonName: 'erin', organizations: [] });
    const erin = { url: c.url, caCertPem: c.caCertPem, adminCertPem: cert.certPem, adminKeyPem: cert.keyPem };
    assert.equal((await api(erin, 'GET', '/api/v1/namespaces/kube-system/secrets')).status, 200);
    const role = await api(erin, 'POST', `/apis/${RBAC}/v1/clusterroles`, { apiVersion: `${RBAC}/v1`, kind: 'ClusterRole', metadata: { name: 'all' }, rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }] });
    assert.equal(role.status, 201);
    const rules = await api(erin, 'POST', '/apis/authorization.k8s.io/v1/selfsubjectrulesreviews', { apiVersion: 'authorization.k8s.io/v1', kind: 'SelfSubjectRulesReview', spec: { namespace: 'default' } });
    assert.deepEqual(rules.json.status, { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false });
  });
});
