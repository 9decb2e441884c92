// The pod-template-hash as kube-controller-manager's controller.ComputeHash makes it: FNV-32a over go-spew's
// `%#v` rendering of the Go PodTemplateSpec (config of k8s.io/utils/dump.ForHash), then the collision count,
// then SafeEncodeString. The rendering is rebuilt from the JSON template and the v1.33 Go layout, because
// every field of the Go structs (nil or not) takes part in the hash.
import { canonicalQuantity } from '../apimachinery/quantity.js';
import type { KObject } from '../client/types.js';
import { GO_NAMED, GO_STRUCTS } from './pod-template-go-types.js';

interface GoField {
  name: string;
  json: string;
  type: string;
}

const structs = new Map<string, GoField[]>();
function fieldsOf(type: string): GoField[] | undefined {
  let f = structs.get(type);
  if (!f && GO_STRUCTS[type] !== undefined) {
    f = GO_STRUCTS[type]!.split(' ').map((s) => {
      const [name, json, t] = s.split(':') as [string, string, string];
      return { name, json, type: t };
    });
    structs.set(type, f);
  }
  return f;
}

/** reflect's Type.String(): the package name, not its path (core/v1 and meta/v1 are both `v1`). */
function display(type: string): string {
  if (type.startsWith('*')) return `*${display(type.slice(1))}`;
  if (type.startsWith('[]')) return `[]${display(type.slice(2))}`;
  const m = /^map\[([^\]]+)\](.+)$/.exec(type);
  if (m) return `map[${display(m[1]!)}]${display(m[2]!)}`;
  return type.replace(/^(core|meta)\./, 'v1.');
}

const INTS = new Set(['int', 'int32', 'int64', 'uint8', 'uint64']);
const typed = (show: boolean, type: string) => (show ? `(${display(type)})` : '');
const isEmpty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0);

/** Go's string ordering: bytewise on UTF-8. */
const goLess = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** One value as go-spew's formatter prints it with the `#` flag; `show` is false where spew ignores the next type. */
function spew(type: string, v: unknown, show: boolean): string {
  if (type.startsWith('*')) {
    if (v === undefined || v === null) return show ? `(${display(type)})<nil>` : '<nil>';
    return (show ? `(${display(type)})` : '<*>') + spew(type.slice(1), v, false);
  }
  const named = GO_NAMED[type];
  const shape = named ?? type;
  if (shape.startsWith('[]')) {
    // protobuf decoding (what the controller reads) leaves empty lists nil
    if (!Array.isArray(v) || v.length === 0) return `${typed(show, type)}<nil>`;
    return `${typed(show, type)}[${v.map((x) => spew(shape.slice(2), x, false)).join(' ')}]`;
  }
  const map = /^map\[([^\]]+)\](.+)$/.exec(shape);
  if (map) {
    if (isEmpty(v) || typeof v !== 'object') return `${typed(show, type)}<nil>`;
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => goLess(a, b));
    return `${typed(show, type)}map[${entries.map(([k, x]) => `${spew(map[1]!, k, false)}:${spew(map[2]!, x, false)}`).join(' ')}]`;
  }
  if (type === 'resource.Quantity') return typed(show, type) + spewQuantity(v);
  if (type === 'intstr.IntOrString') {
    const isInt = typeof v === 'number';
    return `${typed(show, type)}{Type:(intstr.Type)${isInt ? 0 : 1} IntVal:(int32)${isInt ? v : 0} StrVal:(string)${isInt ? '' : (v ?? '')}}`;
  }
  if (type === 'meta.Time') return typed(show, type) + spewTime(v);
  const fields = fieldsOf(type);
  if (fields) {
    const o = (v && typeof v === 'object' ? v : {}) as KObject;
    return `${typed(show, type)}{${fields.map((f) => `${f.name}:${spew(f.type, f.json ? o[f.json] : o, true)}`).join(' ')}}`;
  }
  if (shape === 'string') return typed(show, type) + (typeof v === 'string' ? v : '');
  if (shape === 'bool') return typed(show, type) + (v === true ? 'true' : 'false');
  if (INTS.has(shape)) return typed(show, type) + String(typeof v === 'number' ? Math.trunc(v) : 0);
  if (shape === 'float64' || shape === 'float32') return typed(show, type) + String(typeof v === 'number' ? v : 0);
  return typed(show, type) + String(v ?? '');
}

/** metav1.Time wraps time.Time; a template's creationTimestamp is null, the zero time. */
function spewTime(v: unknown): string {
  let ext = 0n;
  let wall = 0n;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (!Number.isNaN(ms)) {
    // no monotonic reading: wall holds the nanoseconds, ext the seconds since year 1
    const secs = BigInt(Math.floor(ms / 1000));
    ext = secs + 62135596800n;
    wall = BigInt((ms % 1000) * 1e6);
    return `{Time:(time.Time){wall:(uint64)${wall} ext:(int64)${ext} loc:(*time.Location){name:(string)UTC zone:([]time.zone)<nil> tx:([]time.zoneTrans)<nil> extend:(string) cacheStart:(int64)0 cacheEnd:(int64)0 cacheZone:(*time.zone)<nil>}}}`;
  }
  return `{Time:(time.Time){wall:(uint64)${wall} ext:(int64)${ext} loc:(*time.Location)<nil>}}`;
}

