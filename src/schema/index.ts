// Schemas of the built-in kinds: the generated model data (from @kubernetes/client-node) plus the facts table.
// Loaded and parsed on first use (tens of milliseconds), so importing this module costs nothing at start-up.
import { createRequire } from 'node:module';
import { FACTS } from './facts.js';

const require = createRequire(import.meta.url);

export interface GVK {
  group: string;
  version: string;
  kind: string;
}

export type SchemaType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';
export type ListType = 'atomic' | 'set' | 'map';
export type MapType = 'atomic' | 'granular';

/** A property, array item or map value. Either `ref` (a definition name) or an inline `type`. */
export interface FieldSchema {
  type?: SchemaType;
  format?: string;
  ref?: string;
  items?: FieldSchema;
  additionalProperties?: FieldSchema;
  description?: string;
  enum?: string[];
  patchStrategy?: string;
  patchMergeKey?: string;
  listType?: ListType;
  listMapKeys?: string[];
  mapType?: MapType;
}

/** A named definition, e.g. `io.k8s.api.core.v1.Pod`. */
export interface TypeSchema {
  name: string;
  description?: string;
  /** 'object' for structs and opaque objects; absent for IntOrString, Quantity and apiextensions JSON. */
  type?: SchemaType;
  format?: string;
  /** OpenAPI v3 alternatives of a scalar that takes two forms (IntOrString, Quantity). */
  oneOf?: SchemaType[];
  properties?: Record<string, FieldSchema>;
  required?: string[];
  /** `x-kubernetes-map-type` of the struct itself (+structType=atomic). */
  mapType?: MapType;
  gvk?: GVK[];
  /** The value is not decoded field by field (RawExtension, JSON): no unknown-field checking inside. */
  opaque?: boolean;
}

export interface KindInfo extends GVK {
  /** Definition name. */
  name: string;
  /** Plural resource name when the package's API has a collection for it. */
  resource?: string;
}

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const APIEXT = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

