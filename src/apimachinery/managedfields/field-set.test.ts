import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FieldSet } from './field-set.js';
import { fieldPE, keyPE, pathString, serializePE, type Path } from './path-element.js';
import { compare, merge, toFieldSet } from './typed.js';
import { typeFor } from './schema-binding.js';

const f = fieldPE;
const deployment = typeFor('apps', 'v1', 'Deployment').node;
const paths = (s: FieldSet) => s.paths().map(pathString);

test('path elements serialize as upstream FieldsV1 keys and print as conflict paths', () => {
  assert.equal(serializePE(f('replicas')), 'f:replicas');
  assert.equal(serializePE(keyPE([['protocol', 'TCP'], ['containerPort', 80]])), 'k:{"containerPort":80,"protocol":"TCP"}');
  assert.equal(serializePE({ value: 'example.com/x' }), 'v:"example.com/x"');
  assert.equal(serializePE({ index: 3 }), 'i:3');
  assert.equal(pathString([f('spec'), f('containers'), keyPE([['name', 'web']]), f('image')]), '.spec.containers[name="web"].image');
  assert.equal(pathString([f('metadata'), f('finalizers'), { value: 'a' }]), '.metadata.finalizers[="a"]');
});

test('a field set serializes members with "." when they also have children, and parses back', () => {
  const s = FieldSet.of([f('metadata'), f('labels')], [f('metadata'), f('labels'), f('app')], [f('spec'), f('replicas')]);
  const v1 = s.toFieldsV1();
  assert.deepEqual(v1, { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } });
  assert.deepEqual(Object.keys(v1), ['f:metadata', 'f:spec']);
  const back = FieldSet.fromFieldsV1(v1);
  assert.ok(back.equals(s));
  assert.ok(back.has([f('metadata'), f('labels')]));
  assert.ok(!back.has([f('metadata')]));
});

test('FieldsV1 keys sort fields before keys before values, as upstream', () => {
  const s = FieldSet.of([f('l'), { value: 'b' }], [f('l'), { value: 'a' }], [f('l'), f('z')], [f('l'), keyPE([['name', 'x']])]);
  assert.deepEqual(Object.keys(s.toFieldsV1()['f:l']), ['f:z', 'k:{"name":"x"}', 'v:"a"', 'v:"b"']);
});

test('union, intersection, difference and recursive difference follow structured-merge-diff', () => {
  const a = FieldSet.of([f('a'), f('b')], [f('a'), f('c')], [f('d')]);
  const b = FieldSet.of([f('a'), f('c')], [f('e')]);
  assert.deepEqual(paths(a.union(b)), ['.d', '.e', '.a.b', '.a.c']);
  assert.deepEqual(paths(a.intersection(b)), ['.a.c']);
  assert.deepEqual(paths(a.difference(b)), ['.d', '.a.b']);
  const parent = FieldSet.of([f('a')]);
  assert.deepEqual(paths(a.difference(parent)), ['.d', '.a.b', '.a.c'], 'child minus parent keeps the child');
  assert.deepEqual(paths(a.recursiveDifference(parent)), ['.d'], 'recursive difference drops everything below a member');
  assert.deepEqual(paths(FieldSet.of([f('x')], [f('x'), f('y')]).leaves()), ['.x.y']);
});

test('toFieldSet of an applied deployment: atomic selector, list-map items by key, set items by value', () => {
  const cfg = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' }, finalizers: ['example.com/f'] },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: { spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] } },
    },
  };
  assert.deepEqual(toFieldSet(cfg, deployment).toFieldsV1(), {
    'f:apiVersion': {},
    'f:kind': {},
    'f:metadata': { 'f:finalizers': { 'v:"example.com/f"': {} }, 'f:labels': { 'f:app': {} }, 'f:name': {} },
    'f:spec': {
      'f:replicas': {},
      'f:selector': {},
      'f:template': {
        'f:spec': {
          'f:containers': {
            'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {}, 'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } },
          },
        },
      },
    },
  });
});

test('compare reports added, modified and removed fields; a new map is itself added', () => {
  const c = compare({ spec: { replicas: 1, paused: true } }, { spec: { replicas: 2, strategy: { type: 'Recreate' } } }, deployment);
  assert.deepEqual(paths(c.modified), ['.spec.replicas']);
  assert.deepEqual(paths(c.removed), ['.spec.paused']);
  assert.deepEqual(paths(c.added), ['.spec.strategy', '.spec.strategy.type']);
});

test('merge keeps live list items and places applied ones as upstream interleaves them', () => {
  const pod = typeFor('', 'v1', 'Pod').node;
  const live = { spec: { containers: [{ name: 'a', image: '1' }, { name: 'b', image: '1' }, { name: 'c', image: '1' }] } };
  const cfg = { spec: { containers: [{ name: 'c', image: '2' }, { name: 'd', image: '2' }, { name: 'a', image: '2' }] } };
  const out = merge(live, cfg, pod) as { spec: { containers: { name: string; image: string }[] } };
  assert.deepEqual(
    out.spec.containers.map((x) => `${x.name}${x.image}`),
    ['b1', 'c2', 'd2', 'a2'],
  );
});

test('paths iterate members before children', () => {
  const p: Path[] = FieldSet.of([f('b'), f('c')], [f('a')], [f('b')]).paths();
  assert.deepEqual(p.map(pathString), ['.a', '.b', '.b.c']);
});
