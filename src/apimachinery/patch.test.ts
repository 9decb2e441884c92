import { test } from 'node:test';
import assert from 'node:assert/strict';
import { StatusError } from './errors.js';
import { typeFor } from './managedfields/schema-binding.js';
import { strategicMergePatch } from './patch.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const pod = typeFor('', 'v1', 'Pod').node;
const deploy = typeFor('apps', 'v1', 'Deployment').node;
const smp = (orig: unknown, patch: unknown, t = pod) => strategicMergePatch(orig, patch, t) as any;

const base = {
  metadata: { name: 'p', labels: { a: '1', b: '2' }, finalizers: ['x', 'y'] },
  spec: {
    containers: [
      { name: 'a', image: 'a:1', env: [{ name: 'E1', value: '1' }, { name: 'E2', value: '2' }], args: ['--x'] },
      { name: 'b', image: 'b:1' },
    ],
    volumes: [{ name: 'v', emptyDir: {} }],
    tolerations: [{ key: 't1' }],
  },
};

test('lists with a merge key merge item by item; other lists are replaced', () => {
  const out = smp(base, { spec: { containers: [{ name: 'a', image: 'a:2', args: ['--y'] }], tolerations: [{ key: 't2' }] } });
  assert.deepEqual(out.spec.containers.map((c: any) => c.image), ['a:2', 'b:1']);
  assert.deepEqual(out.spec.containers[0].args, ['--y']);
  assert.deepEqual(out.spec.containers[0].env.map((e: any) => e.name), ['E1', 'E2']);
  assert.deepEqual(out.spec.tolerations, [{ key: 't2' }]);
});

test('null deletes a field; $patch: delete removes a list item; $patch: replace replaces a map or a list', () => {
  let out = smp(base, { metadata: { labels: { a: null } }, spec: { containers: [{ name: 'b', $patch: 'delete' }] } });
  assert.deepEqual(out.metadata.labels, { b: '2' });
  assert.deepEqual(out.spec.containers.map((c: any) => c.name), ['a']);
  out = smp(base, { metadata: { labels: { $patch: 'replace', c: '3' } } });
  assert.deepEqual(out.metadata.labels, { c: '3' });
  out = smp(base, { spec: { containers: [{ $patch: 'replace' }, { name: 'z', image: 'z' }] } });
  assert.deepEqual(out.spec.containers, [{ name: 'z', image: 'z' }]);
  out = smp(base, { metadata: { labels: { $patch: 'delete' } } });
  assert.deepEqual(out.metadata.labels, {}, 'upstream turns a deleted map into an empty one');
});

test('$setElementOrder orders the merged list; new items land where the order says', () => {
  const out = smp(base, {
    spec: {
      containers: [{ name: 'a', image: 'a:3' }],
      '$setElementOrder/containers': [{ name: 'b' }, { name: 'a' }],
    },
  });
  assert.deepEqual(out.spec.containers.map((c: any) => `${c.name}=${c.image}`), ['b=b:1', 'a=a:3']);
  const env = smp(base, {
    spec: { containers: [{ name: 'a', env: [{ name: 'E3', value: '3' }], '$setElementOrder/env': [{ name: 'E1' }, { name: 'E3' }, { name: 'E2' }] }] },
  });
  assert.deepEqual(env.spec.containers[0].env.map((e: any) => e.name), ['E1', 'E3', 'E2']);
});

test('a new item patched without an order goes first, as upstream (kubectl patch -p)', () => {
  const out = smp(base, { spec: { containers: [{ name: 'a', env: [{ name: 'E0', value: '0' }] }] } });
  assert.deepEqual(out.spec.containers[0].env.map((e: any) => e.name), ['E0', 'E1', 'E2']);
});

test('primitive lists with strategy merge are sets; $deleteFromPrimitiveList removes values', () => {
  let out = smp(base, { metadata: { finalizers: ['z', 'x'] } });
  assert.deepEqual(out.metadata.finalizers, ['z', 'x', 'y']);
  out = smp(base, { metadata: { '$deleteFromPrimitiveList/finalizers': ['x'] } });
  assert.deepEqual(out.metadata.finalizers, ['y']);
});

test('$retainKeys clears the keys it does not list', () => {
  const dep = { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } };
  const out = smp(dep, { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } }, deploy);
  assert.deepEqual(out.spec.strategy, { type: 'Recreate' });
  const vol = smp(base, { spec: { volumes: [{ name: 'v', configMap: { name: 'c' }, $retainKeys: ['configMap', 'name'] }] } });
  assert.deepEqual(vol.spec.volumes, [{ name: 'v', configMap: { name: 'c' } }]);
  assert.throws(
    () => smp(dep, { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, deploy),
    (e: unknown) => e instanceof StatusError && e.code === 400 && e.message === 'invalid patch format of retainKeys',
  );
});

test('directive errors answer as upstream', () => {
  assert.throws(
    () => smp(base, { metadata: { labels: { $patch: 'explode' } } }),
    (e: unknown) => e instanceof StatusError && e.code === 500 && e.message === 'unknown patch type: explode in map: map[$patch:explode]',
  );
  assert.throws(
    () => smp(base, { spec: { containers: [{ name: 'a', $patch: 'merge' }] } }),
    (e: unknown) => e instanceof StatusError && e.message === 'merging lists cannot yet be specified in the patch',
  );
  assert.throws(() => smp(base, [1]), (e: unknown) => e instanceof StatusError && e.code === 400 && /cannot unmarshal array/.test(e.message));
});
