import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthorizerValue, requestResourceCheck, type CelAuthorizer } from '../../../cel/lib-authz.js';
import { celValue } from '../../../cel/evaluate.js';
import { compilePolicy } from './compile-policy.js';
import { validatePolicy } from './validate-policy.js';
import { loadCel } from '../../../cel/lazy.js';

// the functions under test call the CEL library synchronously, as they do behind the server's loadCel()
await loadCel();

const deploy = (replicas: number) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'ns', labels: { app: 'x' } }, spec: { replicas } });
const request = { uid: '', kind: { group: 'apps', version: 'v1', kind: 'Deployment' }, resource: { group: 'apps', version: 'v1', resource: 'deployments' }, name: 'd', namespace: 'ns', operation: 'CREATE', userInfo: { username: 'alice', groups: ['dev'] }, dryRun: false };
const namespaceObject = { metadata: { name: 'ns', labels: { env: 'prod' } }, spec: {}, status: { phase: 'Active' } };

function run(spec: Record<string, unknown>, object: unknown = deploy(3), extra: Record<string, unknown> = {}) {
  const p = compilePolicy({ metadata: { name: 'p', uid: 'u', generation: 1 }, spec: { failurePolicy: 'Fail', ...spec } });
  return validatePolicy(p, { object, oldObject: null, request, params: null, namespaceObject, ...extra });
}

