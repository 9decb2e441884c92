// Schemas of the built-in kinds: the generated model data (from @kubernetes/client-node) plus the facts table.
// The model text is read on first use and each definition parsed when first asked for (a write of one kind needs a
// few dozen of the 557), so importing this module costs nothing at start-up and the first write little.
import { existsSync, openSync, readSync } from 'node:fs';
import { FACTS } from './facts.js';

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

/** The head of generated/models.json; `index` gives each definition's [offset, length] in the text after `"types":`. */
interface ModelsHead {
  source: string;
  kinds: [string, string, string, string, string][];
  index: Record<string, [number, number]>;
}

interface Model {
  d?: string;
  r?: string[];
  p: Record<string, [string] | [string, string]>;
}

interface Loaded {
  source: string;
  kinds: KindInfo[];
  /** Definitions built so far, by name. */
  types: Map<string, TypeSchema>;
  /** The model file, kept open: each definition is read from it when first asked for. */
  file: URL;
  fd: number;
  /** Where the definitions start in the file. */
  typesAt: number;
  index: Record<string, [number, number]>;
  gvksByName: Map<string, GVK[]>;
  /** Definition name by group/version/kind. */
  byGVK: Map<string, string>;
  /** The facts table by definition name. */
  facts: Map<string, Record<string, string>>;
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

function applyFacts(t: TypeSchema, fields: Record<string, string>): void {
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

// the build copies it into dist/ (what the package ships); a checkout built by tsc alone reads it from src/
const MODEL_FILES = [new URL('./generated/models.json', import.meta.url), new URL('../../src/schema/generated/models.json', import.meta.url)];
const TYPES_KEY = ',"types":';

function load(): Loaded {
  if (loaded) return loaded;
  // read as needed: all 670 KB cost ~6 ms of fresh pages, the head (kinds and index) a tenth of that;
  // ASCII (the generator escapes the rest), so latin1 is exact
  const file = MODEL_FILES.find((u) => existsSync(u)) ?? MODEL_FILES[0];
  const fd = openSync(file, 'r');
  let text = '';
  let typesAt = -1;
  for (const chunk = Buffer.allocUnsafe(64 * 1024); typesAt < 0; ) {
    const n = readSync(fd, chunk, 0, chunk.length, text.length);
    if (n === 0) throw new Error(`${file.pathname}: no ${TYPES_KEY} in the model file`);
    // the key may straddle two chunks: search from just before the new text
    const from = Math.max(0, text.length - TYPES_KEY.length);
    text += chunk.toString('latin1', 0, n);
    typesAt = text.indexOf(TYPES_KEY, from);
  }
  const head = JSON.parse(`${text.slice(0, typesAt)}}`) as ModelsHead;
  const kinds: KindInfo[] = head.kinds.map(([group, version, kind, name, resource]) => ({ group, version, kind, name, ...(resource ? { resource } : {}) }));
  for (const k of META_KINDS) kinds.push({ group: '', version: 'v1', kind: k, name: `${META}.${k}` });
  const gvksByName = new Map<string, GVK[]>();
  const byGVK = new Map<string, string>();
  for (const k of kinds) {
    if (!Object.hasOwn(head.index, k.name)) continue;
    let list = gvksByName.get(k.name);
    if (!list) gvksByName.set(k.name, (list = []));
    list.push({ group: k.group, version: k.version, kind: k.kind });
    byGVK.set(gvkKey(k.group, k.version, k.kind), k.name);
  }
  const facts = new Map(Object.entries(FACTS).map(([key, fields]) => [factsTypeName(key), fields]));
  loaded = { source: head.source, kinds, types: new Map(), file, fd, typesAt: typesAt + TYPES_KEY.length, index: head.index, gvksByName, byGVK, facts };
  return loaded;
}

/** A definition by name, built from its model text (and the facts table) the first time it is asked for. */
function typeNamed(name: string): TypeSchema | undefined {
  const l = load();
  const known = l.types.get(name);
  if (known) return known;
  const leaf = LEAVES.find((x) => x.name === name);
  const at = l.index[name];
  if (!leaf && !Object.hasOwn(l.index, name)) return undefined;
  let t: TypeSchema;
  if (leaf) t = { ...leaf };
  else {
    const buf = Buffer.allocUnsafe(at[1]);
    if (readSync(l.fd, buf, 0, at[1], l.typesAt + at[0]) !== at[1]) throw new Error(`${l.file.pathname}: ${name} cut short`);
    const m = JSON.parse(buf.toString('latin1')) as Model;
    const properties: Record<string, FieldSchema> = {};
    for (const [p, [spec, d]] of Object.entries(m.p)) properties[p] = field(spec, d);
    t = { name, type: 'object', properties };
    if (m.d) t.description = m.d;
    if (m.r) t.required = m.r;
    const fields = l.facts.get(name);
    if (fields) applyFacts(t, fields);
  }
  const gvks = l.gvksByName.get(name);
  if (gvks) t.gvk = gvks.map((g) => ({ ...g }));
  l.types.set(name, t);
  return t;
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
  return typeNamed(name);
}

/** The schema of a kind, e.g. schemaFor('apps', 'v1', 'Deployment'). */
export function schemaFor(group: string, version: string, kind: string): TypeSchema | undefined {
  const name = load().byGVK.get(gvkKey(group, version, kind));
  return name === undefined ? undefined : typeNamed(name);
}

/** Every kind the schemas know (top-level kinds, their lists, subresource kinds, meta kinds). */
export function knownKinds(): readonly KindInfo[] {
  return load().kinds;
}

export function allTypes(): ReadonlyMap<string, TypeSchema> {
  const names = [...Object.keys(load().index), ...LEAVES.map((l) => l.name)];
  return new Map(names.map((n) => [n, typeNamed(n)!]));
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
