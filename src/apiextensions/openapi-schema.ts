// The kube-openapi spec.Schema a validator runs against, built either from a CRD's JSONSchemaProps (as the
// custom resource handler does: unsupported formats stripped, int-or-string typed) or from a structural schema.
import { normalizeFormat, SUPPORTED_FORMATS } from './formats.js';
import type { JSONSchemaProps, Structural } from './types.js';

export interface OASchema {
  type?: string[];
  nullable?: boolean;
  format?: string;
  enum?: unknown[];
  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  multipleOf?: number;
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  items?: OASchema;
  allOf?: OASchema[];
  oneOf?: OASchema[];
  anyOf?: OASchema[];
  not?: OASchema;
  properties?: Record<string, OASchema>;
  additionalProperties?: { allows: boolean; schema?: OASchema };
  patternProperties?: Record<string, OASchema>;
}

const VALUE_KEYS = ['enum', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'maxProperties', 'minProperties', 'required'] as const;

/** NewSchemaValidator's conversion of a CRD schema (StripUnsupportedFormatsPostProcess applied). */
export function fromJSONSchemaProps(s: JSONSchemaProps): OASchema {
  const o: OASchema = {};
  if (s.type) o.type = [s.type];
  if (s['x-kubernetes-int-or-string']) o.type = ['integer', 'string'];
  if (s.nullable) o.nullable = true;
  if (s.format && SUPPORTED_FORMATS.has(normalizeFormat(s.format))) o.format = s.format;
  for (const k of VALUE_KEYS) if (s[k] !== undefined && s[k] !== null) (o as Record<string, unknown>)[k] = s[k];
  if (s.allOf) o.allOf = s.allOf.map(fromJSONSchemaProps);
  if (s.oneOf) o.oneOf = s.oneOf.map(fromJSONSchemaProps);
  if (s.anyOf) o.anyOf = s.anyOf.map(fromJSONSchemaProps);
  if (s.not) o.not = fromJSONSchemaProps(s.not);
  if (s.properties) o.properties = Object.fromEntries(Object.entries(s.properties).map(([k, v]) => [k, fromJSONSchemaProps(v)]));
  if (s.patternProperties) o.patternProperties = Object.fromEntries(Object.entries(s.patternProperties).map(([k, v]) => [k, fromJSONSchemaProps(v)]));
  if (s.additionalProperties !== undefined && s.additionalProperties !== null)
    o.additionalProperties = typeof s.additionalProperties === 'object' ? { allows: true, schema: fromJSONSchemaProps(s.additionalProperties) } : { allows: s.additionalProperties };
  if (s.items && !Array.isArray(s.items)) o.items = fromJSONSchemaProps(s.items);
  return o;
}

/** Structural.ToKubeOpenAPI: what defaults are validated against (formats kept, int-or-string untyped). */
export function fromStructural(s: Structural): OASchema {
  const o: OASchema = {};
  if (s.type) o.type = [s.type];
  if (s.nullable) o.nullable = true;
  const v = s.valueValidation ?? {};
  if (v.format) o.format = v.format;
  for (const k of VALUE_KEYS) if (v[k] !== undefined) (o as Record<string, unknown>)[k] = v[k];
  const nested = (n: import('./types.js').NestedValueValidation): OASchema => {
    const r: OASchema = {};
    if (n.format) r.format = n.format;
    for (const k of VALUE_KEYS) if (n[k] !== undefined) (r as Record<string, unknown>)[k] = n[k];
    if (n.allOf) r.allOf = n.allOf.map(nested);
    if (n.oneOf) r.oneOf = n.oneOf.map(nested);
    if (n.anyOf) r.anyOf = n.anyOf.map(nested);
    if (n.not) r.not = nested(n.not);
    if (n.items) r.items = nested(n.items);
    if (n.properties) r.properties = Object.fromEntries(Object.entries(n.properties).map(([k, p]) => [k, nested(p)]));
    if (n.additionalProperties) r.additionalProperties = { allows: true, schema: nested(n.additionalProperties) };
    if (n.forbiddenGenerics.type) r.type = [n.forbiddenGenerics.type];
    return r;
  };
  if (v.allOf) o.allOf = v.allOf.map(nested);
  if (v.oneOf) o.oneOf = v.oneOf.map(nested);
  if (v.anyOf) o.anyOf = v.anyOf.map(nested);
  if (v.not) o.not = nested(v.not);
  if (s.items) o.items = fromStructural(s.items);
  if (s.properties) o.properties = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, fromStructural(p)]));
  if (s.additionalProperties) o.additionalProperties = { allows: s.additionalProperties.allows, schema: s.additionalProperties.schema && fromStructural(s.additionalProperties.schema) };
  return o;
}
