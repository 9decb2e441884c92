import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildCRDOpenAPISchemas, definitionName } from './openapi-builder.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const META = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const API_VERSION =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

function crd(schema: Obj, extra: Obj = {}): Obj {
  return {
    metadata: { name: 'widgets.example.com' },
    spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', kind: 'Widget', listKind: 'WidgetList' }, versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema }, ...extra }] },
  };
}

const schema: Obj = {
  type: 'object',
  description: 'A widget.',
  properties: {
    spec: {
      type: 'object',
      required: ['size', 'note'],
      properties: {
        size: { type: 'integer', default: 3, minimum: 1, maximum: 10 },
        port: { 'x-kubernetes-int-or-string': true },
        note: { type: 'string', nullable: true },
        choice: { type: 'string', oneOf: [{ pattern: '^a' }, { pattern: '^b' }] },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { a: { type: 'string' } } },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
      },
    },
  },
};

describe('CRD OpenAPI schemas (apiextensions controller/openapi/builder)', () => {
  test('definition names reverse the group labels: cert-manager.io/v1 Certificate is io.cert-manager.v1.Certificate', () => {
    assert.equal(definitionName('cert-manager.io', 'v1', 'Certificate'), 'io.cert-manager.v1.Certificate');
    assert.equal(definitionName('gateway.networking.k8s.io', 'v1beta1', 'HTTPRoute'), 'io.k8s.networking.gateway.v1beta1.HTTPRoute');
  });

  test('v3: metadata, apiVersion and kind are added, properties sorted, int-or-string unfolded to anyOf, nullable and defaults kept', () => {
    const out = buildCRDOpenAPISchemas(crd(schema), 'v1');
    const k = out.schemas['com.example.v1.Widget'];
    assert.deepEqual(Object.keys(k), ['description', 'type', 'properties', 'x-kubernetes-group-version-kind']);
    assert.deepEqual(Object.keys(k.properties), ['apiVersion', 'kind', 'metadata', 'spec']);
    assert.deepEqual(k.properties.apiVersion, { description: API_VERSION, type: 'string' });
    assert.deepEqual(k.properties.kind, { description: KIND, type: 'string' });
    assert.deepEqual(k.properties.metadata, { description: META, allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' }] });
    assert.deepEqual(k['x-kubernetes-group-version-kind'], [{ group: 'example.com', kind: 'Widget', version: 'v1' }]);
    const spec = k.properties.spec;
    assert.deepEqual(Object.keys(spec.properties), ['choice', 'free', 'note', 'port', 'size', 'tags', 'template']);
    assert.deepEqual(spec.properties.size, { type: 'integer', default: 3, maximum: 10, minimum: 1 });
    assert.deepEqual(spec.properties.port, { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true });
    assert.deepEqual(spec.properties.note, { type: 'string', nullable: true });
    assert.deepEqual(spec.properties.choice, { type: 'string', oneOf: [{ pattern: '^a' }, { pattern: '^b' }] });
    assert.deepEqual(spec.required, ['size', 'note']);
    assert.deepEqual(spec.properties.template.required, ['kind', 'apiVersion']);
    assert.deepEqual(Object.keys(spec.properties.template.properties), ['apiVersion', 'kind', 'metadata']);
    assert.equal(spec.properties.template.properties.metadata.allOf[0].$ref, '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
    assert.deepEqual(spec.properties.free.properties, { a: { type: 'string' } });
  });

  test('v2: nullable fields lose their type and leave required, junctors and preserve-unknown-fields contents go, defaults are pruned', () => {
    const out = buildCRDOpenAPISchemas(crd(schema), 'v1', { v2: true });
    const spec = out.schemas['com.example.v1.Widget'].properties.spec;
    assert.deepEqual(spec.required, ['size']);
    assert.deepEqual(spec.properties.note, {});
    assert.deepEqual(spec.properties.size, { type: 'integer', maximum: 10, minimum: 1 });
    assert.deepEqual(spec.properties.port, { 'x-kubernetes-int-or-string': true });
    assert.deepEqual(spec.properties.choice, { type: 'string' });
    // embedded resources that preserve unknown fields get no metadata properties in v2
    assert.deepEqual(spec.properties.template, { 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true });
    assert.deepEqual(spec.properties.free, { 'x-kubernetes-preserve-unknown-fields': true });
    assert.deepEqual(out.schemas['com.example.v1.Widget'].properties.metadata, { description: META, $ref: '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' });
  });

  test('v2: a root that preserves unknown fields is published as a bare object', () => {
    const out = buildCRDOpenAPISchemas(crd({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), 'v1', { v2: true });
    assert.deepEqual(out.schemas['com.example.v1.Widget'], { type: 'object', 'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'Widget', version: 'v1' }] });
    const v3 = buildCRDOpenAPISchemas(crd({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true }), 'v1');
    assert.deepEqual(Object.keys(v3.schemas['com.example.v1.Widget'].properties), ['apiVersion', 'kind', 'metadata']);
  });

  test('the list schema requires items and refers to the kind; selectable fields are published on both', () => {
    const out = buildCRDOpenAPISchemas(crd(schema, { selectableFields: [{ jsonPath: '.spec.size' }] }), 'v1');
    assert.deepEqual(out.schemas['com.example.v1.WidgetList'], {
      description: 'WidgetList is a list of Widget',
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: { description: API_VERSION, type: 'string' },
        items: { description: 'List of widgets. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md', type: 'array', items: { $ref: '#/components/schemas/com.example.v1.Widget' } },
        kind: { description: KIND, type: 'string' },
        metadata: { description: 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds', allOf: [{ $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta' }] },
      },
      'x-kubernetes-group-version-kind': [{ group: 'example.com', kind: 'WidgetList', version: 'v1' }],
      'x-kubernetes-selectable-fields': [{ fieldPath: 'spec.size' }],
    });
    assert.deepEqual(out.schemas['com.example.v1.Widget']['x-kubernetes-selectable-fields'], [{ fieldPath: 'spec.size' }]);
  });
});
