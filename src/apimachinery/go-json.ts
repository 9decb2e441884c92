// What Go's encoding/json prints after decoding a body into the versioned type of a built-in kind
// (kube-apiserver stores and returns exactly that), driven by the protobuf descriptor tables alone.
import { canonicalQuantity } from './quantity.js';
import type { ProtoGroup } from '../schema/go-types/types.js';
import { ALL_GROUPS } from '../schema/go-types/all.js';

const GROUPS: ProtoGroup[] = ALL_GROUPS;

type Obj = Record<string, unknown>;

/** What an absent (or null) field becomes. */
export const enum Absent {
  Omit,
  Null,
  Zero,
  Struct,
}

/** How a present value is visited. */
export const enum Shape {
  Scalar,
  Bytes,
  Message,
  List,
  Map,
}

export interface GoField {
  name: string;
  shape: Shape;
  /** element type for lists and maps: scalar code or message */
  elemScalar?: string;
  msg?: GoMessage;
  absent: Absent;
  /** the zero scalar of a non-omitempty scalar, or of list/map scalar elements */
  zero: unknown;
  /** omitempty scalar: the zero value that Go drops */
  dropZero: boolean;
  /** `!`: lists and maps are printed even when empty */
  keep: boolean;
}

export interface GoMessage {
  key: string;
  special?: string;
  /** fields with inline (embedded) structs flattened in; compiled on first use */
  fields?: GoField[];
  /** JSONSchemaProps behind the apiextensions Or* wrappers */
  schema?: GoMessage;
}

interface RawField {
  name: string;
  shape: 'one' | 'list' | 'map';
  scalar?: string;
  message?: string;
  ptr: boolean;
  keep: boolean;
  inline: boolean;
}

const FIELD_RE = /^([\w$-]+):(\d+):([[{]?)([\w.]+)([\]}]?)([!*^~]*)$/;
const SCALAR_CODES = new Set(['s', 'b', 'i', 'l', 'd', 'y']);

// Tables are read lazily, message by message, so start-up only pays for the kinds it writes.
let texts: Map<string, string> | undefined;
let roots: Map<string, string> | undefined;
const messages = new Map<string, GoMessage>();

function index(): Map<string, string> {
  if (texts) return texts;
  texts = new Map();
  roots = new Map();
  for (const g of GROUPS) {
    for (const [name, text] of Object.entries(g.messages)) texts.set(`${g.ns}.${name}`, text);
    for (const [apiVersion, kinds] of Object.entries(g.kinds)) {
      if (apiVersion === '*') continue;
      for (const kind of kinds) roots.set(`${apiVersion} ${kind}`, `${g.ns}.${kind}`);
    }
  }
  return texts;
}

export function rootFor(apiVersion: string, kind: string): GoMessage | undefined {
  index();
  const key = roots!.get(`${apiVersion} ${kind}`);
  return key === undefined ? undefined : messageFor(key);
}

export function messageFor(key: string): GoMessage {
  let m = messages.get(key);
  if (m) return m;
  const text = index().get(key);
  if (text === undefined) throw new Error(`go-json: unknown type ${key}`);
  const head = /^\s*@(\w+)/.exec(text);
  m = { key, special: head?.[1] };
  messages.set(key, m);
  if (m.special?.startsWith('or')) m.schema = messageFor('apiextensions.JSONSchemaProps');
  return m;
}

function parseFields(key: string): RawField[] {
  const ns = key.slice(0, key.indexOf('.'));
  const tokens = index().get(key)!.trim().split(/\s+/).filter((t) => t && !t.startsWith('@'));
  return tokens.map((tok): RawField => {
    const m = FIELD_RE.exec(tok);
    if (!m) throw new Error(`go-json: ${key}: bad field "${tok}"`);
    const [, fname, , open, type, , flags] = m as unknown as string[];
    const isScalar = SCALAR_CODES.has(type!);
    return {
      name: fname!,
      shape: open === '[' ? 'list' : open === '{' ? 'map' : 'one',
      scalar: isScalar ? type : undefined,
      message: isScalar ? undefined : type!.includes('.') ? type : `${ns}.${type}`,
      ptr: flags!.includes('*'),
      keep: flags!.includes('!'),
      inline: flags!.includes('^'),
      // `~` (omitzero) is ignored: 1.33's ObjectMeta has no omitzero, so templates print creationTimestamp: null
    };
  });
}

