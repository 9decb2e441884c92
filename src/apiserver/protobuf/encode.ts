import { create, toBinary } from '@bufbuild/protobuf';
import { getSchema, type FieldSpec, type MessageSpec } from './schema.js';

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/** Thrown for a JSON object the protobuf tables cannot represent; `path` names the offending field. */
export class ProtobufEncodeError extends Error {
  readonly path: string;
  constructor(path: string, message: string) {
    super(`protobuf encoding: ${path}: ${message}`);
    this.name = 'ProtobufEncodeError';
    this.path = path;
  }
}

export interface EncodeOptions {
  /** Reject JSON fields the tables do not know instead of dropping them (default true). */
  strict?: boolean;
}

type Json = Record<string, unknown>;

/**
 * Encodes an object's JSON form as a Kubernetes protobuf body (`k8s\0` + runtime.Unknown), as client-go
 * would send it; the inverse of decodeProtobufObject for the same tables.
 */
export function encodeProtobufObject(obj: Json, opts: EncodeOptions = {}): Uint8Array {
  const { apiVersion, kind, ...rest } = obj;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || !apiVersion || !kind) {
    throw new ProtobufEncodeError('', 'the object needs string apiVersion and kind');
  }
  const schema = getSchema();
  const spec = schema.roots.get(`${apiVersion} ${kind}`) ?? schema.roots.get(`* ${kind}`);
  if (!spec) throw new ProtobufEncodeError('', `${kind} in ${apiVersion} has no protobuf table`);
  const enc = new Encoder(opts.strict ?? true);
  const raw = toBinary(spec.desc, create(spec.desc, enc.message(spec, rest, kind) as never));
  const envelope = schema.messages.get('runtime.Unknown')!.desc;
  const body = toBinary(envelope, create(envelope, { typeMeta: { apiVersion, kind }, raw, contentEncoding: '', contentType: '' } as never));
  const out = new Uint8Array(MAGIC.length + body.length);
  out.set(MAGIC);
  out.set(body, MAGIC.length);
  return out;
}

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

class Encoder {
  constructor(private readonly strict: boolean) {}

  message(spec: MessageSpec, v: unknown, path: string): Json {
    if (spec.special) return this.special(spec, v, path);
    if (!isObject(v)) throw new ProtobufEncodeError(path, 'expected an object');
    const used = new Set<string>();
    const init = this.fields(spec, v, path, used);
    if (this.strict) {
      for (const k of Object.keys(v)) if (!used.has(k)) throw new ProtobufEncodeError(`${path}.${k}`, 'unknown field');
    }
    return init;
  }

  private fields(spec: MessageSpec, obj: Json, path: string, used: Set<string>): Json {
    const init: Json = {};
    for (const f of spec.fields) {
      const key = f.desc.localName;
      if (f.inline) {
        init[key] = this.fields(this.spec(f), obj, path, used);
        continue;
      }
      used.add(f.name);
      const v = obj[f.name];
      if (v === undefined || v === null) continue;
      const p = `${path}.${f.name}`;
      if (f.shape === 'list') {
        if (!Array.isArray(v)) throw new ProtobufEncodeError(p, 'expected an array');
        init[key] = v.map((e, i) => this.element(f, e, `${p}[${i}]`));
      } else if (f.shape === 'map') {
        if (!isObject(v)) throw new ProtobufEncodeError(p, 'expected an object');
        init[key] = Object.fromEntries(Object.entries(v).map(([k, e]) => [k, this.element(f, e, `${p}.${k}`)]));
      } else {
        init[key] = this.element(f, v, p);
      }
    }
    return init;
  }

  private spec(f: FieldSpec): MessageSpec {
    return getSchema().messages.get(f.message!)!;
  }

  private element(f: FieldSpec, v: unknown, path: string): unknown {
    if (f.message) {
      const spec = this.spec(f);
      // A null list element or map value decodes to the zero value in Go.
      return v === null && !spec.special ? {} : this.message(spec, v, path);
    }
    return scalar(f.scalar!, v, path);
  }

  private set(spec: MessageSpec, values: Json, path: string): Json {
    const init: Json = {};
    for (const [name, v] of Object.entries(values)) {
      const f = spec.fields.find((x) => x.name === name)!;
      init[f.desc.localName] = f.shape === 'list'
        ? (v as unknown[]).map((e, i) => this.element(f, e, `${path}[${i}]`))
        : this.element(f, v, path);
    }
    return init;
  }

