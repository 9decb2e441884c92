import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { create, toBinary } from '@bufbuild/protobuf';
import {
  decodeProtobufMessage,
  decodeProtobufObject,
  goDuration,
  isProtobufContentType,
  ProtobufDecodeError,
  supportedProtobufKinds,
} from './decode.js';
import { getSchema } from './schema.js';

const MAGIC = Uint8Array.from([0x6b, 0x38, 0x73, 0x00]);

// Encodes with the same schema; explicitly set zero values are written, as gogo-protobuf does.
function enc(type: string, init: Record<string, unknown>): Uint8Array {
  const desc = getSchema().messages.get(type)!.desc;
  return toBinary(desc, create(desc, init as never));
}

function body(apiVersion: string, kind: string, raw: Uint8Array, extra: Record<string, unknown> = {}): Uint8Array {
  const env = enc('runtime.Unknown', { typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '', ...extra });
  return Uint8Array.from([...MAGIC, ...env]);
}

function decodeAs(apiVersion: string, kind: string, type: string, init: Record<string, unknown>): Record<string, unknown> {
  return decodeProtobufObject(body(apiVersion, kind, enc(type, init)));
}

test('isProtobufContentType', () => {
  assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf'), true);
  assert.equal(isProtobufContentType('Application/VND.Kubernetes.Protobuf; charset=utf-8'), true);
  assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf;stream=watch'), true);
  assert.equal(isProtobufContentType('application/json'), false);
  assert.equal(isProtobufContentType('application/vnd.kubernetes.protobuf+json'), false);
  assert.equal(isProtobufContentType(undefined), false);
  assert.equal(isProtobufContentType(''), false);
});

test('every root kind resolves and decodes an empty message', () => {
  const kinds = supportedProtobufKinds();
  for (const k of ['Namespace', 'ConfigMap', 'Secret', 'Service', 'ServiceAccount', 'ResourceQuota', 'Pod', 'Node',
    'Deployment', 'Job', 'CronJob', 'Ingress', 'PodDisruptionBudget', 'Eviction', 'PriorityClass', 'Role', 'ClusterRole',
    'RoleBinding', 'ClusterRoleBinding', 'SelfSubjectAccessReview', 'SelfSubjectRulesReview', 'TokenRequest',
    'SelfSubjectReview', 'HorizontalPodAutoscaler', 'CertificateSigningRequest', 'DeleteOptions']) {
    assert.ok(kinds.some((x) => x.kind === k), k);
  }
  for (const { apiVersion, kind } of kinds) {
    const obj = decodeProtobufObject(body(apiVersion === '*' ? 'v1' : apiVersion, kind, new Uint8Array()));
    assert.equal(obj['kind'], kind);
  }
  assert.deepEqual(decodeProtobufObject(body('v1', 'Namespace', new Uint8Array())),
    { kind: 'Namespace', apiVersion: 'v1', metadata: {}, spec: {}, status: {} });
});

