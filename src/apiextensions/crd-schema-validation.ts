// ValidateCustomResourceDefinitionOpenAPISchema: the per-node rules of a CRD schema (unsupported keywords,
// defaults where they are forbidden, list/map types, x-kubernetes-validations), schema errors before CEL errors.
import { type FieldError, forbiddenField, invalid, notSupported, required } from '../apimachinery/errors.js';
import { child, index, key } from './field-path.js';
import { validFieldPath } from './field-path-jsonpath.js';
import { newStructural } from './structural.js';
import type { JSONSchemaProps, Structural, ValidationRule } from './types.js';
import { type Cardinality, childCardinality, expressionCost, perExpressionCostError, type TotalCost } from './cel-cost.js';

/** The outcome of compiling one x-kubernetes-validations rule (from the CEL module). */
export interface RuleCompileResult {
  /** The compile error's detail; `required` makes it a Required error (upstream's ErrorTypeRequired). */
  error?: string;
  errorType?: 'invalid' | 'required';
  messageExpressionError?: string;
  usesOldSelf?: boolean;
  /** The rule's estimated maximum cost (cel-go's estimate) and its worst-case cardinality from the request size. */
  maxCost?: bigint;
  maxCardinality?: bigint;
  /** The messageExpression's estimated maximum cost. */
  messageExpressionMaxCost?: bigint;
}

/** Compiles a rule against the schema of the node carrying it: an error text, nothing, or a full result. */
/** isResourceRoot: the schema root or an embedded resource, where `self` has apiVersion, kind and metadata. */
export type RuleCompiler = (rule: ValidationRule, schemaAtPath: Structural, isResourceRoot?: boolean) => string | undefined | RuleCompileResult;

const OPENAPI_V3_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const META_FIELDS = new Set(['metadata', 'kind', 'apiVersion']);
const REASONS = ['FieldValueDuplicate', 'FieldValueForbidden', 'FieldValueInvalid', 'FieldValueRequired'];
const NEWLINE = /[\n\r]+/;

interface Ssv {
  allowDefaults: boolean;
  disallowDefaultsReason: string;
  insideResourceMeta: boolean;
  requireValidPropertyType: boolean;
  uncorrelatablePath?: string;
}

export interface SchemaRuleOptions {
  requireAtomicSetType: boolean;
  requireMapListKeysMapSetValidation: boolean;
  ruleCompiler?: RuleCompiler;
  /** Whether the whole schema is structural (CEL rules are compiled only then). */
  celEnabled: boolean;
  /** Update of a version whose schema is unchanged: per-expression cost limits are not checked again. */
  suppressPerExpressionCost?: boolean;
  /** Accumulates the estimated cost of every rule of the schema. */
  totalCost?: TotalCost;
}

interface Errs {
  schema: FieldError[];
  cel: FieldError[];
}

