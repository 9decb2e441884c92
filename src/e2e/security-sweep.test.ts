// Every verb on every resource and subresource in discovery, tried without credentials and as a user with no
// bindings: each answer is upstream's exact 401 or 403 Status (so it can carry nothing else), and nothing changes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api, type ApiResponse, type Creds } from '../testing/client.js';
import { issueClientCert } from '../pki/index.js';

const NS = 'vault';
const NAME = 'plant';
const SECRET_VALUE = 'dG9wLXNlY3JldC12YWx1ZQ=='; // top-secret-value

interface Probe {
  method: string;
  path: string;
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

interface Resource {
  groupVersion: string;
  group: string;
  name: string;
  namespaced: boolean;
  verbs: string[];
}

/** system:basic-user (bound to system:authenticated) lets everyone ask about themselves. */
const SELF_REVIEWS = new Set(['authorization.k8s.io/selfsubjectaccessreviews', 'authorization.k8s.io/selfsubjectrulesreviews', 'authentication.k8s.io/selfsubjectreviews']);

async function discover(admin: Creds): Promise<Resource[]> {
  const groupVersions = ['v1'];
  const apis = await api(admin, 'GET', '/apis');
  for (const g of apis.json.groups) for (const v of g.versions) groupVersions.push(v.groupVersion);
  const out: Resource[] = [];
  for (const gv of groupVersions) {
    const list = await api(admin, 'GET', gv === 'v1' ? '/api/v1' : `/apis/${gv}`);
    assert.equal(list.status, 200, gv);
    const group = gv.includes('/') ? gv.slice(0, gv.indexOf('/')) : '';
    for (const r of list.json.resources) out.push({ groupVersion: gv, group, name: r.name, namespaced: r.namespaced, verbs: r.verbs });
  }
  return out;
}

const METHOD: Record<string, string> = { get: 'GET', list: 'GET', watch: 'GET', create: 'POST', update: 'PUT', patch: 'PATCH', delete: 'DELETE', deletecollection: 'DELETE' };

/** The requests that exercise each verb a resource lists, named and cluster-wide where that applies. */
function probes(r: Resource): Probe[] {
  const [resource, subresource = ''] = r.name.split('/');
  const root = r.groupVersion === 'v1' ? '/api/v1' : `/apis/${r.groupVersion}`;
  const nsPart = r.namespaced ? `/namespaces/${NS}` : '';
  // a namespace's own name is its namespace in the request's attributes
  const namespace = r.namespaced ? NS : resource === 'namespaces' ? NS : '';
  const name = resource === 'namespaces' ? NS : NAME;
  const collection = `${root}${nsPart}/${resource}`;
  const item = `${collection}/${name}${subresource ? `/${subresource}` : ''}`;
  const base = { group: r.group, resource, subresource };
  const out: Probe[] = [];
  for (const verb of r.verbs) {
    const method = METHOD[verb];
    if (!method) continue;
    if (subresource) {
      out.push({ ...base, method, path: item, verb: verb === 'list' ? 'get' : verb, namespace, name });
    } else if (verb === 'list' || verb === 'watch' || verb === 'deletecollection' || verb === 'create') {
      const query = verb === 'watch' ? '?watch=true&timeoutSeconds=1' : '';
      out.push({ ...base, method, path: collection + query, verb, namespace: r.namespaced ? NS : '', name: '' });
      if (r.namespaced && verb !== 'create' && verb !== 'deletecollection') out.push({ ...base, method, path: `${root}/${resource}${query}`, verb, namespace: '', name: '' });
    } else {
      out.push({ ...base, method, path: item, verb, namespace, name });
    }
  }
  return out;
}

function body(p: Probe): string | undefined {
  if (p.method === 'POST' || p.method === 'PUT') return JSON.stringify({ metadata: { name: p.name || 'sweep', namespace: p.namespace || undefined } });
  if (p.method === 'PATCH') return '{}';
  return undefined;
}

function send(c: Creds, p: Probe): Promise<ApiResponse> {
  const headers: Record<string, string> = p.method === 'PATCH' ? { 'Content-Type': 'application/merge-patch+json' } : {};
  return api(c, p.method, p.path, body(p), headers);
}

/** The Status kube-apiserver's authorization filter writes when RBAC has no rule for the request. */
function forbidden(user: string, p: Probe): unknown {
  const res = p.subresource ? `${p.resource}/${p.subresource}` : p.resource;
  const why = `User "${user}" cannot ${p.verb} resource "${res}" in API group "${p.group}" ${p.namespace ? `in the namespace "${p.namespace}"` : 'at the cluster scope'}`;
  const qualified = p.group ? `${p.resource}.${p.group}` : p.resource;
  const message = p.name ? `${qualified} "${p.name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  const details: Record<string, string> = { kind: p.resource };
  if (p.name) details.name = p.name;
  if (p.group) details.group = p.group;
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details, code: 403 };
}

const UNAUTHORIZED = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 };

async function inBatches<T>(items: T[], size: number, run: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(run));
}

/** Every listable object (but leases and events, which the server's own loops write) by key → resourceVersion. */
async function everything(admin: Creds, resources: Resource[]): Promise<Map<string, string>> {
  const seen = new Map<string, string>();
  const listable = resources.filter((r) => !r.name.includes('/') && r.verbs.includes('list') && r.name !== 'leases' && r.name !== 'events');
  for (const r of listable) {
    const res = await api(admin, 'GET', `${r.groupVersion === 'v1' ? '/api/v1' : `/apis/${r.groupVersion}`}/${r.name}`);
    assert.equal(res.status, 200, `list ${r.groupVersion} ${r.name}`);
    for (const o of res.json.items) seen.set(`${r.groupVersion} ${r.name} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion);
  }
  return seen;
}

