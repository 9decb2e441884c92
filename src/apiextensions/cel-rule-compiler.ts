// Compiles x-kubernetes-validations rules with the CEL engine for CRD validation (compile errors only).
import { cel } from '../cel/lazy.js';
import type { StructuralSchema } from '../cel/schema-types.js';
import type { RuleCompileResult, RuleCompiler } from './crd-schema-validation.js';
import type { Structural } from './types.js';

/** The CEL module's schema shape from apiextensions' Structural. */
export function toCelSchema(s: Structural): StructuralSchema {
  const v = s.valueValidation ?? {};
  const out: StructuralSchema = {
    type: s.type,
    format: v.format,
    nullable: s.nullable,
    enum: v.enum,
    required: v.required,
    maxLength: v.maxLength,
    maxItems: v.maxItems,
    maxProperties: v.maxProperties,
    'x-kubernetes-int-or-string': s.xIntOrString,
    'x-kubernetes-preserve-unknown-fields': s.xPreserveUnknownFields,
    'x-kubernetes-embedded-resource': s.xEmbeddedResource,
    'x-kubernetes-list-type': s.xListType,
    'x-kubernetes-list-map-keys': s.xListMapKeys,
    'x-kubernetes-map-type': s.xMapType,
  };
  if (s.properties) out.properties = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, toCelSchema(p)]));
  if (s.items) out.items = toCelSchema(s.items);
  if (s.additionalProperties) out.additionalProperties = s.additionalProperties.schema ? toCelSchema(s.additionalProperties.schema) : s.additionalProperties.allows;
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** A RuleCompiler reporting cel-go's compile errors and estimated costs of the rule and of its messageExpression. */
export const celRuleCompiler: RuleCompiler = (rule, schemaAtPath, isResourceRoot = false) => {
  const { CRD_RULE, compile, estimateCost, maxCardinality } = cel();
  const schema = toCelSchema(schemaAtPath);
  const variables = { self: { schema, isResourceRoot }, oldSelf: { schema, isResourceRoot, optional: !!rule.optionalOldSelf } };
  const result: RuleCompileResult = {};
  const r = compile(rule.rule ?? '', { variables, envType: 'new', ...CRD_RULE });
  if (r.error !== undefined) result.error = r.error;
  else {
    result.usesOldSelf = r.program.referencedVariables.has('oldSelf');
    result.maxCost = estimateCost(r.program).max;
    const decl = r.program.variables.get('self')?.decl;
    result.maxCardinality = decl ? maxCardinality(decl.minSerializedSize) : 0n;
  }
  if (rule.messageExpression) {
    const m = compile(rule.messageExpression, { variables: { self: { schema, isResourceRoot } }, envType: 'new', resultTypes: undefined, errorPrefix: 'messageExpression compilation failed: ' });
    if (m.error !== undefined) result.messageExpressionError = m.error;
    else result.messageExpressionMaxCost = estimateCost(m.program).max;
  }
  return result;
};
