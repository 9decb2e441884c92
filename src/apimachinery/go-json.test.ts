import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { normalizeLikeGo, normalizeMessageLikeGo, stripLikeGo } from './go-json.js';
import { decodeProtobufMessage, decodeProtobufObject } from '../apiserver/protobuf/decode.js';
import { getSchema, type MessageSpec } from '../apiserver/protobuf/schema.js';
import { encodeProtobufObject } from '../apiserver/protobuf/encode.js';
import { TESTDATA } from '../testing/harness.js';

type Obj = Record<string, unknown>;

const norm = (apiVersion: string, kind: string, o: Obj): Obj => normalizeLikeGo({ apiVersion, kind, ...o }, apiVersion, kind);

test('CSINode: an absent non-omitempty list is null, an empty one stays []', () => {
  // CSINodeDriver.TopologyKeys []string `json:"topologyKeys"`
  const o = norm('storage.k8s.io/v1', 'CSINode', {
    metadata: { name: 'n' },
    spec: { drivers: [{ name: 'd', nodeID: 'n', allocatable: { count: 0 } }, { name: 'e', nodeID: 'n', topologyKeys: [] }] },
  });
  assert.deepEqual(o, {
    apiVersion: 'storage.k8s.io/v1', kind: 'CSINode',
    metadata: { name: 'n', creationTimestamp: null },
    spec: { drivers: [
      { name: 'd', nodeID: 'n', allocatable: { count: 0 }, topologyKeys: null },
      { name: 'e', nodeID: 'n', topologyKeys: [] },
    ] },
  });
});

test('PriorityClass: omitempty false and "" dropped, non-omitempty value kept, pointer zero kept', () => {
  const o = norm('scheduling.k8s.io/v1', 'PriorityClass', { metadata: { name: 'p', labels: {}, annotations: { a: '' } }, value: 0, globalDefault: false, description: '', preemptionPolicy: '' });
  assert.deepEqual(o, {
    apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass',
    metadata: { name: 'p', annotations: { a: '' }, creationTimestamp: null }, value: 0, preemptionPolicy: '',
  });
  assert.deepEqual(norm('scheduling.k8s.io/v1', 'PriorityClass', { metadata: { name: 'p' } }),
    { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'p', creationTimestamp: null }, value: 0 });
});

test('IPAddress: empty strings in a pointer struct are dropped', () => {
  const o = norm('networking.k8s.io/v1', 'IPAddress', { metadata: { name: '10.0.0.1' }, spec: { parentRef: { group: '', resource: 'services', namespace: 'default', name: 'x' } } });
  assert.deepEqual(o['spec'], { parentRef: { resource: 'services', namespace: 'default', name: 'x' } });
});

test('Deployment: pointer zeros, template creationTimestamp, value structs, nulls', () => {
  const o = norm('apps/v1', 'Deployment', {
    metadata: { name: 'd', generation: 0, resourceVersion: '', finalizers: [] },
    spec: {
      replicas: 0, paused: false, minReadySeconds: 0, revisionHistoryLimit: 0, strategy: null,
      selector: { matchLabels: { app: 'd' }, matchExpressions: [] },
      template: {
        metadata: { labels: { app: 'd' } },
        spec: {
          containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80, protocol: '', hostPort: 0 }], stdin: false, env: [{ name: 'E', value: '' }], resources: null }],
          hostNetwork: false, terminationGracePeriodSeconds: 0, securityContext: {}, nodeSelector: null, volumes: [],
        },
      },
    },
    status: { replicas: 0, conditions: [{ type: 'Available', status: 'True', reason: '', lastUpdateTime: '2024-01-02T05:04:05+02:00' }] },
  });
  assert.deepEqual(o, {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'd', creationTimestamp: null },
    spec: {
      replicas: 0, revisionHistoryLimit: 0, strategy: {},
      selector: { matchLabels: { app: 'd' } },
      template: {
        metadata: { labels: { app: 'd' }, creationTimestamp: null },
        spec: {
          containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 80 }], env: [{ name: 'E' }], resources: {} }],
          terminationGracePeriodSeconds: 0, securityContext: {},
        },
      },
    },
    status: { conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2024-01-02T03:04:05Z', lastTransitionTime: null }] },
  });
  // selector is `json:"selector"` (pointer, no omitempty); status and strategy are value structs
  const bare = norm('apps/v1', 'Deployment', { metadata: { name: 'd' }, spec: {} });
  assert.deepEqual(bare['spec'], { selector: null, template: { metadata: { creationTimestamp: null }, spec: { containers: null } }, strategy: {} });
  assert.deepEqual(bare['status'], {});
});

