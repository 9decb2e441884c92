// kube-openapi's SchemaValidator (pkg/validation/validate) for decoded JSON: the same checks, order, paths
// ("spec.replicas", "spec.items[0].name") and messages ("<path> in body must be of type integer: \"string\"").
import { compileGoRegexp } from './go-regexp.js';
import { goFloat, goValue } from './go-format.js';
import { isKnownFormat, validatesFormat } from './formats.js';
import type { OASchema } from './openapi-schema.js';

export type OpenAPIErrorCode =
  | 'InvalidType' | 'Required' | 'TooLong' | 'TooShort' | 'Pattern' | 'Enum' | 'MultipleOf' | 'Max' | 'Min' | 'Unique'
  | 'MaxItems' | 'MinItems' | 'TooFewProperties' | 'TooManyProperties' | 'UnallowedProperty' | 'Composite';

/** One kube-openapi error: a `*errors.Validation` (name, value...) or a composite message with no name. */
export interface OpenAPIError {
  code: OpenAPIErrorCode;
  name?: string;
  message: string;
  value?: unknown;
  valid?: number;
  values?: unknown[];
}

interface Result {
  errors: OpenAPIError[];
  matchCount: number;
}

const IN = 'body';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const merge = (r: Result, o: Result | undefined) => {
  if (!o) return;
  r.errors.push(...o.errors);
  r.matchCount += o.matchCount;
};
const err = (e: OpenAPIError): Result => ({ errors: [e], matchCount: 0 });

/** The kube-openapi type name of a decoded JSON value and the format it implies. */
function typeOf(v: unknown): [string, string] {
  if (typeof v === 'boolean') return ['boolean', ''];
  if (typeof v === 'string') return ['string', ''];
  if (typeof v === 'number') return Number.isInteger(v) ? ['integer', 'int64'] : ['number', 'float64'];
  if (Array.isArray(v)) return ['array', ''];
  return ['object', ''];
}

function invalidType(name: string, typeName: string, value: unknown): OpenAPIError {
  const message = typeof value === 'string' ? `${name} in ${IN} must be of type ${typeName}: ${JSON.stringify(value)}` : `${name} in ${IN} must be of type ${typeName}`;
  return { code: 'InvalidType', name, message, value };
}

