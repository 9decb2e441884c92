import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DEDUCED } from '../apimachinery/managedfields/index.js';
import { newStructural } from './structural.js';
import { typeNodeFromSchema } from './type-node.js';

const root = typeNodeFromSchema(
  newStructural({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          ports: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['port', 'protocol'], items: { type: 'object', required: ['port'], properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } } } },
          tags: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
          args: { type: 'array', items: { type: 'string' } },
          selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  }),
);

describe('server-side apply types from a structural schema', () => {
  const spec = root.child('spec')!.node;
  test('list-type map with keys and key defaults, set, and atomic by default', () => {
    const ports = spec.child('ports')!.node;
    assert.deepEqual(ports.listType(), { type: 'map', keys: ['port', 'protocol'] });
    assert.equal(ports.keyDefault('protocol'), 'TCP');
    assert.deepEqual(spec.child('tags')!.node.listType(), { type: 'set' });
    assert.deepEqual(spec.child('args')!.node.listType(), { type: 'atomic' });
  });
  test('map-type atomic, granular maps with undeclared entries, unknown fields absent', () => {
    assert.equal(spec.child('selector')!.node.mapAtomic(), true);
    const labels = spec.child('labels')!.node;
    assert.equal(labels.mapAtomic(), false);
    assert.equal(labels.child('app')!.declared, false);
    assert.equal(spec.child('nope'), undefined);
  });
  test('preserve-unknown-fields subtrees are deduced; metadata is ObjectMeta', () => {
    assert.equal(spec.child('raw')!.node, DEDUCED);
    const meta = root.child('metadata')!.node;
    assert.deepEqual(meta.child('finalizers')!.node.listType(), { type: 'set' });
    assert.deepEqual(meta.child('ownerReferences')!.node.listType(), { type: 'map', keys: ['uid'] });
  });
});
