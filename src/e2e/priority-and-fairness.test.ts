// API Priority and Fairness classification as kube-apiserver's: every request but the long-running non-watch ones is
// put in the first matching FlowSchema (by matchingPrecedence, then name), and the response names the UIDs of that
// FlowSchema and its priority level in X-Kubernetes-PF-FlowSchema-UID / X-Kubernetes-PF-PriorityLevel-UID.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api, type ApiResponse, type Creds } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';

const FC = '/apis/flowcontrol.apiserver.k8s.io/v1';

describe('API Priority and Fairness classification', () => {
  let c: TestCluster;
  let dir = '';
  let bob: Creds;
  let anonymous: Creds;
  const uid = async (kind: 'flowschemas' | 'prioritylevelconfigurations', name: string): Promise<string> => {
    const r = await api(c, 'GET', `${FC}/${kind}/${name}`);
    assert.equal(r.status, 200, r.text);
    return r.json.metadata.uid as string;
  };
  /** The [flow schema, priority level] names a response was classified in ('' when it carries no headers). */
  let names: Map<string, string>;
  const classified = (r: ApiResponse): [string, string] => [names.get(String(r.headers['x-kubernetes-pf-flowschema-uid'] ?? '')) ?? '', names.get(String(r.headers['x-kubernetes-pf-prioritylevel-uid'] ?? '')) ?? ''];
  const refreshNames = async () => {
    names = new Map();
    for (const kind of ['flowschemas', 'prioritylevelconfigurations']) for (const o of (await api(c, 'GET', `${FC}/${kind}`)).json.items) names.set(o.metadata.uid, o.metadata.name);
  };

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minikapi-apf-'));
    writeFileSync(join(dir, 'tokens.csv'), 'bob-token,bob,1002\n');
    c = await startTestCluster({ controllers: 'serviceaccount,serviceaccount-token', tokenAuthFile: join(dir, 'tokens.csv'), anonymousAuth: true });
    bob = { url: c.url, caCertPem: c.caCertPem, token: 'bob-token' };
    anonymous = { url: c.url, caCertPem: c.caCertPem };
    await refreshNames();
  });
  after(async () => {
    await c?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the header values are the UIDs of the matched FlowSchema and its priority level', async () => {
    const r = await api(c, 'GET', '/api/v1/namespaces');
    assert.equal(r.status, 200);
    assert.equal(r.headers['x-kubernetes-pf-flowschema-uid'], await uid('flowschemas', 'exempt'));
    assert.equal(r.headers['x-kubernetes-pf-prioritylevel-uid'], await uid('prioritylevelconfigurations', 'exempt'));
  });

  test('the suggested configuration classifies masters, users, service accounts and probes as upstream does', async () => {
    assert.deepEqual(classified(await api(c, 'GET', '/api/v1/namespaces/default/configmaps')), ['exempt', 'exempt']);
    assert.deepEqual(classified(await api(bob, 'GET', '/version')), ['global-default', 'global-default']);
    // a refusal by authorization comes after classification: it carries the headers too
    const forbidden = await api(bob, 'GET', '/api/v1/namespaces/default/secrets');
    assert.equal(forbidden.status, 403);
    assert.deepEqual(classified(forbidden), ['global-default', 'global-default']);
    assert.deepEqual(classified(await api(anonymous, 'GET', '/healthz')), ['probes', 'exempt']);
    assert.deepEqual(classified(await api(anonymous, 'GET', '/readyz/ping')), ['probes', 'exempt']);
    // global-default (9900) takes everyone before catch-all (10000)
    const anon = await api(anonymous, 'GET', '/api/v1/namespaces');
    assert.equal(anon.status, 403);
    assert.deepEqual(classified(anon), ['global-default', 'global-default']);
    // a request refused by authentication is never classified
    const unauthorized = await api({ url: c.url, caCertPem: c.caCertPem, token: 'nobody' }, 'GET', '/api/v1/namespaces');
    assert.equal(unauthorized.status, 401);
    assert.deepEqual(classified(unauthorized), ['', '']);

    for (const [ns, name, schema] of [['kube-system', 'robot', 'kube-system-service-accounts'], ['default', 'robot', 'service-accounts']] as const) {
      assert.equal((await api(c, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts`, { metadata: { name } })).status, 201);
      const tr = await api(c, 'POST', `/api/v1/namespaces/${ns}/serviceaccounts/${name}/token`, { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: {} });
      assert.equal(tr.status, 201, tr.text);
      const sa = { url: c.url, caCertPem: c.caCertPem, token: tr.json.status.token as string };
      assert.deepEqual(classified(await api(sa, 'GET', `/api/v1/namespaces/${ns}/pods`)), [schema, schema === 'service-accounts' ? 'workload-low' : 'workload-high']);
    }
  });

  test('watches are classified; other long-running requests (logs, exec, proxy) are not', async () => {
    const w = await api(c, 'GET', '/api/v1/namespaces/default/configmaps?watch=1&timeoutSeconds=1');
    assert.equal(w.status, 200);
    assert.deepEqual(classified(w), ['exempt', 'exempt']);
    assert.equal((await api(c, 'POST', '/api/v1/namespaces/default/pods', { metadata: { name: 'p' }, spec: { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'busybox' }] } })).status, 201);
    const log = await api(c, 'GET', '/api/v1/namespaces/default/pods/p/log');
    assert.equal(log.status, 200, log.text);
    assert.equal(log.headers['x-kubernetes-pf-flowschema-uid'], undefined);
    assert.equal(log.headers['x-kubernetes-pf-prioritylevel-uid'], undefined);
  });

  test('apiserver_flowcontrol_dispatched_requests_total counts the requests let through, by flow schema and priority level', async () => {
    const count = async () => {
      const text = (await api(c, 'GET', '/metrics')).text;
      assert.match(text, /^# HELP apiserver_flowcontrol_dispatched_requests_total \[BETA\] Number of requests executed by API Priority and Fairness subsystem$/m);
      assert.match(text, /^# TYPE apiserver_flowcontrol_dispatched_requests_total counter$/m);
      const m = /^apiserver_flowcontrol_dispatched_requests_total\{flow_schema="global-default",priority_level="global-default"\} (\d+)$/m.exec(text);
      return Number(m?.[1] ?? 0);
    };
    const before = await count();
    for (let i = 0; i < 3; i++) assert.equal((await api(bob, 'GET', '/version')).status, 200);
    assert.equal(await count(), before + 3);
    assert.match((await api(c, 'GET', '/metrics')).text, /^apiserver_flowcontrol_dispatched_requests_total\{flow_schema="exempt",priority_level="exempt"\} [1-9]\d*$/m);
  });

  test('a FlowSchema of higher precedence takes the requests it matches; one naming a missing level is passed over', async () => {
    const rules = [{ subjects: [{ kind: 'User', user: { name: 'bob' } }], resourceRules: [{ verbs: ['list'], apiGroups: [''], resources: ['configmaps'], namespaces: ['default'] }] }];
    let r = await api(c, 'POST', `${FC}/flowschemas`, { metadata: { name: 'bob-configmaps' }, spec: { priorityLevelConfiguration: { name: 'workload-high' }, matchingPrecedence: 100, rules } });
    assert.equal(r.status, 201, r.text);
    // same precedence: the name decides ("a-bob" before "bob-configmaps")
    r = await api(c, 'POST', `${FC}/flowschemas`, { metadata: { name: 'a-bob' }, spec: { priorityLevelConfiguration: { name: 'nowhere' }, matchingPrecedence: 100, rules } });
    assert.equal(r.status, 201, r.text);
    await refreshNames();
    await eventually('bob-configmaps in force', async () => classified(await api(bob, 'GET', '/api/v1/namespaces/default/configmaps'))[0] === 'bob-configmaps');
    assert.deepEqual(classified(await api(bob, 'GET', '/api/v1/namespaces/default/configmaps')), ['bob-configmaps', 'workload-high']);
    // outside the rule's namespace, verb or resource: the suggested schemas again
    assert.deepEqual(classified(await api(bob, 'GET', '/api/v1/namespaces/kube-system/configmaps')), ['global-default', 'global-default']);
    assert.deepEqual(classified(await api(bob, 'GET', '/api/v1/namespaces/default/configmaps/x')), ['global-default', 'global-default']);
    assert.deepEqual(classified(await api(bob, 'GET', '/api/v1/configmaps')), ['global-default', 'global-default']);

    // once its level exists, the dangling one wins by name
    r = await api(c, 'POST', `${FC}/prioritylevelconfigurations`, { metadata: { name: 'nowhere' }, spec: { type: 'Limited', limited: { nominalConcurrencyShares: 5, limitResponse: { type: 'Reject' } } } });
    assert.equal(r.status, 201, r.text);
    await refreshNames();
    await eventually('a-bob in force', async () => classified(await api(bob, 'GET', '/api/v1/namespaces/default/configmaps'))[0] === 'a-bob');
    assert.deepEqual(classified(await api(bob, 'GET', '/api/v1/namespaces/default/configmaps')), ['a-bob', 'nowhere']);
    assert.equal((await api(c, 'DELETE', `${FC}/prioritylevelconfigurations/nowhere`)).status, 200);
    await eventually('bob-configmaps back in force', async () => classified(await api(bob, 'GET', '/api/v1/namespaces/default/configmaps'))[0] === 'bob-configmaps');
  });
});
