import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { validateParamKind, validatePolicyExpressions } from './admission-policy-validation.js';
import { loadCel } from '../../cel/lazy.js';

// the functions under test call the CEL library synchronously, as they do behind the server's loadCel()
await loadCel();

const policy = (spec: Record<string, unknown>) => ({ metadata: { name: 'p' }, spec: { failurePolicy: 'Fail', ...spec } });

describe('ValidatingAdmissionPolicy expression validation', () => {
  test('a syntax error is Invalid at spec.validations[i].expression with the compiler\'s text', () => {
    const errs = validatePolicyExpressions(policy({ validations: [{ expression: 'object.spec.replicas <= 5' }, { expression: 'object.spec.replicas <' }] }));
    assert.deepEqual(errs, [{
      type: 'FieldValueInvalid',
      field: 'spec.validations[1].expression',
      badValue: 'object.spec.replicas <',
      detail: "compilation failed: ERROR: <input>:1:23: Syntax error: mismatched input '<EOF>' expecting {'[', '{', '(', '.', '-', '!', 'true', 'false', 'null', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | object.spec.replicas <\n | ......................^",
    }]);
  });

  test('result types: a validation must be bool, a messageExpression string', () => {
    const errs = validatePolicyExpressions(policy({ validations: [{ expression: "'x'", messageExpression: '1' }] }));
    assert.deepEqual(errs.map((e) => [e.field, e.detail]), [
      ['spec.validations[0].expression', 'must evaluate to bool but got string'],
      ['spec.validations[0].messageExpression', 'must evaluate to string but got int'],
    ]);
  });

  test('params only with a paramKind; authorizer not in messageExpressions; variables typed in order', () => {
    assert.deepEqual(validatePolicyExpressions(policy({ validations: [{ expression: 'params.x == 1' }] })).map((e) => e.detail), [
      "compilation failed: ERROR: <input>:1:1: undeclared reference to 'params' (in container '')\n | params.x == 1\n | ^",
    ]);
    assert.deepEqual(validatePolicyExpressions(policy({ paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'params.x == 1' }] })), []);
    assert.equal(validatePolicyExpressions(policy({ validations: [{ expression: 'true', messageExpression: "authorizer.group('').resource('pods').check('get').allowed() ? 'a' : 'b'" }] }))[0]?.field, 'spec.validations[0].messageExpression');
    assert.deepEqual(validatePolicyExpressions(policy({ variables: [{ name: 'n', expression: 'object.metadata.name' }], validations: [{ expression: 'variables.n == "x" && request.userInfo.username != ""' }] })), []);
    assert.deepEqual(validatePolicyExpressions(policy({ variables: [{ name: 'n', expression: '1' }], validations: [{ expression: 'variables.n == "x"' }] })).map((e) => e.detail), [
      "compilation failed: ERROR: <input>:1:13: found no matching overload for '_==_' applied to '(int, string)'\n | variables.n == \"x\"\n | ............^",
    ]);
  });

  test('variable names, empty expressions and both-empty lists as upstream', () => {
    const errs = validatePolicyExpressions(policy({ variables: [{ name: 'in', expression: ' ' }], validations: [] }));
    assert.deepEqual(errs.map((e) => [e.type, e.field, e.detail]), [
      ['FieldValueInvalid', 'spec.variables[0].name', 'name is not a valid CEL identifier'],
      ['FieldValueRequired', 'spec.variables[0].expression', 'expression is not specified'],
      ['FieldValueRequired', 'spec.validations', 'validations or auditAnnotations must contain at least one item'],
      ['FieldValueRequired', 'spec.auditAnnotations', 'validations or auditAnnotations must contain at least one item'],
    ]);
  });

  test('an unchanged stored expression keeps compiling on update', () => {
    const p = policy({ validations: [{ expression: 'object.spec.replicas <' }] });
    assert.equal(validatePolicyExpressions(p, p).length, 1);
    const updated = policy({ validations: [{ expression: 'true' }], auditAnnotations: [{ key: 'k', valueExpression: '1' }] });
    assert.deepEqual(validatePolicyExpressions(updated, p).map((e) => [e.field, e.detail]), [['spec.auditAnnotations[0].valueExpression', 'must evaluate to one of [string null_type] but got int']]);
  });

  test('paramKind: group, version and kind as upstream checks them', () => {
    assert.deepEqual(validateParamKind({ apiVersion: 'v1', kind: 'ConfigMap' }), []);
    assert.deepEqual(validateParamKind({ apiVersion: 'example.com/v1', kind: 'My_Kind' }).map((e) => [e.field, e.badValue, e.detail]), [
      ['spec.paramKind.kind', 'My_Kind', "may have mixed case, but should otherwise match: a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"],
    ]);
    assert.deepEqual(validateParamKind({ apiVersion: 'example.com/', kind: '' }).map((e) => [e.type, e.field, e.detail]), [
      ['FieldValueInvalid', 'spec.paramKind.apiVersion', 'version must be specified'],
      ['FieldValueRequired', 'spec.paramKind.kind', ''],
    ]);
  });
});

