// Hostile input (issue 14): 10,000 mutated requests — broken and retyped JSON, invalid UTF-8, YAML and
// protobuf garbage, odd paths, queries, selectors, patch types and headers. None may answer 5xx, every
// refusal is a Status, and a refused request never changes the store (its revision stays where it was).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { parse as parseYAML } from 'yaml';

const CASES = 10_000;
const SEED = Number(process.env.MINIKAPI_FUZZ_SEED ?? 20261204);

/** mulberry32: a small seeded generator, so a failure can be replayed with MINIKAPI_FUZZ_SEED. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NS = 'fuzz';
const BASES: Record<string, { path: string; body: Record<string, unknown> }> = {
  configmap: { path: `/api/v1/namespaces/${NS}/configmaps`, body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cm', labels: { a: 'b' } }, data: { k: 'v' } } },
  pod: { path: `/api/v1/namespaces/${NS}/pods`, body: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ containerPort: 80 }], resources: { limits: { cpu: '1' } } }] } } },
  deployment: {
    path: `/apis/apps/v1/namespaces/${NS}/deployments`,
    body: { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { replicas: 1, selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } },
  },
  service: { path: `/api/v1/namespaces/${NS}/services`, body: { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }], selector: { a: 'b' } } } },
  role: { path: `/apis/rbac.authorization.k8s.io/v1/namespaces/${NS}/roles`, body: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: { name: 'r' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] } },
};

const ODD_VALUES: unknown[] = [null, true, false, 0, -1, 1e308, -0, 9007199254740993, 'x'.repeat(5000), '', '\u0000', '\ud800', '😀', [], {}, [[[]]], { '': '' }, '1e400', 'ñ', 3.5, ['a', 1, null]];
const GARBAGE = ['{', '}', '[', ']', '"', ':', ',', '\\', '\u0000', 'ÿ', '\ud83d', 'e', '-', '1', 'null', ' ', '\t', '/*', '\u2028'];
const QUERIES = [
  'fieldSelector=metadata.name%3D%3D%3D',
  'fieldSelector=spec.nope%3Dx',
  'labelSelector=a%20in%20(',
  'labelSelector=!!x',
  'labelSelector=a%3D%3Db%2Cc!%3D',
  'limit=-1',
  'limit=99999999999999999999999',
  'continue=garbage',
  'resourceVersion=abc',
  'resourceVersion=-5',
  'resourceVersionMatch=Exact',
  'dryRun=Maybe',
  'dryRun=All',
  'fieldValidation=Loose',
  'fieldValidation=Strict',
  'propagationPolicy=Sideways',
  'gracePeriodSeconds=x',
  'timeoutSeconds=abc',
  'fieldManager=' + 'm'.repeat(200),
  'force=maybe',
  'pretty=%zz',
  'watch=false',
];
const CONTENT_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json', 'application/apply-patch+yaml', 'text/plain', 'application/json; charset=latin1', ''];
const ACCEPTS = ['application/json', 'application/yaml', 'application/json;as=Table;v=v1;g=meta.k8s.io', 'application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io', 'application/vnd.kubernetes.protobuf', 'text/html', 'application/json;as=Nope;v=v9;g=x', '*/*'];