// Types the package models as plain strings/any; descriptions are ours.
const LEAVES: TypeSchema[] = [
  { name: `${META}.Time`, type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form, serialized with second precision in UTC.' },
  { name: `${META}.MicroTime`, type: 'string', format: 'date-time', description: 'A timestamp in RFC 3339 form with microsecond precision.' },
  { name: `${META}.FieldsV1`, type: 'object', opaque: true, description: 'The set of fields a manager owns, in the FieldsV1 JSON trie format used by server-side apply.' },
  { name: `${META}.Patch`, type: 'object', opaque: true, description: 'The body of a PATCH request; its format is given by the Content-Type.' },
  { name: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString', oneOf: ['integer', 'string'], format: 'int-or-string', description: 'An integer or a string (for example a port number or name, or a percentage such as "25%").' },
  { name: 'io.k8s.apimachinery.pkg.api.resource.Quantity', oneOf: ['string', 'number'], description: 'A fixed-point number with an optional SI or binary suffix, such as "100m", "1.5", "2Gi" or "1e3".' },
  { name: 'io.k8s.apimachinery.pkg.runtime.RawExtension', type: 'object', opaque: true, description: 'An embedded object of any kind, stored as given.' },
  { name: `${APIEXT}.JSON`, opaque: true, description: 'Any JSON value: boolean, number, string, array, object or null.' },
  { name: `${APIEXT}.JSONSchemaPropsOrArray`, opaque: true, description: 'A JSON schema, or an array of JSON schemas.' },
  { name: `${APIEXT}.JSONSchemaPropsOrBool`, opaque: true, description: 'A JSON schema, or a boolean (true allows any value, false none).' },
  { name: `${APIEXT}.JSONSchemaPropsOrStringArray`, opaque: true, description: 'A JSON schema, or an array of property names.' },
];
const SHORT: Record<string, string> = Object.fromEntries(LEAVES.map((l) => [l.name.slice(l.name.lastIndexOf('.') + 1), l.name]));

// Kinds of meta/v1 that every group-version document mentions (their group-version-kind is "" v1).
const META_KINDS = ['Status', 'APIGroup', 'APIGroupList', 'APIResourceList', 'APIVersions'];

interface Models {
  source: string;
  kinds: [string, string, string, string, string][];
  types: Record<string, { d?: string; r?: string[]; p: Record<string, [string] | [string, string]> }>;
}

interface Loaded {
  source: string;
  types: Map<string, TypeSchema>;
  kinds: KindInfo[];
  byGVK: Map<string, TypeSchema>;
}

let loaded: Loaded | undefined;

function field(spec: string, description?: string): FieldSchema {
  const f = parseType(spec);
  if (description) f.description = description;
  return f;
}

function parseType(spec: string): FieldSchema {
  if (spec.startsWith('[]')) return { type: 'array', items: parseType(spec.slice(2)) };
  if (spec.startsWith('{}')) return { type: 'object', additionalProperties: parseType(spec.slice(2)) };
  if (spec.startsWith('@')) return { ref: spec.slice(1) };
  const [type, format] = spec.split('/') as [SchemaType, string | undefined];
  return format ? { type, format } : { type };
}

function factsTypeName(key: string): string {
  const [pkg, ...rest] = key.split('.');
  const tail = rest.join('.');
  if (pkg === 'meta') return `io.k8s.apimachinery.pkg.apis.meta.${tail}`;
  if (pkg === 'apiextensions') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${tail}`;
  if (pkg === 'apiregistration') return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${tail}`;
  return `io.k8s.api.${key}`;
}

function applyFacts(types: Map<string, TypeSchema>): void {
  for (const [key, fields] of Object.entries(FACTS)) {
    const t = types.get(factsTypeName(key));
    if (!t) continue;
    for (const [name, spec] of Object.entries(fields)) {
      const facts = Object.fromEntries(spec.split(';').map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
      if (name === '@') {
        if (facts.mt) t.mapType = facts.mt as MapType;
        continue;
      }
      const f = t.properties?.[name];
      if (!f) continue; // a 1.33 field the package no longer has
      if (facts.t) {
        const replaced = parseType(facts.t.replace(/^((?:\[\]|\{\})*)(\w+)$/, (_, pre: string, n: string) => `${pre}@${SHORT[n] ?? n}`));
        delete f.type;
        delete f.format;
        delete f.items;
        delete f.additionalProperties;
        Object.assign(f, replaced);
      }
      if (facts.ps) f.patchStrategy = facts.ps;
      if (facts.pk) f.patchMergeKey = facts.pk;
      if (facts.lt) f.listType = facts.lt as ListType;
      if (facts.lk) f.listMapKeys = facts.lk.split(',');
      if (facts.mt) f.mapType = facts.mt as MapType;
      if (facts.e !== undefined && f.type === 'string') f.enum = facts.e.split('|');
    }
  }
}

function load(): Loaded {
  if (loaded) return loaded;
  const path = require.resolve('./generated/models.cjs');
  const { MODELS_JSON } = require(path) as { MODELS_JSON: string };
  const data = JSON.parse(MODELS_JSON) as Models;
  // parsed once: the 660 KB text need not stay in require's cache (nor among its parent's children) for the life of the process
  const mod = require.cache[path];
  delete require.cache[path];
  const siblings = mod?.parent?.children;
  if (mod && siblings?.includes(mod)) siblings.splice(siblings.indexOf(mod), 1);
  const types = new Map<string, TypeSchema>();
  for (const [name, m] of Object.entries(data.types)) {
    const properties: Record<string, FieldSchema> = {};
    for (const [p, [spec, d]] of Object.entries(m.p)) properties[p] = field(spec, d);
    const t: TypeSchema = { name, type: 'object', properties };
    if (m.d) t.description = m.d;
    if (m.r) t.required = m.r;
    types.set(name, t);
  }
  for (const l of LEAVES) types.set(l.name, { ...l });
  applyFacts(types);
  const kinds: KindInfo[] = data.kinds.map(([group, version, kind, name, resource]) => ({ group, version, kind, name, ...(resource ? { resource } : {}) }));
  for (const k of META_KINDS) kinds.push({ group: '', version: 'v1', kind: k, name: `${META}.${k}` });
  const byGVK = new Map<string, TypeSchema>();
  for (const k of kinds) {
    const t = types.get(k.name);
    if (!t) continue;
    (t.gvk ??= []).push({ group: k.group, version: k.version, kind: k.kind });
    byGVK.set(gvkKey(k.group, k.version, k.kind), t);
  }
  loaded = { source: data.source, types, kinds, byGVK };
  return loaded;
}

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** The package the schemas were derived from, e.g. "@kubernetes/client-node 1.4.0". */
export function schemaSource(): string {
  return load().source;
}

/** A definition by its full name (`io.k8s.api.core.v1.Container`). */
export function resolveType(name: string): TypeSchema | undefined {
  return load().types.get(name);
}

/** The schema of a kind, e.g. schemaFor('apps', 'v1', 'Deployment'). */
export function schemaFor(group: string, version: string, kind: string): TypeSchema | undefined {
  return load().byGVK.get(gvkKey(group, version, kind));
}

/** Every kind the schemas know (top-level kinds, their lists, subresource kinds, meta kinds). */
export function knownKinds(): readonly KindInfo[] {
  return load().kinds;
}

export function allTypes(): ReadonlyMap<string, TypeSchema> {
  return load().types;
}

/** The definition a property, array item or map value points at (following items/additionalProperties). */
export function elementType(f: FieldSchema | undefined): TypeSchema | undefined {
  let cur = f;
  while (cur && !cur.ref) cur = cur.items ?? cur.additionalProperties;
  return cur?.ref ? resolveType(cur.ref) : undefined;
}

/** Names of all definitions reachable from the given ones (themselves included), in first-seen order. */
export function reachableTypes(roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const stack = [...roots].reverse();
  const visit = (f: FieldSchema | undefined): void => {
    for (let cur = f; cur; cur = cur.items ?? cur.additionalProperties) if (cur.ref && !seen.has(cur.ref)) stack.push(cur.ref);
  };
  const out: string[] = [];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    const t = resolveType(n);
    if (!t) continue;
    seen.add(n);
    out.push(n);
    for (const p of Object.values(t.properties ?? {})) visit(p);
  }
  return out;
}

const MAX_STRICT_ERRORS = 100;

/**
 * Fields of `obj` the kind's schema does not know, as upstream's strict JSON decoding names them:
 * `spec.foo`, `spec.containers[0].bar`, map values as `metadata.labels.x` would be (`.key`), in document order.
 * An empty list also when the kind is unknown.
 */
export function unknownFields(obj: unknown, group: string, version: string, kind: string): string[] {
  const t = schemaFor(group, version, kind);
  if (!t) return [];
  const out = new Set<string>();
  walkType(obj, t, '', out);
  return [...out];
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function walkType(v: unknown, t: TypeSchema, path: string, out: Set<string>): void {
  if (t.opaque || !t.properties || !isObject(v)) return;
  for (const [k, child] of Object.entries(v)) {
    if (out.size >= MAX_STRICT_ERRORS) return;
    const f = t.properties[k];
    if (!f) out.add(join(path, k));
    else walkField(child, f, join(path, k), out);
  }
}

function walkField(v: unknown, f: FieldSchema, path: string, out: Set<string>): void {
  if (v === null || v === undefined) return;
  if (f.ref) {
    const t = resolveType(f.ref);
    if (t) walkType(v, t, path, out);
  } else if (f.items) {
    if (Array.isArray(v)) v.forEach((item, i) => walkField(item, f.items!, `${path}[${i}]`, out));
  } else if (f.additionalProperties && isObject(v)) {
    for (const [k, child] of Object.entries(v)) walkField(child, f.additionalProperties, join(path, k), out);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * The message kube-apiserver answers (400 BadRequest) when fieldValidation=Strict meets unknown fields:
 * `Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"`.
 */
export function strictDecodingMessage(kind: string, version: string, fields: string[]): string {
  return `${kind} in version "${version}" cannot be handled as a ${kind}: strict decoding error: ${fields.map((f) => `unknown field "${f}"`).join(', ')}`;
}
