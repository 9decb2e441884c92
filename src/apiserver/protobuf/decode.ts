import { fromBinary, isFieldSet, type Message } from '@bufbuild/protobuf';
import { getSchema, type FieldSpec, type MessageSpec, type ScalarCode } from './schema.js';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = [0x6b, 0x38, 0x73, 0x00]; // "k8s\0"

/** Thrown for any body that cannot be decoded; `unsupported` marks a well-formed body of an unknown kind. */
export class ProtobufDecodeError extends Error {
  readonly unsupported: boolean;
  readonly apiVersion?: string;
  readonly kind?: string;
  constructor(message: string, opts: { unsupported?: boolean; apiVersion?: string; kind?: string } = {}) {
    super(message);
    this.name = 'ProtobufDecodeError';
    this.unsupported = opts.unsupported ?? false;
    this.apiVersion = opts.apiVersion;
    this.kind = opts.kind;
  }
}

/** True when a Content-Type header names the Kubernetes protobuf encoding (parameters ignored). */
export function isProtobufContentType(ct: string | null | undefined): boolean {
  if (!ct) return false;
  return ct.split(';', 1)[0]!.trim().toLowerCase() === PROTOBUF_CONTENT_TYPE;
}

/** The apiVersion/kind pairs decodeProtobufObject understands (`*` = any apiVersion). */
export function supportedProtobufKinds(): Array<{ apiVersion: string; kind: string }> {
  return [...getSchema().roots.keys()].map((k) => {
    const [apiVersion, kind] = k.split(' ') as [string, string];
    return { apiVersion, kind };
  });
}

/** The runtime.Unknown envelope of a protobuf body: the type it names and the raw message bytes. */
export interface ProtobufEnvelope {
  apiVersion: string;
  kind: string;
  raw: Uint8Array;
  contentEncoding: string;
}

/** Splits a body into its envelope, failing as upstream's protobuf serializer does for an empty or foreign body. */
export function decodeProtobufEnvelope(body: Uint8Array): ProtobufEnvelope {
  if (body.length === 0) throw new ProtobufDecodeError('empty data');
  if (body.length < MAGIC.length || MAGIC.some((b, i) => body[i] !== b)) {
    throw new ProtobufDecodeError(`provided data does not appear to be a protobuf message, expected prefix [${MAGIC.join(' ')}]`);
  }
  if (body.length === MAGIC.length) throw new ProtobufDecodeError('empty body');
  const schema = getSchema();
  const envelope = schema.messages.get('runtime.Unknown')!;
  const unknown = parse(envelope, body.subarray(MAGIC.length));
  const typeMeta = field(envelope, unknown, 'typeMeta').value as Msg | undefined;
  const typeMetaSpec = schema.messages.get('runtime.TypeMeta')!;
  return {
    apiVersion: (field(typeMetaSpec, typeMeta, 'apiVersion').value as string | undefined) ?? '',
    kind: (field(typeMetaSpec, typeMeta, 'kind').value as string | undefined) ?? '',
    raw: (field(envelope, unknown, 'raw').value as Uint8Array | undefined) ?? new Uint8Array(),
    contentEncoding: (field(envelope, unknown, 'contentEncoding').value as string | undefined) ?? '',
  };
}

/** The type a decoder falls back to for an envelope without one (upstream's default GroupVersionKind). */
export interface KindDefaults {
  apiVersion: string;
  kind: string;
}

/**
 * Decodes a Kubernetes protobuf request body (`k8s\0` + runtime.Unknown) into the object's JSON form,
 * as kube-apiserver would serialise it, with kind and apiVersion taken from the envelope, or from
 * `defaults` where the envelope leaves them empty. With `kinds`, any other kind throws an `unsupported`
 * error before its bytes are read (as a decoder into one Go type fails).
 */
export function decodeProtobufObject(body: Uint8Array, defaults?: KindDefaults, kinds?: string[]): Record<string, unknown> {
  const env = decodeProtobufEnvelope(body);
  const typeMetaText = `runtime.TypeMeta{APIVersion:${JSON.stringify(env.apiVersion)}, Kind:${JSON.stringify(env.kind)}}`;
  const kind = env.kind || defaults?.kind || '';
  const apiVersion = env.apiVersion || defaults?.apiVersion || '';
  if (!kind) throw new ProtobufDecodeError(`Object 'Kind' is missing in '${typeMetaText}'`);
  if (!apiVersion) throw new ProtobufDecodeError(`Object 'apiVersion' is missing in '${typeMetaText}'`);
  if (kinds && !kinds.includes(kind)) throw new ProtobufDecodeError(`${kind} in ${apiVersion} is not one of ${kinds.join(', ')}`, { unsupported: true, apiVersion, kind });
  if (env.contentEncoding) throw new ProtobufDecodeError(`protobuf body has unsupported contentEncoding "${env.contentEncoding}"`);
  const schema = getSchema();
  const spec = schema.roots.get(`${apiVersion} ${kind}`) ?? schema.roots.get(`* ${kind}`);
  if (!spec) {
    throw new ProtobufDecodeError(`protobuf decoding of ${kind} in ${apiVersion} is not supported; send it as JSON`, {
      unsupported: true, apiVersion, kind,
    });
  }
  return { kind, apiVersion, ...(convert(() => messageJson(spec, parse(spec, env.raw))) as Record<string, unknown>) };
}

