// JSON text exactly as kube-apiserver's encoder (Go's encoding/json) prints it: struct fields in Go's
// declaration order, map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped; custom resources and
// other unstructured content with every object's keys sorted.
import { fieldsOf, messageFor, rootFor, Shape, type GoMessage } from './go-json.js';

type Obj = Record<string, unknown>;

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

/** A JSON string as Go's encoder writes it. */
export function goString(s: string): string {
  const j = JSON.stringify(s);
  return HTML_UNSAFE.test(j) ? j.replace(HTML_UNSAFE, (ch) => HTML_ESCAPES[ch]!) : j;
}

function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Any JSON value; objects get sorted keys (Go's map[string]interface{}) unless `keepOrder` (raw JSON). */
function writeAny(v: unknown, keepOrder: boolean): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return goString(v);
  if (typeof v === 'number' || typeof v === 'boolean') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map((e) => writeAny(e, keepOrder)).join(',')}]`;
  const o = v as Obj;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  if (!keepOrder) keys.sort(byKey);
  return `{${keys.map((k) => `${goString(k)}:${writeAny(o[k], keepOrder)}`).join(',')}}`;
}

function writeMessageValue(m: GoMessage, v: unknown): string {
  switch (m.special) {
    case undefined:
      return isPlainObject(v) ? writeMessage(m, v) : writeAny(v, false);
    case 'orbool':
    case 'orarray':
    case 'orstringarray':
      if (isPlainObject(v)) return writeMessage(m.schema!, v);
      if (Array.isArray(v)) return `[${v.map((e) => (isPlainObject(e) ? writeMessage(m.schema!, e) : writeAny(e, false))).join(',')}]`;
      return writeAny(v, false);
    case 'json':
      // RawExtension, FieldsV1, apiextensions JSON: Go re-prints the raw bytes compacted, keys as sent
      return writeAny(v, true);
    default:
      return writeAny(v, false);
  }
}

// per message: its fields, each name already quoted, and the set of names (computed once)
const layouts = new WeakMap<GoMessage, { fields: ReturnType<typeof fieldsOf>; quoted: string[]; known: Set<string> }>();

function layoutOf(m: GoMessage) {
  let l = layouts.get(m);
  if (!l) {
    const fields = m.fields ?? fieldsOf(m);
    l = { fields, quoted: fields.map((f) => `${goString(f.name)}:`), known: new Set(fields.map((f) => f.name)) };
    layouts.set(m, l);
  }
  return l;
}

function writeMessage(m: GoMessage, o: Obj, skip?: (name: string) => boolean): string {
  const parts: string[] = [];
  const { fields, quoted, known } = layoutOf(m);
  let present = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const v = o[f.name];
    if (v === undefined) continue;
    present++;
    if (skip?.(f.name)) continue;
    let text: string;
    if (v === null) text = 'null';
    else if (f.shape === Shape.List && Array.isArray(v)) text = `[${v.map((e) => (f.msg ? writeMessageValue(f.msg, e) : writeAny(e, false))).join(',')}]`;
    else if (f.shape === Shape.Map && isPlainObject(v)) {
      const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(byKey);
      text = `{${keys.map((k) => `${goString(k)}:${f.msg ? writeMessageValue(f.msg, v[k]) : writeAny(v[k], false)}`).join(',')}}`;
    } else if (f.shape === Shape.Message && f.msg) text = writeMessageValue(f.msg, v);
    else text = writeAny(v, false);
    parts.push(quoted[i] + text);
  }
  // fields the tables do not know (none after pruning) keep their place at the end
  const keys = Object.keys(o);
  if (keys.length !== present) for (const k of keys) if (!known.has(k) && o[k] !== undefined && !skip?.(k)) parts.push(`${goString(k)}:${writeAny(o[k], false)}`);
  return `{${parts.join(',')}}`;
}

export interface GoJSONOptions {
  /** Leave out metadata.resourceVersion (the stored form; reads splice it back in). */
  omitResourceVersion?: boolean;
  /** Leave out kind and apiVersion (items of a built-in list). */
  omitTypeMeta?: boolean;
}

/**
 * An object of a built-in kind printed as Go prints the typed struct (TypeMeta first); anything else
 * (custom resources, unknown kinds) as unstructured content with sorted keys.
 */
export function goJSON(obj: Obj, opts: GoJSONOptions = {}): string {
  const apiVersion = obj.apiVersion;
  const kind = obj.kind;
  const root = typeof apiVersion === 'string' && typeof kind === 'string' ? rootFor(apiVersion, kind) : undefined;
  if (!root) {
    const copy: Obj = { ...obj };
    if (opts.omitTypeMeta) {
      delete copy.apiVersion;
      delete copy.kind;
    }
    if (opts.omitResourceVersion && isPlainObject(copy.metadata) && copy.metadata.resourceVersion !== undefined) {
      copy.metadata = { ...copy.metadata };
      delete (copy.metadata as Obj).resourceVersion;
    }
    return writeAny(copy, false);
  }
  let target = obj;
  if (opts.omitResourceVersion && isPlainObject(obj.metadata) && obj.metadata.resourceVersion !== undefined) {
    const meta = { ...obj.metadata };
    delete meta.resourceVersion;
    target = { ...obj, metadata: meta };
  }
  const body = writeMessage(root, target, (name) => name === 'kind' || name === 'apiVersion');
  if (opts.omitTypeMeta) return body;
  const head = `{"kind":${goString(kind as string)},"apiVersion":${goString(apiVersion as string)}`;
  return body === '{}' ? `${head}}` : `${head},${body.slice(1)}`;
}

/** Whether goJSON knows the kind as a built-in struct (otherwise it prints unstructured content). */
export function isTypedKind(apiVersion: string, kind: string): boolean {
  return rootFor(apiVersion, kind) !== undefined;
}

/** Any value with sorted object keys, as Go prints map[string]interface{}. */
export function goJSONUnstructured(v: unknown): string {
  return writeAny(v, false);
}

/** Any value with object keys as they are, strings escaped as Go does (envelopes built in Go's field order). */
export function goJSONOrdered(v: unknown): string {
  return writeAny(v, true);
}

/** A value of one message type (`ns.Name`, e.g. `meta.ObjectMeta`) as Go prints the struct. */
export function goMessageJSON(type: string, value: unknown): string {
  return writeMessageValue(messageFor(type), value);
}
