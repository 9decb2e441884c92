// x-kubernetes-validations enforced on custom objects through kubectl, with upstream's messages and paths:
// message, messageExpression, reason with fieldPath, transition rules on update, and a real Gateway API CRD.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { REALWORLD } from '../apiextensions/realworld-fixtures.js';
import { api } from '../testing/client.js';
import { startTestCluster, type TestCluster } from '../testing/harness.js';

// the messageExpression uses format(): a concatenation with string(int) has an unbounded estimated cost upstream
const CRD = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'scalers.cel.example.com' },
  spec: {
    group: 'cel.example.com',
    names: { plural: 'scalers', singular: 'scaler', kind: 'Scaler', listKind: 'ScalerList' },
    scope: 'Namespaced',
    versions: [
      {
        name: 'v1',
        served: true,
        storage: true,
        schema: {
          openAPIV3Schema: {
            type: 'object',
            properties: {
              spec: {
                type: 'object',
                properties: {
                  replicas: { type: 'integer' },
                  maxReplicas: { type: 'integer' },
                  mode: { type: 'string', 'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'mode is immutable' }] },
                  name: { type: 'string' },
                  secret: { type: 'string' },
                  tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-validations': [{ rule: 'self.size() <= 3', messageExpression: "'too many tags: %d'.format([self.size()])" }] },
                },
                'x-kubernetes-validations': [
                  { rule: 'self.replicas <= self.maxReplicas', message: 'replicas must not exceed maxReplicas' },
                  { rule: '!has(self.secret)', message: 'secret must not be set', reason: 'FieldValueForbidden', fieldPath: '.secret' },
                  { rule: "!has(self.name) || self.name.startsWith('a')" },
                ],
              },
            },
          },
        },
      },
    ],
  },
};

const GPU_RULE = "self.all(x, x.contains('gpu'))";
const QUADRATIC = 'self.all(x, self.all(y, x + y >= 0))';
const HINT = '(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)';

/** A CRD whose tags rule iterates the list's strings, bounded or not; xs holds a rule quadratic in its items. */
function costlyCRD(bounded: boolean): Record<string, unknown> {
  const tags = { type: 'array', ...(bounded ? { maxItems: 100 } : {}), items: { type: 'string', ...(bounded ? { maxLength: 64 } : {}) }, 'x-kubernetes-validations': [{ rule: GPU_RULE }] };
  const xs = { type: 'array', maxItems: 1000, items: { type: 'integer' }, 'x-kubernetes-validations': [{ rule: QUADRATIC }] };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'costlies.cel.example.com' },
    spec: {
      group: 'cel.example.com',
      names: { plural: 'costlies', singular: 'costly', kind: 'Costly', listKind: 'CostlyList' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { tags, xs } } } } } }],
    },
  };
}

const scaler = (name: string, spec: Record<string, unknown>) => JSON.stringify({ apiVersion: 'cel.example.com/v1', kind: 'Scaler', metadata: { name }, spec });