function standard(s: JSONSchemaProps, p: string, v: Ssv): FieldError[] {
  const errs: FieldError[] = [];
  if (v.requireValidPropertyType && s.type && !OPENAPI_V3_TYPES.includes(s.type)) errs.push(notSupported(child(p, 'type'), s.type, OPENAPI_V3_TYPES));
  if (s.default !== undefined && !v.allowDefaults) errs.push(forbiddenField(child(p, 'default'), v.disallowDefaultsReason ? `must not be set ${v.disallowDefaultsReason}` : 'must not be set'));
  if (s.id) errs.push(forbiddenField(child(p, 'id'), 'id is not supported'));
  if (s.additionalItems !== undefined) errs.push(forbiddenField(child(p, 'additionalItems'), 'additionalItems is not supported'));
  if (s.patternProperties && Object.keys(s.patternProperties).length) errs.push(forbiddenField(child(p, 'patternProperties'), 'patternProperties is not supported'));
  if (s.definitions && Object.keys(s.definitions).length) errs.push(forbiddenField(child(p, 'definitions'), 'definitions is not supported'));
  if (s.dependencies) errs.push(forbiddenField(child(p, 'dependencies'), 'dependencies is not supported'));
  if (s.$ref !== undefined) errs.push(forbiddenField(child(p, '$ref'), '$ref is not supported'));
  if (s.type === 'null') errs.push(forbiddenField(child(p, 'type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items) && s.items.length) errs.push(forbiddenField(child(p, 'items'), 'items must be a schema object and not an array'));
  if (v.insideResourceMeta && s['x-kubernetes-embedded-resource']) errs.push(forbiddenField(child(p, 'x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  return errs;
}

function mapListKeysMapSet(s: JSONSchemaProps, p: string): FieldError[] {
  const items = s.items;
  if (!items || Array.isArray(items)) return [];
  const lt = s['x-kubernetes-list-type'];
  if (lt !== 'set' && lt !== 'map') return [];
  const errs: FieldError[] = [];
  if (items.nullable) errs.push(forbiddenField(child(p, 'items', 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${lt}`));
  if (lt === 'map') {
    const req = new Set(items.required ?? []);
    for (const k of s['x-kubernetes-list-map-keys'] ?? []) {
      const prop = items.properties?.[k];
      if (!prop) continue;
      if (!req.has(k) && (prop.default === undefined || prop.default === null))
        errs.push(required(child(key(child(p, 'items', 'properties'), k), 'default'), 'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property'));
      if (prop.nullable) errs.push(forbiddenField(child(key(child(p, 'items', 'properties'), k), 'nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'));
    }
  }
  return errs;
}

/** Whether any node (through items, properties, allOf...) satisfies `pred`. */
export function schemaHas(s: JSONSchemaProps | undefined, pred: (s: JSONSchemaProps) => boolean): boolean {
  if (!s || typeof s !== 'object') return false;
  if (pred(s)) return true;
  const kids: (JSONSchemaProps | undefined)[] = [];
  if (Array.isArray(s.items)) kids.push(...s.items);
  else kids.push(s.items);
  kids.push(...(s.allOf ?? []), ...(s.anyOf ?? []), ...(s.oneOf ?? []), s.not, ...Object.values(s.properties ?? {}), ...Object.values(s.patternProperties ?? {}), ...Object.values(s.definitions ?? {}));
  if (typeof s.additionalProperties === 'object') kids.push(s.additionalProperties);
  if (typeof s.additionalItems === 'object') kids.push(s.additionalItems);
  for (const d of Object.values(s.dependencies ?? {})) if (!Array.isArray(d)) kids.push(d);
  return kids.some((k) => schemaHas(k, pred));
}

/** Whether a set list's items are not atomic (object items without map-type atomic, array items not atomic). */
export function hasNonAtomicSetType(s: JSONSchemaProps | undefined): boolean {
  return schemaHas(s, (n) => {
    if (n['x-kubernetes-list-type'] !== 'set' || !n.items || Array.isArray(n.items)) return false;
    const is = n.items;
    if (is.type === 'array') return is['x-kubernetes-list-type'] !== undefined && is['x-kubernetes-list-type'] !== 'atomic';
    if (is.type === 'object') return is['x-kubernetes-map-type'] !== 'atomic';
    return false;
  });
}

export const hasInvalidMapListKeysMapSet = (s: JSONSchemaProps | undefined): boolean => schemaHas(s, (n) => mapListKeysMapSet(n, '').length > 0);

function rules(s: JSONSchemaProps, p: string, errs: Errs, v: Ssv, opts: SchemaRuleOptions, card: Cardinality, isRoot: boolean): void {
  const xv = s['x-kubernetes-validations'] ?? [];
  xv.forEach((rule, i) => {
    const rp = index(child(p, 'x-kubernetes-validations'), i);
    const rule_ = (rule.rule ?? '').trim();
    const msg = (rule.message ?? '').trim();
    if (!rule_) errs.schema.push(required(child(rp, 'rule'), 'rule is not specified'));
    else if (rule.message && !msg) errs.schema.push(invalid(child(rp, 'message'), rule.message, 'message must be non-empty if specified'));
    else if (NEWLINE.test(msg)) errs.schema.push(invalid(child(rp, 'message'), rule.message, 'message must not contain line breaks'));
    else if (NEWLINE.test(rule_) && !msg) errs.schema.push(required(child(rp, 'message'), 'message must be specified if rule contains line breaks'));
    if (rule.messageExpression && !rule.messageExpression.trim()) errs.schema.push(required(child(rp, 'messageExpression'), 'messageExpression must be non-empty if specified'));
    if (rule.reason !== undefined && rule.reason !== null && !REASONS.includes(rule.reason)) errs.schema.push(notSupported(child(rp, 'reason'), rule.reason, REASONS));
    if (rule.fieldPath && !rule.fieldPath.trim()) errs.schema.push(invalid(child(rp, 'fieldPath'), rule.fieldPath, 'fieldPath must be non-empty if specified'));
    if (rule.fieldPath && NEWLINE.test(rule.fieldPath)) errs.schema.push(invalid(child(rp, 'fieldPath'), rule.fieldPath, 'fieldPath must not contain line breaks'));
    if (rule.fieldPath) {
      let ss: Structural | undefined;
      try {
        ss = newStructural(s);
      } catch {
        ss = undefined;
      }
      if (ss && 'error' in validFieldPath(rule.fieldPath, ss)) errs.schema.push(invalid(child(rp, 'fieldPath'), rule.fieldPath, 'fieldPath must be a valid path'));
    }
  });
  if (!xv.length || errs.schema.length || !opts.celEnabled || !opts.ruleCompiler) return;
  let ss: Structural;
  try {
    ss = newStructural(s);
  } catch {
    return;
  }
  xv.forEach((rule, i) => {
    const rp = index(child(p, 'x-kubernetes-validations'), i);
    const out = opts.ruleCompiler!(rule, ss, isRoot || !!s['x-kubernetes-embedded-resource']);
    const r: RuleCompileResult = typeof out === 'string' ? { error: out } : (out ?? {});
    const cost = expressionCost(r.maxCost ?? 0n, card, r.maxCardinality ?? 0n);
    const costErr = opts.suppressPerExpressionCost ? undefined : perExpressionCostError(child(rp, 'rule'), 'rule', cost);
    if (costErr) errs.cel.push(costErr);
    opts.totalCost?.observe(child(rp, 'rule'), cost);
    if (r.error !== undefined) errs.cel.push(r.errorType === 'required' ? required(child(rp, 'rule'), r.error) : invalid(child(rp, 'rule'), rule, r.error));
    if (r.messageExpressionError !== undefined) errs.cel.push(invalid(child(rp, 'messageExpression'), rule, r.messageExpressionError));
    else if (rule.messageExpression && r.messageExpressionMaxCost !== undefined) {
      const mp = child(rp, 'messageExpression');
      const mErr = opts.suppressPerExpressionCost ? undefined : perExpressionCostError(mp, 'messageExpression', r.messageExpressionMaxCost);
      if (mErr) errs.cel.push(mErr);
      opts.totalCost?.observe(mp, r.messageExpressionMaxCost);
    }
    if (r.usesOldSelf) {
      if (v.uncorrelatablePath !== undefined) errs.cel.push(invalid(child(rp, 'rule'), rule.rule, `oldSelf cannot be used on the uncorrelatable portion of the schema within ${v.uncorrelatablePath}`));
    } else if (r.usesOldSelf === false && rule.optionalOldSelf !== undefined && rule.optionalOldSelf !== null)
      errs.cel.push(invalid(child(rp, 'optionalOldSelf'), rule.optionalOldSelf, 'may not be set if oldSelf is not used in rule'));
  });
}

function walk(s: JSONSchemaProps | undefined, p: string, v: Ssv, isRoot: boolean, opts: SchemaRuleOptions, card: Cardinality = null): Errs {
  const errs: Errs = { schema: [], cel: [] };
  if (!s || typeof s !== 'object') return errs;
  const add = (e: Errs) => {
    errs.schema.push(...e.schema);
    errs.cel.push(...e.cel);
  };
  errs.schema.push(...standard(s, p, v));
  if (s.uniqueItems) errs.schema.push(forbiddenField(child(p, 'uniqueItems'), 'uniqueItems cannot be set to true since the runtime complexity becomes quadratic'));
  const ap = s.additionalProperties;
  if (ap !== undefined && ap !== null) {
    if (s.properties && Object.keys(s.properties).length && (ap === false || typeof ap === 'object'))
      errs.schema.push(forbiddenField(child(p, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'));
    const sub = v.insideResourceMeta ? { ...v, allowDefaults: false, disallowDefaultsReason: 'inside additionalProperties applying to object metadata' } : v;
    if (typeof ap === 'object') add(walk(ap, child(p, 'additionalProperties'), sub, false, opts, childCardinality(s, card)));
  }
  const mapType = s['x-kubernetes-map-type'];
  for (const [name, prop] of Object.entries(s.properties ?? {})) {
    let sub = v;
    if (mapType !== undefined && mapType !== 'granular' && sub.uncorrelatablePath === undefined) sub = { ...sub, uncorrelatablePath: p };
    if ((isRoot || s['x-kubernetes-embedded-resource']) && META_FIELDS.has(name)) {
      sub = { ...sub, insideResourceMeta: true };
      if (isRoot) sub = { ...sub, allowDefaults: false, disallowDefaultsReason: `in top-level ${name}` };
    }
    add(walk(prop, key(child(p, 'properties'), name), sub, false, opts, childCardinality(s, card)));
  }
  add(walk(s.not, child(p, 'not'), v, false, opts));
  (s.allOf ?? []).forEach((x, i) => add(walk(x, index(child(p, 'allOf'), i), v, false, opts)));
  (s.oneOf ?? []).forEach((x, i) => add(walk(x, index(child(p, 'oneOf'), i), v, false, opts)));
  (s.anyOf ?? []).forEach((x, i) => add(walk(x, index(child(p, 'anyOf'), i), v, false, opts)));
  for (const [name, d] of Object.entries(s.definitions ?? {})) add(walk(d, key(child(p, 'definitions'), name), v, false, opts));
  const lt = s['x-kubernetes-list-type'];
  if (s.items !== undefined && s.items !== null) {
    const sub = lt !== 'map' && v.uncorrelatablePath === undefined ? { ...v, uncorrelatablePath: p } : v;
    if (Array.isArray(s.items)) s.items.forEach((x, i) => add(walk(x, index(child(p, 'items'), i), sub, false, opts)));
    else add(walk(s.items, child(p, 'items'), sub, false, opts, childCardinality(s, card)));
  }
  for (const [name, d] of Object.entries(s.dependencies ?? {})) if (!Array.isArray(d)) add(walk(d, key(child(p, 'dependencies'), name), v, false, opts));
  if (s['x-kubernetes-preserve-unknown-fields'] === false) errs.schema.push(invalid(child(p, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  if (mapType !== undefined && s.type !== 'object') {
    if (!s.type) errs.schema.push(required(child(p, 'type'), 'must be object if x-kubernetes-map-type is specified'));
    else errs.schema.push(invalid(child(p, 'type'), s.type, 'must be object if x-kubernetes-map-type is specified'));
  }
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular') errs.schema.push(notSupported(child(p, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  const items = s.items && !Array.isArray(s.items) ? s.items : undefined;
  if (lt !== undefined && s.type !== 'array') {
    if (!s.type) errs.schema.push(required(child(p, 'type'), 'must be array if x-kubernetes-list-type is specified'));
    else errs.schema.push(invalid(child(p, 'type'), s.type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (opts.requireAtomicSetType && lt === 'set' && items) {
    if (items.type === 'array' && items['x-kubernetes-list-type'] !== undefined && items['x-kubernetes-list-type'] !== 'atomic')
      errs.schema.push(invalid(child(p, 'items', 'x-kubernetes-list-type'), items['x-kubernetes-list-type'], 'must be atomic as item of a list with x-kubernetes-list-type=set'));
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic')
      errs.schema.push(invalid(child(p, 'items', 'x-kubernetes-map-type'), items['x-kubernetes-list-type'] ?? null, 'must be atomic as item of a list with x-kubernetes-list-type=set'));
  }
  if (lt !== undefined && lt !== 'atomic' && lt !== 'set' && lt !== 'map') errs.schema.push(notSupported(child(p, 'x-kubernetes-list-type'), lt, ['atomic', 'set', 'map']));
  const keys = s['x-kubernetes-list-map-keys'] ?? [];
  if (keys.length) {
    if (lt === undefined) errs.schema.push(required(child(p, 'x-kubernetes-list-type'), 'must be map if x-kubernetes-list-map-keys is non-empty'));
    else if (lt !== 'map') errs.schema.push(invalid(child(p, 'x-kubernetes-list-type'), lt, 'must be map if x-kubernetes-list-map-keys is non-empty'));
  }
  if (lt === 'map') {
    if (!keys.length) errs.schema.push(required(child(p, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
    if (s.items === undefined || s.items === null) errs.schema.push(required(child(p, 'items'), 'must have a schema if x-kubernetes-list-type is map'));
    if (Array.isArray(s.items)) errs.schema.push(invalid(child(p, 'items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'));
    if (items && items.type !== 'object') errs.schema.push(invalid(child(p, 'items', 'type'), items.type ?? '', "must be object if parent array's x-kubernetes-list-type is map"));
    if (items && items.type === 'object') {
      const seen = new Set<string>();
      for (const k of keys) {
        const kp = items.properties?.[k];
        if (kp) {
          if (kp.type === 'array' || kp.type === 'object')
            errs.schema.push(invalid(child(key(child(p, 'items', 'properties'), k), 'type'), items.type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        } else errs.schema.push(invalid(child(p, 'x-kubernetes-list-map-keys'), keys, 'entries must all be names of item properties'));
        if (seen.has(k)) errs.schema.push(invalid(child(p, 'x-kubernetes-list-map-keys'), keys, 'must not contain duplicate entries'));
        seen.add(k);
      }
    }
  }
  if (opts.requireMapListKeysMapSetValidation) errs.schema.push(...mapListKeysMapSet(s, p));
  rules(s, p, errs, v, opts, card, isRoot);
  return errs;
}

/** All per-node errors of a CRD version schema: schema errors first, then CEL compile errors. */
export function validateOpenAPISchema(s: JSONSchemaProps, p: string, opts: SchemaRuleOptions & { allowDefaults: boolean; requireValidPropertyType: boolean }): FieldError[] {
  const e = walk(s, p, { allowDefaults: opts.allowDefaults, disallowDefaultsReason: '', insideResourceMeta: false, requireValidPropertyType: opts.requireValidPropertyType }, true, opts, 1n);
  return [...e.schema, ...e.cel];
}
