import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults } from './defaulting.js';
import { pruneCustomResource } from './custom-resource-decode.js';
import { prunePaths } from './pruning.js';
import { newStructural } from './structural.js';

const s = newStructural({
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        a: { type: 'string', default: 'x' },
        n: { type: 'string', nullable: true, default: 'd' },
        m: { type: 'object', additionalProperties: { type: 'object', properties: { v: { type: 'integer', default: 1 } } } },
        l: { type: 'array', items: { type: 'object', properties: { k: { type: 'string' }, w: { type: 'integer', default: 7 } } } },
        obj: { type: 'object', default: { inner: ['a'] }, properties: { inner: { type: 'array', items: { type: 'string' } } } },
        free: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { typed: { type: 'object', properties: { t: { type: 'string' } } } } },
        tmpl: { type: 'object', 'x-kubernetes-embedded-resource': true, properties: { spec: { type: 'object', properties: { s: { type: 'string' } } } } },
        nonNull: { type: 'string' },
      },
    },
  },
});

describe('pruning', () => {
  test('unknown fields are removed and reported sorted, meta fields kept at the root, preserve-unknown subtrees kept', () => {
    const obj = {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'a' },
      extra: 1,
      spec: { zz: 1, a: 'b', l: [{ k: 'a', bogus: true }], free: { anything: 1, typed: { t: 'x', drop: 2 } }, tmpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { s: 'x', y: 1 } } },
    };
    assert.deepEqual(prunePaths(obj, s, true), ['extra', 'spec.free.typed.drop', 'spec.l[0].bogus', 'spec.tmpl.spec.y', 'spec.zz']);
    assert.deepEqual(obj, {
      apiVersion: 'x/v1',
      kind: 'X',
      metadata: { name: 'a' },
      spec: { a: 'b', l: [{ k: 'a' }], free: { anything: 1, typed: { t: 'x' } }, tmpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { s: 'x' } } },
    });
  });
  test('the decoder reports unknown root metadata first, then pruned fields, then embedded metadata, as `unknown field`', () => {
    const obj: Record<string, unknown> = { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a', bogus: 1 }, spec: { zz: 1, nonNull: null, tmpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', what: 1 } } } };
    const r = pruneCustomResource(obj, s);
    assert.deepEqual(r.warnings, ['unknown field "metadata.bogus"', 'unknown field "spec.zz"', 'unknown field "spec.tmpl.metadata.what"']);
    assert.deepEqual(obj, { apiVersion: 'x/v1', kind: 'X', metadata: { name: 'a' }, spec: { tmpl: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } } } });
  });
  test('a non-string embedded kind is an Invalid value error', () => {
    const r = pruneCustomResource({ apiVersion: 'x/v1', kind: 'X', spec: { tmpl: { apiVersion: 'v1', kind: 1 } } }, s);
    assert.deepEqual(r.error, { type: 'FieldValueInvalid', field: 'spec.tmpl.kind', badValue: 1, detail: 'must be a string' });
  });
});

describe('defaulting', () => {
  test('absent fields get defaults; defaults apply inside additionalProperties and items; default values are copied', () => {
    const obj: Record<string, any> = { spec: { m: { x: {} }, l: [{ k: 'a' }, { k: 'b', w: 2 }] } }; // eslint-disable-line @typescript-eslint/no-explicit-any
    applyDefaults(obj, s);
    assert.deepEqual(obj, { spec: { a: 'x', n: 'd', obj: { inner: ['a'] }, m: { x: { v: 1 } }, l: [{ k: 'a', w: 7 }, { k: 'b', w: 2 }] } });
    obj.spec.obj.inner.push('b');
    const again: Record<string, any> = { spec: {} }; // eslint-disable-line @typescript-eslint/no-explicit-any
    applyDefaults(again, s);
    assert.deepEqual(again.spec.obj, { inner: ['a'] });
  });
  test('null is replaced by the default unless the field is nullable', () => {
    const obj = { spec: { a: null, n: null } };
    applyDefaults(obj, s);
    assert.deepEqual(obj, { spec: { a: 'x', n: null, obj: { inner: ['a'] } } });
  });
});
