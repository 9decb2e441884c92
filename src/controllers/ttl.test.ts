import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ttlSeconds, ttlStep } from './ttl.js';

describe('ttl controller', () => {
  test('the TTL grows with the cluster past each range and shrinks only below the next range down', () => {
    let step = 0;
    const seen: number[] = [];
    for (const n of [1, 100, 101, 95, 89, 501, 460, 449, 1001, 2001, 1800, 1799]) seen.push(ttlSeconds((step = ttlStep(step, n))));
    assert.deepEqual(seen, [0, 0, 15, 15, 0, 30, 30, 15, 60, 300, 300, 60]);
  });
});
