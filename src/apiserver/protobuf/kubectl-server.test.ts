// Fake kube-apiserver pieces for kubectl.test.ts: TLS, discovery, canned objects and replies.
import { kubectlBinary } from '../../testing/harness.js';
import { generateKeyPairSync } from 'node:crypto';
import forge from 'node-forge';
import { csrFixture, node, podOn, richCronJob, webDeployment } from './kubectl-fixtures.test.js';

export type Obj = Record<string, unknown>;

const allVerbs = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const res = (name: string, kind: string, namespaced: boolean) => ({ name, singularName: kind.toLowerCase(), namespaced, kind, verbs: allVerbs });
const sub = (name: string, group: string, version: string, kind: string, namespaced: boolean) =>
  ({ name, singularName: '', namespaced, group, version, kind, verbs: ['create', 'get', 'update', 'patch'] });
const list = (groupVersion: string, resources: unknown[]) => ({ kind: 'APIResourceList', apiVersion: 'v1', groupVersion, resources });
const group = (name: string, versions: string[]) => ({
  name,
  versions: versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v })),
  preferredVersion: { groupVersion: `${name}/${versions[0]}`, version: versions[0] },
});

const discovery: Record<string, unknown> = {
  '/api': { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }] },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [
    group('apps', ['v1']), group('batch', ['v1']), group('autoscaling', ['v2', 'v1']),
    group('certificates.k8s.io', ['v1']), group('policy', ['v1']), group('rbac.authorization.k8s.io', ['v1']),
  ] },
  '/api/v1': list('v1', [
    res('pods', 'Pod', true), sub('pods/eviction', 'policy', 'v1', 'Eviction', true), res('nodes', 'Node', false),
    res('namespaces', 'Namespace', false), res('serviceaccounts', 'ServiceAccount', true), res('configmaps', 'ConfigMap', true),
  ]),
  '/apis/apps/v1': list('apps/v1', [res('deployments', 'Deployment', true), sub('deployments/scale', 'autoscaling', 'v1', 'Scale', true)]),
  '/apis/batch/v1': list('batch/v1', [res('jobs', 'Job', true), res('cronjobs', 'CronJob', true)]),
  '/apis/autoscaling/v2': list('autoscaling/v2', [res('horizontalpodautoscalers', 'HorizontalPodAutoscaler', true)]),
  '/apis/autoscaling/v1': list('autoscaling/v1', [res('horizontalpodautoscalers', 'HorizontalPodAutoscaler', true)]),
  '/apis/certificates.k8s.io/v1': list('certificates.k8s.io/v1', [
    res('certificatesigningrequests', 'CertificateSigningRequest', false),
    sub('certificatesigningrequests/approval', 'certificates.k8s.io', 'v1', 'CertificateSigningRequest', false),
  ]),
  '/apis/policy/v1': list('policy/v1', [res('poddisruptionbudgets', 'PodDisruptionBudget', true)]),
  '/apis/rbac.authorization.k8s.io/v1': list('rbac.authorization.k8s.io/v1', [res('roles', 'Role', true), res('rolebindings', 'RoleBinding', true),
    res('clusterroles', 'ClusterRole', false), res('clusterrolebindings', 'ClusterRoleBinding', false)]),
};

/** kubectl 1.33 beside the kubectl on PATH; throws (the test fails loudly) when it is missing. */
export function findKubectl(): string {
  if (process.env['KUBECTL_1_33']) return process.env['KUBECTL_1_33'];
  return kubectlBinary('1.33');
}

export function selfSignedCert(): { key: string; cert: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    publicKeyEncoding: { type: 'spki', format: 'pem' },
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const attrs = [{ name: 'commonName', value: '127.0.0.1' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKey), forge.md.sha256.create());
  return { key: privateKey, cert: forge.pki.certificateToPem(cert) };
}

export interface Captured { method: string; path: string; contentType: string; decoded?: Obj; json?: Obj; error?: string }

const status = (code: number, reason: string) => ({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', reason, code });

// Answers what kubectl needs to finish each command; protobuf bodies are decoded and echoed back as JSON.
export function respond(method: string, path: string, decoded: Obj | undefined): [number, unknown] {
  if (method === 'GET') {
    if (discovery[path]) return [200, discovery[path]];
    if (path === '/apis/batch/v1/namespaces/default/cronjobs/rich') return [200, richCronJob];
    if (path === '/apis/certificates.k8s.io/v1/certificatesigningrequests/csr1') return [200, csrFixture];
    if (path === '/apis/apps/v1/namespaces/default/deployments/web') return [200, webDeployment];
    const n = /^\/api\/v1\/nodes\/(n\d)$/.exec(path);
    if (n) return [200, node(n[1]!)];
    return [404, status(404, 'NotFound')];
  }
  if (method === 'PATCH' && path.startsWith('/api/v1/nodes/')) return [200, node(path.split('/')[4]!)];
  if (!decoded) return [400, status(400, 'BadRequest')];
  if (method === 'DELETE') return [200, podOn('n2')];
  if (path.startsWith('/apis/autoscaling/v2/')) return [404, status(404, 'NotFound')]; // makes kubectl fall back to v1
  switch (decoded['kind']) {
    case 'SelfSubjectAccessReview': return [201, { ...decoded, status: { allowed: true } }];
    case 'SelfSubjectRulesReview':
      return [201, { ...decoded, status: { resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }], nonResourceRules: [], incomplete: false } }];
    case 'SelfSubjectReview': return [201, { ...decoded, status: { userInfo: { username: 'tester', groups: ['system:authenticated'] } } }];
    case 'TokenRequest': return [201, { ...decoded, status: { token: 'h.p.s', expirationTimestamp: '2030-01-01T00:00:00Z' } }];
    case 'Eviction': return [201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success' }];
  }
  const meta = decoded['metadata'] as Obj;
  return [method === 'PUT' ? 200 : 201, { ...decoded, metadata: { ...meta, name: meta['name'] || 'generated' } }];
}

export function podList(path: string, query: URLSearchParams): unknown {
  const m = /spec\.nodeName=(n\d)/.exec(query.get('fieldSelector') ?? '');
  return path === '/api/v1/pods' && m ? { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [podOn(m[1]!)] } : undefined;
}

// kubectl 1.33 still prints creationTimestamp: null; upstream made it omitzero in 1.35, which the decoder follows.
export function dropNullCreationTimestamps(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNullCreationTimestamps);
  if (v && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) if (!(k === 'creationTimestamp' && x === null)) out[k] = dropNullCreationTimestamps(x);
    return out;
  }
  return v;
}
