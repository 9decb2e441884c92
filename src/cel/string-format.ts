// String.format of cel-go's strings extension (en_US locale), and its compile-time check of literal calls.
import { runtimeTypeName } from './runtime.js';
import { toCelString } from './std-functions.js';
import { formatDurationSeconds, formatRfc3339 } from './time.js';
import type { CelType } from './types.js';
import { CelError, CelUint, Duration, Timestamp, TypeValue, isList, isMap, type CelList, type Val } from './values.js';

class FormatError extends Error {
  constructor(message: string, readonly argIndex?: number) {
    super(message);
  }
}

const STRING_CLAUSE = 'string clause can only be used on strings, bools, bytes, ints, doubles, maps, lists, types, durations, and timestamps, was given';

/** Go's strconv.Quote. */
export function goQuote(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    const named: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' };
    if (named[c]) out += named[c];
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (/\p{C}/u.test(c) && code > 0x7f) out += code > 0xffff ? `\\U${code.toString(16).padStart(8, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
    else out += c;
  }
  return `${out}"`;
}

function goQuoteBytes(b: Uint8Array): string {
  return goQuote(new TextDecoder().decode(b));
}

function group(intPart: string): string {
  return intPart.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fixed(d: number, precision: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? '∞' : '-∞';
  const s = Math.abs(d).toFixed(precision);
  const [i, f] = s.split('.');
  return `${d < 0 || Object.is(d, -0) ? '-' : ''}${group(i)}${f !== undefined ? `.${f}` : ''}`;
}

const SUPERSCRIPT: Record<string, string> = { '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹', '-': '⁻' };

function scientific(d: number, precision: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? '∞' : '-∞';
  const [m, e] = d.toExponential(precision).split('e');
  const exp = Number(e);
  const digits = (exp < 0 ? '-' : '') + String(Math.abs(exp)).padStart(2, '0');
  return `${m}\u202f\u00d7\u202f10${Array.from(digits, (c) => SUPERSCRIPT[c]).join('')}`;
}

function typeName(v: Val): string {
  return v === null ? 'null_type' : runtimeTypeName(v);
}

function asString(v: Val): string {
  if (isList(v)) return formatList(v);
  if (isMap(v)) return formatMap(v);
  if (v === null) return 'null';
  if (v instanceof TypeValue) return v.type.name;
  const s = toCelString(v);
  if (typeof s !== 'string') {
    if (v instanceof Uint8Array) throw new FormatError(`could not convert argument ${goQuote(String(s))} to string`);
    throw new FormatError(`${STRING_CLAUSE} ${typeName(v)}`);
  }
  return s;
}

function decimal(v: Val): string {
  if (typeof v === 'bigint') return v.toString();
  if (v instanceof CelUint) return v.value.toString();
  throw new FormatError(`decimal clause can only be used on integers, was given ${typeName(v)}`);
}

/** How a value is shown inside a list or map: CEL literal syntax. */
function literalForm(v: Val): string {
  if (typeof v === 'bigint' || v instanceof CelUint) return decimal(v);
  if (typeof v === 'number') {
    const s = Number.isNaN(v) ? 'NaN' : !Number.isFinite(v) ? (v > 0 ? '+Inf' : '-Inf') : v.toFixed(6);
    return Number.isFinite(v) ? s : goQuote(s);
  }
  if (typeof v === 'string') return goQuote(v);
  if (v instanceof Uint8Array) return `b${goQuoteBytes(v)}`;
  if (v instanceof Timestamp) return `timestamp(${goQuote(formatRfc3339(v))})`;
  if (v instanceof Duration) return `duration(${goQuote(formatDurationSeconds(v.nanos))})`;
  if (typeof v === 'boolean' || v === null || v instanceof TypeValue || isList(v) || isMap(v)) return asString(v);
  throw new FormatError(`${STRING_CLAUSE} ${typeName(v)}`);
}

function formatList(l: CelList): string {
  return `[${Array.from(l.values(), literalForm).join(', ')}]`;
}

function formatMap(m: NonNullable<Extract<Val, { kind: 'map' }>>): string {
  const pairs: [string, string][] = [];
  for (const k of m.keys()) {
    let key: string;
    if (typeof k === 'string') key = goQuote(k);
    else if (typeof k === 'boolean') key = String(k);
    else if (typeof k === 'bigint' || k instanceof CelUint) key = decimal(k);
    else throw new FormatError(`no formatting function for map key of type ${typeName(k)}`);
    pairs.push([key, literalForm(m.get(k) as Val)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `{${pairs.map(([k, v]) => `${k}:${v}`).join(', ')}}`;
}

const DOUBLE_STRINGS = new Set(['NaN', 'Infinity', '-Infinity']);

function toDoubleArg(v: Val, clause: string): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && DOUBLE_STRINGS.has(v)) return v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : -Infinity;
  throw new FormatError(`${clause} clause can only be used on doubles, was given ${typeName(v)}`);
}

function hex(v: Val, upper: boolean): string {
  let s: string;
  if (typeof v === 'string') s = Buffer.from(v, 'utf8').toString('hex');
  else if (v instanceof Uint8Array) s = Buffer.from(v).toString('hex');
  else if (typeof v === 'bigint') s = (v < 0n ? '-' : '') + (v < 0n ? -v : v).toString(16);
  else if (v instanceof CelUint) s = v.value.toString(16);
  else throw new FormatError(`only integers, byte buffers, and strings can be formatted as hex, was given ${typeName(v)}`);
  return upper ? s.toUpperCase() : s;
}

type Clause = (v: Val) => string;

function clause(spec: string, precision: number | undefined): Clause {
  const p = precision ?? 6;
  switch (spec) {
    case 's':
      return asString;
    case 'd':
      return decimal;
    case 'f':
      return (v) => fixed(toDoubleArg(v, 'fixed-point'), p);
    case 'e':
      return (v) => scientific(toDoubleArg(v, 'scientific'), p);
    case 'b':
      return (v) => {
        if (typeof v === 'bigint') return (v < 0n ? '-' : '') + (v < 0n ? -v : v).toString(2);
        if (v instanceof CelUint) return v.value.toString(2);
        if (typeof v === 'boolean') return v ? '1' : '0';
        throw new FormatError(`only integers and bools can be formatted as binary, was given ${typeName(v)}`);
      };
    case 'x':
    case 'X':
      return (v) => hex(v, spec === 'X');
    case 'o':
      return (v) => {
        if (typeof v === 'bigint') return (v < 0n ? '-' : '') + (v < 0n ? -v : v).toString(8);
        if (v instanceof CelUint) return v.value.toString(8);
        throw new FormatError(`octal clause can only be used on integers, was given ${typeName(v)}`);
      };
  }
  throw new FormatError(`could not parse formatting clause: unrecognized formatting clause "${spec}"`);
}

/** Walks a format string; `arg(i)` yields the i-th argument or throws. */
function interpolate(format: string, argCount: number, render: (index: number, c: Clause, spec: string) => string): string {
  let out = '';
  let argIndex = 0;
  for (let i = 0; i < format.length; ) {
    if (format[i] !== '%') {
      out += format[i++];
      continue;
    }
    if (format[i + 1] === '%') {
      out += '%';
      i += 2;
      continue;
    }
    if (argIndex >= argCount) throw new FormatError(`index ${argIndex} out of range`);
    if (i + 1 >= format.length) throw new FormatError('unexpected end of string');
    let j = i + 1;
    let precision: number | undefined;
    if (format[j] === '.') {
      j++;
      let digits = '';
      for (;;) {
        if (j >= format.length) throw new FormatError('could not parse formatting clause: error while parsing precision: could not find end of precision specifier');
        if (!/[0-9]/.test(format[j])) break;
        digits += format[j++];
      }
      if (digits === '') {
        throw new FormatError('could not parse formatting clause: error while parsing precision: error while converting precision to integer: strconv.Atoi: parsing "": invalid syntax');
      }
      precision = Number(digits);
    }
    const c = clause(format[j], precision);
    try {
      out += render(argIndex, c, format[j]);
    } catch (e) {
      if (e instanceof FormatError) throw new FormatError(`error during formatting: ${e.message}`, argIndex);
      throw e;
    }
    argIndex++;
    i = j + 1;
  }
  return out;
}

export function formatString(format: string, args: CelList): Val {
  try {
    return interpolate(format, args.size(), (i, c) => c(args.get(i)));
  } catch (e) {
    if (e instanceof FormatError) return new CelError(e.message);
    throw e;
  }
}

const STRING_OK = ['list', 'map', 'int', 'uint', 'double', 'bool', 'string', 'timestamp', 'bytes', 'duration', 'type', 'null'];

/** Compile-time check of `'literal'.format([...])`: an error and the index of the argument at fault. */
export function checkFormatCall(format: string, argTypes: CelType[]): { message: string; argIndex?: number } | undefined {
  let requested = 0;
  try {
    interpolate(format, Number.MAX_SAFE_INTEGER, (i, _c, spec) => {
      requested++;
      if (i >= argTypes.length) throw new FormatError(`index ${i} out of range`);
      const t = argTypes[i];
      const name = t.kind === 'null' ? 'null_type' : t.name;
      const allowed: Record<string, [string[], string]> = {
        d: [['int', 'uint'], `decimal clause can only be used on integers, was given ${name}`],
        f: [['double', 'string'], `fixed-point clause can only be used on doubles, was given ${name}`],
        e: [['double', 'string'], `scientific clause can only be used on doubles, was given ${name}`],
        b: [['int', 'uint', 'bool'], `only integers and bools can be formatted as binary, was given ${name}`],
        x: [['int', 'uint', 'string', 'bytes'], `only integers, byte buffers, and strings can be formatted as hex, was given ${name}`],
        X: [['int', 'uint', 'string', 'bytes'], `only integers, byte buffers, and strings can be formatted as hex, was given ${name}`],
        o: [['int', 'uint'], `octal clause can only be used on integers, was given ${name}`],
        s: [STRING_OK, `${STRING_CLAUSE} ${name}`],
      };
      const [kinds, msg] = allowed[spec];
      if (t.kind !== 'dyn' && !kinds.includes(t.kind)) throw new FormatError(msg);
      return '';
    });
  } catch (e) {
    if (e instanceof FormatError) return { message: e.message, argIndex: e.argIndex };
    throw e;
  }
  if (argTypes.length > requested) return { message: `too many arguments supplied to string.format (expected ${requested}, got ${argTypes.length})` };
  return undefined;
}
