// The component schemas kube-apiserver publishes for a CRD version (controller/openapi/builder): the kind
// schema (the structural schema with apiVersion/kind/metadata added, embedded resources completed) and the
// list schema, named as upstream (`io.cert-manager.v1.Certificate`), for OpenAPI v3 and v2.
import { newStructural } from './structural.js';
import type { Structural } from './types.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const LIST_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
const API_VERSION_DOC = 'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DOC = 'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const EMBEDDED_API_VERSION_DOC = 'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const EMBEDDED_KIND_DOC = 'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const METADATA_DOC = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DOC = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** util.ToRESTFriendlyName of `group/version/kind`: the group's labels reversed (`io.cert-manager.v1.Certificate`). */
export function definitionName(group: string, version: string, kind: string): string {
  const g = group.includes('.') ? group.split('.').reverse().join('.') : group;
  return [g, version, kind].join('.');
}

interface Flavor {
  v2: boolean;
}

const ref = (name: string, f: Flavor) => (f.v2 ? `#/definitions/${name}` : `#/components/schemas/${name}`);
/** A $ref with a description: v2 puts both side by side, v3 wraps the reference in allOf (builder3's WrapRefs). */
const refWithDoc = (name: string, doc: string, f: Flavor): Json => (f.v2 ? { description: doc, $ref: ref(name, f) } : { description: doc, allOf: [{ $ref: ref(name, f) }] });

const VALUE_KEYS = ['maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties', 'minProperties', 'required'] as const;
const FALSE_OMITTED = new Set(['exclusiveMaximum', 'exclusiveMinimum', 'uniqueItems']);

/** Object keys in the order kube-openapi's spec.Schema marshals them: schema props, then x- extensions by name. */
function ordered(o: Json): Json {
  const order = ['description', 'type', 'nullable', 'format', 'title', 'default', ...VALUE_KEYS, 'items', 'allOf', 'oneOf', 'anyOf', 'not', 'properties', 'additionalProperties', '$ref'];
  const out: Json = {};
  for (const k of order) if (o[k] !== undefined) out[k] = o[k];
  for (const k of Object.keys(o).filter((k) => k.startsWith('x-')).sort()) out[k] = o[k];
  return out;
}

function sortedProps(p: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(p).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function valueValidation(v: import('./types.js').ValueValidation, o: Json): void {
  if (v.format) o.format = v.format;
  for (const k of VALUE_KEYS) if (v[k] !== undefined && !(FALSE_OMITTED.has(k) && v[k] === false)) o[k] = v[k];
  if (v.allOf?.length) o.allOf = v.allOf.map(nested);
  if (v.oneOf?.length) o.oneOf = v.oneOf.map(nested);
  if (v.anyOf?.length) o.anyOf = v.anyOf.map(nested);
  if (v.not) o.not = nested(v.not);
}

const INT = { type: 'integer' };
const STR = { type: 'string' };
const isIntOrStringPair = (xs: Json[] | undefined) => xs?.length === 2 && JSON.stringify(xs[0]) === JSON.stringify(INT) && JSON.stringify(xs[1]) === JSON.stringify(STR);

/** Structural.ToKubeOpenAPI of the unfolded schema (v3: int-or-string spelled out as anyOf integer/string; v2 drops junctors). */
function toOpenAPI(s: Structural, f: Flavor): Json {
  const o: Json = {};
  if (s.description) o.description = s.description;
  if (s.type) o.type = s.type;
  if (s.nullable) o.nullable = true;
  if (s.title) o.title = s.title;
  if (s.default !== undefined && s.default !== null) o.default = s.default;
  if (s.valueValidation) valueValidation(s.valueValidation, o);
  if (!f.v2 && s.xIntOrString && !isIntOrStringPair(o.anyOf) && !isIntOrStringPair(o.allOf?.[0]?.anyOf)) {
    if (!o.anyOf) o.anyOf = [{ ...INT }, { ...STR }];
    else o.allOf = [{ anyOf: [{ ...INT }, { ...STR }] }, ...(o.allOf ?? [])];
  }
  if (s.items) o.items = toOpenAPI(s.items, f);
  if (s.properties) o.properties = sortedProps(Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, toOpenAPI(p, f)])));
  if (s.additionalProperties) o.additionalProperties = s.additionalProperties.schema ? toOpenAPI(s.additionalProperties.schema, f) : s.additionalProperties.allows;
  if (s.xPreserveUnknownFields) o['x-kubernetes-preserve-unknown-fields'] = true;
  if (s.xEmbeddedResource) o['x-kubernetes-embedded-resource'] = true;
  if (s.xIntOrString) o['x-kubernetes-int-or-string'] = true;
  if (s.xListMapKeys?.length) o['x-kubernetes-list-map-keys'] = s.xListMapKeys;
  if (s.xListType !== undefined) o['x-kubernetes-list-type'] = s.xListType;
  if (s.xMapType !== undefined) o['x-kubernetes-map-type'] = s.xMapType;
  if (s.xValidations?.length) o['x-kubernetes-validations'] = s.xValidations;
  return ordered(o);
}