test('envelope errors: magic, garbage, missing or unknown kind, content encoding', () => {
  assert.throws(() => decodeProtobufObject(new Uint8Array()), ProtobufDecodeError);
  assert.throws(() => decodeProtobufObject(new Uint8Array()), { message: 'empty data' });
  assert.throws(() => decodeProtobufObject(Buffer.from('{"kind":"Namespace"}')), { message: 'provided data does not appear to be a protobuf message, expected prefix [107 56 115 0]' });
  assert.throws(() => decodeProtobufObject(MAGIC), { message: 'empty body' });
  assert.throws(() => decodeProtobufObject(Uint8Array.from([...MAGIC, 0x0a, 0x05, 0x0a])), { message: 'unexpected EOF' });
  assert.throws(() => decodeProtobufObject(Uint8Array.from([...MAGIC, 0x22, 0x00])), { message: 'Object \'Kind\' is missing in \'runtime.TypeMeta{APIVersion:"", Kind:""}\'' });
  assert.deepEqual(decodeProtobufObject(Uint8Array.from([...MAGIC, 0x22, 0x00]), { apiVersion: 'v1', kind: 'DeleteOptions' }), { kind: 'DeleteOptions', apiVersion: 'v1' });
  assert.throws(() => decodeProtobufObject(body('v1', 'Pod', new Uint8Array()), undefined, ['DeleteOptions']), (e: unknown) => {
    assert.ok(e instanceof ProtobufDecodeError);
    assert.deepEqual([e.unsupported, e.apiVersion, e.kind], [true, 'v1', 'Pod']);
    return true;
  });
  assert.throws(() => decodeProtobufObject(body('example.com/v1', 'Widget', new Uint8Array())), (e: unknown) => {
    assert.ok(e instanceof ProtobufDecodeError);
    assert.equal(e.unsupported, true);
    assert.match(e.message, /Widget/);
    assert.match(e.message, /example\.com\/v1/);
    return true;
  });
  assert.throws(() => decodeProtobufObject(body('apps/v1', 'Namespace', new Uint8Array())), /Namespace in apps\/v1/);
  assert.throws(() => decodeProtobufObject(body('v1', 'Secret', new Uint8Array(), { contentEncoding: 'gzip' })), /gzip/);
});

test('omitempty: explicit zeros of value fields drop, pointer and non-omitempty zeros stay', () => {
  const d = decodeAs('apps/v1', 'Deployment', 'apps.Deployment', {
    metadata: { name: 'd', generateName: '', namespace: '', generation: 0n, uid: '' },
    spec: {
      replicas: 0, minReadySeconds: 0, paused: false, revisionHistoryLimit: 0,
      template: { spec: { containers: [{ name: '', image: '', stdin: false, ports: [{ containerPort: 0, hostPort: 0, name: '' }] }],
        automountServiceAccountToken: false, hostNetwork: false, priority: 0 } },
    },
    status: { replicas: 0, observedGeneration: 0n },
  });
  assert.deepEqual(d, {
    kind: 'Deployment', apiVersion: 'apps/v1',
    metadata: { name: 'd' },
    spec: {
      replicas: 0, selector: null, revisionHistoryLimit: 0, strategy: {},
      template: { metadata: {}, spec: {
        containers: [{ name: '', ports: [{ containerPort: 0 }], resources: {} }],
        automountServiceAccountToken: false, priority: 0,
      } },
    },
    status: {},
  });
  const cm = decodeAs('v1', 'ConfigMap', 'core.ConfigMap', { metadata: { name: 'c' }, immutable: false });
  assert.deepEqual(cm, { kind: 'ConfigMap', apiVersion: 'v1', metadata: { name: 'c' }, immutable: false });
  const svc = decodeAs('v1', 'Service', 'core.Service', { spec: { ports: [{ port: 0, protocol: '', nodePort: 0 }] } });
  assert.deepEqual(svc['spec'], { ports: [{ port: 0, targetPort: 0 }] });
  const role = decodeAs('rbac.authorization.k8s.io/v1', 'ClusterRole', 'rbac.ClusterRole', {
    metadata: { name: 'agg' }, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'true' } }] },
  });
  assert.deepEqual(role, {
    kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { name: 'agg' },
    rules: null, aggregationRule: { clusterRoleSelectors: [{ matchLabels: { a: 'true' } }] },
  });
});

