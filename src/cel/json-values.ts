// JSON data as CEL values: plain JSON (admission objects, params) or typed by a structural schema as
// apiserver's UnstructuredToVal does (objects with escaped field names, list-type set/map semantics,
// string formats), converted lazily; and CEL values back to JSON.
import { escapeName, unescapeName } from './escaping.js';
import { equals } from './runtime.js';
import type { StructuralSchema } from './schema-types.js';
import { parseGoDuration, parseRfc3339, timestampOf, formatRfc3339, formatDurationSeconds } from './time.js';
import {
  ArrayList, CelError, CelUint, Duration, EntriesMap, OpaqueValue, Optional, Timestamp, TypeValue, isList, isMap,
  type CelList, type CelMap, type Val,
} from './values.js';

type Json = unknown;

/** Plain JSON: integral numbers are ints (Kubernetes decodes JSON integers as int64), others doubles. */
export function jsonToCel(v: Json): Val {
  if (v === null || v === undefined) return null;
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'bigint':
      return v;
    case 'number':
      return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? BigInt(v) : v;
  }
  if (isCelValue(v)) return v as Val;
  if (Array.isArray(v)) return new ArrayList(v.map(jsonToCel));
  if (typeof v === 'object') return new PlainJsonMap(v as Record<string, Json>);
  return new CelError(`unsupported JSON value ${String(v)}`);
}

export function isCelValue(v: unknown): boolean {
  return v instanceof OpaqueValue || v instanceof Timestamp || v instanceof Duration || v instanceof CelUint || v instanceof Optional ||
    v instanceof TypeValue || v instanceof Uint8Array || isList(v) || isMap(v);
}

class PlainJsonMap implements CelMap {
  readonly kind = 'map';
  private readonly cache = new Map<string, Val>();
  constructor(readonly raw: Record<string, Json>) {}
  size(): number {
    return Object.keys(this.raw).length;
  }
  get(key: Val): Val | undefined {
    if (typeof key !== 'string') return new CelError('no such overload');
    if (!Object.hasOwn(this.raw, key)) return undefined;
    let v = this.cache.get(key);
    if (v === undefined) {
      v = jsonToCel(this.raw[key]);
      this.cache.set(key, v);
    }
    return v;
  }
  keys(): Iterable<Val> {
    return Object.keys(this.raw);
  }
}

const err = (m: string) => new CelError(m);

function goType(v: Json): string {
  if (typeof v === 'number') return Number.isInteger(v) ? 'int64' : 'float64';
  if (typeof v === 'bigint') return 'int64';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]interface {}';
}

/** UnstructuredToVal: a JSON value under its schema. */
export function schemaToCel(v: Json, s: StructuralSchema): Val {
  if (v === null || v === undefined) {
    return s.nullable ? null : err('invalid data, got null for schema with nullable=false');
  }
  if (s['x-kubernetes-int-or-string']) {
    if (typeof v === 'string') return v;
    if (typeof v === 'bigint') return v;
    if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
    return err('invalid data, expected XIntOrString value to be either a string or integer');
  }
  switch (s.type) {
    case 'object': {
      if (typeof v !== 'object' || Array.isArray(v)) return err('invalid data, expected a map for the provided schema with type=object');
      const obj = v as Record<string, Json>;
      const embedded = !!s['x-kubernetes-embedded-resource'];
      if (embedded || s.properties) {
        const schema = embedded ? withMeta(s) : s;
        return new SchemaObject(obj, true, (k) => (Object.hasOwn(schema.properties ?? {}, k) ? schema.properties![k] : undefined));
      }
      const ap = s.additionalProperties;
      if (ap && typeof ap === 'object') return new SchemaObject(obj, false, () => ap);
      return new SchemaObject(obj, false, () => undefined);
    }
    case 'array': {
      if (!Array.isArray(v)) return err('invalid data, expected an array for the provided schema with type=array');
      if (!s.items) return err('invalid array type, expected Items with a non-empty Schema');
      const lt = s['x-kubernetes-list-type'];
      if (lt === 'map') return new SchemaList(v, s.items, 'map', s['x-kubernetes-list-map-keys'] ?? []);
      if (lt === 'set') return new SchemaList(v, s.items, 'set', []);
      if (lt && lt !== 'atomic') return err(`invalid x-kubernetes-list-type, expected 'map', 'set' or 'atomic' but got ${lt}`);
      return new SchemaList(v, s.items, 'atomic', []);
    }
    case 'string': {
      if (typeof v !== 'string') return err(`invalid data, expected string, got ${goType(v)}`);
      switch (s.format) {
        case 'duration': {
          const d = parseGoDuration(v);
          return d === undefined ? err(`Invalid duration ${v}: time: invalid duration ${JSON.stringify(v)}`) : new Duration(d);
        }
        case 'date': {
          const t = /^\d{4}-\d{2}-\d{2}$/.test(v) ? parseRfc3339(`${v}T00:00:00Z`) : undefined;
          return t === undefined ? err(`Invalid date formatted string ${v}`) : timestampOf(t);
        }
        case 'date-time': {
          const t = parseDateTime(v);
          return t === undefined ? err(`Invalid date-time formatted string ${v}`) : timestampOf(t);
        }
        case 'byte': {
          const b = decodeBase64(v);
          return b === undefined ? err(`Invalid byte formatted string ${v}`) : b;
        }
      }
      return v;
    }
    case 'number':
      if (typeof v === 'number') return v;
      if (typeof v === 'bigint') return Number(v);
      return err(`invalid data, expected float, got ${goType(v)}`);
    case 'integer':
      if (typeof v === 'bigint') return v;
      if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
      return err(`invalid data, expected int, got ${goType(v)}`);
    case 'boolean':
      return typeof v === 'boolean' ? v : err(`invalid data, expected bool, got ${goType(v)}`);
  }
  if (s['x-kubernetes-preserve-unknown-fields']) return jsonToCel(v);
  return err(`invalid type, expected object, array, number, integer, boolean or string, or no type with x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields is true, got ${s.type ?? ''}`);
}

