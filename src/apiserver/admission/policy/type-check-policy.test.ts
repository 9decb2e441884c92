import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { crdSchemaResolver } from './crd-schemas.js';
import { typeCheckPolicy } from './type-check-policy.js';
import { loadCel } from '../../../cel/lazy.js';

// the functions under test call the CEL library synchronously, as they do behind the server's loadCel()
await loadCel();

const rule = (apiGroups: string[], apiVersions: string[], resources: string[]) => ({ operations: ['CREATE'], apiGroups, apiVersions, resources });
const policy = (rules: unknown[], validations: unknown[], extra: Record<string, unknown> = {}) => ({ metadata: { name: 'p' }, spec: { matchConstraints: { resourceRules: rules }, validations, ...extra } });

describe('typeCheckPolicy', () => {
  test('each named kind types object; a missing field is a warning per kind, sorted by group, version, kind', () => {
    const w = typeCheckPolicy(policy([rule(['apps', ''], ['v1'], ['replicasets', 'pods', 'deployments'])], [{ expression: 'object.spec.replicas > 1' }]));
    assert.deepEqual(w, [{
      fieldRef: 'spec.validations[0].expression',
      warning: "/v1, Kind=Pod: compilation failed: ERROR: <input>:1:12: undefined field 'replicas'\n | object.spec.replicas > 1\n | ...........^\n",
    }]);
  });

  test('wildcards and subresources are not checked', () => {
    assert.deepEqual(typeCheckPolicy(policy([rule(['*'], ['v1'], ['pods'])], [{ expression: 'object.nope' }])), []);
    assert.deepEqual(typeCheckPolicy(policy([rule([''], ['v1'], ['pods/status', '*'])], [{ expression: 'object.nope' }])), []);
  });

  test('params are typed by the paramKind\'s schema, variables by their expressions', () => {
    const spec = { paramKind: { apiVersion: 'v1', kind: 'ConfigMap' }, variables: [{ name: 'r', expression: 'object.spec.replicas' }] };
    assert.deepEqual(typeCheckPolicy(policy([rule(['apps'], ['v1'], ['deployments'])], [{ expression: "variables.r <= int(params.data.max)", messageExpression: "'x' + params.spec" }], spec)), [{
      fieldRef: 'spec.validations[0].messageExpression',
      warning: "apps/v1, Kind=Deployment: compilation failed: ERROR: <input>:1:13: undefined field 'spec'\n | 'x' + params.spec\n | ............^\n",
    }]);
  });

  test('custom resources are checked against their CRD\'s schema', () => {
    const crd = { spec: { group: 'example.com', names: { plural: 'widgets', kind: 'Widget' }, versions: [{ name: 'v1', served: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer' } } } } } } }] } };
    const p = policy([rule(['example.com'], ['v1'], ['widgets'])], [{ expression: "object.spec.size == 'big'" }]);
    assert.deepEqual(typeCheckPolicy(p), []);
    assert.deepEqual(typeCheckPolicy(p, crdSchemaResolver([crd])).map((w) => w.warning.split('\n')[0]), ["example.com/v1, Kind=Widget: compilation failed: ERROR: <input>:1:18: found no matching overload for '_==_' applied to '(int, string)'"]);
  });
});