describe('validatePolicy', () => {
  test('a false validation denies with message, trimmed messageExpression, or the expression', () => {
    assert.deepEqual(run({ validations: [{ expression: 'object.spec.replicas < 2 ' }] }).decisions, [{ action: 'deny', index: 0, message: 'failed expression: object.spec.replicas < 2', reason: 'Invalid' }]);
    assert.equal(run({ validations: [{ expression: 'false', message: ' static ' }] }).decisions[0]!.message, 'static');
    assert.equal(run({ validations: [{ expression: 'false', message: 'static', messageExpression: "'  got ' + string(object.spec.replicas) + ' '", reason: 'Forbidden' }] }).decisions[0]!.message, 'got 3');
    // a multi-line or failing messageExpression falls back to message
    assert.equal(run({ validations: [{ expression: 'false', message: 'static', messageExpression: "'a\\nb'" }] }).decisions[0]!.message, 'static');
    assert.equal(run({ validations: [{ expression: 'false', message: 'static', messageExpression: 'object.missing' }] }).decisions[0]!.message, 'static');
    assert.equal(run({ validations: [{ expression: 'false', reason: 'Forbidden' }] }).decisions[0]!.reason, 'Forbidden');
  });

  test('request, namespaceObject and variables (evaluated lazily, each from those before it)', () => {
    const spec = {
      variables: [{ name: 'user', expression: 'request.userInfo.username' }, { name: 'greeting', expression: "'hi ' + variables.user" }],
      validations: [
        { expression: "variables.greeting == 'hi alice'" },
        { expression: "namespaceObject.metadata.labels.env == 'prod' && request.operation == 'CREATE' && 'dev' in request.userInfo.groups" },
        { expression: 'oldObject == null' },
      ],
    };
    assert.deepEqual(run(spec).decisions.map((d) => d.action), ['admit', 'admit', 'admit']);
  });

  test('runtime errors deny under Fail with upstream\'s text and admit under Ignore', () => {
    const spec = { validations: [{ expression: 'object.spec.missing > 1' }] };
    assert.deepEqual(run(spec).decisions, [{ action: 'deny', index: 0, message: "expression 'object.spec.missing > 1' resulted in error: no such key: missing", evalError: true }]);
    assert.equal(run({ ...spec, failurePolicy: 'Ignore' }).decisions[0]!.action, 'admit');
    assert.deepEqual(run({ validations: [{ expression: 'object.x +' }] }).decisions[0]!.message.split('\n')[0], 'compilation error: compilation failed: ERROR: <input>:1:11: Syntax error: mismatched input \'<EOF>\' expecting {\'[\', \'{\', \'(\', \'.\', \'-\', \'!\', \'true\', \'false\', \'null\', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}');
  });

  test('matchConditions: a false one skips the policy, an error fails it', () => {
    const validations = [{ expression: 'false' }];
    assert.deepEqual(run({ matchConditions: [{ name: 'big', expression: 'object.spec.replicas > 5' }], validations }).decisions, []);
    assert.equal(run({ matchConditions: [{ name: 'small', expression: 'object.spec.replicas < 5' }], validations }).decisions[0]!.action, 'deny');
    assert.deepEqual(run({ matchConditions: [{ name: 'bad', expression: 'object.nope == 1' }], validations }).decisions, [{ action: 'deny', index: 0, message: "expression 'object.nope == 1' resulted in error: no such key: nope", evalError: true }]);
    assert.deepEqual(run({ matchConditions: [{ name: 'bad', expression: 'object.nope == 1' }], validations, failurePolicy: 'Ignore' }).decisions, []);
    // a dyn result is not a bool: a compilation error (cel-go's exact output type check)
    assert.equal(run({ matchConditions: [{ name: 'dyn', expression: 'object.nope' }], validations }).decisions[0]!.message, 'compilation error: must evaluate to bool but got dyn');
  });

  test('auditAnnotations: strings are published trimmed, null and blank are left out', () => {
    const r = run({ auditAnnotations: [{ key: 'a', valueExpression: "' x '" }, { key: 'b', valueExpression: 'null' }, { key: 'c', valueExpression: "' '" }, { key: 'd', valueExpression: "object.nope + ''" }] });
    assert.deepEqual(r.auditAnnotations, [{ key: 'a', value: 'x' }, { key: 'd', error: "expression 'object.nope + \'\'' resulted in error: no such key: nope" }]);
  });

  test('authorizer checks go to the authorizer with the request\'s user', () => {
    const seen: string[] = [];
    const authz: CelAuthorizer = { authorize: (a) => (seen.push(`${a.user.username} ${a.verb} ${a.resource} ${a.namespace}`), { decision: a.verb === 'get' ? 'allow' : 'deny', reason: 'test' }) };
    const value = new AuthorizerValue({ username: 'alice', groups: ['dev'] }, authz);
    const extra = { authorizer: celValue(value), 'authorizer.requestResource': celValue(requestResourceCheck(value, { group: 'apps', resource: 'deployments', namespace: 'ns', name: 'd' })) };
    const r = run({ validations: [{ expression: "authorizer.group('').resource('pods').namespace('ns').check('get').allowed()" }, { expression: "authorizer.requestResource.check('delete').allowed()" }] }, deploy(1), extra);
    assert.deepEqual(r.decisions.map((d) => d.action), ['admit', 'deny']);
    assert.deepEqual(seen, ['alice get pods ns', 'alice delete deployments ns']);
  });

  test('params are the param object, typed dyn', () => {
    const spec = { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, validations: [{ expression: 'object.spec.replicas <= int(params.data.max)' }] };
    assert.equal(run(spec, deploy(3), { params: { data: { max: '2' } } }).decisions[0]!.action, 'deny');
    assert.equal(run(spec, deploy(2), { params: { data: { max: '2' } } }).decisions[0]!.action, 'admit');
  });

  test('cost: one expression over the per-call limit errors; all of them over the budget stop with upstream\'s message', () => {
    // matches() costs the string's length over ten times the pattern's over four: 500,000 here
    const big = { s: 'a'.repeat(100_000) };
    const once = `!object.s.matches('${'x'.repeat(200)}')`;
    const twice = `${once} && !object.s.matches('${'y'.repeat(200)}')`;
    assert.deepEqual(run({ validations: [{ expression: twice }] }, big).decisions, [{ action: 'deny', index: 0, message: `expression '${twice}' resulted in error: operation cancelled: actual cost limit exceeded`, evalError: true }]);
    assert.equal(run({ validations: Array.from({ length: 19 }, () => ({ expression: once })) }, big).decisions.length, 19);
    assert.deepEqual(run({ validations: Array.from({ length: 21 }, () => ({ expression: once })) }, big).decisions, [{ action: 'deny', index: 0, message: 'validation failed due to running out of cost budget, no further validation rules will be run', evalError: true }]);
  });
});