function withMeta(s: StructuralSchema): StructuralSchema {
  const props = s.properties ?? {};
  if (props.kind && props.apiVersion && props.metadata?.properties?.name && props.metadata.properties.generateName) return s;
  return {
    ...s,
    properties: {
      ...props,
      kind: { type: 'string' },
      apiVersion: { type: 'string' },
      metadata: { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' } } },
    },
  };
}

/** strfmt.ParseDateTime: RFC 3339 with optional fraction, or a local time without zone (read as UTC). */
function parseDateTime(s: string): bigint | undefined {
  return parseRfc3339(s) ?? (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/.test(s) ? parseRfc3339(`${s}Z`) : undefined);
}

function decodeBase64(s: string): Uint8Array | undefined {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s) || s.length % 4 !== 0) return undefined;
  return new Uint8Array(Buffer.from(s, 'base64'));
}

/** Deep equality of raw JSON (Go's equality.Semantic.DeepEqual on unstructured data). */
function deepEqualJson(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (typeof a === 'number' || typeof a === 'bigint') return (typeof b === 'number' || typeof b === 'bigint') && Number(a) === Number(b);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqualJson(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a as object);
    const kb = Object.keys(b as object);
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(b as object, k) && deepEqualJson((a as Record<string, Json>)[k], (b as Record<string, Json>)[k]));
  }
  return false;
}

/** An object with properties (field names escaped) or a map from additionalProperties. */
export class SchemaObject implements CelMap {
  readonly kind = 'map';
  private readonly cache = new Map<string, Val>();
  constructor(
    readonly raw: Record<string, Json>,
    private readonly isObject: boolean,
    private readonly propSchema: (k: string) => StructuralSchema | undefined,
  ) {}

  size(): number {
    return Object.keys(this.raw).length;
  }

  get(key: Val): Val | undefined {
    if (typeof key !== 'string') return new CelError('no such overload');
    let k: string | undefined = key;
    if (this.isObject) {
      k = unescapeName(key);
      if (k === undefined) return undefined;
    }
    if (!Object.hasOwn(this.raw, k)) return undefined;
    const v = this.raw[k];
    // null nullable properties read as absent
    if (this.isObject && v === null) return undefined;
    const ps = this.propSchema(k);
    if (!ps) return undefined;
    let out = this.cache.get(k);
    if (out === undefined) {
      out = schemaToCel(v, ps);
      this.cache.set(k, out);
    }
    return out;
  }

  keys(): Iterable<Val> {
    const out: string[] = [];
    for (const k of Object.keys(this.raw)) {
      if (!this.propSchema(k)) continue;
      out.push(this.isObject ? (escapeName(k) ?? k) : k);
    }
    return out;
  }

  equalsMap(other: CelMap): boolean | CelError {
    if (this.size() !== other.size()) return false;
    for (const [k, v] of Object.entries(this.raw)) {
      const ps = this.propSchema(k);
      if (ps) {
        const ov = other.get(this.isObject ? (escapeName(k) ?? k) : k);
        if (ov === undefined) return false;
        if (ov instanceof CelError) return ov;
        const eq = equals(schemaToCel(v, ps), ov);
        if (eq !== true) return eq;
      } else if (other instanceof SchemaObject) {
        if (Object.hasOwn(other.raw, k) && !deepEqualJson(v, other.raw[k])) return false;
      } else return new CelError('no such overload');
    }
    return true;
  }
}