describe('fuzzing', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: 'none' });
    await c.k(['create', 'namespace', NS]);
    for (const b of Object.values(BASES)) assert.equal((await api(c, 'POST', b.path, b.body)).status, 201);
  });
  after(() => c?.cleanup());

  test(`${CASES.toLocaleString('en')} mutated requests: no 5xx, every refusal a Status, nothing written by a refusal`, async () => {
    const r = rng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const mutateValue = (o: unknown, depth = 0): unknown => {
      if (depth > 6 || o === null || typeof o !== 'object') return pick(ODD_VALUES);
      const copy = structuredClone(o) as Record<string, unknown>;
      const keys = Object.keys(copy);
      if (keys.length === 0 || r() < 0.2) {
        copy[pick(['apiVersion', 'kind', 'metadata', 'spec', 'status', 'data', 'x', 'items', '0'])] = pick(ODD_VALUES);
        return copy;
      }
      const k = pick(keys);
      copy[k] = r() < 0.5 ? mutateValue(copy[k], depth + 1) : pick(ODD_VALUES);
      return copy;
    };
    const mutateText = (text: string): string => {
      let t = text;
      for (let n = 1 + Math.floor(r() * 3); n > 0; n--) {
        const at = Math.floor(r() * (t.length + 1));
        const op = r();
        if (op < 0.4) t = t.slice(0, at) + pick(GARBAGE) + t.slice(at);
        else if (op < 0.7) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 4));
        else if (op < 0.85) t = t.slice(0, at);
        else t = t.slice(0, at) + t.slice(Math.floor(r() * t.length)) ;
      }
      return t;
    };
    const body = (base: Record<string, unknown>): Buffer => {
      const kind = r();
      if (kind < 0.35) return Buffer.from(JSON.stringify(mutateValue(base)));
      if (kind < 0.65) return Buffer.from(mutateText(JSON.stringify(base)));
      if (kind < 0.75) return Buffer.concat([Buffer.from(JSON.stringify(base).slice(0, 20)), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80]), Buffer.from(JSON.stringify(base).slice(20))]);
      if (kind < 0.85) return Buffer.from(pick(['a: &a [*a, *a]\nb: *a', 'metadata:\n\tname: x', '- - - -', '{a: [1, 2', 'kind: ConfigMap\napiVersion: v1\nmetadata: {name: "\\xff"}', '? [a]\n: b']));
      const bytes = Buffer.alloc(1 + Math.floor(r() * 64));
      for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(r() * 256);
      return r() < 0.5 ? Buffer.concat([Buffer.from([0x6b, 0x38, 0x73, 0x00]), bytes]) : bytes;
    };
    const failures: string[] = [];
    let refusals = 0;
    for (let i = 0; i < CASES; i++) {
      const name = pick(Object.keys(BASES));
      const base = BASES[name]!;
      const item = `${base.path}/${pick([(base.body.metadata as { name: string }).name, 'missing', '..', '%2e%2e', 'a%2Fb', 'UPPER', 'x'.repeat(300)])}`;
      const path = pick([base.path, item, `${item}/status`, `${item}/scale`, `${item}/nope`, base.path.replace(NS, pick(['default', 'NOPE', '-', '%00'])), '/api/v1/namespaces//configmaps', '/apis/nope.example.com/v1/things', '/api/v9/pods']);
      const method = pick(['POST', 'PUT', 'PATCH', 'PATCH', 'GET', 'DELETE', 'POST']);
      const query = r() < 0.5 ? '' : `?${Array.from({ length: 1 + Math.floor(r() * 3) }, () => pick(QUERIES)).join('&')}`;
      const headers: Record<string, string> = { Accept: pick(ACCEPTS) };
      const send = method !== 'GET' && (method !== 'DELETE' || r() < 0.3);
      const data = send ? body(base.body) : undefined;
      if (send) headers['Content-Type'] = pick(CONTENT_TYPES);
      const before = await c.backend.currentRevision();
      const res = await api(c, method, path + query, data, headers);
      const what = `#${i} ${method} ${path}${query} [${headers['Content-Type'] ?? ''}] ${data ? JSON.stringify(data.toString('utf8').slice(0, 200)) : ''}`;
      // v1.33 answers an undecodable DeleteOptions body with a 500 and no reason (400 from 1.35 on)
      // a Status comes in the form the request accepts: JSON or YAML
      const status = (res.headers['content-type'] ?? '').startsWith('application/yaml') ? parseYAML(res.text) : res.json;
      const deleteOptionsError = method === 'DELETE' && res.status === 500 && status?.kind === 'Status' && status.reason === undefined;
      if (res.status >= 500 && !deleteOptionsError) failures.push(`${what} → ${res.status} ${res.text.slice(0, 300)}`);
      if (res.status >= 400) {
        refusals++;
        const after = await c.backend.currentRevision();
        if (after !== before) failures.push(`${what} → ${res.status} but the revision moved from ${before} to ${after}`);
        if (/^application\/(json|yaml)/.test(res.headers['content-type'] ?? '') && status?.kind !== 'Status') failures.push(`${what} → ${res.status} without a Status: ${res.text.slice(0, 200)}`);
      }
      if (failures.length >= 10) break;
    }
    assert.deepEqual(failures, [], `seed ${SEED}`);
    // most cases are refusals: the fuzzing reaches the decoders and validators, not only the happy path
    assert.ok(refusals > CASES / 2, `${refusals} refusals`);
    assert.equal((await api(c, 'GET', '/readyz')).status, 200);
  });
});
