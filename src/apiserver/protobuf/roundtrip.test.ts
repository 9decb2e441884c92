// Every built-in kind's table round-trips: JSON → protobuf (encodeProtobufObject) → JSON (decodeProtobufObject).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';
import { decodeProtobufObject, supportedProtobufKinds } from './decode.js';
import { encodeProtobufObject, parseGoDuration, ProtobufEncodeError } from './encode.js';
import { getSchema, type FieldSpec, type MessageSpec } from './schema.js';
import { csrFixture, richCronJob, webDeployment } from './kubectl-fixtures.test.js';

type Obj = Record<string, unknown>;

const REPO = fileURLToPath(new URL('../../../', import.meta.url));
const FIXTURES = `${REPO}src/apiserver/protobuf/fixtures/`;
const BUILTINS = `${REPO}testdata/builtins/`;

/** The GA kinds of Kubernetes 1.33 whose single objects client-go may send as protobuf request bodies. */
const GA_KINDS: Record<string, string[]> = {
  v1: ['Binding', 'ConfigMap', 'Endpoints', 'Event', 'LimitRange', 'Namespace', 'Node', 'PersistentVolume', 'PersistentVolumeClaim',
    'Pod', 'PodTemplate', 'ReplicationController', 'ResourceQuota', 'Secret', 'ServiceAccount', 'Service', 'DeleteOptions'],
  'admissionregistration.k8s.io/v1': ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy',
    'ValidatingAdmissionPolicyBinding'],
  'apiextensions.k8s.io/v1': ['CustomResourceDefinition'],
  'apiregistration.k8s.io/v1': ['APIService'],
  'apps/v1': ['ControllerRevision', 'DaemonSet', 'Deployment', 'ReplicaSet', 'StatefulSet'],
  'authentication.k8s.io/v1': ['TokenReview', 'TokenRequest', 'SelfSubjectReview'],
  'authorization.k8s.io/v1': ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview'],
  'autoscaling/v1': ['HorizontalPodAutoscaler', 'Scale'],
  'autoscaling/v2': ['HorizontalPodAutoscaler'],
  'batch/v1': ['CronJob', 'Job'],
  'certificates.k8s.io/v1': ['CertificateSigningRequest'],
  'coordination.k8s.io/v1': ['Lease'],
  'discovery.k8s.io/v1': ['EndpointSlice'],
  'events.k8s.io/v1': ['Event'],
  'flowcontrol.apiserver.k8s.io/v1': ['FlowSchema', 'PriorityLevelConfiguration'],
  'networking.k8s.io/v1': ['Ingress', 'IngressClass', 'NetworkPolicy', 'IPAddress', 'ServiceCIDR'],
  'node.k8s.io/v1': ['RuntimeClass'],
  'policy/v1': ['PodDisruptionBudget', 'Eviction'],
  'rbac.authorization.k8s.io/v1': ['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding'],
  'scheduling.k8s.io/v1': ['PriorityClass'],
  'storage.k8s.io/v1': ['CSIDriver', 'CSINode', 'CSIStorageCapacity', 'StorageClass', 'VolumeAttachment'],
};
const gaPairs = Object.entries(GA_KINDS).flatMap(([apiVersion, kinds]) => kinds.map((kind) => ({ apiVersion, kind })));

const roundTrip = (obj: Obj): Obj => decodeProtobufObject(encodeProtobufObject(obj));

function isZeroish(v: unknown): boolean {
  if (v === undefined || v === null || v === '' || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  return typeof v === 'object' && Object.values(v as Obj).every(isZeroish);
}

/** Equal up to what omitempty drops and Go's always-emitted zero values: a key on one side only must hold a zero value. */
function assertLooseEqual(want: unknown, got: unknown, path: string): void {
  if (Array.isArray(want) && Array.isArray(got)) {
    assert.equal(got.length, want.length, `${path}: length`);
    want.forEach((w, i) => assertLooseEqual(w, got[i], `${path}[${i}]`));
  } else if (want && got && typeof want === 'object' && typeof got === 'object' && !Array.isArray(want) && !Array.isArray(got)) {
    for (const k of new Set([...Object.keys(want), ...Object.keys(got)])) {
      const [w, g] = [(want as Obj)[k], (got as Obj)[k]];
      if (!(k in got)) assert.ok(isZeroish(w), `${path}.${k}: dropped ${JSON.stringify(w)}`);
      else if (!(k in want)) assert.ok(isZeroish(g), `${path}.${k}: invented ${JSON.stringify(g)}`);
      else assertLooseEqual(w, g, `${path}.${k}`);
    }
  } else if (typeof want === 'number' && typeof got === 'string') {
    assert.equal(got, String(want), `${path}: a numeric quantity`);
  } else if (!(isZeroish(want) && isZeroish(got) && typeof want === typeof got)) {
    assert.deepEqual(got, want, path);
  }
}

function loadYaml(file: string): Obj[] {
  return parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as Obj).filter((d) => d && typeof d === 'object');
}

