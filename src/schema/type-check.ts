// The first type error Go's JSON decoder would hit decoding a body into the versioned type, in its
// words: `json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32`.
import { resolveType, schemaFor, type FieldSchema, type TypeSchema } from './index.js';

type JSONKind = 'string' | 'number' | 'bool' | 'array' | 'object';

function jsonKind(v: unknown): JSONKind | undefined {
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return 'array';
  if (v && typeof v === 'object') return 'object';
  return undefined;
}

function shortName(ref: string): string {
  const parts = ref.split('.');
  return parts.length >= 2 ? `${parts[parts.length - 2]}.${parts[parts.length - 1]}` : ref;
}

function structName(t: TypeSchema): string {
  return t.name.slice(t.name.lastIndexOf('.') + 1);
}

/** Types with their own JSON decoding (Time, Quantity, IntOrString, raw JSON): not checked here. */
function isCustom(t: TypeSchema | undefined): boolean {
  return !t || !!t.opaque || !!t.oneOf || (t.type !== undefined && t.type !== 'object') || !t.properties;
}

function goType(f: FieldSchema): string {
  if (f.ref) return shortName(f.ref);
  if (f.items) return `[]${goType(f.items)}`;
  if (f.additionalProperties) return `map[string]${goType(f.additionalProperties)}`;
  switch (f.type) {
    case 'integer':
      return f.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'object':
      return 'map[string]interface {}';
    default:
      return 'string';
  }
}

interface Found {
  message: string;
}

function mismatch(v: unknown, f: FieldSchema): string | undefined {
  const k = jsonKind(v);
  if (!k) return undefined;
  if (f.ref) {
    const t = resolveType(f.ref);
    if (isCustom(t)) return undefined;
    return k === 'object' ? undefined : k;
  }
  if (f.items) return k === 'array' ? undefined : k;
  if (f.additionalProperties || f.type === 'object') return k === 'object' ? undefined : k;
  switch (f.type) {
    case 'string':
      return k === 'string' ? undefined : k;
    case 'boolean':
      return k === 'bool' ? undefined : k;
    case 'integer': {
      if (k !== 'number') return k;
      const n = v as number;
      const max = f.format === 'int32' ? 2 ** 31 : 2 ** 63;
      return Number.isInteger(n) && n >= -max && n < max ? undefined : `number ${n}`;
    }
    case 'number':
      return k === 'number' ? undefined : k;
    default:
      return undefined;
  }
}

function walkStruct(v: Record<string, unknown>, t: TypeSchema, path: string, out: Found[]): void {
  const props = t.properties;
  if (!props) return;
  const struct = structName(t);
  for (const key in v) {
    if (out.length) return;
    if (!Object.prototype.hasOwnProperty.call(v, key)) continue;
    const f = props[key];
    if (!f) continue;
    walkField(v[key], f, path, key, struct, out);
  }
}

// the field's path is parent.key, joined only for a message or a nested struct (most fields are neither)
function walkField(v: unknown, f: FieldSchema, parent: string, key: string, struct: string, out: Found[]): void {
  if (v === null || v === undefined || out.length) return;
  const bad = mismatch(v, f);
  if (bad) {
    out.push({ message: `json: cannot unmarshal ${bad} into Go struct field ${struct}.${parent ? `${parent}.${key}` : key} of type ${goType(f)}` });
    return;
  }
  if (f.ref) {
    const t = resolveType(f.ref);
    if (!isCustom(t)) walkStruct(v as Record<string, unknown>, t!, parent ? `${parent}.${key}` : key, out);
  } else if (f.items && Array.isArray(v)) {
    for (const item of v) walkField(item, f.items, parent, key, struct, out);
  } else if (f.additionalProperties && typeof v === 'object') {
    for (const child of Object.values(v as Record<string, unknown>)) walkField(child, f.additionalProperties, parent, key, struct, out);
  }
}

/** Undefined when the object decodes; otherwise Go's message for the first mistyped field. */
export function typeMismatch(obj: unknown, group: string, version: string, kind: string): string | undefined {
  return checkStruct(obj, schemaFor(group, version, kind));
}

/** The same for a definition by name, e.g. meta's DeleteOptions, which no kind of a group maps to. */
export function typeMismatchOfType(obj: unknown, typeName: string): string | undefined {
  return checkStruct(obj, resolveType(typeName));
}

function checkStruct(obj: unknown, t: TypeSchema | undefined): string | undefined {
  if (!t || !obj || typeof obj !== 'object' || Array.isArray(obj)) return undefined;
  const out: Found[] = [];
  walkStruct(obj as Record<string, unknown>, t, '', out);
  return out[0]?.message;
}