export function fieldsOf(m: GoMessage): GoField[] {
  if (m.fields) return m.fields;
  const out: GoField[] = [];
  const seen = new Set<string>();
  const flatten = (key: string): void => {
    const inlines: string[] = [];
    for (const f of parseFields(key)) {
      if (f.inline) inlines.push(f.message!);
      else if (!seen.has(f.name)) {
        seen.add(f.name);
        out.push(goField(f));
      }
    }
    // Go: a field of the outer struct hides an embedded one of the same name
    for (const k of inlines) flatten(k);
  };
  flatten(m.key);
  return (m.fields = out);
}

function goField(f: RawField): GoField {
  const msg = f.message ? messageFor(f.message) : undefined;
  const zero = f.scalar ? scalarZero(f.scalar) : undefined;
  if (f.shape !== 'one') {
    return { name: f.name, shape: f.shape === 'list' ? Shape.List : Shape.Map, elemScalar: f.scalar, msg, absent: f.keep ? Absent.Null : Absent.Omit, zero, dropZero: false, keep: f.keep };
  }
  if (msg) {
    return { name: f.name, shape: Shape.Message, msg, absent: f.ptr ? (f.keep ? Absent.Null : Absent.Omit) : Absent.Struct, zero: undefined, dropZero: false, keep: f.keep };
  }
  const shape = f.scalar === 'y' ? Shape.Bytes : Shape.Scalar;
  // a nil []byte prints as null, whatever the flags
  const absent = f.ptr || f.scalar === 'y' ? (f.keep ? Absent.Null : Absent.Omit) : f.keep ? Absent.Zero : Absent.Omit;
  return { name: f.name, shape, elemScalar: f.scalar, absent, zero, dropZero: !f.ptr && !f.keep, keep: f.keep };
}

function scalarZero(code: string): unknown {
  return code === 's' || code === 'y' ? '' : code === 'b' ? false : 0;
}

function isPlainObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The JSON Go prints for the zero value of a (non-pointer) message. */
function zeroOf(m: GoMessage): unknown {
  switch (m.special) {
    case undefined:
      break;
    case 'quantity':
      return '0';
    case 'intorstring':
      return 0;
    case 'duration':
      return '0s';
    case 'orbool':
      return false;
    default:
      return null;
  }
  const out: Obj = {};
  for (const f of fieldsOf(m)) fillAbsent(f, out);
  return out;
}

function fillAbsent(f: GoField, o: Obj): void {
  switch (f.absent) {
    case Absent.Omit:
      return;
    case Absent.Null:
      o[f.name] = null;
      return;
    case Absent.Zero:
      o[f.name] = f.zero;
      return;
    case Absent.Struct:
      o[f.name] = zeroOf(f.msg!);
  }
}

function normalizeMessage(m: GoMessage, o: Obj, fill: boolean): void {
  const fields = m.fields ?? fieldsOf(m);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    const v = o[f.name];
    if (v === undefined || v === null) {
      if (!fill || f.absent === Absent.Omit) {
        if (v === null) delete o[f.name];
      } else if (v === undefined || f.absent !== Absent.Null) {
        fillAbsent(f, o);
      }
      continue;
    }
    switch (f.shape) {
      case Shape.Scalar:
        if (f.dropZero && v === f.zero) delete o[f.name];
        break;
      case Shape.Bytes:
        if (f.dropZero && v === '') delete o[f.name];
        else if (typeof v === 'string') o[f.name] = goBytes(v);
        break;
      case Shape.Message:
        o[f.name] = normalizeValue(f.msg!, v, fill);
        break;
      case Shape.List:
        if (!Array.isArray(v)) break;
        if (v.length === 0) {
          if (!f.keep) delete o[f.name];
          break;
        }
        for (let j = 0; j < v.length; j++) v[j] = normalizeElement(f, v[j], fill);
        break;
      case Shape.Map: {
        if (!isPlainObject(v)) break;
        let empty = true;
        for (const k in v) {
          empty = false;
          v[k] = normalizeElement(f, v[k], fill);
        }
        if (empty && !f.keep) delete o[f.name];
        break;
      }
    }
  }
}

function normalizeElement(f: GoField, v: unknown, fill: boolean): unknown {
  if (f.msg) return v === null || v === undefined ? zeroOf(f.msg) : normalizeValue(f.msg, v, fill);
  if (f.elemScalar === 'y') return typeof v === 'string' ? goBytes(v) : v;
  return v === null ? f.zero : v;
}