describe('CEL validation rules on custom resources', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify(CRD) });
    await c.k(['wait', '--for=condition=Established', 'crd/scalers.cel.example.com', '--timeout=10s']);
  });
  after(() => c?.cleanup());

  test('failed rules are refused with their message, messageExpression, reason and fieldPath', async () => {
    assert.equal(await c.k(['create', '-f', '-'], { stdin: scaler('ok', { replicas: 1, maxReplicas: 2, mode: 'fast', tags: ['a'] }) }), 'scaler.cel.example.com/ok created\n');
    const bad = await c.kubectl(['create', '-f', '-'], { stdin: scaler('bad', { replicas: 3, maxReplicas: 2, secret: 'x', name: 'bob', tags: ['a', 'b', 'c', 'd'] }) });
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      'The Scaler "bad" is invalid: \n' +
        '* spec: Invalid value: "object": replicas must not exceed maxReplicas\n' +
        '* spec.secret: Forbidden: secret must not be set\n' +
        '* spec: Invalid value: "object": failed rule: !has(self.name) || self.name.startsWith(\'a\')\n' +
        '* spec.tags: Invalid value: "array": too many tags: 4\n',
    );
  });

  test('a transition rule compares with the stored object on update only', async () => {
    const changed = await c.kubectl(['patch', 'scaler', 'ok', '--type=merge', '-p', '{"spec":{"mode":"slow"}}']);
    assert.equal(changed.code, 1);
    assert.equal(changed.stderr, 'The Scaler "ok" is invalid: spec.mode: Invalid value: "string": mode is immutable\n');
    assert.equal(await c.k(['patch', 'scaler', 'ok', '--type=merge', '-p', '{"spec":{"replicas":2}}']), 'scaler.cel.example.com/ok patched\n');
  });

  test('ratcheting: an object that breaks a newer rule can still be changed elsewhere, not made worse', async () => {
    await c.k(['create', '-f', '-'], { stdin: scaler('big', { replicas: 1, maxReplicas: 50 }) });
    const path = '/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/maxReplicas/x-kubernetes-validations';
    await c.k(['patch', 'crd', 'scalers.cel.example.com', '--type=json', '-p', JSON.stringify([{ op: 'add', path, value: [{ rule: 'self <= 10' }] }])]);
    const deadline = Date.now() + 5000;
    let refused = '';
    // the new rule is served within a second of the CRD change
    // a new value each time: an unchanged one would be ratcheted through
    for (let v = 60; Date.now() < deadline; v++) {
      const r = await c.kubectl(['patch', 'scaler', 'big', '--type=merge', '-p', JSON.stringify({ spec: { maxReplicas: v } })]);
      if (r.code !== 0) {
        refused = r.stderr;
        break;
      }
      await new Promise((res) => setTimeout(res, 100));
    }
    assert.equal(refused, 'The Scaler "big" is invalid: spec.maxReplicas: Invalid value: "integer": failed rule: self <= 10\n');
    assert.equal(await c.k(['patch', 'scaler', 'big', '--type=merge', '-p', '{"spec":{"replicas":2}}']), 'scaler.cel.example.com/big patched\n');
  });

  test("a real Gateway API HTTPRoute breaking its CRD's rules is refused with the CRD's messages", async () => {
    await c.k(['apply', '--server-side', '-f', join(REALWORLD, 'gateway-api', 'crds', 'gateway.networking.k8s.io_httproutes.yaml')]);
    await c.k(['wait', '--for=condition=Established', 'crd/httproutes.gateway.networking.k8s.io', '--timeout=10s']);
    const route = {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'mirror' },
      spec: {
        rules: [
          {
            filters: [{ type: 'RequestMirror', requestMirror: { backendRef: { name: 'svc', port: 80 }, percent: 10, fraction: { numerator: 5, denominator: 4 } } }],
            backendRefs: [{ name: 'svc', port: 80 }],
          },
        ],
      },
    };
    const r = await c.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(route) });
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      'The HTTPRoute "mirror" is invalid: \n' +
        '* spec.rules[0].filters[0].requestMirror: Invalid value: "object": Only one of percent or fraction may be specified in HTTPRequestMirrorFilter\n' +
        '* spec.rules[0].filters[0].requestMirror.fraction: Invalid value: "object": numerator must be less than or equal to denominator\n',
    );
    delete (route.spec.rules[0]!.filters[0]!.requestMirror as Record<string, unknown>).fraction;
    assert.equal(await c.k(['create', '-f', '-'], { stdin: JSON.stringify(route) }), 'httproute.gateway.networking.k8s.io/mirror created\n');
  });

  test('a rule over an unbounded list of unbounded strings is refused for its estimated cost; maxItems and maxLength make it fit', async () => {
    const refused = await c.kubectl(['create', '-f', '-'], { stdin: JSON.stringify(costlyCRD(false)) });
    assert.equal(refused.code, 1);
    const rule = 'spec.validation.openAPIV3Schema.properties[spec].properties[tags].x-kubernetes-validations[0].rule';
    assert.equal(
      refused.stderr,
      'The CustomResourceDefinition "costlies.cel.example.com" is invalid: \n' +
        `* ${rule}: Forbidden: estimated rule cost exceeds budget by factor of more than 100x ${HINT}\n` +
        `* ${rule}: Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema\n` +
        // the xs rule is within its own limit but is named too: it is over 1% of the schema-wide limit
        `* ${rule.replace('[tags]', '[xs]')}: Forbidden: contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema\n` +
        `* spec.validation.openAPIV3Schema: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${HINT}\n`,
    );
    assert.equal(await c.k(['create', '-f', '-'], { stdin: JSON.stringify(costlyCRD(true)) }), 'customresourcedefinition.apiextensions.k8s.io/costlies.cel.example.com created\n');
    await c.k(['wait', '--for=condition=Established', 'crd/costlies.cel.example.com', '--timeout=10s']);
  });

  test('a rule whose evaluation on a big object exceeds the per-call cost limit answers 422 Invalid', async () => {
    const xs = Array.from({ length: 1000 }, (_, i) => i);
    const detail = `'operation cancelled: actual cost limit exceeded': no further validation rules will be run due to call cost exceeds limit for rule: ${QUADRATIC}`;
    const r = await api(c, 'POST', '/apis/cel.example.com/v1/namespaces/default/costlies', { apiVersion: 'cel.example.com/v1', kind: 'Costly', metadata: { name: 'big' }, spec: { xs, tags: ['gpu'] } });
    assert.equal(r.status, 422);
    assert.equal(r.json.reason, 'Invalid');
    assert.equal(r.json.message, `Costly.cel.example.com "big" is invalid: spec.xs: Invalid value: "array": ${detail}`);
    assert.deepEqual(r.json.details.causes, [{ reason: 'FieldValueInvalid', message: `Invalid value: "array": ${detail}`, field: 'spec.xs' }]);
    const k = await c.kubectl(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'cel.example.com/v1', kind: 'Costly', metadata: { name: 'big' }, spec: { xs } }) });
    assert.equal(k.code, 1);
    assert.equal(k.stderr, `The Costly "big" is invalid: spec.xs: Invalid value: "array": ${detail}\n`);
    assert.equal(await c.k(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'cel.example.com/v1', kind: 'Costly', metadata: { name: 'small' }, spec: { xs: xs.slice(0, 100), tags: ['gpu-a'] } }) }), 'costly.cel.example.com/small created\n');
  });

  test('rules each within the per-call limit that together exceed the per-request budget answer 422 with the budget error', async () => {
    // 11 rules of estimated cost 7005002 each: under the per-rule limit and, together, under the per-CRD limit
    const props: Record<string, unknown> = {};
    for (let i = 0; i < 11; i++) props[`l${String(i).padStart(2, '0')}`] = { type: 'array', maxItems: 1000, items: { type: 'integer' }, 'x-kubernetes-validations': [{ rule: QUADRATIC }] };
    const crd = costlyCRD(true) as { metadata: { name: string }; spec: Record<string, unknown> };
    crd.metadata.name = 'spenders.cel.example.com';
    crd.spec.names = { plural: 'spenders', singular: 'spender', kind: 'Spender', listKind: 'SpenderList' };
    crd.spec.versions = [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: props } } } } }];
    assert.equal(await c.k(['create', '-f', '-'], { stdin: JSON.stringify(crd) }), 'customresourcedefinition.apiextensions.k8s.io/spenders.cel.example.com created\n');
    await c.k(['wait', '--for=condition=Established', 'crd/spenders.cel.example.com', '--timeout=10s']);
    // each list of 370 items costs about 960000 to check: ten fit in the 10000000 budget
    const spec = Object.fromEntries(Object.keys(props).map((k) => [k, Array.from({ length: 370 }, (_, i) => i)]));
    const r = await api(c, 'POST', '/apis/cel.example.com/v1/namespaces/default/spenders', { apiVersion: 'cel.example.com/v1', kind: 'Spender', metadata: { name: 'greedy' }, spec });
    assert.equal(r.status, 422);
    assert.equal(r.json.reason, 'Invalid');
    const causes = r.json.details.causes as { reason: string; message: string; field: string }[];
    assert.equal(causes.length, 1);
    assert.match(causes[0]!.field, /^spec\.l\d\d$/);
    assert.deepEqual({ ...causes[0], field: '' }, { reason: 'FieldValueInvalid', message: 'Invalid value: "array": validation failed due to running out of cost budget, no further validation rules will be run', field: '' });
  });
});
