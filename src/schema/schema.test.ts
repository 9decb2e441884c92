import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { allTypes, elementType, knownKinds, reachableTypes, resolveType, schemaFor, strictDecodingMessage, unknownFields, type FieldSchema } from './index.js';
import { builtinResources } from '../registry/resources/all.js';
import { REPO_ROOT } from '../testing/harness.js';

const prop = (type: string, field: string): FieldSchema => {
  const f = resolveType(type)?.properties?.[field];
  assert.ok(f, `${type}.${field} exists`);
  return f;
};

test('every reference resolves to a definition', () => {
  const missing: string[] = [];
  for (const t of allTypes().values())
    for (const [name, f] of Object.entries(t.properties ?? {}))
      for (let cur: FieldSchema | undefined = f; cur; cur = cur.items ?? cur.additionalProperties) if (cur.ref && !resolveType(cur.ref)) missing.push(`${t.name}.${name} → ${cur.ref}`);
  assert.deepEqual(missing, []);
  assert.ok(allTypes().size > 500, `${allTypes().size} definitions`);
});

test('every served built-in kind has a schema carrying its group-version-kind', () => {
  // computed kinds (metrics.k8s.io) are not among the models
  const missing = builtinResources.filter((d) => !d.computed && !schemaFor(d.group, d.version, d.kind)).map((d) => `${d.group}/${d.version} ${d.kind}`);
  assert.deepEqual(missing, []);
  const dep = schemaFor('apps', 'v1', 'Deployment')!;
  assert.equal(dep.name, 'io.k8s.api.apps.v1.Deployment');
  assert.deepEqual(dep.gvk, [{ group: 'apps', version: 'v1', kind: 'Deployment' }]);
  assert.equal(schemaFor('apps', 'v1', 'DeploymentList')?.name, 'io.k8s.api.apps.v1.DeploymentList');
  assert.equal(schemaFor('autoscaling', 'v1', 'Scale')?.name, 'io.k8s.api.autoscaling.v1.Scale');
  assert.equal(schemaFor('policy', 'v1', 'Eviction')?.name, 'io.k8s.api.policy.v1.Eviction');
  assert.equal(schemaFor('authentication.k8s.io', 'v1', 'TokenRequest')?.name, 'io.k8s.api.authentication.v1.TokenRequest');
  assert.equal(schemaFor('', 'v1', 'Event')?.name, 'io.k8s.api.core.v1.Event');
  assert.equal(schemaFor('events.k8s.io', 'v1', 'Event')?.name, 'io.k8s.api.events.v1.Event');
  assert.equal(schemaFor('autoscaling', 'v2', 'HorizontalPodAutoscaler')?.name, 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler');
  assert.equal(schemaFor('apiextensions.k8s.io', 'v1', 'CustomResourceDefinition')?.name, 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition');
  assert.equal(schemaFor('apiregistration.k8s.io', 'v1', 'APIService')?.name, 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService');
  assert.equal(schemaFor('', 'v1', 'Status')?.name, 'io.k8s.apimachinery.pkg.apis.meta.v1.Status');
  assert.equal(schemaFor('apps', 'v1', 'NoSuchKind'), undefined);
  assert.ok(knownKinds().some((k) => k.kind === 'Deployment' && k.resource === 'deployments'));
});

test('definitions land in their upstream package', () => {
  for (const n of [
    'io.k8s.api.core.v1.PodTemplateSpec',
    'io.k8s.api.core.v1.TopologySelectorTerm',
    'io.k8s.api.core.v1.EndpointPort',
    'io.k8s.api.discovery.v1.EndpointPort',
    'io.k8s.api.rbac.v1.Subject',
    'io.k8s.api.flowcontrol.v1.Subject',
    'io.k8s.api.apps.v1.DeploymentStrategy',
    'io.k8s.api.networking.v1.IngressServiceBackend',
    'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector',
    'io.k8s.apimachinery.pkg.apis.meta.v1.Condition',
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    'io.k8s.apimachinery.pkg.api.resource.Quantity',
  ])
    assert.ok(resolveType(n), n);
});

test('field types, required fields, descriptions and enums', () => {
  const c = resolveType('io.k8s.api.core.v1.Container')!;
  assert.deepEqual(c.required, ['name']);
  assert.equal(c.description, 'A single application container that you want to run within a pod.');
  assert.deepEqual(prop('io.k8s.api.core.v1.Container', 'args'), { type: 'array', items: { type: 'string' }, description: prop('io.k8s.api.core.v1.Container', 'args').description, listType: 'atomic' });
  assert.deepEqual(prop('io.k8s.api.core.v1.Container', 'imagePullPolicy').enum, ['Always', 'IfNotPresent', 'Never']);
  assert.deepEqual(prop('io.k8s.api.core.v1.PodSpec', 'restartPolicy').enum, ['Always', 'Never', 'OnFailure']);
  assert.deepEqual(prop('io.k8s.api.core.v1.ContainerPort', 'containerPort'), { type: 'integer', format: 'int32', description: prop('io.k8s.api.core.v1.ContainerPort', 'containerPort').description });
  assert.deepEqual(prop('io.k8s.api.core.v1.ResourceRequirements', 'limits').additionalProperties, { ref: 'io.k8s.apimachinery.pkg.api.resource.Quantity' });
  assert.deepEqual(prop('io.k8s.api.core.v1.EmptyDirVolumeSource', 'sizeLimit').ref, 'io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.deepEqual(prop('io.k8s.api.apps.v1.RollingUpdateDeployment', 'maxSurge'), { ref: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString' });
  assert.equal(prop('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'creationTimestamp').ref, 'io.k8s.apimachinery.pkg.apis.meta.v1.Time');
  assert.equal(prop('io.k8s.api.coordination.v1.LeaseSpec', 'renewTime').ref, 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime');
  assert.deepEqual(prop('io.k8s.api.core.v1.Secret', 'data').additionalProperties, { type: 'string', format: 'byte' });
  assert.equal(prop('io.k8s.api.apps.v1.ControllerRevision', 'data').ref, 'io.k8s.apimachinery.pkg.runtime.RawExtension');
  assert.equal(resolveType('io.k8s.apimachinery.pkg.runtime.RawExtension')?.opaque, true);
  assert.deepEqual(resolveType('io.k8s.apimachinery.pkg.util.intstr.IntOrString')?.oneOf, ['integer', 'string']);
  assert.equal(elementType(prop('io.k8s.api.core.v1.PodSpec', 'containers'))?.name, 'io.k8s.api.core.v1.Container');
});

test('patch strategies, merge keys and list/map semantics from the facts table', () => {
  const meta = (t: string, f: string) => {
    const p = prop(t, f);
    return [p.patchStrategy, p.patchMergeKey, p.listType, p.listMapKeys?.join(','), p.mapType];
  };
  assert.deepEqual(meta('io.k8s.api.core.v1.PodSpec', 'containers'), ['merge', 'name', 'map', 'name', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.PodSpec', 'initContainers'), ['merge', 'name', 'map', 'name', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.PodSpec', 'ephemeralContainers'), ['merge', 'name', 'map', 'name', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.PodSpec', 'volumes'), ['merge,retainKeys', 'name', 'map', 'name', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.PodSpec', 'imagePullSecrets'), ['merge', 'name', 'map', 'name', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.PodSpec', 'tolerations'), [undefined, undefined, 'atomic', undefined, undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.PodSpec', 'hostAliases'), ['merge', 'ip', 'map', 'ip', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.PodSpec', 'topologySpreadConstraints'), ['merge', 'topologyKey', 'map', 'topologyKey,whenUnsatisfiable', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.PodSpec', 'nodeSelector'), [undefined, undefined, undefined, undefined, 'atomic']);
  assert.deepEqual(meta('io.k8s.api.core.v1.Container', 'env'), ['merge', 'name', 'map', 'name', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.Container', 'ports'), ['merge', 'containerPort', 'map', 'containerPort,protocol', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.Container', 'volumeMounts'), ['merge', 'mountPath', 'map', 'mountPath', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.ServiceSpec', 'ports'), ['merge', 'port', 'map', 'port,protocol', undefined]);
  assert.deepEqual(meta('io.k8s.api.core.v1.PodStatus', 'conditions'), ['merge', 'type', 'map', 'type', undefined]);
  assert.deepEqual(meta('io.k8s.api.apps.v1.DeploymentStatus', 'conditions'), ['merge', 'type', 'map', 'type', undefined]);
  assert.deepEqual(meta('io.k8s.api.apps.v1.DeploymentSpec', 'strategy'), ['retainKeys', undefined, undefined, undefined, undefined]);
  assert.deepEqual(meta('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'finalizers'), ['merge', undefined, 'set', undefined, undefined]);
  assert.deepEqual(meta('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'ownerReferences'), ['merge', 'uid', 'map', 'uid', undefined]);
  assert.equal(resolveType('io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector')?.mapType, 'atomic');
  assert.equal(resolveType('io.k8s.api.core.v1.LocalObjectReference')?.mapType, 'atomic');
});

test('reachableTypes walks properties, items and map values once', () => {
  const r = reachableTypes(['io.k8s.api.apps.v1.Deployment']);
  assert.equal(r[0], 'io.k8s.api.apps.v1.Deployment');
  for (const n of ['io.k8s.api.core.v1.Container', 'io.k8s.apimachinery.pkg.api.resource.Quantity', 'io.k8s.apimachinery.pkg.apis.meta.v1.Time', 'io.k8s.api.apps.v1.DeploymentCondition']) assert.ok(r.includes(n), n);
  assert.equal(new Set(r).size, r.length);
  assert.ok(!r.includes('io.k8s.api.batch.v1.JobSpec'));
});

test('unknownFields names paths as upstream strict decoding does', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', labels: { a: 'b' }, foo: 1 },
    spec: {
      containers: [
        { name: 'a', image: 'x' },
        { name: 'b', bar: 2, ports: [{ containerPort: 80, x: 1 }], resources: { limits: { cpu: '1' } } },
      ],
      baz: { deep: true },
      nodeSelector: { any: 'thing' },
    },
    zzz: 1,
  };
  assert.deepEqual(unknownFields(pod, '', 'v1', 'Pod'), ['metadata.foo', 'spec.containers[1].bar', 'spec.containers[1].ports[0].x', 'spec.baz', 'zzz']);
  assert.deepEqual(unknownFields({ spec: { replicas: 1, foo: 'bar', template: { spec: { containers: [{ name: 'c', imagePullPolicyy: 'Always' }] } } } }, 'apps', 'v1', 'Deployment'), [
    'spec.foo',
    'spec.template.spec.containers[0].imagePullPolicyy',
  ]);
  // map values of a struct type continue the path with ".key"
  const crd = { spec: { versions: [{ name: 'v1', schema: { openAPIV3Schema: { type: 'object', properties: { foo: { type: 'string', bogus: 1 } } } } }] } };
  assert.deepEqual(unknownFields(crd, 'apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'), ['spec.versions[0].schema.openAPIV3Schema.properties.foo.bogus']);
});

test('unknownFields leaves opaque values, nulls, wrong types and unknown kinds alone', () => {
  assert.deepEqual(unknownFields({ data: { anything: { goes: 1 } }, revision: 1 }, 'apps', 'v1', 'ControllerRevision'), []);
  assert.deepEqual(unknownFields({ metadata: null, spec: 'nope', status: [1] }, '', 'v1', 'Pod'), []);
  assert.deepEqual(unknownFields({ spec: { containers: null } }, '', 'v1', 'Pod'), []);
  assert.deepEqual(unknownFields({ anything: 1 }, 'example.com', 'v1', 'Widget'), []);
  assert.deepEqual(unknownFields({ metadata: { managedFields: [{ fieldsV1: { 'f:x': {} } }] } }, '', 'v1', 'ConfigMap'), []);
  assert.deepEqual(unknownFields({ spec: { strategy: { rollingUpdate: { maxSurge: '25%' } } } }, 'apps', 'v1', 'Deployment'), []);
  const many = Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`f${i}`, 1]));
  assert.equal(unknownFields(many, '', 'v1', 'ConfigMap').length, 100);
});

test('strictDecodingMessage is kube-apiserver\'s BadRequest message', () => {
  assert.equal(
    strictDecodingMessage('Deployment', 'v1', ['spec.foo', 'spec.template.spec.containers[0].bar']),
    'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bar"',
  );
});

test('the generated schema data matches the installed @kubernetes/client-node', () => {
  const r = spawnSync(process.execPath, [join(REPO_ROOT, 'scripts', 'gen-schemas.mjs'), '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});