/** A present, non-null value of a message type. */
function normalizeValue(m: GoMessage, v: unknown, fill: boolean): unknown {
  switch (m.special) {
    case undefined:
      if (isPlainObject(v)) normalizeMessage(m, v, fill);
      return v;
    case 'time':
      return typeof v === 'string' ? goTime(v, false) : v;
    case 'microtime':
      return typeof v === 'string' ? goTime(v, true) : v;
    case 'orbool':
      if (isPlainObject(v)) normalizeMessage(m.schema!, v, fill);
      return v;
    case 'orarray':
      if (isPlainObject(v)) normalizeMessage(m.schema!, v, fill);
      else if (Array.isArray(v)) for (const e of v) if (isPlainObject(e)) normalizeMessage(m.schema!, e, fill);
      // `items: []` prints as null but reads back as absent (Go is not idempotent there); v1 rejects list items anyway
      return v;
    case 'orstringarray':
      if (isPlainObject(v)) normalizeMessage(m.schema!, v, fill);
      // its MarshalJSON prints an empty list as the (nil) schema
      return Array.isArray(v) && v.length === 0 ? null : v;
    case 'quantity':
      // Go prints a parsed Quantity in canonical form; an unparseable one is left for validation
      return canonicalQuantity(v) ?? v;
    default:
      // intorstring, duration, raw JSON (RawExtension, FieldsV1, apiextensions JSON), string lists
      return v;
  }
}

const BASE64_RE = /^[A-Za-z0-9+/]*={0,2}$/;

/** encoding/json's base64 decoder skips \r and \n; the re-encoded value has none. */
function goBytes(s: string): string {
  if (s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
  const t = s.replace(/[\r\n]/g, '');
  return t.length % 4 === 0 && BASE64_RE.test(t) ? Buffer.from(t, 'base64').toString('base64') : s;
}

const CANONICAL_TIME_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
const CANONICAL_MICRO_RE = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/;
const TIME_RE = /^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/;
// Go's zero time.Time (0001-01-01T00:00:00Z), which metav1.Time prints as null.
const GO_ZERO_MS = -62135596800000;

/**
 * metav1.Time parses RFC 3339 and prints UTC to the second; MicroTime wants exactly six fractional
 * digits and prints UTC with six. Values Go would reject are left for validation to report.
 */
function goTime(s: string, micro: boolean): string | null {
  if ((micro ? CANONICAL_MICRO_RE : CANONICAL_TIME_RE).test(s) && !s.startsWith('0001-01-01T')) return s;
  const m = TIME_RE.exec(s);
  if (!m) return s;
  const [, y, mo, d, h, mi, sec, frac, zone] = m as unknown as string[];
  if (micro && (frac === undefined || frac.length !== 7)) return s;
  const year = Number(y), month = Number(mo), day = Number(d), hour = Number(h), min = Number(mi), second = Number(sec);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour > 23 || min > 59 || second > 59) return s;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const oh = Number(zone!.slice(1, 3)), om = Number(zone!.slice(4, 6));
    if (oh > 23 || om > 59) return s;
    offsetMin = (zone![0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, min - offsetMin, second, 0);
  const ms = date.getTime();
  const micros = frac ? Number(frac.slice(1, 7).padEnd(6, '0')) : 0;
  if (ms === GO_ZERO_MS && !(frac && /[1-9]/.test(frac))) return null;
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const yy = date.getUTCFullYear();
  // Go's MarshalJSON fails for years outside [0, 9999]; leave such values alone
  if (yy < 0 || yy > 9999) return s;
  const base = `${p(yy, 4)}-${p(date.getUTCMonth() + 1)}-${p(date.getUTCDate())}T${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}`;
  return micro ? `${base}.${p(micros, 6)}Z` : `${base}Z`;
}

function daysIn(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * Rewrites obj in place as Go's encoding/json prints it after decoding it into the versioned type:
 * omitempty zero values dropped, absent non-omitempty lists/maps/pointers as null, absent value
 * structs as their zero ({} or null for times), pointer zeros kept, times in UTC. Unknown fields and
 * unknown kinds (custom resources) are left alone. Returns obj.
 */
export function normalizeLikeGo<T>(obj: T, apiVersion: string, kind: string): T {
  const root = rootFor(apiVersion, kind);
  if (root && isPlainObject(obj)) normalizeMessage(root, obj, true);
  return obj;
}

/**
 * The decoding half only, for the body that defaulting sees: whatever Go would hold as unset
 * (omitempty zero values, nulls) is removed, and nothing is added, so "unset" is always "absent".
 */
export function stripLikeGo<T>(obj: T, apiVersion: string, kind: string): T {
  const root = rootFor(apiVersion, kind);
  if (root && isPlainObject(obj)) normalizeMessage(root, obj, false);
  return obj;
}

/** normalizeLikeGo for a value of one message type (`ns.Name`, e.g. `core.PodSpec`); for tests. */
export function normalizeMessageLikeGo(type: string, value: unknown): unknown {
  const m = messageFor(type);
  return value === null || value === undefined ? zeroOf(m) : normalizeValue(m, value, true);
}