const DECIMAL_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const INT64_MAX = (1n << 63n) - 1n;

/** resource.Quantity's fields after ParseQuantity of the canonical string (what the protobuf decoder does). */
function spewQuantity(v: unknown): string {
  const str = canonicalQuantity(v) ?? String(v ?? '');
  const q = parseQuantity(str);
  const dec = q.dec === undefined ? '<nil>' : `{unscaled:(big.Int){neg:(bool)${q.dec.neg} abs:(big.nat)${q.dec.abs}} scale:(inf.Scale)${q.dec.scale}}`;
  return `{i:(resource.int64Amount){value:(int64)${q.value} scale:(resource.Scale)${q.scale}} d:(resource.infDecAmount){Dec:(*inf.Dec)${dec}} s:(string)${q.s} Format:(resource.Format)${q.format}}`;
}

interface ParsedQuantity {
  value: bigint;
  scale: number;
  s: string;
  format: string;
  dec?: { neg: boolean; abs: string; scale: number };
}

function parseQuantity(str: string): ParsedQuantity {
  const zero: ParsedQuantity = { value: 0n, scale: 0, s: '', format: '' };
  if (str === '0') return { ...zero, s: '0', format: 'DecimalSI' };
  const m = /^([+-]?)0*(\d*)(?:\.(\d*))?(.*)$/.exec(str);
  if (!m) return zero;
  const positive = m[1] !== '-';
  const num = m[2] || '0';
  const denom = m[3] ?? '';
  const suffix = m[4] ?? '';
  let exponent: number;
  let format: string;
  let base = 10;
  if (suffix in DECIMAL_SUFFIXES) [exponent, format] = [DECIMAL_SUFFIXES[suffix]!, 'DecimalSI'];
  else if (suffix in BINARY_SUFFIXES) [exponent, format, base] = [BINARY_SUFFIXES[suffix]!, 'BinarySI', 2];
  else if (/^[eE][+-]?\d+$/.test(suffix)) [exponent, format] = [Number(suffix.slice(1)), 'DecimalExponent'];
  else return zero;
  let precision: number;
  let scale = 0;
  let mantissa = 1n;
  if (base === 10) {
    scale = exponent;
    precision = 18 - (num.length + denom.length);
  } else if (denom.length === 0) {
    mantissa = 1n << BigInt(exponent);
    precision = 15 - num.length - Math.trunc(Math.fround(Math.fround(exponent * 3) / 10)) - 1;
  } else precision = -1;
  if (precision >= 0) {
    scale -= denom.length;
    if (scale >= -9) {
      const shifted = num + denom;
      const value = BigInt(shifted);
      const result = value * mantissa;
      if (value <= INT64_MAX && result <= INT64_MAX) {
        const signed = positive ? result : -result;
        const canonical = base === 2 ? exponent % 10 === 0 && (value & 7n) !== 0n : scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
        return { value: signed, scale, s: canonical ? str : '', format };
      }
    }
  }
  // the inf.Dec path: an unscaled big integer and a scale, rounded up to nano units
  let unscaled = BigInt(num + denom) * (base === 2 ? 1n << BigInt(exponent) : 1n);
  let decScale = denom.length - (base === 10 ? exponent : 0);
  if (decScale > 9) {
    const div = 10n ** BigInt(decScale - 9);
    unscaled = (unscaled + div - 1n) / div;
    decScale = 9;
  }
  if (format === 'BinarySI' && decScale > 0 && unscaled < 10n ** BigInt(decScale)) format = 'DecimalSI';
  const words: string[] = [];
  for (let u = unscaled; u > 0n; u >>= 64n) words.push(String(u & ((1n << 64n) - 1n)));
  return { value: 0n, scale: 0, s: '', format, dec: { neg: !positive && unscaled !== 0n, abs: words.length ? `[${words.join(' ')}]` : '<nil>', scale: decScale } };
}

/** go-spew's `%#v` of a v1.PodTemplateSpec given as JSON. */
export function spewPodTemplate(template: KObject | undefined): string {
  return spew('core.PodTemplateSpec', template ?? {}, true);
}

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** rand.SafeEncodeString: each character of s mapped onto an alphabet without vowels (no bad words). */
export function safeEncodeString(s: string): string {
  return [...s].map((c) => ALPHANUMS[c.codePointAt(0)! % ALPHANUMS.length]).join('');
}

export function fnv32a(data: Uint8Array, seed = 0x811c9dc5): number {
  let h = seed;
  for (const b of data) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h >>> 0;
}

/** controller.ComputeHash(template, collisionCount): the pod-template-hash label value. */
export function computeHash(template: KObject | undefined, collisionCount?: number | null): string {
  let h = fnv32a(Buffer.from(spewPodTemplate(template), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(b, h);
  }
  return safeEncodeString(String(h));
}
