import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { unifiedDiff } from './line-diff.js';

describe('unifiedDiff', () => {
  test('one changed line gets three lines of context on each side, removals before additions', () => {
    const a = 'a\nb\nc\nd\ne\nf\ng\nh\n';
    const b = 'a\nb\nc\nd\nE\nf\ng\nh\n';
    assert.deepEqual(unifiedDiff(a, b), ['@@ -2,7 +2,7 @@', ' b', ' c', ' d', '-e', '+E', ' f', ' g', ' h']);
  });

  test('changes far apart make two hunks; an insertion at the start names line 0', () => {
    const a = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const b = ['new', ...Array.from({ length: 20 }, (_, i) => (i === 15 ? 'changed' : `l${i}`))].join('\n');
    assert.deepEqual(unifiedDiff(a, b), [
      '@@ -1,3 +1,4 @@',
      '+new', ' l0', ' l1', ' l2',
      '@@ -13,7 +14,7 @@', ' l12', ' l13', ' l14', '-l15', '+changed', ' l16', ' l17', ' l18',
    ]);
  });

  test('equal texts have no hunks', () => {
    assert.deepEqual(unifiedDiff('x\ny\n', 'x\ny\n'), []);
  });
});