test('workload status structs print their non-omitempty counters', () => {
  assert.deepEqual(norm('apps/v1', 'DaemonSet', {})['status'], { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 });
  assert.deepEqual(norm('apps/v1', 'StatefulSet', {})['status'], { replicas: 0, availableReplicas: 0 });
  assert.deepEqual(norm('autoscaling/v2', 'HorizontalPodAutoscaler', {})['status'], { desiredReplicas: 0, currentMetrics: null });
  assert.deepEqual(norm('policy/v1', 'PodDisruptionBudget', {})['status'], { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  assert.deepEqual(norm('v1', 'Service', {})['status'], { loadBalancer: {} });
});

test('inline structs: Volume, Probe handler, env sources, ephemeral containers', () => {
  const spec = normalizeMessageLikeGo('core.PodSpec', {
    containers: [{
      name: 'c',
      livenessProbe: { httpGet: { path: '', port: 8080, host: '' }, initialDelaySeconds: 0, terminationGracePeriodSeconds: 0 },
      envFrom: [{ configMapRef: { name: '', optional: false } }],
    }],
    ephemeralContainers: [{ name: 'e', targetContainerName: '', tty: false }],
    volumes: [{ name: 'v', configMap: { name: '', items: [] }, emptyDir: {} }, { name: 'w', secret: { secretName: 's', defaultMode: 0 } }],
  });
  assert.deepEqual(spec, {
    containers: [{
      name: 'c', resources: {},
      livenessProbe: { httpGet: { port: 8080 }, terminationGracePeriodSeconds: 0 },
      envFrom: [{ configMapRef: { optional: false } }],
    }],
    ephemeralContainers: [{ name: 'e', resources: {} }],
    volumes: [{ name: 'v', configMap: {}, emptyDir: {} }, { name: 'w', secret: { secretName: 's', defaultMode: 0 } }],
  });
  // HTTPGetAction.Port is a value IntOrString; ServicePort.TargetPort too
  assert.deepEqual(normalizeMessageLikeGo('core.HTTPGetAction', {}), { port: 0 });
  assert.deepEqual(normalizeMessageLikeGo('core.ServicePort', { port: 80, targetPort: null }), { port: 80, targetPort: 0 });
  assert.deepEqual(normalizeMessageLikeGo('core.ServicePort', { port: 80, targetPort: 'http', nodePort: 0 }), { port: 80, targetPort: 'http' });
});

test('ServiceAccount and ConfigMap: pointer false kept, empty maps dropped', () => {
  assert.deepEqual(norm('v1', 'ServiceAccount', { metadata: { name: 's' }, automountServiceAccountToken: false, secrets: [] }),
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 's', creationTimestamp: null }, automountServiceAccountToken: false });
  assert.deepEqual(norm('v1', 'ConfigMap', { metadata: { name: 'c' }, data: {}, binaryData: {}, immutable: false }),
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', creationTimestamp: null }, immutable: false });
  assert.deepEqual(norm('v1', 'ConfigMap', { metadata: { name: 'c' }, data: { a: null, b: '' } })['data'], { a: '', b: '' });
});

test('Secret: base64 line breaks are dropped as Go re-encodes the bytes', () => {
  const o = norm('v1', 'Secret', { metadata: { name: 's' }, data: { a: 'aGVs\nbG8=', b: 'not base64\n', c: '' }, type: '' });
  assert.deepEqual(o, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', creationTimestamp: null }, data: { a: 'aGVsbG8=', b: 'not base64\n', c: '' } });
});

test('Quantity prints canonically; IntOrString, RawExtension, FieldsV1 are kept as sent; absent value ones print their zero', () => {
  const o = norm('v1', 'ResourceQuota', { metadata: { name: 'q', managedFields: [{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:hard': {} } }, subresource: '' }] }, spec: { hard: { cpu: '1000m', pods: 10, memory: null } } });
  assert.deepEqual(o['spec'], { hard: { cpu: '1', pods: '10', memory: '0' } });
  assert.deepEqual((o['metadata'] as Obj)['managedFields'], [{ manager: 'm', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:hard': {} } } }]);
  assert.deepEqual(norm('apps/v1', 'ControllerRevision', { revision: 0 }), { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { creationTimestamp: null }, data: null, revision: 0 });
  const raw = { apiVersion: 'x/v1', kind: 'Y', spec: { a: '', b: null, c: false } };
  assert.deepEqual(norm('apps/v1', 'ControllerRevision', { data: structuredClone(raw), revision: 2 })['data'], raw);
  assert.deepEqual(normalizeMessageLikeGo('policy.PodDisruptionBudgetSpec', { minAvailable: 0, maxUnavailable: '' }), { minAvailable: 0, maxUnavailable: '' });
});

test('times: RFC 3339 in UTC to the second; MicroTime with six digits; the zero time is null; others left alone', () => {
  const ev = (t: unknown): unknown => (norm('events.k8s.io/v1', 'Event', { eventTime: t })['eventTime']);
  assert.equal(ev('2024-01-02T05:04:05.123456+02:00'), '2024-01-02T03:04:05.123456Z');
  assert.equal(ev('2024-01-02T03:04:05.123456Z'), '2024-01-02T03:04:05.123456Z');
  assert.equal(ev('2024-01-02T03:04:05Z'), '2024-01-02T03:04:05Z'); // Go rejects it (400); not ours to fix here
  assert.equal(ev(undefined), null);
  const cond = (t: unknown): unknown => (normalizeMessageLikeGo('meta.Condition', { type: 'A', status: 'True', lastTransitionTime: t }) as Obj)['lastTransitionTime'];
  assert.equal(cond('2024-01-02T05:04:05.9+02:00'), '2024-01-02T03:04:05Z');
  assert.equal(cond('2024-01-01T00:30:00-01:00'), '2024-01-01T01:30:00Z');
  assert.equal(cond('2024-12-31T23:30:00-01:00'), '2025-01-01T00:30:00Z');
  assert.equal(cond('0001-01-01T00:00:00Z'), null);
  assert.equal(cond('0001-01-01T00:00:00.5Z'), '0001-01-01T00:00:00Z');
  assert.equal(cond('2024-02-30T00:00:00Z'), '2024-02-30T00:00:00Z');
  assert.equal(cond('yesterday'), 'yesterday');
  assert.equal(cond(''), '');
  assert.equal(cond(12), 12);
  assert.equal(cond(null), null);
  // a pointer Time: null means nil, which omitempty drops
  assert.deepEqual(normalizeMessageLikeGo('core.Taint', { key: 'k', effect: 'NoSchedule', timeAdded: null, value: '' }), { key: 'k', effect: 'NoSchedule' });
});

test('CRD: JSONSchemaProps and its Or* wrappers', () => {
  const schema = {
    type: 'object', description: '', nullable: false, 'x-kubernetes-preserve-unknown-fields': false,
    properties: {
      spec: {
        type: 'object', required: [], default: { a: '', b: null },
        additionalProperties: { type: 'string', format: '' },
        properties: { list: { type: 'array', items: { type: 'string', pattern: '' }, 'x-kubernetes-list-type': 'atomic' } },
      },
      tuple: { type: 'array', items: [{ type: 'string', title: '' }, { type: 'integer', minimum: 0, exclusiveMinimum: false }] },
      any: { additionalProperties: false, 'x-kubernetes-int-or-string': false, enum: [null, ''] },
      deps: { dependencies: { a: ['b'], c: { type: 'object', id: '' }, e: [] } },
    },
  };
  const crd = norm('apiextensions.k8s.io/v1', 'CustomResourceDefinition', {
    metadata: { name: 'xs.example.com' },
    spec: {
      group: 'example.com', scope: 'Namespaced', preserveUnknownFields: false,
      names: { plural: 'xs', kind: 'X', shortNames: [] },
      versions: [{ name: 'v1', served: true, storage: true, deprecated: false, schema: { openAPIV3Schema: schema }, subresources: { status: {} } }],
    },
  });
  assert.deepEqual(crd['spec'], {
    group: 'example.com', scope: 'Namespaced',
    names: { plural: 'xs', kind: 'X' },
    versions: [{
      name: 'v1', served: true, storage: true, subresources: { status: {} },
      schema: { openAPIV3Schema: {
        type: 'object', 'x-kubernetes-preserve-unknown-fields': false,
        properties: {
          spec: {
            type: 'object', default: { a: '', b: null },
            additionalProperties: { type: 'string' },
            properties: { list: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' } },
          },
          tuple: { type: 'array', items: [{ type: 'string' }, { type: 'integer', minimum: 0 }] },
          any: { additionalProperties: false, enum: [null, ''] },
          deps: { dependencies: { a: ['b'], c: { type: 'object' }, e: null } },
        },
      } },
    }],
  });
  assert.deepEqual(crd['status'], { conditions: null, acceptedNames: { plural: '', kind: '' }, storedVersions: null });
});

test('unknown fields and unknown kinds are left alone', () => {
  const cr = { apiVersion: 'example.com/v1', kind: 'Deployment', spec: { replicas: 0, paused: false, x: null } };
  assert.deepEqual(normalizeLikeGo(structuredClone(cr), 'example.com/v1', 'Deployment'), cr);
  const cm = norm('v1', 'ConfigMap', { metadata: { name: 'c', extra: '' }, bogus: { a: null } });
  assert.deepEqual(cm, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', extra: '', creationTimestamp: null }, bogus: { a: null } });
  // wrongly typed values are for decoding errors elsewhere, not silently fixed here
  assert.deepEqual(normalizeMessageLikeGo('apps.DeploymentSpec', { replicas: '3', paused: 'no', template: 'x', selector: [] }),
    { replicas: '3', paused: 'no', template: 'x', selector: [], strategy: {} });
});

test('stripLikeGo removes what Go holds as unset and adds nothing', () => {
  const o = stripLikeGo({
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', labels: {} },
    spec: { replicas: 0, selector: null, paused: false, template: { spec: { containers: [{ name: 'c', image: '', resources: null, ports: [{ containerPort: 0 }] }] } } },
  }, 'apps/v1', 'Deployment');
  assert.deepEqual(o, {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' },
    spec: { replicas: 0, template: { spec: { containers: [{ name: 'c', ports: [{ containerPort: 0 }] }] } } },
  });
});

test('agrees with the protobuf decoder on every built-in manifest', () => {
  const dir = join(TESTDATA, 'builtins');
  let n = 0;
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.yaml')).sort()) {
    for (const doc of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
      const obj = doc.toJS() as Obj | null;
      if (!obj) continue;
      const viaProto = decodeProtobufObject(encodeProtobufObject(obj));
      const viaJSON = normalizeLikeGo(structuredClone(obj), obj['apiVersion'] as string, obj['kind'] as string);
      // the decoder follows 1.35's omitzero creationTimestamp; 1.33 prints null
      assert.deepEqual(dropNullCreationTimestamps(viaJSON), viaProto, f);
      n++;
    }
  }
  assert.ok(n >= 40);
});

test('the zero value of every message agrees with the protobuf decoder of an empty message', () => {
  const keys = [...getSchema().messages.keys()].filter((k) => k !== 'runtime.Unknown');
  assert.ok(keys.length > 400);
  for (const k of keys) {
    const want = dropNullCreationTimestamps(decodeProtobufMessage(k, new Uint8Array()));
    assert.deepEqual(dropNullCreationTimestamps(normalizeMessageLikeGo(k, null)), want, k);
    if (want !== null && typeof want === 'object') assert.deepEqual(dropNullCreationTimestamps(normalizeMessageLikeGo(k, {})), want, k);
  }
});

test('agrees with the protobuf decoder on random objects of every kind', () => {
  const schema = getSchema();
  let seed = 42;
  const rand = (): number => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = (...xs: unknown[]): unknown => xs[Math.floor(rand() * xs.length)];
  const SCALARS: Record<string, unknown[]> = { s: ['', 'x'], b: [false, true], i: [0, 3], l: [0, 7], d: [0, 1.5], y: ['', 'aGk='] };
  const gen = (spec: MessageSpec, depth: number): unknown => {
    const sub = (key: string): unknown => gen(schema.messages.get(key)!, depth + 1);
    switch (spec.special) {
      case 'time': return pick('2024-01-02T03:04:05Z', '2024-01-02T05:04:05.7+02:00');
      case 'microtime': return pick('2024-01-02T03:04:05.123456Z', '2024-01-02T00:04:05.000001-03:00');
      case 'duration': return '1m0s';
      case 'quantity': return pick('1', '500m');
      case 'intorstring': return pick(0, 3, 'x', '');
      case 'json': return pick({ a: '', b: null }, [1], 'x');
      case 'list': return ['a'];
      case 'orbool': return depth > 4 ? pick(true, false) : pick(true, false, sub('apiextensions.JSONSchemaProps'));
      case 'orarray': return depth > 4 ? [{}] : pick(sub('apiextensions.JSONSchemaProps'), [sub('apiextensions.JSONSchemaProps')]);
      case 'orstringarray': return depth > 4 ? ['a'] : pick(['a'], sub('apiextensions.JSONSchemaProps'), []);
    }
    const out: Obj = {};
    for (const f of spec.fields) {
      if (f.inline) {
        Object.assign(out, gen(schema.messages.get(f.message!)!, depth));
        continue;
      }
      const r = rand();
      if (r < 0.35 || (f.message && depth > 4)) continue;
      if (r < 0.45) {
        out[f.name] = null;
        continue;
      }
      const m = f.message ? schema.messages.get(f.message)! : undefined;
      const elem = (): unknown => (m ? gen(m, depth + 1) : pick(...SCALARS[f.scalar!]!));
      // protobuf cannot tell an empty non-omitempty list or map from an absent one (Go prints [] from JSON, null from protobuf)
      if (f.shape === 'list') out[f.name] = f.keep ? pick([elem()]) : pick([], [elem()], [elem(), m && !m.special ? null : elem()]);
      else if (f.shape === 'map') out[f.name] = f.keep ? { k: elem() } : pick({}, { k: elem() });
      else out[f.name] = elem();
    }
    return out;
  };
  let n = 0;
  for (const { apiVersion, kind } of supportedKinds()) {
    const root = schema.roots.get(`${apiVersion} ${kind}`)!;
    for (let i = 0; i < 30; i++) {
      const obj = { apiVersion, kind, ...(gen(root, 0) as Obj) };
      const viaProto = decodeProtobufObject(encodeProtobufObject(structuredClone(obj)));
      const viaJSON = normalizeLikeGo(structuredClone(obj), apiVersion, kind);
      assert.deepEqual(dropNullCreationTimestamps(viaJSON), viaProto, `${apiVersion} ${kind} #${i}: ${JSON.stringify(obj)}`);
      // the write path strips, defaults, then normalises: stripping first changes nothing, and normalising is idempotent
      assert.deepEqual(normalizeLikeGo(stripLikeGo(structuredClone(obj), apiVersion, kind), apiVersion, kind), viaJSON);
      assert.deepEqual(normalizeLikeGo(structuredClone(viaJSON), apiVersion, kind), viaJSON);
      n++;
    }
  }
  assert.ok(n > 1000);
});

function supportedKinds(): Array<{ apiVersion: string; kind: string }> {
  return [...getSchema().roots.keys()].filter((k) => !k.startsWith('* ')).map((k) => {
    const [apiVersion, kind] = k.split(' ') as [string, string];
    return { apiVersion, kind };
  });
}

function dropNullCreationTimestamps(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNullCreationTimestamps);
  if (v && typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) if (!(k === 'creationTimestamp' && x === null)) out[k] = dropNullCreationTimestamps(x);
    return out;
  }
  return v;
}

test('both passes leave a typical Deployment as they found it the second time', () => {
  const d = typicalDeployment();
  stripLikeGo(d, 'apps/v1', 'Deployment');
  normalizeLikeGo(d, 'apps/v1', 'Deployment');
  const once = JSON.stringify(d);
  stripLikeGo(d, 'apps/v1', 'Deployment');
  normalizeLikeGo(d, 'apps/v1', 'Deployment');
  assert.equal(JSON.stringify(d), once);
});

function typicalDeployment(): Obj {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web', tier: 'frontend' }, annotations: { 'deployment.kubernetes.io/revision': '1' } },
    spec: {
      replicas: 3, revisionHistoryLimit: 10, progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web', tier: 'frontend' } },
        spec: {
          containers: [{
            name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent',
            ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }],
            env: [{ name: 'MODE', value: 'prod' }, { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } }],
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { memory: '256Mi' } },
            readinessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
            volumeMounts: [{ name: 'cfg', mountPath: '/etc/web' }],
            terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File',
          }],
          volumes: [{ name: 'cfg', configMap: { name: 'web', defaultMode: 420 } }],
          restartPolicy: 'Always', terminationGracePeriodSeconds: 30, dnsPolicy: 'ClusterFirst', schedulerName: 'default-scheduler',
          securityContext: {},
        },
      },
    },
  };
}
