// JSON text exactly as kube-apiserver's encoder (Go's encoding/json) prints it: struct fields in Go's
// declaration order, map keys sorted, `<`, `>`, `&`, U+2028 and U+2029 escaped; custom resources and
// other unstructured content with every object's keys sorted.
import { fieldsOf, messageFor, rootFor, Shape, type GoMessage } from './go-json.js';

type Obj = Record<string, unknown>;

const HTML_UNSAFE = /[<>&\u2028\u2029]/g;
const HTML_ESCAPES: Record<string, string> = { '<': '\\u003c', '>': '\\u003e', '&': '\\u0026', '\u2028': '\\u2028', '\u2029': '\\u2029' };

// what JSON.stringify or Go would escape (surrogates: lone ones are escaped)
const NEEDS_ESCAPE = /["\\\u0000-\u001f<>&\u2028\u2029\ud800-\udfff]/;

/** A JSON string as Go's encoder writes it. */
export function goString(s: string): string {
  // most strings need no escape: quoted as they are, without copying a long value
  if (!NEEDS_ESCAPE.test(s)) return `"${s}"`;
  const j = JSON.stringify(s);
  return HTML_UNSAFE.test(j) ? j.replace(HTML_UNSAFE, (ch) => HTML_ESCAPES[ch]!) : j;
}

function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function byKey(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// The printers append to one string (V8 keeps the pieces as a rope, flattened once by the caller's write)
// instead of joining arrays of parts at every level, which copied each value once per level above it.
interface Out {
  s: string;
}

/** Any JSON value; objects get sorted keys (Go's map[string]interface{}) unless `keepOrder` (raw JSON). */
function writeAny(v: unknown, keepOrder: boolean): string {
  const w: Out = { s: '' };
  anyTo(w, v, keepOrder);
  return w.s;
}

function anyTo(w: Out, v: unknown, keepOrder: boolean): void {
  if (v === null || v === undefined) {
    w.s += 'null';
    return;
  }
  if (typeof v === 'string') {
    w.s += goString(v);
    return;
  }
  if (typeof v === 'number' || typeof v === 'boolean') {
    w.s += JSON.stringify(v);
    return;
  }
  if (Array.isArray(v)) {
    w.s += '[';
    for (let i = 0; i < v.length; i++) {
      if (i > 0) w.s += ',';
      anyTo(w, v[i], keepOrder);
    }
    w.s += ']';
    return;
  }
  const o = v as Obj;
  const keys = Object.keys(o).filter((k) => o[k] !== undefined);
  if (!keepOrder) keys.sort(byKey);
  w.s += '{';
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    w.s += i > 0 ? `,${goString(k)}:` : `${goString(k)}:`;
    anyTo(w, o[k], keepOrder);
  }
  w.s += '}';
}

function writeMessageValue(m: GoMessage, v: unknown): string {
  const w: Out = { s: '' };
  messageValueTo(w, m, v);
  return w.s;
}

function messageValueTo(w: Out, m: GoMessage, v: unknown): void {
  switch (m.special) {
    case undefined:
      if (isPlainObject(v)) messageTo(w, m, v, undefined, false);
      else anyTo(w, v, false);
      return;
    case 'orbool':
    case 'orarray':
    case 'orstringarray':
      if (isPlainObject(v)) messageTo(w, m.schema!, v, undefined, false);
      else if (Array.isArray(v)) {
        w.s += '[';
        for (let i = 0; i < v.length; i++) {
          if (i > 0) w.s += ',';
          const e = v[i];
          if (isPlainObject(e)) messageTo(w, m.schema!, e, undefined, false);
          else anyTo(w, e, false);
        }
        w.s += ']';
      } else anyTo(w, v, false);
      return;
    case 'json':
      // RawExtension, FieldsV1, apiextensions JSON: Go re-prints the raw bytes compacted, keys as sent
      anyTo(w, v, true);
      return;
    default:
      anyTo(w, v, false);
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

/** The struct's fields in Go's order; `opened`: the caller already wrote `{` and at least one field. */
function messageTo(w: Out, m: GoMessage, o: Obj, skip: ((name: string) => boolean) | undefined, opened: boolean): void {
  const { fields, quoted, known } = layoutOf(m);
  let first = !opened;
  if (!opened) w.s += '{';
  let present = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const v = o[f.name];
    if (v === undefined) continue;
    present++;
    if (skip?.(f.name)) continue;
    w.s += first ? quoted[i]! : `,${quoted[i]!}`;
    first = false;
    if (v === null) w.s += 'null';
    else if (f.shape === Shape.List && Array.isArray(v)) {
      w.s += '[';
      for (let j = 0; j < v.length; j++) {
        if (j > 0) w.s += ',';
        if (f.msg) messageValueTo(w, f.msg, v[j]);
        else anyTo(w, v[j], false);
      }
      w.s += ']';
    } else if (f.shape === Shape.Map && isPlainObject(v)) {
      const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(byKey);
      w.s += '{';
      for (let j = 0; j < keys.length; j++) {
        const k = keys[j]!;
        w.s += j > 0 ? `,${goString(k)}:` : `${goString(k)}:`;
        if (f.msg) messageValueTo(w, f.msg, v[k]);
        else anyTo(w, v[k], false);
      }
      w.s += '}';
    } else if (f.shape === Shape.Message && f.msg) messageValueTo(w, f.msg, v);
    else anyTo(w, v, false);
  }
  // fields the tables do not know (none after pruning) keep their place at the end
  const keys = Object.keys(o);
  if (keys.length !== present)
    for (const k of keys) {
      if (known.has(k) || o[k] === undefined || skip?.(k)) continue;
      w.s += first ? `${goString(k)}:` : `,${goString(k)}:`;
      first = false;
      anyTo(w, o[k], false);
    }
  w.s += '}';
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
  const skipTypeMeta = (name: string) => name === 'kind' || name === 'apiVersion';
  const w: Out = { s: '' };
  if (opts.omitTypeMeta) {
    messageTo(w, root, target, skipTypeMeta, false);
    return w.s;
  }
  w.s = `{"kind":${goString(kind as string)},"apiVersion":${goString(apiVersion as string)}`;
  messageTo(w, root, target, skipTypeMeta, true);
  return w.s;
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
