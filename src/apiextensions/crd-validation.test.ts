import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../apimachinery/errors.js';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from './crd-validation.js';
import { realCRDs } from './realworld-fixtures.js';
import { loadCel } from '../cel/lazy.js';

// the functions under test call the CEL library synchronously, as they do behind the server's loadCel()
await loadCel();

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A CRD as the server hands it to validation: defaulted, with the status it prepared. */
function crd(schema: Obj, extra: (c: Obj) => void = () => {}): Obj {
  const c: Obj = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      conversion: { strategy: 'None' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: schema } }],
    },
    status: { storedVersions: ['v1'], acceptedNames: { plural: '', kind: '' } },
  };
  extra(c);
  return c;
}
const errs = (c: Obj) => validateCustomResourceDefinition(c).map(fieldErrorString);
const ok = { type: 'object', properties: { spec: { type: 'object', properties: { x: { type: 'string' } } } } };

describe('CustomResourceDefinition validation', () => {
  test('every real CRD (gateway-api, cert-manager, prometheus-operator) is structural and valid', () => {
    const all = realCRDs();
    assert.ok(all.length >= 19, `found ${all.length} CRDs`);
    for (const c of all) {
      const storage = c.spec.versions.find((v: Obj) => v.storage).name;
      const withStatus = { ...c, status: { storedVersions: [storage], acceptedNames: c.spec.names } };
      c.spec.conversion ??= { strategy: 'None' };
      assert.deepEqual(validateCustomResourceDefinition(withStatus).map(fieldErrorString), [], c.metadata.name);
    }
  });
  test('a minimal valid CRD has no errors', () => assert.deepEqual(errs(crd(ok)), []));
  test('a field without type is not structural; a single version schema is reported under spec.validation as upstream', () => {
    assert.deepEqual(errs(crd({ type: 'object', properties: { spec: { properties: {} } } })), [
      'spec.validation.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
    ]);
  });
  test('with differing per-version schemas errors name spec.versions[i].schema', () => {
    const c = crd(ok, (c) => c.spec.versions.push({ name: 'v2', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object', properties: { spec: {} } } } }));
    assert.deepEqual(errs(c), ['spec.versions[1].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields']);
  });
  test('nested value validations must not carry types (Forbidden, must be empty to be structural)', () => {
    const s = { type: 'object', properties: { spec: { type: 'object', anyOf: [{ type: 'object' }] } } };
    assert.deepEqual(errs(crd(s)), ['spec.validation.openAPIV3Schema.properties[spec].anyOf[0].type: Forbidden: must be empty to be structural']);
  });
  test('root metadata may only restrict name and generateName', () => {
    assert.deepEqual(errs(crd({ type: 'object', properties: { metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 5 } } } } })), []);
    assert.deepEqual(errs(crd({ type: 'object', properties: { metadata: { type: 'object', properties: { labels: { type: 'object' } } } } })), [
      'spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified',
    ]);
  });
  test('int-or-string with preserve-unknown-fields; embedded resource must be an object', () => {
    const s = { type: 'object', properties: { a: { 'x-kubernetes-int-or-string': true, 'x-kubernetes-preserve-unknown-fields': true }, b: { type: 'string', 'x-kubernetes-embedded-resource': true } } };
    assert.deepEqual(errs(crd(s)), [
      'spec.validation.openAPIV3Schema.properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: true: must be false if x-kubernetes-int-or-string is true',
      'spec.validation.openAPIV3Schema.properties[b].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      'spec.validation.openAPIV3Schema.properties[b].type: Invalid value: "string": must be object if x-kubernetes-embedded-resource is true',
    ]);
  });
  test('list-type map needs keys that are required or defaulted', () => {
    const s = { type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } } } };
    assert.deepEqual(errs(crd(s)), [
      'spec.validation.openAPIV3Schema.properties[l].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
    ]);
    const s2 = { type: 'object', properties: { l: { type: 'string', 'x-kubernetes-list-type': 'set' }, m: { type: 'object', 'x-kubernetes-map-type': 'bogus' } } };
    assert.deepEqual(errs(crd(s2)), [
      'spec.validation.openAPIV3Schema.properties[l].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified',
      'spec.validation.openAPIV3Schema.properties[m].x-kubernetes-map-type: Unsupported value: "bogus": supported values: "atomic", "granular"',
    ]);
  });
  test('defaults must be pruned and valid against their schema', () => {
    const s = { type: 'object', properties: { spec: { type: 'object', default: { x: 1, y: 'z' }, properties: { x: { type: 'string' } } } } };
    assert.deepEqual(errs(crd(s)), [
      'spec.validation.openAPIV3Schema.properties[spec].default: Invalid value: {"x":1,"y":"z"}: must not have unknown fields',
      'spec.validation.openAPIV3Schema.properties[spec].default.x: Invalid value: "integer": x in body must be of type string: "integer"',
    ]);
    assert.deepEqual(errs(crd({ type: 'object', properties: { metadata: { type: 'object', default: {} } } })), [
      'spec.validation.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified',
    ].slice(0, 0).concat(['spec.validation.openAPIV3Schema.properties[metadata].default: Forbidden: must not be set in top-level metadata']));
  });
  test('names, group, scope and metadata.name', () => {
    const c = crd(ok, (c) => {
      c.metadata.name = 'wrong';
      c.spec.group = 'example';
      c.spec.scope = 'Global';
      c.spec.names.kind = 'Widget';
      c.spec.names.listKind = 'Widget';
      c.spec.names.shortNames = ['W'];
    });
    assert.deepEqual(errs(c), [
      'metadata.name: Invalid value: "wrong": must be spec.names.plural+"."+spec.group',
      'spec.group: Invalid value: "example": should be a domain with at least one dot',
      'spec.scope: Unsupported value: "Global": supported values: "Cluster", "Namespaced"',
      `spec.names.shortNames[0]: Invalid value: "W": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
      'spec.names.listKind: Invalid value: "Widget": kind and listKind may not be the same',
    ]);
  });
  test('versions: exactly one storage version, unique names, deprecation warning only when deprecated', () => {
    const c = crd(ok, (c) => {
      c.spec.versions[0].deprecationWarning = 'old';
      c.spec.versions.push({ ...c.spec.versions[0], deprecationWarning: undefined });
    });
    const e = errs(c);
    assert.equal(e[0], 'spec.versions[0].deprecationWarning: Invalid value: "old": can only be set for deprecated versions');
    assert.ok(e.some((x) => x.startsWith('spec.versions: Invalid value: ') && x.endsWith(': must contain unique version names')));
    assert.ok(e.some((x) => x.endsWith(': must have exactly one version marked as storage version')));
  });
  test('conversion webhook needs a client config and review versions', () => {
    const c = crd(ok, (c) => (c.spec.conversion = { strategy: 'Webhook', webhook: { conversionReviewVersions: ['v2'], clientConfig: { url: 'http://x/y?q=1' } } }));
    assert.deepEqual(errs(c), [
      `spec.conversion.webhookClientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme; desired format: https://host[/path]`,
      'spec.conversion.webhookClientConfig.url: Invalid value: "q=1": query parameters are not permitted in the URL',
      'spec.conversion.conversionReviewVersions: Invalid value: ["v2"]: must include at least one of v1, v1beta1',
    ]);
    const none = crd(ok, (c) => (c.spec.conversion = { strategy: 'Webhook' }));
    assert.deepEqual(errs(none), ['spec.conversion.webhookClientConfig: Required value: required when strategy is set to Webhook', 'spec.conversion.conversionReviewVersions: Required value']);
  });
  test('scale paths and printer columns', () => {
    const c = crd(ok, (c) => {
      c.spec.versions[0].subresources = { scale: { specReplicasPath: '.status.replicas', statusReplicasPath: 'status.replicas', labelSelectorPath: '.metadata.x' } };
      c.spec.versions[0].additionalPrinterColumns = [{ name: 'Age', type: 'time', jsonPath: 'x' }];
    });
    assert.deepEqual(errs(c), [
      'spec.subresources.scale.specReplicasPath: Invalid value: ".status.replicas": should be a json path under .spec',
      'spec.subresources.scale.statusReplicasPath: Invalid value: "status.replicas": must be a simple json path starting with .',
      'spec.subresources.scale.labelSelectorPath: Invalid value: ".metadata.x": should be a json path under either .spec or .status',
      'spec.additionalPrinterColumns[0].type: Invalid value: "time": must be one of boolean,date,integer,number,string',
      'spec.additionalPrinterColumns[0].JSONPath: Invalid value: "x": must be a simple json path starting with .',
    ]);
  });
  test('selectable fields must be string, integer or boolean fields outside metadata, at most 8', () => {
    const props: Obj = { o: { type: 'object' } };
    for (let i = 0; i < 9; i++) props[`f${i}`] = { type: 'string' };
    const c = crd({ type: 'object', properties: { spec: { type: 'object', properties: props } } }, (c) => {
      c.spec.versions[0].selectableFields = [{ jsonPath: '.spec.o' }, { jsonPath: '.spec.nope' }, { jsonPath: '.metadata.name' }, ...Array.from({ length: 9 }, (_, i) => ({ jsonPath: `.spec.f${i}` }))];
    });
    assert.deepEqual(errs(c), [
      'spec.selectableFields[0].jsonPath: Invalid value: ".spec.o": must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.',
      'spec.selectableFields[1].jsonPath: Invalid value: ".spec.nope": is an invalid path: does not refer to a valid field',
      'spec.selectableFields[2].jsonPath: Invalid value: ".metadata.name": is an invalid path: does not refer to a valid field',
      'spec.selectableFields: Too many: 10: must have at most 8 items',
    ]);
  });
  test('x-kubernetes-validations: rule shape checks and compile errors from the rule compiler', () => {
    const s = { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: '' }, { rule: 'self.x == 1' }], properties: { x: { type: 'string' } } } } };
    assert.deepEqual(errs(crd(s)), ['spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule: Required value: rule is not specified']);
    const s2 = { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.x == 1' }], properties: { x: { type: 'string' } } } } };
    const compiled: string[] = [];
    const e = validateCustomResourceDefinition(crd(s2), {
      ruleCompiler: (rule, schema) => {
        compiled.push(`${rule.rule} @ ${Object.keys(schema.properties ?? {}).join(',')}`);
        return "compilation failed: ERROR: <input>:1:8: found no matching overload for '_==_' applied to '(string, int)'";
      },
    });
    assert.deepEqual(compiled, ['self.x == 1 @ x']);
    assert.deepEqual(e.map((x) => x.field), ['spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule']);
  });
  test('protected groups need the api-approved annotation', () => {
    const c = crd(ok, (c) => {
      c.spec.group = 'x.k8s.io';
      c.metadata.name = 'widgets.x.k8s.io';
    });
    assert.deepEqual(errs(c), ['metadata.annotations[api-approved.kubernetes.io]: Required value: protected groups must have approval annotation "api-approved.kubernetes.io", see https://github.com/kubernetes/enhancements/pull/1111']);
  });
  test('update: group and plural are immutable, kind and scope once established', () => {
    const old = crd(ok, (c) => (c.status.conditions = [{ type: 'Established', status: 'True' }]));
    const next = crd(ok, (c) => {
      c.spec.names.kind = 'Gadget';
      c.spec.names.listKind = 'GadgetList';
      c.spec.scope = 'Cluster';
    });
    assert.deepEqual(validateCustomResourceDefinitionUpdate(next, old).map(fieldErrorString), [
      'spec.scope: Invalid value: "Cluster": field is immutable',
      'spec.names.kind: Invalid value: "Gadget": field is immutable',
    ]);
  });
  test('status.storedVersions must keep every version still stored', () => {
    const c = crd(ok, (c) => (c.status.storedVersions = ['v1', 'v0']));
    assert.deepEqual(errs(c), [
      'status.storedVersions[1]: Invalid value: "v0": missing from spec.versions; v0 was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in v0 and removes v0 from status.storedVersions',
    ]);
  });
});
