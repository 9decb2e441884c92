// ValidatingAdmissionPolicy with real kubectl: denials in upstream's words, Warn actions as warnings,
// ConfigMap params, messageExpression, namespace selectors, failurePolicy and status.typeChecking.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

const RG = 'admissionregistration.k8s.io/v1';

function policy(name: string, spec: Record<string, unknown>) {
  return { apiVersion: RG, kind: 'ValidatingAdmissionPolicy', metadata: { name }, spec };
}

function binding(name: string, spec: Record<string, unknown>) {
  return { apiVersion: RG, kind: 'ValidatingAdmissionPolicyBinding', metadata: { name }, spec };
}

function deployment(name: string, replicas: number) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
}

const deployments = [{ operations: ['CREATE', 'UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments'] }];
const configmaps = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }];

describe('ValidatingAdmissionPolicy', () => {
  let c: TestCluster;

  /** Applies objects, then waits until the policies took effect (the informer saw them), as a user would retry. */
  async function create(objs: unknown[]): Promise<void> {
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: objs }) });
  }

  async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean): Promise<T> {
    let v = await fn();
    for (let i = 0; i < 50 && !ok(v); i++) {
      await sleep(100);
      v = await fn();
    }
    return v;
  }

  before(async () => {
    c = await startTestCluster({ controllers: 'validatingadmissionpolicy-status-controller' });
    for (const ns of ['limited', 'warned', 'plain']) await c.k(['create', 'namespace', ns]);
    await c.k(['label', 'namespace', 'limited', 'limits=on']);
    await c.k(['label', 'namespace', 'warned', 'policy=warn']);
  });

  after(async () => {
    await c?.cleanup();
  });

  test('a Deny binding refuses a Deployment with more than 5 replicas with upstream\'s message', async () => {
    await create([
      policy('max-replicas', { failurePolicy: 'Fail', matchConstraints: { resourceRules: deployments, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'default' } } }, validations: [{ expression: 'object.spec.replicas <= 5' }] }),
      binding('max-replicas-binding', { policyName: 'max-replicas', validationActions: ['Deny'] }),
    ]);
    const r = await eventually(() => c.kubectl(['create', '-n', 'default', '-f', '-'], { stdin: JSON.stringify(deployment('big', 6)) }), (x) => x.code !== 0);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'The deployments "big" is invalid: : ValidatingAdmissionPolicy \'max-replicas\' with binding \'max-replicas-binding\' denied request: failed expression: object.spec.replicas <= 5\n');
    const raw = await api(c, 'POST', '/apis/apps/v1/namespaces/default/deployments', deployment('big', 6));
    assert.equal(raw.status, 422);
    assert.equal(raw.json.reason, 'Invalid');
    assert.equal(raw.json.message, 'deployments.apps "big" is forbidden: ValidatingAdmissionPolicy \'max-replicas\' with binding \'max-replicas-binding\' denied request: failed expression: object.spec.replicas <= 5');
    assert.deepEqual(raw.json.details, { name: 'big', group: 'apps', kind: 'deployments', causes: [{ message: 'ValidatingAdmissionPolicy \'max-replicas\' with binding \'max-replicas-binding\' denied request: failed expression: object.spec.replicas <= 5' }] });
    await c.k(['create', '-n', 'default', '-f', '-'], { stdin: JSON.stringify(deployment('small', 5)) });
    // an update is checked too; the scale subresource is not, as upstream (the rule names deployments, not deployments/scale)
    const patched = await c.kubectl(['patch', '-n', 'default', 'deployment/small', '-p', '{"spec":{"replicas":7}}']);
    assert.equal(patched.code, 1);
    assert.equal(patched.stderr, 'The deployments "small" is invalid: : ValidatingAdmissionPolicy \'max-replicas\' with binding \'max-replicas-binding\' denied request: failed expression: object.spec.replicas <= 5\n');
    await c.k(['scale', '-n', 'default', 'deployment/small', '--replicas=7']);
    // other namespaces are outside the policy's namespaceSelector
    await c.k(['create', '-n', 'plain', '-f', '-'], { stdin: JSON.stringify(deployment('big', 6)) });
  });

  test('a Warn binding admits and kubectl prints the warning; its namespaceSelector limits where', async () => {
    await create([
      policy('team-label', { matchConstraints: { resourceRules: configmaps }, validations: [{ expression: "has(object.metadata.labels) && 'team' in object.metadata.labels", message: 'configmaps need a team label' }] }),
      binding('team-label-warn', { policyName: 'team-label', validationActions: ['Warn'], matchResources: { namespaceSelector: { matchLabels: { policy: 'warn' } } } }),
    ]);
    const r = await eventually(() => c.kubectl(['create', 'configmap', `w${Date.now()}`, '-n', 'warned']), (x) => x.stderr !== '');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "Warning: Validation failed for ValidatingAdmissionPolicy 'team-label' with binding 'team-label-warn': configmaps need a team label\n");
    const labelled = await c.kubectl(['create', '-n', 'warned', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok', labels: { team: 'a' } } }) });
    assert.equal(labelled.stderr, '');
    const elsewhere = await c.kubectl(['create', 'configmap', 'quiet', '-n', 'plain']);
    assert.equal(elsewhere.code, 0);
    assert.equal(elsewhere.stderr, '');
  });

  test('paramKind ConfigMap: the limit comes from params, the message from messageExpression, the code from reason', async () => {
    await c.k(['create', 'configmap', 'limits', '-n', 'limited', '--from-literal=maxReplicas=2']);
    await create([
      policy('replica-limit', {
        paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
        matchConstraints: { resourceRules: deployments },
        validations: [{
          expression: 'object.spec.replicas <= int(params.data.maxReplicas)',
          messageExpression: "'replicas ' + string(object.spec.replicas) + ' exceed the limit ' + params.data.maxReplicas",
          reason: 'Forbidden',
        }],
      }),
      binding('replica-limit-binding', {
        policyName: 'replica-limit',
        validationActions: ['Deny'],
        paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' },
        matchResources: { namespaceSelector: { matchLabels: { limits: 'on' } } },
      }),
    ]);
    const r = await eventually(() => c.kubectl(['create', '-n', 'limited', '-f', '-'], { stdin: JSON.stringify(deployment('three', 3)) }), (x) => x.code !== 0);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (Forbidden): error when creating "STDIN": deployments.apps "three" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit-binding\' denied request: replicas 3 exceed the limit 2\n');
    await c.k(['create', '-n', 'limited', '-f', '-'], { stdin: JSON.stringify(deployment('two', 2)) });
    // without its param the binding denies (parameterNotFoundAction Deny), as a configuration error
    await c.k(['delete', 'configmap', 'limits', '-n', 'limited']);
    const raw = await eventually(() => api(c, 'POST', '/apis/apps/v1/namespaces/limited/deployments', deployment('one', 1)), (x) => x.status !== 201);
    assert.equal(raw.status, 422);
    assert.equal(raw.json.reason, 'Invalid');
    assert.equal(raw.json.message, 'deployments.apps "one" is forbidden: ValidatingAdmissionPolicy \'replica-limit\' with binding \'replica-limit-binding\' denied request: failed to configure binding: no params found for policy binding with `Deny` parameterNotFoundAction');
  });

  test('failurePolicy: an expression error denies under Fail and admits under Ignore', async () => {
    const spec = (fp: string) => ({
      failurePolicy: fp,
      matchConstraints: { resourceRules: configmaps, objectSelector: { matchLabels: { fp: fp.toLowerCase() } } },
      validations: [{ expression: "object.data.missing == 'x'" }],
    });
    await create([
      policy('fp-fail', spec('Fail')),
      policy('fp-ignore', spec('Ignore')),
      binding('fp-fail', { policyName: 'fp-fail', validationActions: ['Deny'] }),
      binding('fp-ignore', { policyName: 'fp-ignore', validationActions: ['Deny'] }),
    ]);
    const cm = (name: string, fp: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, labels: { fp } }, data: { present: 'y' } });
    const failed = await eventually(() => api(c, 'POST', '/api/v1/namespaces/plain/configmaps', cm('f', 'fail')), (x) => x.status !== 201);
    assert.equal(failed.status, 422);
    assert.equal(failed.json.message, 'configmaps "f" is forbidden: ValidatingAdmissionPolicy \'fp-fail\' with binding \'fp-fail\' denied request: expression \'object.data.missing == \'x\'\' resulted in error: no such key: missing');
    const ignored = await api(c, 'POST', '/api/v1/namespaces/plain/configmaps', cm('i', 'ignore'));
    assert.equal(ignored.status, 201);
  });

  test('the status controller writes observedGeneration and typeChecking warnings for a missing field', async () => {
    await create([policy('typo', {
      matchConstraints: { resourceRules: deployments, objectSelector: { matchLabels: { never: 'matches' } } },
      validations: [
        { expression: 'object.spec.replicass > 1', messageExpression: "'replicas: ' + string(object.spec.replicas)" },
        { expression: 'object.spec.replicas > 1', messageExpression: "'bad: ' + object.spec.selector.foo" },
      ],
    })]);
    const got = await eventually(async () => JSON.parse(await c.k(['get', 'validatingadmissionpolicy', 'typo', '-o', 'json'])), (p) => p.status?.observedGeneration === 1);
    assert.equal(got.status.observedGeneration, 1);
    assert.deepEqual(got.status.typeChecking, {
      expressionWarnings: [
        { fieldRef: 'spec.validations[0].expression', warning: "apps/v1, Kind=Deployment: compilation failed: ERROR: <input>:1:12: undefined field 'replicass'\n | object.spec.replicass > 1\n | ...........^\n" },
        { fieldRef: 'spec.validations[1].messageExpression', warning: "apps/v1, Kind=Deployment: compilation failed: ERROR: <input>:1:31: undefined field 'foo'\n | 'bad: ' + object.spec.selector.foo\n | ..............................^\n" },
      ],
    });
    // a policy without problems gets an empty typeChecking
    await create([policy('fine', { matchConstraints: { resourceRules: deployments }, validations: [{ expression: 'object.spec.replicas >= 0' }] })]);
    const fine = await eventually(async () => JSON.parse(await c.k(['get', 'validatingadmissionpolicy', 'fine', '-o', 'json'])), (p) => p.status?.observedGeneration === 1);
    assert.deepEqual(fine.status, { observedGeneration: 1, typeChecking: {} });
    // custom resources are checked against their CRD's schema
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify({
      apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'widgets.example.com' },
      spec: { group: 'example.com', scope: 'Namespaced', names: { plural: 'widgets', singular: 'widget', kind: 'Widget' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }] },
    }) });
    await create([policy('widget-size', { matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: ['example.com'], apiVersions: ['v1'], resources: ['widgets'] }] }, validations: [{ expression: 'object.spec.size < 10 && object.spec.sizee < 10' }] })]);
    const widget = await eventually(async () => JSON.parse(await c.k(['get', 'validatingadmissionpolicy', 'widget-size', '-o', 'json'])), (p) => p.status?.observedGeneration === 1);
    assert.deepEqual(widget.status.typeChecking, { expressionWarnings: [{ fieldRef: 'spec.validations[0].expression', warning: "example.com/v1, Kind=Widget: compilation failed: ERROR: <input>:1:37: undefined field 'sizee'\n | object.spec.size < 10 && object.spec.sizee < 10\n | ....................................^\n" }] });
  });

  test('authorizer checks ask the server\'s authorizers for the requesting user (or another subject)', async () => {
    await create([
      policy('authz', {
        matchConstraints: { resourceRules: configmaps, objectSelector: { matchLabels: { authz: 'on' } } },
        validations: [
          { expression: "authorizer.requestResource.check('delete').allowed() && authorizer.group('apps').resource('deployments').namespace('x').check('create').allowed()" },
          { expression: "!authorizer.serviceAccount('default', 'nobody').group('').resource('secrets').check('get').allowed()", message: 'nobody reads secrets' },
          { expression: "authorizer.serviceAccount('default', 'nobody').group('').resource('secrets').check('get').allowed()", messageExpression: "'nobody may not read secrets in ' + request.namespace" },
        ],
      }),
      binding('authz', { policyName: 'authz', validationActions: ['Deny'] }),
    ]);
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'authz', labels: { authz: 'on' } } };
    const r = await eventually(() => api(c, 'POST', '/api/v1/namespaces/plain/configmaps', cm), (x) => x.status !== 201);
    assert.equal(r.status, 422);
    assert.equal(r.json.message, 'configmaps "authz" is forbidden: ValidatingAdmissionPolicy \'authz\' with binding \'authz\' denied request: nobody may not read secrets in plain');
    // messageExpressions are compiled without `authorizer`, as upstream
    const bad = await c.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(policy('authz-message', { matchConstraints: { resourceRules: configmaps }, validations: [{ expression: 'true', messageExpression: "authorizer.group('').resource('pods').check('get').reason()" }] })) });
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^The ValidatingAdmissionPolicy "authz-message" is invalid: spec.validations\[0\].messageExpression: Invalid value: .*: compilation failed: ERROR: <input>:1:1: undeclared reference to 'authorizer' \(in container ''\)\n/);
  });

  test('authorizer.requestResource checks the requesting user through RBAC', async () => {
    await create([
      policy('deleters-only', {
        matchConstraints: { resourceRules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['secrets'] }] },
        validations: [{ expression: "authorizer.requestResource.check('delete').allowed()", message: 'only those who may delete secrets may create them' }],
      }),
      binding('deleters-only', { policyName: 'deleters-only', validationActions: ['Deny'] }),
    ]);
    await c.k(['create', 'role', 'secret-writer', '-n', 'plain', '--verb=create', '--resource=secrets']);
    await c.k(['create', 'rolebinding', 'alice-writes', '-n', 'plain', '--role=secret-writer', '--user=alice']);
    const denied = await eventually(() => c.kubectl(['create', 'secret', 'generic', 's1', '-n', 'plain', '--as=alice']), (x) => x.stderr.includes('ValidatingAdmissionPolicy'));
    assert.equal(denied.code, 1);
    assert.equal(denied.stderr, "error: failed to create secret secrets \"s1\" is forbidden: ValidatingAdmissionPolicy 'deleters-only' with binding 'deleters-only' denied request: only those who may delete secrets may create them\n");
    await c.k(['create', 'role', 'secret-deleter', '-n', 'plain', '--verb=delete', '--resource=secrets']);
    await c.k(['create', 'rolebinding', 'alice-deletes', '-n', 'plain', '--role=secret-deleter', '--user=alice']);
    const allowed = await eventually(() => c.kubectl(['create', 'secret', 'generic', 's1', '-n', 'plain', '--as=alice']), (x) => x.code === 0);
    assert.equal(allowed.stderr, '');
  });

  test('a binding with both a param name and a selector is refused on both fields', async () => {
    const r = await c.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(binding('both', { policyName: 'x', validationActions: ['Deny'], paramRef: { name: 'a', selector: {}, parameterNotFoundAction: 'Maybe' } })) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'The ValidatingAdmissionPolicyBinding "both" is invalid: \n* spec.paramRef.name: Forbidden: name and selector are mutually exclusive\n* spec.paramRef.selector: Forbidden: name and selector are mutually exclusive\n* spec.paramRef.parameterNotFoundAction: Unsupported value: "Maybe": supported values: "Deny", "Allow"\n');
  });

  test('a policy whose expression does not compile is refused with 422 and the field path', async () => {
    const r = await c.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(policy('bad', { matchConstraints: { resourceRules: deployments }, validations: [{ expression: 'object.spec.replicas > ' }] })) });
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'The ValidatingAdmissionPolicy "bad" is invalid: spec.validations[0].expression: Invalid value: "object.spec.replicas > ": compilation failed: ERROR: <input>:1:24: Syntax error: mismatched input \'<EOF>\' expecting {\'[\', \'{\', \'(\', \'.\', \'-\', \'!\', \'true\', \'false\', \'null\', NUM_FLOAT, NUM_INT, NUM_UINT, STRING, BYTES, IDENTIFIER}\n | object.spec.replicas > \n | .......................^\n');
  });
});

