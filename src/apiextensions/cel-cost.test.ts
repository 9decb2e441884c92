import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { celRuleCompiler } from './cel-rule-compiler.js';
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from './crd-validation.js';
import type { JSONSchemaProps } from './types.js';
import { loadCel } from '../cel/lazy.js';

// the functions under test call the CEL library synchronously, as they do behind the server's loadCel()
await loadCel();

const GPU_RULE = "self.all(x, x.contains('gpu'))";
const HINT = '(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings are declared)';

function crd(spec: JSONSchemaProps): Record<string, unknown> {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec } } } }],
    },
    status: { storedVersions: ['v1'] },
  };
}

const tags = (maxItems?: number, maxLength?: number): JSONSchemaProps => ({
  type: 'array',
  ...(maxItems !== undefined ? { maxItems } : {}),
  items: { type: 'string', ...(maxLength !== undefined ? { maxLength } : {}) },
  'x-kubernetes-validations': [{ rule: GPU_RULE }],
});

const validate = (spec: Record<string, JSONSchemaProps>) => validateCustomResourceDefinition(crd({ type: 'object', properties: spec }) as never, { ruleCompiler: celRuleCompiler });
const TAGS_RULE = 'spec.validation.openAPIV3Schema.properties[spec].properties[tags].x-kubernetes-validations[0].rule';

describe('CRD CEL cost estimates', () => {
  test('a rule over an unbounded list of unbounded strings is Forbidden per expression, in the total, and for the schema', () => {
    const errs = validate({ tags: tags() });
    assert.deepEqual(errs, [
      { type: 'FieldValueForbidden', field: TAGS_RULE, detail: `estimated rule cost exceeds budget by factor of more than 100x ${HINT}` },
      { type: 'FieldValueForbidden', field: TAGS_RULE, detail: 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema' },
      { type: 'FieldValueForbidden', field: 'spec.validation.openAPIV3Schema', detail: `x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${HINT}` },
    ]);
  });

  test('maxItems and maxLength bound the estimate: the largest accepted maxItems matches the real validator', () => {
    for (const [maxItems, maxLength] of [[909_090, 16], [333_333, 63], [94_339, 253], [24_154, 1024]] as const) {
      assert.deepEqual(validate({ tags: tags(maxItems, maxLength) }), [], `maxItems ${maxItems} maxLength ${maxLength}`);
      const over = validate({ tags: tags(maxItems + 1, maxLength) });
      assert.equal(over.length, 1, `maxItems ${maxItems + 1} maxLength ${maxLength}`);
      assert.equal(over[0]!.field, TAGS_RULE);
      assert.match(String(over[0]!.detail), /^estimated rule cost exceeds budget by factor of 1\.0000\d\dx \(try simplifying/);
    }
  });

  test('a factor between 1.5 and 100 is printed with one decimal', () => {
    const errs = validate({ tags: tags(2_000_000, 16) });
    assert.equal(errs[0]!.detail, `estimated rule cost exceeds budget by factor of 2.2x ${HINT}`);
  });

  test('a rule on list items is multiplied by the maxItems of the list (its cardinality)', () => {
    const item = { type: 'string', maxLength: 1024, 'x-kubernetes-validations': [{ rule: "self.contains('gpu')" }] };
    assert.deepEqual(validate({ list: { type: 'array', maxItems: 100, items: item } }), []);
    const errs = validate({ outer: { type: 'array', maxItems: 100_000, items: { type: 'array', maxItems: 100, items: item } } });
    assert.equal(errs[0]!.field, 'spec.validation.openAPIV3Schema.properties[spec].properties[outer].items.items.x-kubernetes-validations[0].rule');
    assert.equal(errs[0]!.detail, `estimated rule cost exceeds budget by factor of more than 100x ${HINT}`);
  });

  test('rules each under the per-expression limit but over 100000000 together: the 4 most expensive are named, then the schema', () => {
    const props: Record<string, JSONSchemaProps> = {};
    for (let i = 0; i < 11; i++) props[`t${i}`] = tags(909_090, 16);
    const errs = validate(props);
    const contributed = 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema';
    assert.equal(errs.length, 5);
    for (const e of errs.slice(0, 4)) {
      assert.equal(e.type, 'FieldValueForbidden');
      assert.match(e.field, /^spec\.validation\.openAPIV3Schema\.properties\[spec\]\.properties\[t\d+\]\.x-kubernetes-validations\[0\]\.rule$/);
      assert.equal(e.detail, contributed);
    }
    assert.deepEqual(errs[4], { type: 'FieldValueForbidden', field: 'spec.validation.openAPIV3Schema', detail: `x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of 1.099999x ${HINT}` });
  });

  test('an expensive messageExpression is Forbidden at messageExpression', () => {
    const errs = validate({ tags: { type: 'array', maxItems: 10, items: { type: 'string', maxLength: 10 }, 'x-kubernetes-validations': [{ rule: 'true', messageExpression: "self.map(x, x + self.join(',')).join(',')" }] } });
    assert.equal(errs[0]!.field, 'spec.validation.openAPIV3Schema.properties[spec].properties[tags].x-kubernetes-validations[0].messageExpression');
    assert.match(String(errs[0]!.detail), /^estimated messageExpression cost exceeds budget by factor of /);
  });

  test('on update, an unchanged schema is not checked per expression again; the total still is', () => {
    const old = crd({ type: 'object', properties: { tags: tags() } });
    const now = structuredClone(old);
    (now.metadata as Record<string, unknown>).labels = { a: 'b' };
    const errs = validateCustomResourceDefinitionUpdate(now as never, old as never, { ruleCompiler: celRuleCompiler });
    assert.deepEqual(errs.map((e) => e.detail), [
      'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema',
      `x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds budget by factor of more than 100x ${HINT}`,
    ]);
    const changed = crd({ type: 'object', properties: { tags: tags(), other: { type: 'string' } } });
    const errs2 = validateCustomResourceDefinitionUpdate(changed as never, old as never, { ruleCompiler: celRuleCompiler });
    assert.equal(errs2[0]!.detail, `estimated rule cost exceeds budget by factor of more than 100x ${HINT}`);
  });
});