test('bytes, maps, int64 and base64', () => {
  const s = decodeAs('v1', 'Secret', 'core.Secret', {
    metadata: { name: 's', labels: { a: 'b' } }, type: 'Opaque',
    data: { bin: Uint8Array.from([0, 255, 1]), empty: new Uint8Array() }, stringData: { x: 'y' },
  });
  assert.deepEqual(s, {
    kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', labels: { a: 'b' } },
    data: { bin: 'AP8B', empty: '' }, stringData: { x: 'y' }, type: 'Opaque',
  });
  const cm = decodeAs('v1', 'ConfigMap', 'core.ConfigMap', { data: { k: 'v' }, binaryData: { b: Buffer.from('hi') } });
  assert.deepEqual(cm['binaryData'], { b: 'aGk=' });
  const csr = decodeAs('certificates.k8s.io/v1', 'CertificateSigningRequest', 'certificates.CertificateSigningRequest', {
    spec: { request: Buffer.from('PEM'), signerName: 'x/y', extra: { k: { items: ['a', 'b'] }, e: {} } },
  });
  assert.deepEqual(csr['spec'], { request: 'UEVN', signerName: 'x/y', extra: { k: ['a', 'b'], e: null } });
  assert.deepEqual(csr['status'], {});
  const csrNoRequest = decodeAs('certificates.k8s.io/v1', 'CertificateSigningRequest', 'certificates.CertificateSigningRequest', {});
  assert.deepEqual(csrNoRequest['spec'], { request: null, signerName: '' });
  const pod = decodeAs('v1', 'Pod', 'core.Pod', { spec: { terminationGracePeriodSeconds: 9007199254740991n,
    securityContext: { supplementalGroups: [1n, 2n], runAsUser: 0n } } });
  assert.deepEqual((pod['spec'] as Record<string, unknown>)['securityContext'], { supplementalGroups: [1, 2], runAsUser: 0 });
  assert.equal((pod['spec'] as Record<string, unknown>)['terminationGracePeriodSeconds'], 9007199254740991);
});

test('Time, MicroTime and Duration', () => {
  assert.equal(decodeProtobufMessage('meta.Time', enc('meta.Time', { seconds: 1704164645n, nanos: 0 })), '2024-01-02T03:04:05Z');
  assert.equal(decodeProtobufMessage('meta.Time', enc('meta.Time', { seconds: 1704164645n, nanos: 999 })), '2024-01-02T03:04:05Z');
  assert.equal(decodeProtobufMessage('meta.Time', enc('meta.Time', { seconds: 0n, nanos: 0 })), '1970-01-01T00:00:00Z');
  assert.equal(decodeProtobufMessage('meta.Time', new Uint8Array()), null);
  assert.equal(decodeProtobufMessage('meta.Time', enc('meta.Time', { seconds: -62135596800n, nanos: 0 })), null);
  assert.equal(decodeProtobufMessage('meta.Time', enc('meta.Time', { seconds: 253402300799n })), '9999-12-31T23:59:59Z');
  assert.equal(decodeProtobufMessage('meta.MicroTime', enc('meta.MicroTime', { seconds: 1704164645n, nanos: 123456789 })),
    '2024-01-02T03:04:05.123456Z');
  assert.equal(decodeProtobufMessage('meta.MicroTime', enc('meta.MicroTime', { seconds: 1704164645n, nanos: 0 })),
    '2024-01-02T03:04:05.000000Z');
  assert.equal(decodeProtobufMessage('meta.MicroTime', new Uint8Array()), null);
  assert.throws(() => decodeProtobufMessage('meta.Time', enc('meta.Time', { seconds: 9_000_000_000_000_000n })), ProtobufDecodeError);

  const cases: Array<[bigint, string]> = [
    [0n, '0s'], [1n, '1ns'], [1100n, '1.1µs'], [2_200_000n, '2.2ms'], [1_500_000_000n, '1.5s'],
    [90_000_000_000n, '1m30s'], [3_600_000_000_000n, '1h0m0s'], [-90_000_000_000n, '-1m30s'],
    [4_000_000_001n, '4.000000001s'], [(2n ** 63n) - 1n, '2562047h47m16.854775807s'],
  ];
  for (const [ns, want] of cases) {
    assert.equal(goDuration(ns), want);
    assert.equal(decodeProtobufMessage('meta.Duration', enc('meta.Duration', { duration: ns })), want);
  }

  const ns = decodeAs('v1', 'Namespace', 'core.Namespace', {
    metadata: {
      name: 'n', creationTimestamp: { seconds: 1704164645n, nanos: 0 }, deletionTimestamp: {},
      managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: { seconds: 1704164645n },
        fieldsType: 'FieldsV1', fieldsV1: { raw: Buffer.from('{"f:metadata":{"f:labels":{".":{}}}}') } }],
      ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u', controller: true, blockOwnerDeletion: false }],
    },
    status: { conditions: [{ type: 'T', status: 'True', lastTransitionTime: {} }] },
  });
  assert.deepEqual(ns['metadata'], {
    name: 'n', creationTimestamp: '2024-01-02T03:04:05Z', deletionTimestamp: null,
    ownerReferences: [{ apiVersion: 'v1', kind: 'X', name: 'o', uid: 'u', controller: true, blockOwnerDeletion: false }],
    managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2024-01-02T03:04:05Z',
      fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {} } } } }],
  });
  // creationTimestamp is omitzero upstream (1.35+), while other value Times marshal as null.
  assert.deepEqual(ns['status'], { conditions: [{ type: 'T', status: 'True', lastTransitionTime: null }] });
  assert.throws(() => decodeAs('v1', 'Namespace', 'core.Namespace', { metadata: { managedFields: [{ fieldsV1: { raw: Buffer.from('{no') } }] } }),
    /not JSON/);
});

