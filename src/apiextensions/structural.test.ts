import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../apimachinery/errors.js';
import { goFloat } from './go-format.js';
import { compileGoRegexp } from './go-regexp.js';
import { validatesFormat } from './formats.js';
import { newStructural } from './structural.js';
import { validateStructural } from './structural-validation.js';

const errs = (s: object) => validateStructural('s', newStructural(s)).map(fieldErrorString);

describe('structural schemas', () => {
  test('unsupported keywords cannot be converted', () => {
    assert.throws(() => newStructural({ $ref: '#/x' }), /OpenAPIV3Schema '\$ref' is not supported/);
    assert.throws(() => newStructural({ type: 'array', items: [{ type: 'string' }] }), /'items' must be a schema, but is an array/);
    assert.throws(() => newStructural({ 'x-kubernetes-preserve-unknown-fields': false }), /must be true or undefined/);
  });
  test('type is required at the root, for items and for fields; arrays need items; sorted by text', () => {
    assert.deepEqual(errs({ properties: { a: { type: 'array' }, b: { type: 'array', items: {} } } }), [
      's.properties[a].items: Required value: must be specified',
      's.properties[b].items.type: Required value: must not be empty for specified array items',
      's.type: Required value: must not be empty at the root',
    ]);
  });
  test('additionalProperties at the root and root type other than object', () => {
    assert.deepEqual(errs({ type: 'string', additionalProperties: { type: 'string' } }), [
      's.additionalProperties: Forbidden: must not be used at the root',
      's.type: Invalid value: "string": must be object at the root',
    ]);
  });
  test('the int-or-string anyOf pattern is allowed; other nested generics are forbidden', () => {
    assert.deepEqual(errs({ type: 'object', properties: { p: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] } } }), []);
    assert.deepEqual(errs({ type: 'object', properties: { p: { type: 'string', allOf: [{ description: 'x', nullable: true }] } } }), [
      's.properties[p].allOf[0].description: Forbidden: must be empty to be structural',
      's.properties[p].allOf[0].nullable: Forbidden: must be false to be structural',
    ]);
  });
  test('value validations may only constrain specified fields', () => {
    assert.deepEqual(errs({ type: 'object', properties: { p: { type: 'object' } }, oneOf: [{ properties: { p: { properties: { q: { minLength: 1 } } } } }] }), [
      's.properties[p].properties[q]: Required value: because it is defined in s.oneOf[0].properties[p].properties[q]',
    ]);
  });
  test('metadata in a nested value validation and embedded resources without properties', () => {
    assert.deepEqual(errs({ type: 'object', properties: { e: { type: 'object', 'x-kubernetes-embedded-resource': true } } }), [
      's.properties[e].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
    ]);
    assert.deepEqual(errs({ type: 'object', properties: { kind: { type: 'integer' } } }), ['s.properties[kind].type: Invalid value: "integer": must be string']);
  });
  test('patterns must compile as Go regular expressions', () => {
    assert.deepEqual(errs({ type: 'object', properties: { p: { type: 'string', pattern: '(a' } } }), ["s.properties[p].pattern: Invalid value: \"(a\": must be a valid regular expression, but isn't: error parsing regexp: missing closing ): `(a`"]);
    assert.equal(typeof compileGoRegexp('^(?i)(abort|warn)?$'), 'object');
    assert.equal(typeof compileGoRegexp('(?=x)'), 'string');
  });
});

describe('Go formatting and formats', () => {
  test('floats print as Go %v', () => {
    assert.deepEqual([1.5, 100000, 1e6, 1234567, 0.0001, 0.00001].map(goFloat), ['1.5', '100000', '1e+06', '1.234567e+06', '0.0001', '1e-05']);
  });
  test('strfmt checks', () => {
    assert.equal(validatesFormat('date-time', '2024-01-02T03:04:05.123+01:00'), true);
    assert.equal(validatesFormat('date', '2024-02-30'), false);
    assert.equal(validatesFormat('duration', '1h30m'), true);
    assert.equal(validatesFormat('duration', 'soon'), false);
    assert.equal(validatesFormat('ipv4', '010.1.1.1'), true);
    assert.equal(validatesFormat('ipv6', '::1'), true);
    assert.equal(validatesFormat('cidr', '10.0.0.0/33'), false);
    assert.equal(validatesFormat('hostname', 'foo.example.com'), true);
    assert.equal(validatesFormat('email', 'a@b.co'), true);
    assert.equal(validatesFormat('byte', 'aGVsbG8='), true);
    assert.equal(validatesFormat('mac', '00:1a:2b:3c:4d:5e'), true);
    assert.equal(validatesFormat('uri', 'https://x/y'), true);
  });
});