/** Decodes bytes as one message of the schema (`ns.Name`) to JSON; for tests and diagnostics. */
export function decodeProtobufMessage(type: string, bytes: Uint8Array): unknown {
  const spec = getSchema().messages.get(type);
  if (!spec) throw new Error(`unknown protobuf message type ${type}`);
  return convert(() => messageJson(spec, parse(spec, bytes)));
}

type Msg = Record<string, unknown>;

function parse(spec: MessageSpec, bytes: Uint8Array): Msg {
  try {
    return fromBinary(spec.desc, bytes, { readUnknownFields: false }) as unknown as Msg;
  } catch (e) {
    // a truncated message is io.ErrUnexpectedEOF in gogo-protobuf's generated unmarshalers
    const msg = (e as Error).message;
    throw new ProtobufDecodeError(/premature EOF/.test(msg) ? 'unexpected EOF' : `malformed protobuf body: ${msg}`);
  }
}

function convert<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof ProtobufDecodeError) throw e;
    throw new ProtobufDecodeError(`invalid protobuf body: ${(e as Error).message}`);
  }
}

function specOf(key: string): MessageSpec {
  return getSchema().messages.get(key)!;
}

function get(msg: Msg | undefined, f: FieldSpec): { set: boolean; value: unknown } {
  if (!msg || !isFieldSet(msg as unknown as Message, f.desc)) return { set: false, value: undefined };
  return { set: true, value: msg[f.desc.localName] };
}

function messageJson(s: MessageSpec, msg: Msg | undefined): unknown {
  if (s.special) return specialJson(s, msg);
  const out: Record<string, unknown> = {};
  fillObject(s, msg, out);
  return out;
}

function fillObject(s: MessageSpec, msg: Msg | undefined, out: Record<string, unknown>): void {
  for (const f of s.fields) {
    const { set, value } = get(msg, f);
    if (f.shape === 'list') {
      if (set) out[f.name] = (value as unknown[]).map((e) => elementJson(f, e));
      else if (f.keep) out[f.name] = null;
    } else if (f.shape === 'map') {
      if (set) {
        const obj: Record<string, unknown> = {};
        for (const [k, v] of Object.entries(value as Record<string, unknown>)) obj[k] = elementJson(f, v);
        out[f.name] = obj;
      } else if (f.keep) out[f.name] = null;
    } else if (f.message) {
      const sub = specOf(f.message);
      if (f.inline) fillObject(sub, value as Msg | undefined, out);
      else if (set || !f.ptr) {
        const j = messageJson(sub, value as Msg | undefined);
        if (!(f.omitZero && j === null)) out[f.name] = j;
      } else if (f.keep) out[f.name] = null;
    } else if (f.scalar === 'y') {
      if (set && (f.keep || (value as Uint8Array).length > 0)) out[f.name] = base64(value as Uint8Array);
      else if (!set && f.keep) out[f.name] = null;
    } else if (f.ptr) {
      if (set) out[f.name] = scalarJson(value);
      else if (f.keep) out[f.name] = null;
    } else if (f.keep) {
      out[f.name] = set ? scalarJson(value) : zero(f.scalar!);
    } else if (set && !isZero(value)) {
      out[f.name] = scalarJson(value);
    }
  }
}

function elementJson(f: FieldSpec, v: unknown): unknown {
  if (f.message) return messageJson(specOf(f.message), v as Msg);
  return f.scalar === 'y' ? base64(v as Uint8Array) : scalarJson(v);
}

function scalarJson(v: unknown): unknown {
  return typeof v === 'bigint' ? Number(v) : v;
}

function zero(code: ScalarCode): unknown {
  return code === 's' ? '' : code === 'b' ? false : 0;
}

function isZero(v: unknown): boolean {
  return v === '' || v === 0 || v === 0n || v === false;
}

function base64(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('base64');
}

function fieldSpec(s: MessageSpec, name: string): FieldSpec {
  return s.fields.find((f) => f.name === name)!;
}

function field(s: MessageSpec, msg: Msg | undefined, name: string): { set: boolean; value: unknown } {
  return get(msg, fieldSpec(s, name));
}

/** The JSON of a set message field, or undefined when it is absent. */
function subJson(s: MessageSpec, msg: Msg | undefined, name: string): unknown {
  const { set, value } = field(s, msg, name);
  return set ? messageJson(specOf(fieldSpec(s, name).message!), value as Msg) : undefined;
}

