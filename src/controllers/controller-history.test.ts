import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerRevisionName, equalRevisionData, fnv32, goJSON, hashRevisionData, nextRevision, revisionData, templateOf } from './controller-history.js';

// a StatefulSet's revision as a v1.24 kube-controller-manager wrote it: named nginx-sts-6798d68dcd
const template = {
  metadata: { creationTimestamp: null, labels: { app: 'nginx-sts' } },
  spec: {
    containers: [{ image: 'nginx', imagePullPolicy: 'Always', name: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  },
};

describe('controller history', () => {
  test('the revision hash of a StatefulSet template matches kube-controller-manager (nginx-sts-6798d68dcd)', () => {
    const data = revisionData({ metadata: { name: 'nginx-sts' }, spec: { template } });
    assert.equal(hashRevisionData(data, 0), '6798d68dcd');
    assert.equal(controllerRevisionName('nginx-sts', hashRevisionData(data, 0)), 'nginx-sts-6798d68dcd');
  });

  test('a collision count changes the hash; no count hashes the data alone', () => {
    const data = revisionData({ spec: { template } });
    assert.notEqual(hashRevisionData(data, 1), hashRevisionData(data, 0));
    assert.equal(hashRevisionData(data), '88b7d489d');
  });

  test('the data is Go json.Marshal of the patch: keys sorted, $patch replace, HTML characters escaped', () => {
    const data = revisionData({ spec: { template: { metadata: { labels: { b: '<&>', a: 'x' } } } } });
    assert.equal(goJSON(data), '{"spec":{"template":{"$patch":"replace","metadata":{"labels":{"a":"x","b":"\\u003c\\u0026\\u003e"}}}}}');
    assert.equal(goJSON({ s: '\u2028' }), '{"s":"\\u2028"}');
  });

  test('FNV-1 (not 1a) 32-bit hashing', () => {
    assert.equal(fnv32(Buffer.from('')), 0x811c9dc5);
    assert.equal(fnv32(Buffer.from('a')), 0x050c5d7e);
    assert.equal(fnv32(Buffer.from('foobar')), 0x31f0b262);
  });

  test('revision names cut the parent name to 223 characters', () => {
    assert.equal(controllerRevisionName('x'.repeat(250), 'abc'), `${'x'.repeat(223)}-abc`);
  });

  test('equal data compares as bytes regardless of key order; next revision is the newest plus one', () => {
    assert.ok(equalRevisionData({ a: 1, b: { c: 2, d: 3 } }, { b: { d: 3, c: 2 }, a: 1 }));
    assert.ok(!equalRevisionData({ a: 1 }, { a: 2 }));
    assert.equal(nextRevision([]), 1);
    assert.equal(nextRevision([{ revision: 2 }, { revision: 5 }]), 6);
  });

  test('a revision restores the template without the $patch directive', () => {
    const data = revisionData({ spec: { template } });
    assert.deepEqual(templateOf({ data }, {}), template);
    assert.deepEqual(templateOf(undefined, { fallback: true }), { fallback: true });
  });
});
