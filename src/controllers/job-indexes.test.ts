import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatIndexes, matchSuccessPolicy, parseIndexes } from './job-indexes.js';

describe('completion index intervals', () => {
  test('formatted as upstream: ranges of three or more, two consecutive listed apart', () => {
    assert.equal(formatIndexes([]), '');
    assert.equal(formatIndexes([0]), '0');
    assert.equal(formatIndexes([1, 0]), '0,1');
    assert.equal(formatIndexes([0, 1, 2, 5, 7, 8, 9, 10]), '0-2,5,7-10');
  });

  test('parsed ignoring malformed parts and indexes at or above completions', () => {
    assert.deepEqual([...parseIndexes('0-2,5,7-10', 9)].sort((a, b) => a - b), [0, 1, 2, 5, 7, 8]);
    assert.deepEqual([...parseIndexes('x,3,-1', 5)], [3]);
    assert.deepEqual([...parseIndexes(undefined, 5)], []);
  });
});

describe('successPolicy', () => {
  const idx = (...n: number[]) => new Set(n);
  test('succeededIndexes alone needs all of them', () => {
    const policy = { rules: [{ succeededIndexes: '0-2' }] };
    assert.equal(matchSuccessPolicy(policy, 5, idx(0, 1)), undefined);
    assert.equal(matchSuccessPolicy(policy, 5, idx(0, 1, 2)), 'Matched rules at index 0');
  });
  test('succeededCount alone counts any index; with succeededIndexes, only those', () => {
    assert.equal(matchSuccessPolicy({ rules: [{ succeededIndexes: '0,1', succeededCount: 2 }, { succeededCount: 3 }] }, 5, idx(1, 3, 4)), 'Matched rules at index 1');
    assert.equal(matchSuccessPolicy({ rules: [{ succeededIndexes: '0-3', succeededCount: 2 }] }, 5, idx(1, 3)), 'Matched rules at index 0');
  });
  test('no policy or nothing succeeded matches nothing', () => {
    assert.equal(matchSuccessPolicy(undefined, 5, idx(0)), undefined);
    assert.equal(matchSuccessPolicy({ rules: [{ succeededCount: 0 }] }, 5, idx()), undefined);
  });
});
