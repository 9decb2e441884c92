import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../apimachinery/errors.js';
import { compileCustomResourceSchema, validateCustomResource, validateCustomResourceScale, validateCustomResourceStatus, validateCustomResourceTypeMeta } from './custom-resource-validation.js';
import type { JSONSchemaProps } from './types.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      required: ['x'],
      properties: {
        x: { type: 'string' },
        replicas: { type: 'integer', minimum: 1, maximum: 10 },
        ratio: { type: 'number', maximum: 1.5, exclusiveMaximum: true },
        mode: { type: 'string', enum: ['a', 'b'] },
        name: { type: 'string', maxLength: 5, minLength: 2, pattern: '^[a-z]+$' },
        tags: { type: 'array', maxItems: 3, minItems: 1, items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        labels: { type: 'object', maxProperties: 1, additionalProperties: { type: 'string' } },
        port: { 'x-kubernetes-int-or-string': true },
        id: { type: 'string', format: 'uuid' },
        when: { type: 'string', format: 'date-time' },
        size: { type: 'integer', format: 'int32' },
        maybe: { type: 'string', nullable: true },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: { type: 'object', required: ['name'], properties: { name: { type: 'string' }, port: { type: 'integer' } } },
        },
        either: { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, oneOf: [{ required: ['a'] }, { required: ['b'] }] },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', properties: { num: { type: 'integer', maximum: 10 } } },
  },
};
const compiled = compileCustomResourceSchema(schema);
const errors = (spec: Record<string, unknown>) => validateCustomResource({ apiVersion: 'x.io/v1', kind: 'X', metadata: { name: 'a' }, spec: { x: 'ok', ...spec } }, compiled).map(fieldErrorString);

describe('custom resource validation (kube-openapi as apiextensions converts it)', () => {
  test('a valid object has no errors', () => {
    assert.deepEqual(errors({ replicas: 3, mode: 'a', name: 'abc', tags: ['a'], port: 'http', id: '123e4567-e89b-12d3-a456-426614174000', when: '2024-01-02T03:04:05Z', maybe: null }), []);
  });
  test('wrong type is Invalid value with the actual type name and the quoted type', () => {
    assert.deepEqual(errors({ replicas: 'string' }), ['spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"']);
    assert.deepEqual(errors({ replicas: 1.5 }), ['spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"']);
    assert.deepEqual(errors({ x: null }), ['spec.x: Invalid value: "null": spec.x in body must be of type string: "null"']);
  });
  test('missing required field is Required value', () => {
    const errs = validateCustomResource({ apiVersion: 'x.io/v1', kind: 'X', metadata: {}, spec: {} }, compiled).map(fieldErrorString);
    assert.deepEqual(errs, ['spec.x: Required value']);
  });
  test('enum is Unsupported value with supported values', () => {
    assert.deepEqual(errors({ mode: 'z' }), ['spec.mode: Unsupported value: "z": supported values: "a", "b"']);
  });
  test('minimum, maximum, exclusive maximum', () => {
    assert.deepEqual(errors({ replicas: 0 }), ['spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1']);
    assert.deepEqual(errors({ replicas: 11 }), ['spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10']);
    assert.deepEqual(errors({ ratio: 1.5 }), ['spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than 1.5']);
  });
  test('maxLength is Too long in bytes, minLength and pattern are Invalid value', () => {
    assert.deepEqual(errors({ name: 'abcdef' }), ['spec.name: Too long: may not be more than 5 bytes']);
    assert.deepEqual(errors({ name: 'a' }), ['spec.name: Invalid value: "a": spec.name in body should be at least 2 chars long']);
    assert.deepEqual(errors({ name: 'AB' }), ["spec.name: Invalid value: \"AB\": spec.name in body should match '^[a-z]+$'"]);
  });
  test('maxItems and maxProperties are Too many; minItems is Invalid value', () => {
    assert.deepEqual(errors({ tags: ['a', 'b', 'c', 'd'] }), ['spec.tags: Too many: 4: must have at most 3 items']);
    assert.deepEqual(errors({ tags: [] }), ['spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items']);
    assert.deepEqual(errors({ labels: { a: 'x', b: 'y' } }), ['spec.labels: Too many: 2: must have at most 1 item']);
  });
  test('formats: uuid and date-time are checked, int32 is stripped as upstream does', () => {
    assert.deepEqual(errors({ id: 'nope' }), ['spec.id: Invalid value: "nope": spec.id in body must be of type uuid: "nope"']);
    assert.deepEqual(errors({ when: '2024-13-01T00:00:00Z' }), ['spec.when: Invalid value: "2024-13-01T00:00:00Z": spec.when in body must be of type date-time: "2024-13-01T00:00:00Z"']);
    assert.deepEqual(errors({ size: 2 ** 40 }), []);
  });
  test('int-or-string accepts both and rejects others', () => {
    assert.deepEqual(errors({ port: 80 }), []);
    assert.deepEqual(errors({ port: true }), ['spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"']);
  });
  test('list-type set and map duplicates are Duplicate value at the second occurrence', () => {
    assert.deepEqual(errors({ tags: ['a', 'a'] }), ['spec.tags[1]: Duplicate value: "a"']);
    assert.deepEqual(errors({ ports: [{ name: 'a' }, { name: 'a', port: 1 }] }), ['spec.ports[1]: Duplicate value: map[string]interface {}{"name":"a"}']);
  });
  test('oneOf failures are reported at the nil path', () => {
    assert.deepEqual(errors({ either: {} }), ['<nil>: Invalid value: "": "spec.either" must validate one and only one schema (oneOf). Found none valid', 'spec.either.a: Required value']);
  });
  test('embedded resources need apiVersion and kind and valid metadata', () => {
    assert.deepEqual(errors({ template: { metadata: { name: 'a/b' } } }), [
      'spec.template.apiVersion: Required value: must not be empty',
      'spec.template.kind: Required value: must not be empty',
      `spec.template.metadata.name: Invalid value: "a/b": may not contain '/'`,
    ]);
  });
  test('status subresource validates status alone with status-relative messages', () => {
    const errs = validateCustomResourceStatus({ status: { num: 15 } }, compiled).map(fieldErrorString);
    assert.deepEqual(errs, ['status.num: Invalid value: 15: num in body should be less than or equal to 10']);
  });
  test('type meta must be the served kind and group/version', () => {
    assert.deepEqual(validateCustomResourceTypeMeta({ apiVersion: 'x.io/v2', kind: 'Y' }, { group: 'x.io', version: 'v1', kind: 'X' }).map(fieldErrorString), [
      'kind: Invalid value: "Y": must be X',
      'apiVersion: Invalid value: "x.io/v2": must be x.io/v1',
    ]);
  });
  test('scale replicas must be non-negative integers', () => {
    const scale = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' };
    assert.deepEqual(validateCustomResourceScale({ spec: { replicas: -1 } }, scale).map(fieldErrorString), ['.spec.replicas: Invalid value: -1: should be a non-negative integer']);
  });
});