/** A JSON array under its items schema; set and map list types compare without order and merge on +. */
export class SchemaList implements CelList {
  readonly kind = 'list';
  private readonly cache: (Val | undefined)[] = [];
  constructor(
    readonly raw: Json[],
    private readonly items: StructuralSchema,
    private readonly listType: 'atomic' | 'set' | 'map',
    private readonly keys: string[],
  ) {}

  size(): number {
    return this.raw.length;
  }

  get(i: number): Val {
    return (this.cache[i] ??= schemaToCel(this.raw[i], this.items));
  }

  *values(): Iterable<Val> {
    for (let i = 0; i < this.raw.length; i++) yield this.get(i);
  }

  private mapKey(e: Json): string {
    const o = (e && typeof e === 'object' ? e : {}) as Record<string, Json>;
    return JSON.stringify(this.keys.map((k) => o[k] ?? null));
  }

  private rawOf(v: Val): Json {
    return celToJson(v);
  }

  equalsList(other: CelList): boolean | CelError {
    if (this.listType === 'atomic') {
      if (this.size() !== other.size()) return false;
      for (let i = 0; i < this.size(); i++) {
        const eq = equals(this.get(i), other.get(i));
        if (eq !== true) return eq;
      }
      return true;
    }
    if (this.size() !== other.size()) return false;
    if (this.listType === 'set') {
      const mine = new Set(this.raw.map((e) => JSON.stringify(e)));
      for (const v of other.values()) if (!mine.has(JSON.stringify(this.rawOf(v)))) return false;
      return true;
    }
    const byKey = new Map(this.raw.map((e) => [this.mapKey(e), e]));
    for (const v of other.values()) {
      const e = byKey.get(this.mapKey(this.rawOf(v)));
      if (e === undefined) return false;
      const eq = equals(schemaToCel(e, this.items), v);
      if (eq !== true) return eq;
    }
    return true;
  }

  concat(other: CelList): CelList {
    const others = Array.from(other.values(), (v) => this.rawOf(v));
    if (this.listType === 'atomic') return new SchemaList([...this.raw, ...others], this.items, 'atomic', []);
    if (this.listType === 'set') {
      const seen = new Set(this.raw.map((e) => JSON.stringify(e)));
      const out = [...this.raw];
      for (const e of others) if (!seen.has(JSON.stringify(e))) (seen.add(JSON.stringify(e)), out.push(e));
      return new SchemaList(out, this.items, 'set', []);
    }
    const out = [...this.raw];
    const index = new Map(out.map((e, i) => [this.mapKey(e), i]));
    for (const e of others) {
      const i = index.get(this.mapKey(e));
      if (i !== undefined) out[i] = e;
      else out.push(e);
    }
    return new SchemaList(out, this.items, 'map', this.keys);
  }
}

/** A CEL value as JSON (messageExpression results, mutations): maps need string keys. */
export function celToJson(v: Val): Json {
  switch (typeof v) {
    case 'boolean':
    case 'string':
      return v;
    case 'bigint':
      return Number.isSafeInteger(Number(v)) ? Number(v) : v;
    case 'number':
      return v;
  }
  if (v === null) return null;
  if (v instanceof CelError) throw new Error(v.message);
  if (v instanceof SchemaList) return v.raw;
  if (v instanceof SchemaObject) return v.raw;
  if (v instanceof PlainJsonMap) return v.raw;
  if (v instanceof CelUint) return Number.isSafeInteger(Number(v.value)) ? Number(v.value) : v.value;
  if (v instanceof Uint8Array) return Buffer.from(v).toString('base64');
  if (v instanceof Timestamp) return formatRfc3339(v);
  if (v instanceof Duration) return formatDurationSeconds(v.nanos);
  if (v instanceof Optional) return v.hasValue() ? celToJson(v.value!) : null;
  if (isList(v)) return Array.from(v.values(), celToJson);
  if (isMap(v)) {
    const out: Record<string, Json> = {};
    for (const k of v.keys()) {
      if (typeof k !== 'string') throw new Error(`map key of type ${typeof k} cannot be represented in JSON`);
      out[k] = celToJson(v.get(k) as Val);
    }
    return out;
  }
  if (v instanceof TypeValue) return v.type.name;
  return String(v);
}

export { EntriesMap };