function fixtureObjects(): Array<{ name: string; obj: Obj }> {
  const out: Array<{ name: string; obj: Obj }> = [];
  for (const f of readdirSync(FIXTURES).filter((x) => x.endsWith('.yaml')).sort()) {
    loadYaml(FIXTURES + f).forEach((obj, i) => out.push({ name: `fixtures/${f}#${i} ${String(obj['kind'])}`, obj }));
  }
  out.push({ name: 'rich CronJob', obj: richCronJob }, { name: 'CSR', obj: csrFixture }, { name: 'web Deployment', obj: webDeployment });
  return out;
}

test('every GA kind of Kubernetes 1.33 has a table', () => {
  const have = new Set(supportedProtobufKinds().map((k) => `${k.apiVersion} ${k.kind}`));
  const missing = gaPairs.filter(({ apiVersion, kind }) => !have.has(`${apiVersion} ${kind}`) && !have.has(`* ${kind}`));
  assert.deepEqual(missing, []);
});

test('realistic objects of every GA kind round-trip', () => {
  const seen = new Set<string>();
  for (const { name, obj } of fixtureObjects()) {
    seen.add(`${String(obj['apiVersion'])} ${String(obj['kind'])}`);
    assertLooseEqual(obj, roundTrip(obj), name);
  }
  assert.deepEqual(gaPairs.filter(({ apiVersion, kind }) => !seen.has(`${apiVersion} ${kind}`)), [], 'kinds without a fixture');
});

test('the valid manifests of testdata/builtins round-trip', () => {
  let n = 0;
  for (const f of readdirSync(BUILTINS).filter((x) => x.endsWith('.yaml')).sort()) {
    for (const obj of loadYaml(BUILTINS + f)) {
      assertLooseEqual(obj, roundTrip(obj), `testdata/builtins/${f} ${String(obj['kind'])}`);
      n++;
    }
  }
  assert.ok(n > 0);
});

// Fills every field of a message (each recursive type at most twice on a path) with a non-zero value.
class Sampler {
  private n = 0;
  private readonly schema = getSchema();

  message(spec: MessageSpec, stack: string[]): unknown {
    const n = ++this.n;
    switch (spec.special) {
      case 'time': return `2024-0${1 + (n % 9)}-02T03:04:05Z`;
      case 'microtime': return `2024-01-02T03:04:05.${String(100000 + n).slice(-6)}Z`;
      case 'duration': return '1h2m3.5s';
      case 'quantity': return `${n}m`;
      case 'intorstring': return n % 2 ? n : `port-${n}`;
      case 'json': return { n, list: [1, 'two', true, null], nested: { a: {} } };
      case 'list': return [`v${n}`, `w${n}`];
      case 'orbool': return this.recursive(spec, stack) ?? false;
      case 'orarray': {
        const schema = this.recursive(spec, stack);
        return schema === undefined ? undefined : n % 2 ? schema : [schema, {}];
      }
      case 'orstringarray': return n % 2 ? this.recursive(spec, stack) ?? [`p${n}`] : [`p${n}`, `q${n}`];
    }
    const out: Obj = {};
    this.fill(spec, [...stack, spec.key], out);
    return out;
  }

  private recursive(spec: MessageSpec, stack: string[]): unknown {
    const f = spec.fields.find((x) => x.name === 'schema')!;
    return stack.filter((k) => k === f.message).length >= 2 ? undefined : this.message(this.spec(f), stack);
  }

  private spec(f: FieldSpec): MessageSpec {
    return this.schema.messages.get(f.message!)!;
  }

  private fill(spec: MessageSpec, stack: string[], out: Obj): void {
    for (const f of spec.fields) {
      if (f.inline) {
        this.fill(this.spec(f), stack, out);
        continue;
      }
      if (f.message && stack.filter((k) => k === f.message).length >= 2) continue;
      const one = (): unknown => (f.message ? this.message(this.spec(f), stack) : this.scalar(f));
      const v = f.shape === 'list' ? [one(), one()] : f.shape === 'map' ? { [`k${this.n}`]: one(), 'a.b/c': one() } : one();
      if (v !== undefined && !(Array.isArray(v) && v.includes(undefined))) out[f.name] = v;
    }
  }