describe('security sweep: every verb on every resource', () => {
  let c: TestCluster;
  let admin: Creds;
  let resources: Resource[];
  let all: Probe[];
  let before0: Map<string, string>;

  before(async () => {
    c = await startTestCluster();
    admin = { url: c.url, caCertPem: c.caCertPem, adminCertPem: c.adminCertPem, adminKeyPem: c.adminKeyPem };
    await c.k(['create', 'namespace', NS]);
    const secret = await api(admin, 'POST', `/api/v1/namespaces/${NS}/secrets`, { apiVersion: 'v1', kind: 'Secret', metadata: { name: NAME }, data: { password: SECRET_VALUE } });
    assert.equal(secret.status, 201);
    await c.k(['create', 'configmap', NAME, '-n', NS, '--from-literal=k=v']);
    resources = await discover(admin);
    all = resources.flatMap(probes);
    before0 = await everything(admin, resources);
  });
  after(() => c?.cleanup());

  test('discovery covers the API (sanity: the sweep is not empty)', () => {
    const names = new Set(resources.map((r) => `${r.group}/${r.name}`));
    for (const n of ['/pods', '/pods/log', '/pods/exec', '/pods/eviction', '/secrets', '/serviceaccounts/token', '/namespaces/finalize', 'apps/deployments/scale', 'rbac.authorization.k8s.io/clusterroles', 'certificates.k8s.io/certificatesigningrequests/approval', 'authentication.k8s.io/tokenreviews'])
      assert.ok(names.has(n), n);
    assert.ok(all.length > 400, `${all.length} probes`);
  });

  test('without credentials every request is 401 Unauthorized, paths outside the API included', async () => {
    const anon: Creds = { url: c.url, caCertPem: c.caCertPem };
    const paths: Probe[] = ['/api', '/apis', '/version', '/healthz', '/livez', '/readyz', '/metrics', '/openapi/v2', '/openapi/v3', '/.well-known/openid-configuration', '/openid/v1/jwks', '/logs/']
      .map((path) => ({ method: 'GET', path, verb: 'get', group: '', resource: '', subresource: '', namespace: '', name: '' }));
    await inBatches([...all, ...paths], 16, async (p) => {
      const r = await send(anon, p);
      assert.equal(r.status, 401, `${p.method} ${p.path}`);
      assert.deepEqual(r.json, UNAUTHORIZED, `${p.method} ${p.path}`);
    });
  });

  test('a user with no bindings gets RBAC\'s exact 403 for everything but asking about itself', async () => {
    const cert = issueClientCert({ certPem: c.pki.caCertPem, keyPem: c.pki.caKeyPem }, { commonName: 'mallory', organizations: ['outsiders'] });
    const mallory: Creds = { url: c.url, caCertPem: c.caCertPem, adminCertPem: cert.certPem, adminKeyPem: cert.keyPem };
    let allowed = 0;
    await inBatches(all, 16, async (p) => {
      const r = await send(mallory, p);
      if (SELF_REVIEWS.has(`${p.group}/${p.resource}`) && p.verb === 'create') {
        allowed++;
        assert.ok(r.status === 201 || r.status === 400 || r.status === 422, `${p.method} ${p.path}: ${r.status} ${r.text}`);
        assert.ok(!r.text.includes(SECRET_VALUE));
        return;
      }
      assert.equal(r.status, 403, `${p.method} ${p.path}: ${r.text}`);
      assert.deepEqual(r.json, forbidden('mallory', p), `${p.method} ${p.path}`);
    });
    assert.ok(allowed >= 3, `${allowed} self reviews`);
    // only the discovery and public-info paths are open to every authenticated user (issuer discovery is for service accounts)
    for (const path of ['/api', '/apis', '/version', '/healthz', '/livez', '/readyz', '/openapi/v2', '/openapi/v3']) {
      const r = await api(mallory, 'GET', path);
      assert.equal(r.status, 200, path);
    }
    for (const path of ['/metrics', '/logs/', '/debug/pprof/', '/readyz/shutdown', '/.well-known/openid-configuration', '/openid/v1/jwks']) {
      const r = await api(mallory, 'GET', path);
      assert.equal(r.status, 403, path);
      assert.deepEqual(r.json, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `forbidden: User "mallory" cannot get path "${path}"`, reason: 'Forbidden', details: {}, code: 403 });
    }
  });

  test('a 403 reads the same whether the object exists or not', async () => {
    const cert = issueClientCert({ certPem: c.pki.caCertPem, keyPem: c.pki.caKeyPem }, { commonName: 'mallory', organizations: ['outsiders'] });
    const mallory: Creds = { url: c.url, caCertPem: c.caCertPem, adminCertPem: cert.certPem, adminKeyPem: cert.keyPem };
    for (const ns of [NS, 'no-such-namespace']) {
      for (const name of [NAME, 'no-such-secret']) {
        const r = await api(mallory, 'GET', `/api/v1/namespaces/${ns}/secrets/${name}`);
        assert.equal(r.status, 403);
        assert.equal(r.json.message, `secrets "${name}" is forbidden: User "mallory" cannot get resource "secrets" in API group "" in the namespace "${ns}"`);
      }
    }
  });

  test('nothing was written by the sweep', async () => {
    const now = await everything(admin, resources);
    assert.deepEqual([...now].filter(([k, rv]) => before0.get(k) !== rv), []);
    assert.deepEqual([...before0.keys()].filter((k) => !now.has(k)), []);
    const secret = await api(admin, 'GET', `/api/v1/namespaces/${NS}/secrets/${NAME}`);
    assert.equal(secret.json.data.password, SECRET_VALUE);
  });
});