function typeCheck(s: OASchema, path: string, data: unknown): Result | undefined {
  const types = s.type ?? [];
  if (data === null || data === undefined) {
    if (types.length && !types.includes('null') && !s.nullable) return err(invalidType(path, types.join(','), 'null'));
    return undefined;
  }
  const [schType, format] = typeOf(data);
  const isString = typeof data === 'string';
  const isSlice = Array.isArray(data);
  const isIntFloat = schType === 'integer' && types.includes('number');
  const isLowerInt = s.format === 'int64' && format === 'int32';
  if (!isString && !isSlice && s.format && !(types.includes(schType) || format === s.format || isIntFloat || isLowerInt)) return err(invalidType(path, s.format, format));
  if (!(types.includes('number') || types.includes('integer')) && s.format && (isString || isSlice)) return undefined;
  if (!(types.includes(schType) || isIntFloat)) return err(invalidType(path, types.join(','), schType));
  return undefined;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function enumCheck(s: OASchema, path: string, data: unknown): Result | undefined {
  if (!s.enum?.length) return undefined;
  if (s.enum.some((e) => deepEqual(data, e))) return undefined;
  return err({ code: 'Enum', name: path, message: `${path} in ${IN} should be one of [${s.enum.map(goValue).join(' ')}]`, value: data, values: s.enum });
}

function stringCheck(s: OASchema, path: string, data: string): Result | undefined {
  const len = [...data].length;
  if (s.maxLength !== undefined && len > s.maxLength) return err({ code: 'TooLong', name: path, message: `${path} in ${IN} should be at most ${s.maxLength} chars long`, value: data, valid: s.maxLength });
  if (s.minLength !== undefined && len < s.minLength) return err({ code: 'TooShort', name: path, message: `${path} in ${IN} should be at least ${s.minLength} chars long`, value: data, valid: s.minLength });
  if (s.pattern) {
    const re = compileGoRegexp(s.pattern);
    if (typeof re === 'string') return err({ code: 'Pattern', name: path, message: `${path} in ${IN} should match '${s.pattern}, but pattern is invalid: ${re}'`, value: data });
    if (!re.test(data)) return err({ code: 'Pattern', name: path, message: `${path} in ${IN} should match '${s.pattern}'`, value: data });
  }
  return undefined;
}

function formatCheck(s: OASchema, path: string, data: string): Result | undefined {
  if (validatesFormat(s.format!, data)) return undefined;
  return err(invalidType(path, s.format!, data));
}

function numberCheck(s: OASchema, path: string, data: number): Result {
  const r: Result = { errors: [], matchCount: 0 };
  const isInt = Number.isInteger(data);
  const fmt = (v: number) => (isInt ? String(Math.trunc(v)) : goFloat(v));
  if (s.multipleOf !== undefined) {
    const f = s.multipleOf;
    let bad: boolean;
    if (isInt && Number.isInteger(f) && f !== 0) bad = data % f !== 0;
    else {
      const mult = f < 1 ? (1 / f) * data : data / f;
      bad = Math.abs(mult - Math.round(mult)) >= 1e-9;
    }
    if (bad) r.errors.push({ code: 'MultipleOf', name: path, message: `${path} in ${IN} should be a multiple of ${goFloat(f)}`, value: data });
  }
  if (s.minimum !== undefined) {
    const min = isInt ? Math.trunc(s.minimum) : s.minimum;
    const ex = !!s.exclusiveMinimum;
    if ((!ex && data < min) || (ex && data <= min))
      r.errors.push({ code: 'Min', name: path, message: `${path} in ${IN} should be greater than ${ex ? '' : 'or equal to '}${fmt(min)}`, value: data });
  }
  if (s.maximum !== undefined) {
    const max = isInt ? Math.trunc(s.maximum) : s.maximum;
    const ex = !!s.exclusiveMaximum;
    if ((!ex && data > max) || (ex && data >= max))
      r.errors.push({ code: 'Max', name: path, message: `${path} in ${IN} should be less than ${ex ? '' : 'or equal to '}${fmt(max)}`, value: data });
  }
  r.matchCount++;
  return r;
}

function sliceCheck(s: OASchema, path: string, data: unknown[]): Result {
  const r: Result = { errors: [], matchCount: 0 };
  if (s.items) data.forEach((v, i) => merge(r, validateAt(s.items!, `${path}[${i}]`, v)));
  const size = data.length;
  if (s.minItems !== undefined && size < s.minItems) r.errors.push({ code: 'MinItems', name: path, message: `${path} in ${IN} should have at least ${s.minItems} items`, value: size, valid: s.minItems });
  if (s.maxItems !== undefined && size > s.maxItems) r.errors.push({ code: 'MaxItems', name: path, message: `${path} in ${IN} should have at most ${s.maxItems} items`, value: size, valid: s.maxItems });
  if (s.uniqueItems && data.some((v, i) => data.slice(0, i).some((u) => deepEqual(u, v)))) r.errors.push({ code: 'Unique', name: path, message: `${path} in ${IN} shouldn't contain duplicates` });
  r.matchCount++;
  return r;
}

function objectCheck(s: OASchema, path: string, data: Record<string, unknown>): Result {
  const r: Result = { errors: [], matchCount: 0 };
  const n = Object.keys(data).length;
  if (s.minProperties !== undefined && n < s.minProperties) r.errors.push({ code: 'TooFewProperties', name: path, message: `${path} in ${IN} should have at least ${s.minProperties} properties`, value: n, valid: s.minProperties });
  if (s.maxProperties !== undefined && n > s.maxProperties) r.errors.push({ code: 'TooManyProperties', name: path, message: `${path} in ${IN} should have at most ${s.maxProperties} properties`, value: n, valid: s.maxProperties });
  const props = s.properties ?? {};
  const patterns = Object.entries(s.patternProperties ?? {});
  const matching = (k: string) => patterns.filter(([p]) => {
    const re = compileGoRegexp(p);
    return typeof re !== 'string' && re.test(k);
  });
  const sub = (k: string) => (path ? `${path}.${k}` : k);
  if (s.additionalProperties && !s.additionalProperties.allows) {
    for (const k of Object.keys(data))
      if (!(k in props) && !matching(k).length) r.errors.push({ code: 'UnallowedProperty', name: path, message: `${path}.${k} in ${IN} is a forbidden property`, value: k });
  } else {
    for (const [k, v] of Object.entries(data)) {
      const pats = matching(k);
      for (const [, ps] of pats) merge(r, validateAt(ps, `${path}.${k}`, v));
      if (!(k in props) && !pats.length && s.additionalProperties?.schema) merge(r, validateAt(s.additionalProperties.schema, `${path}.${k}`, v));
    }
  }
  for (const [k, ps] of Object.entries(props)) if (k in data) merge(r, validateAt(ps, sub(k), data[k]));
  for (const k of s.required ?? []) if (!(k in data)) r.errors.push({ code: 'Required', name: `${path}.${k}`, message: `${path}.${k} in ${IN} is required` });
  for (const [k, v] of Object.entries(data)) {
    if (k in props) continue;
    for (const [, ps] of matching(k)) merge(r, validateAt(ps, `${path}.${k}`, v));
  }
  return r;
}

const composite = (message: string): OpenAPIError => ({ code: 'Composite', message });

function propsCheck(s: OASchema, path: string, data: unknown): Result {
  const main: Result = { errors: [], matchCount: 0 };
  if (s.anyOf?.length) {
    let best: Result | undefined;
    let first: Result | undefined;
    let ok = false;
    for (const a of s.anyOf) {
      const r = validateAt(a, path, data);
      if (!r.errors.length) {
        best = undefined;
        ok = true;
        first ??= r;
        break;
      }
      if (!best || r.matchCount > best.matchCount) best = r;
    }
    if (!ok) main.errors.push(composite(`${JSON.stringify(path)} must validate at least one schema (anyOf)`));
    merge(main, best ?? first);
  }
  if (s.oneOf?.length) {
    let best: Result | undefined;
    let first: Result | undefined;
    let validated = 0;
    for (const o of s.oneOf) {
      const r = validateAt(o, path, data);
      if (!r.errors.length) {
        validated++;
        best = undefined;
        first ??= r;
        continue;
      }
      if (validated === 0 && (!best || r.matchCount > best.matchCount)) best = r;
    }
    if (validated !== 1) {
      main.errors.push(composite(`${JSON.stringify(path)} must validate one and only one schema (oneOf). ${validated === 0 ? 'Found none valid' : `Found ${validated} valid alternatives`}`));
      merge(main, best);
    } else merge(main, first);
  }
  if (s.allOf?.length) {
    let validated = 0;
    for (const a of s.allOf) {
      const r = validateAt(a, path, data);
      if (!r.errors.length) validated++;
      merge(main, r);
    }
    if (validated !== s.allOf.length) main.errors.push(composite(`${JSON.stringify(path)} must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}`));
  }
  if (s.not && !validateAt(s.not, path, data).errors.length) main.errors.push(composite(`${JSON.stringify(path)} must not validate the schema (not)`));
  main.matchCount++;
  return main;
}

/** SchemaValidator.Validate at a path ("" at the root). */
export function validateAt(s: OASchema, path: string, data: unknown): Result {
  const result: Result = { errors: [], matchCount: 0 };
  if (data === null || data === undefined) {
    merge(result, typeCheck(s, path, data));
    merge(result, enumCheck(s, path, data));
    return result;
  }
  const run = (r: Result | undefined) => {
    merge(result, r);
    result.matchCount++;
  };
  if (s.type?.length || s.format) run(typeCheck(s, path, data));
  run(propsCheck(s, path, data));
  if (typeof data === 'string') run(stringCheck(s, path, data));
  if (typeof data === 'string' && s.format && isKnownFormat(s.format)) run(formatCheck(s, path, data));
  if (typeof data === 'number') run(numberCheck(s, path, data));
  if (Array.isArray(data)) run(sliceCheck(s, path, data));
  run(enumCheck(s, path, data));
  if (isObject(data)) run(objectCheck(s, path, data));
  result.matchCount++;
  return result;
}

/** All kube-openapi errors of a value against a schema, in upstream's order. */
export function openAPIValidate(s: OASchema, data: unknown): OpenAPIError[] {
  return validateAt(s, '', data).errors;
}