  private scalar(f: FieldSpec): unknown {
    const n = ++this.n;
    switch (f.scalar) {
      case 's': return `${f.name}-${n}`;
      case 'b': return true;
      case 'i': return -n;
      case 'l': return 2 ** 40 + n;
      case 'd': return n + 0.25;
      default: return Buffer.from([n & 0xff, 0, 255]).toString('base64');
    }
  }
}

test('objects with every field of every table set round-trip exactly', () => {
  const sampler = new Sampler();
  const schema = getSchema();
  let fields = 0;
  const count = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(count);
    else if (v && typeof v === 'object') for (const x of Object.values(v)) { fields++; count(x); }
  };
  for (const { apiVersion, kind } of supportedProtobufKinds()) {
    const obj = { apiVersion: apiVersion === '*' ? 'v1' : apiVersion, kind,
      ...(sampler.message(schema.roots.get(`${apiVersion} ${kind}`)!, []) as Obj) };
    count(obj);
    assert.deepEqual(roundTrip(obj), obj, `${apiVersion} ${kind}`);
  }
  assert.ok(fields > 10_000, `only ${fields} fields exercised`);
});

test('encoder: unknown and ill-typed fields are named, unknown kinds refused, strict can be relaxed', () => {
  const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', bogus: 1 }, data: { a: 'b' } };
  assert.throws(() => encodeProtobufObject(cm), (e: unknown) => e instanceof ProtobufEncodeError && e.path === 'ConfigMap.metadata.bogus');
  assert.deepEqual(decodeProtobufObject(encodeProtobufObject(cm, { strict: false })),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 'b' } });
  assert.throws(() => encodeProtobufObject({ apiVersion: 'v1', kind: 'Pod', spec: { containers: {} } }), /spec\.containers: expected an array/);
  assert.throws(() => encodeProtobufObject({ apiVersion: 'v1', kind: 'Secret', data: { a: 'not base64!' } }), /Secret\.data\.a/);
  assert.throws(() => encodeProtobufObject({ apiVersion: 'apps/v1', kind: 'Deployment', spec: { replicas: 2 ** 31 } }), /int32/);
  assert.throws(() => encodeProtobufObject({ apiVersion: 'example.com/v1', kind: 'Widget' }), /no protobuf table/);
  assert.throws(() => encodeProtobufObject({ kind: 'Pod' }), /apiVersion and kind/);
});

test('encoder: times with offsets and fractions, Go durations', () => {
  const ev = roundTrip({ apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { creationTimestamp: '2024-01-02T05:04:05.9+02:00' },
    eventTime: '2024-01-02T03:04:05.1234567Z', deprecatedFirstTimestamp: '0099-12-31T23:59:59Z' });
  assert.equal((ev['metadata'] as Obj)['creationTimestamp'], '2024-01-02T03:04:05Z');
  assert.equal(ev['eventTime'], '2024-01-02T03:04:05.123456Z');
  assert.equal(ev['deprecatedFirstTimestamp'], '0099-12-31T23:59:59Z');
  assert.equal(parseGoDuration('1h2m3.5s'), 3_723_500_000_000n);
  assert.equal(parseGoDuration('-1.5ms'), -1_500_000n);
  assert.equal(parseGoDuration('2µs3ns'), 2003n);
  assert.equal(parseGoDuration('0'), 0n);
  for (const bad of ['', '1', 'h', '1d', '--1s']) assert.throws(() => parseGoDuration(bad), ProtobufEncodeError, bad);
});

test('apiextensions JSONSchemaProps: JSON values, recursion and the Or* alternatives', () => {
  const schema = {
    type: 'object', default: { a: [1, null] }, enum: [null, 'x', 2.5], 'x-kubernetes-preserve-unknown-fields': false,
    properties: { a: { items: { type: 'string' } }, b: { items: [{ type: 'string' }, { type: 'integer' }] } },
    additionalProperties: false, additionalItems: { type: 'number', maximum: 1e21, minimum: -0.5 },
    dependencies: { a: ['b'], c: { required: ['d'] } }, $ref: '#/x', $schema: 'http://json-schema.org/draft-04/schema#',
  };
  const crd = {
    apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'x.example.com' },
    spec: { group: 'example.com', names: { plural: 'x', kind: 'X' }, scope: 'Cluster',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }] },
  };
  const got = roundTrip(crd);
  const version = ((got['spec'] as Obj)['versions'] as Obj[])[0]!;
  assert.deepEqual((version['schema'] as Obj)['openAPIV3Schema'], schema);
  assert.deepEqual(got['status'], { conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: null });
});
