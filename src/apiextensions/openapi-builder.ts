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
/** A $ref with a description: v2 puts both side by side, v3 wraps the reference in allOf. */
const refWithDoc = (name: string, doc: string, f: Flavor): Json => (f.v2 ? { description: doc, $ref: ref(name, f) } : { description: doc, allOf: [{ $ref: ref(name, f) }] });

/** Structural.ToKubeOpenAPI as JSON. */
function toOpenAPI(s: Structural, f: Flavor): Json {
  const o: Json = {};
  if (s.description) o.description = s.description;
  if (s.type) o.type = s.type;
  const v = s.valueValidation ?? {};
  if (v.format) o.format = v.format;
  if (s.title) o.title = s.title;
  if (s.default !== undefined) o.default = s.default;
  for (const k of ['maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties', 'minProperties', 'required'] as const)
    if (v[k] !== undefined) o[k] = v[k];
  if (s.items) o.items = toOpenAPI(s.items, f);
  if (v.allOf) o.allOf = v.allOf.map(nested);
  if (v.oneOf) o.oneOf = v.oneOf.map(nested);
  if (v.anyOf) o.anyOf = v.anyOf.map(nested);
  if (v.not) o.not = nested(v.not);
  if (s.properties) o.properties = Object.fromEntries(Object.entries(s.properties).map(([k, p]) => [k, toOpenAPI(p, f)]));
  if (s.additionalProperties) o.additionalProperties = s.additionalProperties.schema ? toOpenAPI(s.additionalProperties.schema, f) : s.additionalProperties.allows;
  if (s.nullable && !f.v2) o.nullable = true;
  if (s.xPreserveUnknownFields) o['x-kubernetes-preserve-unknown-fields'] = true;
  if (s.xEmbeddedResource) o['x-kubernetes-embedded-resource'] = true;
  if (s.xIntOrString) o['x-kubernetes-int-or-string'] = true;
  if (s.xListMapKeys?.length) o['x-kubernetes-list-map-keys'] = s.xListMapKeys;
  if (s.xListType !== undefined) o['x-kubernetes-list-type'] = s.xListType;
  if (s.xMapType !== undefined) o['x-kubernetes-map-type'] = s.xMapType;
  if (s.xValidations?.length) o['x-kubernetes-validations'] = s.xValidations;
  return o;
}

function nested(n: import('./types.js').NestedValueValidation): Json {
  const o: Json = {};
  for (const k of ['format', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'enum', 'maxProperties', 'minProperties', 'required'] as const)
    if (n[k] !== undefined) o[k] = n[k];
  if (n.items) o.items = nested(n.items);
  if (n.properties) o.properties = Object.fromEntries(Object.entries(n.properties).map(([k, p]) => [k, nested(p)]));
  if (n.allOf) o.allOf = n.allOf.map(nested);
  if (n.oneOf) o.oneOf = n.oneOf.map(nested);
  if (n.anyOf) o.anyOf = n.anyOf.map(nested);
  if (n.not) o.not = nested(n.not);
  return o;
}

function addEmbedded(s: Json, f: Flavor): void {
  for (const p of Object.values((s.properties ?? {}) as Record<string, Json>)) addEmbedded(p, f);
  if (s.items && typeof s.items === 'object') addEmbedded(s.items, f);
  if (s.additionalProperties && typeof s.additionalProperties === 'object') addEmbedded(s.additionalProperties, f);
  if (f.v2 && s['x-kubernetes-preserve-unknown-fields']) return;
  if (s['x-kubernetes-embedded-resource']) {
    s.properties ??= {};
    s.properties.apiVersion = { description: EMBEDDED_API_VERSION_DOC, type: 'string' };
    s.properties.kind = { description: EMBEDDED_KIND_DOC, type: 'string' };
    s.properties.metadata = refWithDoc(OBJECT_META, METADATA_DOC, f);
    const req: string[] = (s.required ??= []);
    if (!req.includes('kind')) req.push('kind');
    if (!req.includes('apiVersion')) req.push('apiVersion');
  }
}

/** openapiv2.ToStructuralOpenAPIV2: what OpenAPI v2 cannot say is dropped (nullable, int-or-string types...). */
function toV2(s: Json): Json {
  const o: Json = { ...s };
  delete o.nullable;
  if (o['x-kubernetes-int-or-string']) {
    delete o.type;
    delete o.anyOf;
    delete o.allOf;
  }
  for (const k of ['oneOf', 'anyOf', 'not']) delete o[k];
  if (o.properties) o.properties = Object.fromEntries(Object.entries(o.properties as Record<string, Json>).map(([k, v]) => [k, toV2(v)]));
  if (o.items && typeof o.items === 'object') o.items = toV2(o.items);
  if (o.additionalProperties && typeof o.additionalProperties === 'object') o.additionalProperties = toV2(o.additionalProperties);
  if (o['x-kubernetes-preserve-unknown-fields']) {
    delete o.items;
    delete o.properties;
    delete o.type;
  }
  return o;
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
  const listKind: string = spec.names?.listKind ?? `${kind}List`;
  const plural: string = spec.names?.plural;
  const v = (spec.versions ?? []).find((x: Json) => x.name === version);
  const raw = v?.schema?.openAPIV3Schema;
  const structural = raw ? newStructural(raw) : undefined;
  let kindSchema: Json;
  if (!structural || (f.v2 && (structural.xPreserveUnknownFields || spec.preserveUnknownFields))) kindSchema = { type: 'object' };
  else {
    kindSchema = toOpenAPI(structural, f);
    if (f.v2) kindSchema = toV2(kindSchema);
    kindSchema.properties ??= {};
    kindSchema.properties.metadata = refWithDoc(OBJECT_META, METADATA_DOC, f);
    kindSchema.properties.apiVersion = { description: API_VERSION_DOC, type: 'string' };
    kindSchema.properties.kind = { description: KIND_DOC, type: 'string' };
    addEmbedded(kindSchema, f);
  }
  const gvk = { group, version, kind };
  kindSchema['x-kubernetes-group-version-kind'] = [gvk];
  const fields = (v?.selectableFields ?? []).map((s: Json) => ({ fieldPath: String(s.jsonPath ?? '').replace(/^\./, '') }));
  if (fields.length) kindSchema['x-kubernetes-selectable-fields'] = fields;
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
    'x-kubernetes-group-version-kind': [listGvk],
  };
  if (fields.length) listSchema['x-kubernetes-selectable-fields'] = fields;
  return { kindName, listName, schemas: { [kindName]: kindSchema, [listName]: listSchema }, references: [OBJECT_META, LIST_META], gvk, listGvk };
}
