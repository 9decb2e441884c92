// The functions kwok's Stage templates can call: Go's text/template builtins, the sprig functions
// stage files commonly use, and kwok's own (Quote, Now, YAML, Version, NodeConditions, …).
import { createHash, randomUUID } from 'node:crypto';
import { stringify } from 'yaml';
import type { TemplateFunc } from './go-template.js';

/** fmt.Sprint of a JSON value as Go prints it (%v): maps as map[k:v], slices as [a b], nil as <nil>. */
export function goPrint(v: unknown): string {
  if (v === undefined || v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : goFloat(v);
  if (Array.isArray(v)) return `[${v.map(goPrint).join(' ')}]`;
  if (typeof v === 'object') return `map[${Object.keys(v).sort().map((k) => `${k}:${goPrint((v as Record<string, unknown>)[k])}`).join(' ')}]`;
  return String(v);
}

function goFloat(f: number): string {
  const e = Math.floor(Math.log10(Math.abs(f)));
  return e < -4 || e >= 21 ? f.toExponential().replace(/e([+-])(\d)$/, 'e$10$2') : String(f);
}

const isNil = (v: unknown) => v === undefined || v === null;

function kindOf(v: unknown): string {
  if (isNil(v)) return 'nil';
  if (typeof v === 'number') return 'number';
  return typeof v === 'object' ? (Array.isArray(v) ? 'slice' : 'map') : typeof v;
}

function compare(a: unknown, b: unknown, ordered: boolean): number {
  const ka = kindOf(a);
  const kb = kindOf(b);
  if (ka !== kb) {
    if (ka === 'nil' || kb === 'nil') {
      if (ordered) throw new Error('invalid type for comparison');
      return 1;
    }
    throw new Error('incompatible types for comparison');
  }
  if (ka === 'nil') return 0;
  if (ka === 'map' || ka === 'slice' || (ordered && ka === 'boolean')) throw new Error(ordered ? 'invalid type for comparison' : `non-comparable type ${goPrint(a)}`);
  return a === b ? 0 : (a as number) < (b as number) ? -1 : 1;
}

const num = (v: unknown): number => {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  if (typeof v === 'boolean') return v ? 1 : 0;
  return 0;
};

/** Go's fmt.Sprintf for the verbs templates use: %s %v %d %q %f %t %%. */
export function goSprintf(format: string, ...args: unknown[]): string {
  let i = 0;
  return format.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([a-zA-Z%])/g, (m, flags: string, width: string, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    let s: string;
    switch (verb) {
      case 'd':
        s = typeof a === 'number' ? String(Math.trunc(a)) : `%!d(${goPrint(a)})`;
        break;
      case 'f':
        s = typeof a === 'number' ? a.toFixed(prec === undefined ? 6 : Number(prec)) : `%!f(${goPrint(a)})`;
        break;
      case 'q':
        s = JSON.stringify(typeof a === 'string' ? a : goPrint(a));
        break;
      default:
        s = isNil(a) ? '<nil>' : goPrint(a);
    }
    const w = Number(width || 0);
    return s.length >= w ? s : flags.includes('-') ? s.padEnd(w) : s.padStart(w, flags.includes('0') && verb !== 's' ? '0' : ' ');
  });
}

/** YAML the way sigs.k8s.io/yaml marshals (keys sorted, sequences not indented), as kwok's YAML function. */
function toYAML(v: unknown, indent?: unknown): string {
  let data = isNil(v) ? 'null\n' : stringify(v, { sortMapEntries: true, indentSeq: false, lineWidth: 0 });
  if (typeof indent === 'number' && indent > 0) data = ('\n' + data).replaceAll('\n', '\n' + ' '.repeat(indent * 2));
  return data;
}

const startTime = new Date().toISOString();

/** RFC 3339 with nanoseconds as Go's time.RFC3339Nano prints (trailing zeros dropped). */
export function rfc3339Nano(d = new Date()): string {
  return d.toISOString().replace(/\.?0+Z$/, 'Z');
}

const nodeConditions = [
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'NetworkUnavailable', status: 'False', reason: 'RouteCreated', message: 'RouteController created a route' },
];

/** sprig's empty, the opposite of Go's truth. */
const empty = (v: unknown) => isNil(v) || v === false || v === 0 || v === '' || (typeof v === 'object' && Object.keys(v as object).length === 0);

