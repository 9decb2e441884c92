import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addQty, cmpQty, formatQty, parseQty, ZERO } from './quantity-math.js';

const sum = (...xs: string[]) => formatQty(xs.reduce((acc, x) => addQty(acc, parseQty(x)!), ZERO));

test('sums print canonically with the format of the first non-zero operand', () => {
  assert.equal(sum('500m', '500m'), '1');
  assert.equal(sum('250m', '100m'), '350m');
  assert.equal(sum('64Mi', '128Mi'), '192Mi');
  assert.equal(sum('1Gi', '1Gi'), '2Gi');
  assert.equal(sum('1', '1', '1'), '3');
  assert.equal(sum('100M', '1Gi'), '1173741824');
  assert.equal(sum(), '0');
  assert.equal(sum('0.5'), '500m');
});

test('comparison is exact', () => {
  assert.equal(cmpQty(parseQty('1')!, parseQty('1000m')!), 0);
  assert.equal(cmpQty(parseQty('1Gi')!, parseQty('1G')!), 1);
  assert.equal(parseQty('x'), undefined);
});