test('IntOrString and Quantity', () => {
  const pdb = decodeAs('policy/v1', 'PodDisruptionBudget', 'policy.PodDisruptionBudget', {
    spec: { minAvailable: { type: 1n, intVal: 0, strVal: '50%' }, maxUnavailable: { type: 0n, intVal: 2, strVal: '' } },
  });
  assert.deepEqual(pdb['spec'], { minAvailable: '50%', maxUnavailable: 2 });
  assert.deepEqual(pdb['status'], { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  assert.throws(() => decodeAs('policy/v1', 'PodDisruptionBudget', 'policy.PodDisruptionBudget', { spec: { minAvailable: { type: 7n } } }),
    /IntOrString/);
  const q = decodeAs('v1', 'ResourceQuota', 'core.ResourceQuota', {
    spec: { hard: { cpu: { string: '500m' }, memory: { string: '1Gi' } }, scopes: ['BestEffort'],
      scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } },
  });
  assert.deepEqual(q['spec'], { hard: { cpu: '500m', memory: '1Gi' }, scopes: ['BestEffort'],
    scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['high'] }] } });
  assert.throws(() => decodeAs('v1', 'ResourceQuota', 'core.ResourceQuota', { spec: { hard: { cpu: { string: 'lots' } } } }), /quantity/);
  const env = decodeAs('v1', 'Pod', 'core.Pod', { spec: { containers: [{ name: 'c', env: [{ name: 'E', valueFrom:
    { resourceFieldRef: { resource: 'limits.cpu', divisor: {} } } }] }] } });
  const c = ((env['spec'] as Record<string, unknown>)['containers'] as Array<Record<string, unknown>>)[0]!;
  assert.deepEqual(c['env'], [{ name: 'E', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } }]);
});

test('inline embedded structs: volume sources, probe handlers, ingress rules, ephemeral containers', () => {
  const pod = decodeAs('v1', 'Pod', 'core.Pod', { spec: {
    volumes: [{ name: 'v', volumeSource: { configMap: { localObjectReference: { name: 'cm' }, defaultMode: 420, optional: false } } }],
    containers: [{ name: 'c', livenessProbe: { handler: { httpGet: { path: '/', port: { type: 1n, strVal: 'http' } } }, periodSeconds: 3 } }],
    ephemeralContainers: [{ common: { name: 'dbg', image: 'busybox', tty: true }, targetContainerName: 'c' }],
  } });
  assert.deepEqual(pod['spec'], {
    volumes: [{ name: 'v', configMap: { name: 'cm', defaultMode: 420, optional: false } }],
    containers: [{ name: 'c', resources: {}, livenessProbe: { httpGet: { path: '/', port: 'http' }, periodSeconds: 3 } }],
    ephemeralContainers: [{ name: 'dbg', image: 'busybox', resources: {}, tty: true, targetContainerName: 'c' }],
  });
  const ing = decodeAs('networking.k8s.io/v1', 'Ingress', 'networking.Ingress', { spec: { rules: [{ host: 'a.example',
    ingressRuleValue: { http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 's', port: { number: 80 } } } }] } } }] } });
  assert.deepEqual(ing['spec'], { rules: [{ host: 'a.example', http: { paths: [{ path: '/', pathType: 'Prefix',
    backend: { service: { name: 's', port: { number: 80 } } } }] } }] });
  assert.deepEqual(ing['status'], { loadBalancer: {} });
});