function nested(n: import('./types.js').NestedValueValidation): Json {
  const o: Json = {};
  valueValidation(n, o);
  if (n.items) o.items = nested(n.items);
  if (n.properties) o.properties = sortedProps(Object.fromEntries(Object.entries(n.properties).map(([k, p]) => [k, nested(p)])));
  if (n.forbiddenGenerics?.type) o.type = n.forbiddenGenerics.type;
  if (n.xValidations?.length) o['x-kubernetes-validations'] = n.xValidations;
  return ordered(o);
}

function addEmbedded(s: Json, f: Flavor): void {
  for (const p of Object.values((s.properties ?? {}) as Record<string, Json>)) addEmbedded(p, f);
  if (s.items && typeof s.items === 'object') addEmbedded(s.items, f);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') addEmbedded(s.additionalProperties, f);
  if (f.v2 && s['x-kubernetes-preserve-unknown-fields']) return;
  if (s['x-kubernetes-embedded-resource']) {
    s.properties = sortedProps({
      ...(s.properties ?? {}),
      apiVersion: { description: EMBEDDED_API_VERSION_DOC, type: 'string' },
      kind: { description: EMBEDDED_KIND_DOC, type: 'string' },
      metadata: refWithDoc(OBJECT_META, METADATA_DOC, f),
    });
    const req: string[] = [...(s.required ?? [])];
    if (!req.includes('kind')) req.push('kind');
    if (!req.includes('apiVersion')) req.push('apiVersion');
    s.required = req;
    Object.assign(s, ordered({ ...s }));
  }
}

/** openapiv2.ToStructuralOpenAPIV2: drops what OpenAPI v2 (and kubectl reading it) cannot cope with; visits parents first. */
function toStructuralV2(s: Structural): Structural {
  const o: Structural = { ...s };
  if (o.valueValidation) o.valueValidation = { ...o.valueValidation, allOf: undefined, oneOf: undefined, anyOf: undefined, not: undefined };
  if (o.nullable) {
    o.type = undefined;
    o.nullable = false;
    o.items = undefined;
    o.properties = undefined;
  }
  if (o.xPreserveUnknownFields) {
    o.items = undefined;
    o.properties = undefined;
  }
  if (!o.items && o.type === 'array') o.type = undefined;
  if (o.xPreserveUnknownFields && o.type === 'object') o.type = undefined;
  const nullableProps = new Set(Object.entries(o.properties ?? {}).filter(([, p]) => p.nullable).map(([k]) => k));
  if (o.valueValidation?.required && nullableProps.size) {
    const req = o.valueValidation.required.filter((r) => !nullableProps.has(r));
    o.valueValidation = { ...o.valueValidation, required: req.length ? req : undefined };
  }
  if (o.additionalProperties?.schema?.nullable && o.valueValidation) o.valueValidation = { ...o.valueValidation, required: undefined };
  if (o.items) o.items = toStructuralV2(o.items);
  if (o.properties) o.properties = Object.fromEntries(Object.entries(o.properties).map(([k, p]) => [k, toStructuralV2(p)]));
  if (o.additionalProperties?.schema) o.additionalProperties = { ...o.additionalProperties, schema: toStructuralV2(o.additionalProperties.schema) };
  return o;
}

