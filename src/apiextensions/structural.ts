// NewStructural: a v1 openAPIV3Schema converted into upstream's structural schema, value validations split off
// into allOf/anyOf/oneOf/not. Throws with upstream's message for constructs a structural schema cannot hold.
import type { Extensions, Generic, JSONSchemaProps, NestedValueValidation, Structural, ValueValidation } from './types.js';

function unsupported(s: JSONSchemaProps): void {
  if (s.id) throw new Error("OpenAPIV3Schema 'id' is not supported");
  if (s.$schema) throw new Error("OpenAPIV3Schema 'schema' is not supported");
  if (s.$ref) throw new Error("OpenAPIV3Schema '$ref' is not supported");
  if (s.patternProperties && Object.keys(s.patternProperties).length) throw new Error("OpenAPIV3Schema 'patternProperties' is not supported");
  if (s.dependencies && Object.keys(s.dependencies).length) throw new Error("OpenAPIV3Schema 'dependencies' is not supported");
  if (s.additionalItems !== undefined && s.additionalItems !== null) throw new Error("OpenAPIV3Schema 'additionalItems' is not supported");
  if (s.definitions && Object.keys(s.definitions).length) throw new Error("OpenAPIV3Schema 'definitions' is not supported");
}

function generics(s: JSONSchemaProps): Generic {
  const g: Generic = {};
  if (s.type) g.type = s.type;
  if (s.description) g.description = s.description;
  if (s.title) g.title = s.title;
  if (s.nullable) g.nullable = true;
  if (s.default !== undefined && s.default !== null) g.default = s.default;
  return g;
}

function extensions(s: JSONSchemaProps): Extensions {
  const x: Extensions = {};
  if (s['x-kubernetes-embedded-resource']) x.xEmbeddedResource = true;
  if (s['x-kubernetes-int-or-string']) x.xIntOrString = true;
  if (s['x-kubernetes-list-map-keys']) x.xListMapKeys = s['x-kubernetes-list-map-keys'];
  if (s['x-kubernetes-list-type'] !== undefined) x.xListType = s['x-kubernetes-list-type'];
  if (s['x-kubernetes-map-type'] !== undefined) x.xMapType = s['x-kubernetes-map-type'];
  const p = s['x-kubernetes-preserve-unknown-fields'];
  if (p === false) throw new Error("internal error: 'x-kubernetes-preserve-unknown-fields' must be true or undefined");
  if (p === true) x.xPreserveUnknownFields = true;
  return x;
}

function valueValidation(s: JSONSchemaProps): ValueValidation {
  const v: ValueValidation = {};
  const copy = ['format', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'maxProperties', 'minProperties'] as const;
  for (const k of copy) if (s[k] !== undefined && s[k] !== null && s[k] !== false && s[k] !== '') (v as Record<string, unknown>)[k] = s[k];
  if (s.required) v.required = s.required;
  if (s.enum?.length) v.enum = s.enum;
  if (s.not) v.not = nested(s.not);
  if (s.allOf?.length) v.allOf = s.allOf.map(nested);
  if (s.anyOf?.length) v.anyOf = s.anyOf.map(nested);
  if (s.oneOf?.length) v.oneOf = s.oneOf.map(nested);
  return v;
}

function nested(s: JSONSchemaProps): NestedValueValidation {
  unsupported(s);
  const v: NestedValueValidation = { ...valueValidation(s), forbiddenGenerics: generics(s), forbiddenExtensions: extensions(s) };
  if (s['x-kubernetes-validations']?.length) v.xValidations = s['x-kubernetes-validations'];
  if (s.items !== undefined && s.items !== null) {
    if (Array.isArray(s.items)) throw new Error("OpenAPIV3Schema 'items' must be a schema, but is an array");
    v.items = nested(s.items);
  }
  if (s.properties) v.properties = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, nested(p)]));
  if (s.additionalProperties !== undefined && s.additionalProperties !== null) {
    if (typeof s.additionalProperties === 'object') v.additionalProperties = nested(s.additionalProperties);
    else if (s.additionalProperties) v.additionalProperties = { forbiddenGenerics: {}, forbiddenExtensions: {} };
  }
  return v;
}

/** The structural schema of a v1 openAPIV3Schema (upstream's NewStructural). */
export function newStructural(s: JSONSchemaProps): Structural {
  unsupported(s);
  const ss: Structural = { ...generics(s), ...extensions(s), valueValidation: valueValidation(s) };
  if (s['x-kubernetes-validations']?.length) ss.xValidations = s['x-kubernetes-validations'];
  if (s.items !== undefined && s.items !== null) {
    if (Array.isArray(s.items)) throw new Error("OpenAPIV3Schema 'items' must be a schema, but is an array");
    ss.items = newStructural(s.items);
  }
  if (s.properties && Object.keys(s.properties).length) ss.properties = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, newStructural(p)]));
  if (s.additionalProperties !== undefined && s.additionalProperties !== null) {
    if (typeof s.additionalProperties === 'object') ss.additionalProperties = { schema: newStructural(s.additionalProperties), allows: true };
    else ss.additionalProperties = { allows: s.additionalProperties };
  }
  return ss;
}

/** Whether a value validation holds nothing (upstream compares against the zero struct). */
export function isEmptyValueValidation(v: ValueValidation | undefined): boolean {
  return !v || Object.keys(v).length === 0;
}