// Quantity grammar as enforced by resource.ParseQuantity's first pass.
const QUANTITY_RE = /^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$/;

function specialJson(s: MessageSpec, msg: Msg | undefined): unknown {
  switch (s.special) {
    case 'time':
    case 'microtime': {
      // metav1.Time/MicroTime decode an empty message to the zero time, which marshals as null.
      const secs = field(s, msg, 'seconds');
      const nanos = field(s, msg, 'nanos');
      if (!secs.set && !nanos.set) return null;
      const sec = (secs.value as bigint | undefined) ?? 0n;
      if (s.special === 'time') return formatTime(sec, 0, false);
      const n = (nanos.value as number | undefined) ?? 0;
      const total = sec * 1_000_000_000n + BigInt(n - (n % 1000));
      const whole = floorDiv(total, 1_000_000_000n);
      return formatTime(whole, Number(total - whole * 1_000_000_000n), true);
    }
    case 'duration':
      return goDuration((field(s, msg, 'duration').value as bigint | undefined) ?? 0n);
    case 'quantity': {
      const v = field(s, msg, 'string').value as string | undefined;
      if (!v) return '0';
      if (!QUANTITY_RE.test(v)) throw new ProtobufDecodeError(`invalid quantity "${v}"`);
      return v;
    }
    case 'intorstring': {
      const type = (field(s, msg, 'type').value as bigint | undefined) ?? 0n;
      if (type === 0n) return (field(s, msg, 'intVal').value as number | undefined) ?? 0;
      if (type === 1n) return (field(s, msg, 'strVal').value as string | undefined) ?? '';
      throw new ProtobufDecodeError(`invalid IntOrString type ${type}`);
    }
    case 'json': {
      const raw = field(s, msg, 'raw');
      if (!raw.set || (raw.value as Uint8Array).length === 0) return null;
      try {
        return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw.value as Uint8Array));
      } catch (e) {
        throw new ProtobufDecodeError(`embedded raw object is not JSON: ${(e as Error).message}`);
      }
    }
    case 'list': {
      const items = field(s, msg, 'items');
      return items.set ? [...(items.value as string[])] : null;
    }
    // apiextensions' JSONSchemaPropsOr* marshal as whichever alternative is set (see its marshal.go).
    case 'orbool': {
      const schema = subJson(s, msg, 'schema');
      return schema !== undefined ? schema : field(s, msg, 'allows').value === true;
    }
    case 'orarray': {
      const list = field(s, msg, 'jSONSchemas');
      if (list.set) return (list.value as Msg[]).map((e) => messageJson(specOf(fieldSpec(s, 'jSONSchemas').message!), e));
      return subJson(s, msg, 'schema') ?? null;
    }
    case 'orstringarray': {
      const list = field(s, msg, 'property');
      if (list.set) return [...(list.value as string[])];
      return subJson(s, msg, 'schema') ?? null;
    }
  }
  throw new Error(`unhandled special ${s.special}`);
}

// Go's zero time.Time (0001-01-01T00:00:00Z) in Unix seconds; it marshals as null.
const GO_ZERO_UNIX = -62135596800n;
const MAX_DATE_SECONDS = 8_640_000_000_000n;

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

function formatTime(sec: bigint, nanos: number, micro: boolean): string | null {
  if (sec === GO_ZERO_UNIX && nanos === 0) return null;
  if (sec > MAX_DATE_SECONDS || sec < -MAX_DATE_SECONDS) throw new ProtobufDecodeError(`timestamp ${sec} out of range`);
  const d = new Date(Number(sec) * 1000);
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  const y = d.getUTCFullYear();
  const year = y < 0 ? `-${p(-y, 4)}` : p(y, 4);
  const frac = micro ? `.${p(Math.floor(nanos / 1000), 6)}` : '';
  return `${year}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())}T${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}${frac}Z`;
}

/** time.Duration.String() from Go. */
export function goDuration(d: bigint): string {
  if (d === 0n) return '0s';
  const neg = d < 0n;
  let u = neg ? -d : d;
  const frac = (v: bigint, prec: number): [string, bigint] => {
    const pow = 10n ** BigInt(prec);
    const digits = (v % pow).toString().padStart(prec, '0').replace(/0+$/, '');
    return [digits ? `.${digits}` : '', v / pow];
  };
  let out: string;
  if (u < 1_000_000_000n) {
    const [prec, unit] = u < 1000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const [f, whole] = frac(u, prec);
    out = `${whole}${f}${unit}`;
  } else {
    const [f, secs] = frac(u, 9);
    u = secs;
    out = `${u % 60n}${f}s`;
    u /= 60n;
    if (u > 0n) {
      out = `${u % 60n}m${out}`;
      u /= 60n;
      if (u > 0n) out = `${u}h${out}`;
    }
  }
  return neg ? `-${out}` : out;
}
