import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { JqError, JqQuery } from './jq-query.js';

const node = {
  metadata: { name: 'n', labels: { 'node-not-ready.stage.kwok.x-k8s.io': 'true' }, ownerReferences: [{ kind: 'Job' }, { kind: 'Other' }] },
  status: { phase: 'Running', conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True' }] },
};
const q = (src: string, v: unknown = node) => JqQuery.parse(src).run(v);

describe('jq subset of stage selectors', () => {
  test('paths, quoted keys and missing fields', () => {
    assert.deepEqual(q('.status.phase'), ['Running']);
    assert.deepEqual(q('.metadata.labels["node-not-ready.stage.kwok.x-k8s.io"]'), ['true']);
    assert.deepEqual(q('.metadata.deletionTimestamp'), [null]);
    assert.deepEqual(q('.a.b.c'), [null]);
  });
  test("kwok's select over conditions and iteration of ownerReferences", () => {
    assert.deepEqual(q('.status.conditions.[] | select( .type == "Ready" ) | .status'), ['True']);
    assert.deepEqual(q('.metadata.ownerReferences.[].kind'), ['Job', 'Other']);
    assert.deepEqual(q('.status.conditions[0].type'), ['MemoryPressure']);
  });
  test('iterating over null is an error, which kwok treats as no result', () => {
    assert.equal(q('.status.missing.[] | .x'), undefined);
    assert.deepEqual(q('.status.missing[]?'), []);
  });
  test('and/or/not, length and has', () => {
    assert.deepEqual(q('.status.phase == "Running" and (.metadata.name | length) == 1'), [true]);
    assert.deepEqual(q('.metadata | has("labels") | not'), [false]);
  });
  test('syntax errors and unknown functions fail at parse with the column', () => {
    assert.throws(() => JqQuery.parse('.a | frobnicate'), (e: Error) => e instanceof JqError && e.message.startsWith('function not defined: frobnicate/0'));
    assert.throws(() => JqQuery.parse('.a["x"'), { message: 'expected ] at column 7' });
  });
});