describe('ValidatingAdmissionPolicy audit annotations', () => {
  let c: TestCluster;
  let dir = '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'minikapi-vap-audit-'));
    writeFileSync(join(dir, 'policy.yaml'), 'apiVersion: audit.k8s.io/v1\nkind: Policy\nomitStages: ["RequestReceived"]\nrules:\n- level: Metadata\n  resources:\n  - group: ""\n    resources: ["configmaps"]\n');
    c = await startTestCluster({ controllers: 'none', auditLogPath: join(dir, 'audit.log'), auditPolicyFile: join(dir, 'policy.yaml') });
  });

  after(async () => {
    await c?.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an Audit action and auditAnnotations land in the audit event, the request is admitted', async () => {
    await c.k(['create', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [
        policy('audited', { matchConstraints: { resourceRules: configmaps }, validations: [{ expression: 'object.data.size() < 2', message: 'too many keys' }], auditAnnotations: [{ key: 'keys', valueExpression: 'string(object.data.size())' }] }),
        binding('audited', { policyName: 'audited', validationActions: ['Audit'] }),
      ] }),
    });
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'three' }, data: { a: '1', b: '2', c: '3' } };
    let r = await api(c, 'POST', '/api/v1/namespaces/default/configmaps', cm);
    const annotated = () => readFileSync(join(dir, 'audit.log'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l)).find((e) => e.auditID === r.headers['audit-id']);
    for (let i = 0; i < 50 && !annotated()?.annotations?.['audited/keys']; i++) {
      await api(c, 'DELETE', '/api/v1/namespaces/default/configmaps/three');
      await sleep(100);
      r = await api(c, 'POST', '/api/v1/namespaces/default/configmaps', cm);
    }
    assert.equal(r.status, 201);
    const e = annotated();
    assert.deepEqual(e.annotations, {
      'audited/keys': '3',
      'authorization.k8s.io/decision': 'allow',
      'authorization.k8s.io/reason': '',
      'validation.policy.admission.k8s.io/validation_failure': '[{"message":"too many keys","policy":"audited","binding":"audited","expressionIndex":0,"validationActions":["Audit"]}]',
    });
  });
});

