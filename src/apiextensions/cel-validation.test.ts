import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateCELRules } from './cel-validation.js';
import { newStructural } from './structural.js';
import type { JSONSchemaProps } from './types.js';
import { loadCel } from '../cel/lazy.js';

// the functions under test call the CEL library synchronously, as they do behind the server's loadCel()
await loadCel();

const QUADRATIC = 'self.all(x, self.all(y, x + y >= 0))';
const ints = (n: number) => Array.from({ length: n }, (_, i) => i);
const list = (rule: string, message?: string): JSONSchemaProps => ({ type: 'array', items: { type: 'integer' }, 'x-kubernetes-validations': [{ rule, ...(message ? { message } : {}) }] });
const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

describe('CEL rule runtime cost limits', () => {
  test('a call over the per-call limit (1000000) is Invalid and stops all further rules', () => {
    const s = newStructural({ type: 'object', properties: { xs: list(QUADRATIC), ys: list('self.size() > 5') } });
    assert.deepEqual(validateCELRules(s, { xs: ints(1000), ys: [1] }), [
      { type: 'FieldValueInvalid', field: 'xs', badValue: 'array', detail: `'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${QUADRATIC}` },
    ]);
  });

  test('the error names the rule by its message when it has one', () => {
    const s = newStructural({ type: 'object', properties: { xs: list(QUADRATIC, 'all pairs must add up') } });
    assert.equal(validateCELRules(s, { xs: ints(1000) })[0]!.detail, "'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: all pairs must add up");
  });

  test('calls under the per-call limit that together exceed the per-request budget (10000000) stop with the budget error', () => {
    const props: Record<string, JSONSchemaProps> = {};
    const obj: Record<string, unknown> = {};
    for (let i = 0; i < 12; i++) {
      props[`a${String(i).padStart(2, '0')}`] = list(QUADRATIC);
      obj[`a${String(i).padStart(2, '0')}`] = ints(370);
    }
    // each call costs about 960000: ten fit in the budget, the next does not and no other is run
    // (which property runs out is Go map order upstream)
    const errs = validateCELRules(newStructural({ type: 'object', properties: props }), obj);
    assert.equal(errs.length, 1);
    assert.match(errs[0]!.field, /^a\d\d$/);
    assert.deepEqual({ ...errs[0], field: '' }, { type: 'FieldValueInvalid', field: '', badValue: 'array', detail: OUT_OF_BUDGET });
  });

  test('cheap rules on many items stay within the budget', () => {
    const s = newStructural({ type: 'object', properties: { xs: { type: 'array', items: { type: 'integer', 'x-kubernetes-validations': [{ rule: 'self >= 0' }] } } } });
    assert.deepEqual(validateCELRules(s, { xs: ints(5000) }), []);
  });
  test('a root rule reads metadata.name of the object', () => {
    const s = newStructural({ type: 'object', 'x-kubernetes-validations': [{ rule: "self.metadata.name.startsWith('a')", message: 'name must start with a' }], properties: { spec: { type: 'object' } } });
    assert.deepEqual(validateCELRules(s, { apiVersion: 'x/v1', kind: 'W', metadata: { name: 'abc' } }), []);
    assert.deepEqual(validateCELRules(s, { apiVersion: 'x/v1', kind: 'W', metadata: { name: 'bcd' } }), [{ type: 'FieldValueInvalid', field: '<nil>', badValue: 'object', detail: 'name must start with a' }]);
  });
});
