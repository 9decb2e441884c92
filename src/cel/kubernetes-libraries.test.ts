import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { compile } from './compile.js';
import { COST_LIMIT_EXCEEDED, evaluate } from './evaluate.js';

function run(expression: string, costLimit?: number): { value?: unknown; error?: string } {
  const r = compile(expression, { envType: 'stored' });
  assert.equal(r.error, undefined);
  return evaluate(r.program!, {}, costLimit === undefined ? {} : { costLimit });
}

describe('CEL Kubernetes libraries (1.33)', () => {
  const truths = [
    'quantity("1Gi").isGreaterThan(quantity("1G"))',
    'isQuantity("1Gi") && !isQuantity("x")',
    'ip("10.0.0.1").family() == 4',
    'cidr("10.0.0.0/8").containsIP(ip("10.1.2.3"))',
    'url("https://example.com:80/a").getHost() == "example.com:80"',
    'semver("1.2.3").isLessThan(semver("1.10.0"))',
    '[1, 2, 3].isSorted()',
    '"abc".find("b.") == "bc"',
    'format.dns1123Label().validate("Not_Valid").hasValue()',
    '"a".lowerAscii() == "a" && "%s-%d".format(["x", 1]) == "x-1"',
  ];
  for (const expression of truths) {
    test(`${expression} evaluates to true`, () => {
      const r = run(expression);
      assert.equal(r.error, undefined);
      assert.equal(r.value, true);
    });
  }
});

describe('CEL runtime errors', () => {
  test('exceeding the runtime cost limit cancels evaluation', () => {
    const r = run('[1,2,3].map(x, [1,2,3,4,5,6,7,8,9,10].map(y, [1,2,3,4,5,6,7,8,9,10].map(z, "abc" + string(x))))', 100);
    assert.equal(r.error, COST_LIMIT_EXCEEDED);
    assert.equal(COST_LIMIT_EXCEEDED, 'operation cancelled: actual cost limit exceeded');
  });
  test('integer division by zero is an evaluation error', () => {
    assert.equal(run('1 / 0 == 1').error, 'division by zero');
  });
});