/** kube-openapi's PruneDefaults, which the v2 controller applies before merging CRD definitions. */
function pruneDefaults(s: Json): void {
  delete s.default;
  for (const p of Object.values((s.properties ?? {}) as Record<string, Json>)) pruneDefaults(p);
  if (s.items && typeof s.items === 'object') pruneDefaults(s.items);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') pruneDefaults(s.additionalProperties);
  for (const k of ['allOf', 'anyOf', 'oneOf']) for (const x of (s[k] ?? []) as Json[]) pruneDefaults(x);
  if (s.not) pruneDefaults(s.not);
}

export interface CRDOpenAPISchemas {
  /** Component/definition names: the kind and its list. */
  kindName: string;
  listName: string;
  /** `components.schemas` (v3) or `definitions` (v2) entries to add to the group-version document. */
  schemas: Record<string, Json>;
  /** Built-in definitions the schemas refer to (to be included from the static spec). */
  references: string[];
  gvk: { group: string; version: string; kind: string };
  listGvk: { group: string; version: string; kind: string };
}

/** The kind and list schemas of one CRD version, as builder.BuildOpenAPIV3 (or V2 with `v2: true`) defines them. */
export function buildCRDOpenAPISchemas(crd: Json, version: string, opts: { v2?: boolean } = {}): CRDOpenAPISchemas {
  const f: Flavor = { v2: !!opts.v2 };
  const spec = crd.spec ?? {};
  const group: string = spec.group;
  const kind: string = spec.names?.kind;
  const listKind: string = spec.names?.listKind || `${kind}List`;
  const plural: string = spec.names?.plural;
  const v = (spec.versions ?? []).find((x: Json) => x.name === version);
  const raw = v?.schema?.openAPIV3Schema ?? spec.validation?.openAPIV3Schema;
  let structural: Structural | undefined;
  try {
    structural = raw ? newStructural(raw) : undefined;
  } catch {
    structural = undefined;
  }
  let kindSchema: Json;
  if (!structural || (f.v2 && (structural.xPreserveUnknownFields || spec.preserveUnknownFields))) kindSchema = { type: 'object' };
  else {
    kindSchema = toOpenAPI(f.v2 ? toStructuralV2(structural) : structural, f);
    kindSchema.properties = sortedProps({
      ...(kindSchema.properties ?? {}),
      metadata: refWithDoc(OBJECT_META, METADATA_DOC, f),
      apiVersion: { description: API_VERSION_DOC, type: 'string' },
      kind: { description: KIND_DOC, type: 'string' },
    });
    kindSchema = ordered(kindSchema);
    addEmbedded(kindSchema, f);
  }
  const gvk = { group, version, kind };
  kindSchema['x-kubernetes-group-version-kind'] = [{ group, kind, version }];
  const fields = (v?.selectableFields ?? []).map((s: Json) => ({ fieldPath: String(s.jsonPath ?? '').replace(/^\./, '') }));
  if (fields.length) kindSchema['x-kubernetes-selectable-fields'] = fields;
  kindSchema = ordered(kindSchema);
  if (f.v2) pruneDefaults(kindSchema);
  const kindName = definitionName(group, version, kind);
  const listName = definitionName(group, version, listKind);
  const listGvk = { group, version, kind: listKind };
  const listSchema: Json = {
    description: `${listKind} is a list of ${kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: API_VERSION_DOC, type: 'string' },
      items: { description: `List of ${plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`, type: 'array', items: { $ref: ref(kindName, f) } },
      kind: { description: KIND_DOC, type: 'string' },
      metadata: refWithDoc(LIST_META, LIST_METADATA_DOC, f),
    },
    'x-kubernetes-group-version-kind': [{ group, kind: listKind, version }],
  };
  if (fields.length) listSchema['x-kubernetes-selectable-fields'] = fields;
  return { kindName, listName, schemas: { [kindName]: kindSchema, [listName]: listSchema }, references: [OBJECT_META, LIST_META], gvk, listGvk };
}