/** Go's builtins, the sprig subset and kwok's generic functions; Version is the simulated kubelet's. */
export function templateFuncs(version: string): Record<string, TemplateFunc> {
  return {
    // text/template builtins (and/or are evaluated lazily by the executor)
    not: (v) => !truthOf(v),
    len: (v) => {
      if (typeof v === 'string') return Buffer.byteLength(v);
      if (Array.isArray(v)) return v.length;
      if (v && typeof v === 'object') return Object.keys(v).length;
      throw new Error(`len of ${isNil(v) ? 'nil pointer' : `type ${kindOf(v)}`}`);
    },
    index: (item, ...keys) => {
      if (isNil(item)) throw new Error('index of untyped nil');
      let v: unknown = item;
      for (const k of keys) {
        if (Array.isArray(v) || typeof v === 'string') {
          if (typeof k !== 'number') throw new Error(`cannot index slice/array with type ${kindOf(k)}`);
          if (k < 0 || k >= v.length) throw new Error(`index out of range: ${k}`);
          v = typeof v === 'string' ? v.charCodeAt(k) : v[k];
        } else if (v && typeof v === 'object') {
          v = Object.hasOwn(v, String(k)) ? (v as Record<string, unknown>)[String(k)] : undefined;
        } else if (isNil(v)) {
          throw new Error('index of untyped nil');
        } else throw new Error(`can't index item of type ${kindOf(v)}`);
      }
      return v;
    },
    slice: (item, ...idx) => {
      if (!Array.isArray(item) && typeof item !== 'string') throw new Error(`can't slice item of type ${kindOf(item)}`);
      return item.slice(...(idx as number[]));
    },
    print: (...a) => a.map((v, i) => (i > 0 && typeof v !== 'string' && typeof a[i - 1] !== 'string' ? ' ' : '') + goPrint(v)).join(''),
    println: (...a) => a.map(goPrint).join(' ') + '\n',
    printf: (f, ...a) => goSprintf(String(f), ...a),
    eq: (a, ...bs) => {
      if (!bs.length) throw new Error('missing argument for comparison');
      return bs.some((b) => compare(a, b, false) === 0);
    },
    ne: (a, b) => compare(a, b, false) !== 0,
    lt: (a, b) => compare(a, b, true) < 0,
    le: (a, b) => compare(a, b, true) <= 0,
    gt: (a, b) => compare(a, b, true) > 0,
    ge: (a, b) => compare(a, b, true) >= 0,
    urlquery: (...a) => encodeURIComponent(a.map(goPrint).join('')),
    // sprig
    dict: (...kv) => {
      const out: Record<string, unknown> = {};
      for (let i = 0; i < kv.length; i += 2) out[goPrint(kv[i])] = kv[i + 1] ?? '';
      return out;
    },
    list: (...a) => a,
    append: (l, v) => [...((l as unknown[]) ?? []), v],
    default: (d, v) => (empty(v) ? d : v),
    empty: (v) => empty(v),
    coalesce: (...a) => a.find((v) => !empty(v)),
    ternary: (a, b, c) => (c ? a : b),
    add: (...a) => a.reduce<number>((s, v) => s + Math.trunc(num(v)), 0),
    add1: (v) => Math.trunc(num(v)) + 1,
    sub: (a, b) => Math.trunc(num(a)) - Math.trunc(num(b)),
    mul: (...a) => a.reduce<number>((s, v) => s * Math.trunc(num(v)), 1),
    div: (a, b) => Math.trunc(Math.trunc(num(a)) / Math.trunc(num(b))),
    mod: (a, b) => Math.trunc(num(a)) % Math.trunc(num(b)),
    max: (...a) => Math.max(...a.map((v) => Math.trunc(num(v)))),
    min: (...a) => Math.min(...a.map((v) => Math.trunc(num(v)))),
    int: (v) => Math.trunc(num(v)),
    int64: (v) => Math.trunc(num(v)),
    atoi: (v) => Math.trunc(num(v)),
    float64: (v) => num(v),
    toString: (v: unknown) => (isNil(v) ? '' : goPrint(v)),
    quote: (...a) => a.filter((v) => !isNil(v)).map((v) => JSON.stringify(goPrint(v))).join(' '),
    squote: (...a) => a.filter((v) => !isNil(v)).map((v) => `'${goPrint(v)}'`).join(' '),
    upper: (s) => String(s ?? '').toUpperCase(),
    lower: (s) => String(s ?? '').toLowerCase(),
    trim: (s) => String(s ?? '').trim(),
    trimPrefix: (p, s) => (String(s).startsWith(String(p)) ? String(s).slice(String(p).length) : String(s)),
    trimSuffix: (p, s) => (String(s).endsWith(String(p)) && String(p) ? String(s).slice(0, -String(p).length) : String(s)),
    replace: (o, n, s) => String(s).replaceAll(String(o), String(n)),
    contains: (sub, s) => String(s).includes(String(sub)),
    hasPrefix: (p, s) => String(s).startsWith(String(p)),
    hasSuffix: (p, s) => String(s).endsWith(String(p)),
    repeat: (n, s) => String(s).repeat(num(n)),
    cat: (...a) => a.filter((v) => !isNil(v)).map(goPrint).join(' '),
    join: (sep, l) => (Array.isArray(l) ? l.map(goPrint).join(String(sep)) : goPrint(l)),
    splitList: (sep, s) => String(s).split(String(sep)),
    indent: (n, s) => String(s).split('\n').map((l) => ' '.repeat(num(n)) + l).join('\n'),
    nindent: (n, s) => '\n' + String(s).split('\n').map((l) => ' '.repeat(num(n)) + l).join('\n'),
    toJson: (v) => JSON.stringify(v ?? null),
    hasKey: (m, k) => !!m && typeof m === 'object' && Object.hasOwn(m, String(k)),
    get: (m, k) => (m && typeof m === 'object' && Object.hasOwn(m, String(k)) ? (m as Record<string, unknown>)[String(k)] : ''),
    keys: (...ms) => ms.flatMap((m) => Object.keys((m as object) ?? {})).sort(),
    first: (l) => (Array.isArray(l) ? l[0] : undefined),
    last: (l) => (Array.isArray(l) ? l[l.length - 1] : undefined),
    until: (n) => Array.from({ length: Math.max(0, num(n)) }, (_, i) => i),
    uuidv4: () => randomUUID(),
    sha256sum: (s) => createHash('sha256').update(String(s)).digest('hex'),
    b64enc: (s) => Buffer.from(String(s)).toString('base64'),
    b64dec: (s) => Buffer.from(String(s), 'base64').toString(),
    // kwok's
    Quote: (v) => {
      const data = JSON.stringify(v ?? null);
      return data.startsWith('"') ? data : JSON.stringify(data);
    },
    Now: () => rfc3339Nano(),
    StartTime: () => startTime,
    YAML: (v, indent) => toYAML(v, indent),
    Version: () => version,
    NodeConditions: () => nodeConditions.map((c) => ({ ...c })),
  };
}

function truthOf(v: unknown): boolean {
  return !empty(v);
}
