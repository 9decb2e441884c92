import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { celRuleCompiler } from './cel-rule-compiler.js';
import { validateCustomResourceDefinition } from './crd-validation.js';
import { loadCel } from '../cel/lazy.js';

// the functions under test call the CEL library synchronously, as they do behind the server's loadCel()
await loadCel();

function crd(rule: string): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { a: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule }] } } } } }],
    },
    status: { storedVersions: ['v1'] },
  };
}

describe('CRD x-kubernetes-validations compilation', () => {
  test('a rule with a syntax error is Invalid with cel-go\'s error at spec.validation (single-version schemas are hoisted, as upstream)', () => {
    const errs = validateCustomResourceDefinition(crd('self.a >') as never, { ruleCompiler: celRuleCompiler });
    assert.equal(errs.length, 1);
    assert.equal(errs[0]!.field, 'spec.validation.openAPIV3Schema.properties[spec].x-kubernetes-validations[0].rule');
    assert.match(String(errs[0]!.detail), /^compilation failed: ERROR: <input>:1:9: Syntax error: mismatched input '<EOF>'/);
  });
  test('a valid rule compiles without errors', () => {
    assert.deepEqual(validateCustomResourceDefinition(crd('self.a > 0') as never, { ruleCompiler: celRuleCompiler }), []);
  });
  test('a rule at the schema root sees apiVersion, kind and metadata.name (the root is a resource)', () => {
    const c = crd('true') as { spec: { versions: { schema: { openAPIV3Schema: Record<string, unknown> } }[] } };
    c.spec.versions[0]!.schema.openAPIV3Schema['x-kubernetes-validations'] = [{ rule: "self.metadata.name.startsWith('a') && self.kind == 'Widget'" }];
    assert.deepEqual(validateCustomResourceDefinition(c as never, { ruleCompiler: celRuleCompiler }), []);
  });
});