test('renamed JSON fields: BoundObjectReference.uid, DaemonEndpoint.Port', () => {
  const tr = decodeAs('authentication.k8s.io/v1', 'TokenRequest', 'authentication.TokenRequest', {
    spec: { audiences: ['a'], expirationSeconds: 3600n, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u1' } },
  });
  assert.deepEqual(tr['spec'], { audiences: ['a'], expirationSeconds: 3600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u1' } });
  assert.deepEqual(tr['status'], { token: '', expirationTimestamp: null });
  const node = decodeAs('v1', 'Node', 'core.Node', { status: { daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } } });
  assert.deepEqual((node['status'] as Record<string, unknown>)['daemonEndpoints'], { kubeletEndpoint: { Port: 10250 } });
});

test('DeleteOptions under any apiVersion and inside an Eviction', () => {
  const opts = { gracePeriodSeconds: 0n, preconditions: { uid: 'u', resourceVersion: '' }, propagationPolicy: 'Foreground', dryRun: ['All'] };
  assert.deepEqual(decodeAs('v1', 'DeleteOptions', 'meta.DeleteOptions', opts), {
    kind: 'DeleteOptions', apiVersion: 'v1', gracePeriodSeconds: 0, preconditions: { uid: 'u', resourceVersion: '' },
    propagationPolicy: 'Foreground', dryRun: ['All'],
  });
  for (const v of ['policy/v1', 'policy/v1beta1']) {
    assert.deepEqual(decodeAs(v, 'Eviction', 'policy.Eviction', { metadata: { name: 'p', namespace: 'ns' }, deleteOptions: opts }), {
      kind: 'Eviction', apiVersion: v, metadata: { name: 'p', namespace: 'ns' },
      deleteOptions: { gracePeriodSeconds: 0, preconditions: { uid: 'u', resourceVersion: '' }, propagationPolicy: 'Foreground', dryRun: ['All'] },
    });
  }
});

test('fuzz: random and mutated bodies either decode or throw ProtobufDecodeError, quickly', () => {
  const valid = body('apps/v1', 'Deployment', enc('apps.Deployment', {
    metadata: { name: 'd', labels: { app: 'd' }, creationTimestamp: { seconds: 1n } },
    spec: { replicas: 1, template: { spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }],
      livenessProbe: { handler: { tcpSocket: { port: { intVal: 80 } } } } }] } },
      strategy: { rollingUpdate: { maxSurge: { type: 1n, strVal: '25%' } } } },
  }));
  const started = Date.now();
  let decoded = 0;
  const attempt = (b: Uint8Array): void => {
    try {
      decodeProtobufObject(b);
      decoded++;
    } catch (e) {
      if (!(e instanceof ProtobufDecodeError)) throw e;
    }
  };
  for (let i = 0; i < 3000; i++) {
    const r = randomBytes(1 + (i % 300));
    attempt(r);
    attempt(Uint8Array.from([...MAGIC, ...r]));
    const m = Uint8Array.from(valid);
    for (let k = 0; k < 1 + (i % 4); k++) m[4 + Math.floor(Math.random() * (m.length - 4))] = Math.floor(Math.random() * 256);
    attempt(m);
    attempt(valid.subarray(0, Math.floor(Math.random() * valid.length)));
  }
  assert.ok(decoded > 0);
  assert.ok(Date.now() - started < 10_000, 'fuzzing took too long');
});
