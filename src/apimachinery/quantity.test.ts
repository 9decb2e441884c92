import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity } from './quantity.js';

test('quantities print in canonical form as resource.Quantity does', () => {
  const cases: [unknown, string][] = [
    ['1000m', '1'],
    ['100m', '100m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    ['2000', '2k'],
    ['1500', '1500'],
    ['1000000', '1M'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['1Ki', '1Ki'],
    ['128974848', '128974848'],
    ['129e6', '129e6'],
    ['12e3', '12e3'],
    ['1e3', '1e3'],
    ['123Mi', '123Mi'],
    ['64M', '64M'],
    ['0', '0'],
    ['0m', '0'],
    ['-100m', '-100m'],
    ['.5', '500m'],
    ['10', '10'],
    [10, '10'],
    [0.25, '250m'],
    ['1n', '1n'],
    ['0.0000000001', '1n'],
    ['8Gi', '8Gi'],
    ['1G', '1G'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, `${JSON.stringify(input)}`);
  for (const bad of ['', 'abc', '1.2.3', '1Kb', '--1', 'Mi']) assert.equal(canonicalQuantity(bad), undefined, bad);
});