  private special(spec: MessageSpec, v: unknown, path: string): Json {
    switch (spec.special) {
      case 'time':
      case 'microtime': {
        if (typeof v !== 'string') throw new ProtobufEncodeError(path, 'expected an RFC 3339 time string');
        const [seconds, nanos] = parseTime(v, path);
        return this.set(spec, { seconds: Number(seconds), nanos }, path);
      }
      case 'duration':
        if (typeof v !== 'string') throw new ProtobufEncodeError(path, 'expected a duration string');
        return { [spec.fields[0]!.desc.localName]: parseGoDuration(v, path) };
      case 'quantity':
        if (typeof v !== 'string' && typeof v !== 'number') throw new ProtobufEncodeError(path, 'expected a quantity');
        return this.set(spec, { string: String(v) }, path);
      case 'intorstring':
        if (typeof v === 'number' && Number.isInteger(v)) return this.set(spec, { type: 0, intVal: v }, path);
        if (typeof v === 'string') return this.set(spec, { type: 1, strVal: v }, path);
        throw new ProtobufEncodeError(path, 'expected an integer or a string');
      case 'json':
        return { [spec.fields[0]!.desc.localName]: new TextEncoder().encode(JSON.stringify(v)) };
      case 'list':
        if (!Array.isArray(v)) throw new ProtobufEncodeError(path, 'expected an array of strings');
        return this.set(spec, { items: v }, path);
      case 'orbool':
        if (typeof v === 'boolean') return this.set(spec, { allows: v }, path);
        return this.set(spec, { allows: true, schema: v }, path);
      case 'orarray':
        return this.set(spec, Array.isArray(v) ? { jSONSchemas: v } : { schema: v }, path);
      case 'orstringarray':
        return this.set(spec, Array.isArray(v) ? { property: v } : { schema: v }, path);
    }
    throw new ProtobufEncodeError(path, `unhandled special ${spec.special}`);
  }
}

function scalar(code: string, v: unknown, path: string): unknown {
  const fail = (what: string): never => { throw new ProtobufEncodeError(path, `expected ${what}`); };
  switch (code) {
    case 's':
      return typeof v === 'string' ? v : fail('a string');
    case 'b':
      return typeof v === 'boolean' ? v : fail('a boolean');
    case 'i':
      return typeof v === 'number' && Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31 ? v : fail('an int32');
    case 'l':
      return typeof v === 'number' && Number.isInteger(v) ? BigInt(v) : fail('an integer');
    case 'd':
      return typeof v === 'number' ? v : fail('a number');
    case 'y':
      return typeof v === 'string' && BASE64_RE.test(v) ? Uint8Array.from(Buffer.from(v, 'base64')) : fail('base64 bytes');
  }
  return fail(`a scalar of type ${code}`);
}

const TIME_RE = /^(\d{4})-(\d\d)-(\d\d)[Tt](\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(?:[Zz]|([+-])(\d\d):(\d\d))$/;

/** RFC 3339 → [Unix seconds, nanoseconds], as Go's time.Parse reads metav1.Time and MicroTime. */
function parseTime(s: string, path: string): [bigint, number] {
  const m = TIME_RE.exec(s);
  if (!m) throw new ProtobufEncodeError(path, `invalid time "${s}"`);
  const [, y, mo, d, h, mi, sec, frac, sign, oh, om] = m;
  const date = new Date(0);
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  const ms = date.setUTCHours(Number(h), Number(mi), Number(sec));
  const offset = sign ? (sign === '-' ? -1 : 1) * (Number(oh) * 3600 + Number(om) * 60) : 0;
  return [BigInt(ms / 1000 - offset), frac ? Number(frac.padEnd(9, '0')) : 0];
}

const UNITS: Record<string, bigint> = {
  ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n,
};

/** time.ParseDuration from Go, in nanoseconds. */
export function parseGoDuration(s: string, path = ''): bigint {
  const fail = (): never => { throw new ProtobufEncodeError(path, `invalid duration "${s}"`); };
  let rest = s;
  let neg = false;
  if (rest[0] === '-' || rest[0] === '+') {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (!rest) fail();
  let total = 0n;
  const re = /^(\d*)(?:\.(\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/;
  while (rest) {
    const m = re.exec(rest);
    if (!m || (!m[1] && !m[2])) return fail();
    const unit = UNITS[m[3]!]!;
    total += BigInt(m[1] || '0') * unit;
    if (m[2]) total += (BigInt(m[2]) * unit) / 10n ** BigInt(m[2].length);
    rest = rest.slice(m[0].length);
  }
  return neg ? -total : total;
}
