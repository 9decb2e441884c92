// Standard functions: type conversions, string predicates, regex match, timestamp and duration accessors.
import { A, fn, memberOverload, overload, typeIdent, type FunctionDecl, type Impl } from './decls.js';
import { compileRegex } from './regex.js';
import { noSuchOverload, runtimeType } from './runtime.js';
import { civil, durationOf, formatDurationSeconds, formatRfc3339, parseGoDuration, parseRfc3339, timestampOf, unixSeconds, zoneOffset } from './time.js';
import {
  BOOL, BYTES, CelType, DOUBLE, DURATION, DYN, INT, LIST_TYPE, MAP_TYPE, NULL, STRING, TIMESTAMP, TYPE, UINT, typeOf,
} from './types.js';
import { CelError, CelUint, Duration, Timestamp, TypeValue, type Val } from './values.js';

const MAX_INT = (1n << 63n) - 1n;
const MAX_UINT = (1n << 64n) - 1n;

const conversionError = (from: CelType, to: CelType) => new CelError(`type conversion error from '${from.name}' to '${to.name}'`);

/** Go's %g for float64 with the shortest representation. */
export function formatDouble(d: number): string {
  if (Number.isNaN(d)) return 'NaN';
  if (!Number.isFinite(d)) return d > 0 ? '+Inf' : '-Inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  const [mant, e] = d.toExponential().split('e');
  const exp = Number(e);
  if (exp >= -4 && exp < 6) return String(d);
  return `${mant}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

const ParseFloat = /^[+-]?(?:(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)$/i;

function toDouble([v]: Val[]): Val {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof CelUint) return Number(v.value);
  if (typeof v === 'string') {
    if (!ParseFloat.test(v)) return conversionError(STRING, DOUBLE);
    const lower = v.toLowerCase();
    if (lower.endsWith('nan')) return NaN;
    if (lower.includes('inf')) return lower.startsWith('-') ? -Infinity : Infinity;
    const n = Number(v);
    return Number.isFinite(n) ? n : conversionError(STRING, DOUBLE);
  }
  return noSuchOverload();
}

function toInt([v]: Val[]): Val {
  if (typeof v === 'bigint') return v;
  if (v instanceof CelUint) return v.value > MAX_INT ? new CelError('integer overflow') : v.value;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v <= -9223372036854775808 || v >= 9223372036854775807) return new CelError('integer overflow');
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string') {
    if (!/^[+-]?\d+$/.test(v)) return conversionError(STRING, INT);
    const n = BigInt(v);
    return n > MAX_INT || n < -MAX_INT - 1n ? conversionError(STRING, INT) : n;
  }
  if (v instanceof Timestamp) return unixSeconds(v);
  if (v instanceof Duration) return v.nanos;
  return noSuchOverload();
}

function toUint([v]: Val[]): Val {
  if (v instanceof CelUint) return v;
  if (typeof v === 'bigint') return v < 0n ? new CelError('unsigned integer overflow') : new CelUint(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0 || v >= 18446744073709551616) return new CelError('unsigned integer overflow');
    return new CelUint(BigInt(Math.trunc(v)));
  }
  if (typeof v === 'string') {
    if (!/^\d+$/.test(v) || BigInt(v) > MAX_UINT) return conversionError(STRING, UINT);
    return new CelUint(BigInt(v));
  }
  return noSuchOverload();
}

export function toCelString(v: Val): Val {
  switch (typeof v) {
    case 'string':
      return v;
    case 'boolean':
      return String(v);
    case 'bigint':
      return v.toString();
    case 'number':
      return formatDouble(v);
  }
  if (v instanceof CelUint) return v.value.toString();
  if (v instanceof Uint8Array) {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(v);
    } catch {
      return new CelError('invalid UTF-8 in bytes, cannot convert to string');
    }
  }
  if (v instanceof Timestamp) return formatRfc3339(v);
  if (v instanceof Duration) return formatDurationSeconds(v.nanos);
  return noSuchOverload();
}

function toBool([v]: Val[]): Val {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string') {
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
    return conversionError(STRING, BOOL);
  }
  return noSuchOverload();
}

function toBytes([v]: Val[]): Val {
  if (v instanceof Uint8Array) return v;
  if (typeof v === 'string') return new TextEncoder().encode(v);
  return noSuchOverload();
}

function toTimestamp([v]: Val[]): Val {
  if (v instanceof Timestamp) return v;
  if (typeof v === 'bigint') return timestampOf(v * 1_000_000_000n);
  if (typeof v === 'string') {
    const n = parseRfc3339(v);
    return n === undefined ? conversionError(STRING, TIMESTAMP) : timestampOf(n);
  }
  return noSuchOverload();
}

function toDuration([v]: Val[]): Val {
  if (v instanceof Duration) return v;
  if (typeof v === 'bigint') return durationOf(v);
  if (typeof v === 'string') {
    const n = parseGoDuration(v);
    return n === undefined ? conversionError(STRING, DURATION) : new Duration(n);
  }
  return noSuchOverload();
}

const identity: Impl = ([v]) => v;

function stringPredicate(test: (s: string, sub: string) => boolean): Impl {
  return ([s, sub]) => (typeof s === 'string' && typeof sub === 'string' ? test(s, sub) : noSuchOverload());
}

const matches: Impl = ([s, p]) => {
  if (typeof s !== 'string') return new CelError('no such overload: matches');
  if (typeof p !== 'string') return noSuchOverload();
  const re = compileRegex(p);
  return re instanceof CelError ? re : re.test(s);
};

type Field = (c: ReturnType<typeof civil>) => number;

function timeAccessor(field: Field, duration?: (d: Duration) => bigint): Impl {
  return ([t, tz]) => {
    if (t instanceof Duration && duration) return duration(t);
    if (!(t instanceof Timestamp)) return noSuchOverload();
    let offset = 0;
    if (tz !== undefined) {
      if (typeof tz !== 'string') return noSuchOverload();
      const o = zoneOffset(t, tz);
      if (o instanceof CelError) return o;
      offset = o;
    }
    return BigInt(field(civil(t, offset)));
  };
}

function timeFunction(name: string, id: string, field: Field, durationId?: string, duration?: (d: Duration) => bigint): FunctionDecl {
  const impl = timeAccessor(field, duration);
  const overloads = [
    memberOverload(`timestamp_to_${id}`, [TIMESTAMP], INT, impl),
    memberOverload(id === 'seconds' ? 'timestamp_to_seconds_tz' : `timestamp_to_${id}_with_tz`, [TIMESTAMP, STRING], INT, impl),
  ];
  if (durationId) overloads.push(memberOverload(durationId, [DURATION], INT, impl));
  return fn(name, overloads);
}

const NS = 1_000_000_000n;

export const STD_FUNCTIONS: FunctionDecl[] = [
  fn('type', [overload('type', [A], typeOf(A))], ([v]) => new TypeValue(runtimeType(v))),
  fn('bool', [overload('bool_to_bool', [BOOL], BOOL, identity), overload('string_to_bool', [STRING], BOOL, toBool)]),
  fn('bytes', [overload('bytes_to_bytes', [BYTES], BYTES, identity), overload('string_to_bytes', [STRING], BYTES, toBytes)]),
  fn('double', [
    overload('double_to_double', [DOUBLE], DOUBLE, identity),
    overload('int64_to_double', [INT], DOUBLE, toDouble),
    overload('string_to_double', [STRING], DOUBLE, toDouble),
    overload('uint64_to_double', [UINT], DOUBLE, toDouble),
  ]),
  fn('duration', [
    overload('duration_to_duration', [DURATION], DURATION, identity),
    overload('int64_to_duration', [INT], DURATION, toDuration),
    overload('string_to_duration', [STRING], DURATION, toDuration),
  ]),
  fn('dyn', [overload('to_dyn', [A], DYN)], identity),
  fn('int', [
    overload('int64_to_int64', [INT], INT, identity),
    overload('double_to_int64', [DOUBLE], INT, toInt),
    overload('duration_to_int64', [DURATION], INT, toInt),
    overload('string_to_int64', [STRING], INT, toInt),
    overload('timestamp_to_int64', [TIMESTAMP], INT, toInt),
    overload('uint64_to_int64', [UINT], INT, toInt),
  ]),
  fn('string', [
    overload('string_to_string', [STRING], STRING, identity),
    overload('bool_to_string', [BOOL], STRING, ([v]) => toCelString(v)),
    overload('bytes_to_string', [BYTES], STRING, ([v]) => toCelString(v)),
    overload('double_to_string', [DOUBLE], STRING, ([v]) => toCelString(v)),
    overload('duration_to_string', [DURATION], STRING, ([v]) => toCelString(v)),
    overload('int64_to_string', [INT], STRING, ([v]) => toCelString(v)),
    overload('timestamp_to_string', [TIMESTAMP], STRING, ([v]) => toCelString(v)),
    overload('uint64_to_string', [UINT], STRING, ([v]) => toCelString(v)),
  ]),
  fn('timestamp', [
    overload('timestamp_to_timestamp', [TIMESTAMP], TIMESTAMP, identity),
    overload('int64_to_timestamp', [INT], TIMESTAMP, toTimestamp),
    overload('string_to_timestamp', [STRING], TIMESTAMP, toTimestamp),
  ]),
  fn('uint', [
    overload('uint64_to_uint64', [UINT], UINT, identity),
    overload('double_to_uint64', [DOUBLE], UINT, toUint),
    overload('int64_to_uint64', [INT], UINT, toUint),
    overload('string_to_uint64', [STRING], UINT, toUint),
  ]),
  fn('contains', [memberOverload('contains_string', [STRING, STRING], BOOL, stringPredicate((s, x) => s.includes(x)))]),
  fn('endsWith', [memberOverload('ends_with_string', [STRING, STRING], BOOL, stringPredicate((s, x) => s.endsWith(x)))]),
  fn('startsWith', [memberOverload('starts_with_string', [STRING, STRING], BOOL, stringPredicate((s, x) => s.startsWith(x)))]),
  fn('matches', [overload('matches', [STRING, STRING], BOOL), memberOverload('matches_string', [STRING, STRING], BOOL)], matches),
  timeFunction('getFullYear', 'year', (c) => c.year),
  timeFunction('getMonth', 'month', (c) => c.month - 1),
  timeFunction('getDayOfYear', 'day_of_year', (c) => c.yearDay - 1),
  timeFunction('getDayOfMonth', 'day_of_month', (c) => c.day - 1),
  timeFunction('getDate', 'day_of_month_1_based', (c) => c.day),
  timeFunction('getDayOfWeek', 'day_of_week', (c) => c.weekday),
  timeFunction('getHours', 'hours', (c) => c.hour, 'duration_to_hours', (d) => d.nanos / (3600n * NS)),
  timeFunction('getMinutes', 'minutes', (c) => c.minute, 'duration_to_minutes', (d) => d.nanos / (60n * NS)),
  timeFunction('getSeconds', 'seconds', (c) => c.second, 'duration_to_seconds', (d) => d.nanos / NS),
  timeFunction('getMilliseconds', 'milliseconds', (c) => Math.floor(c.nanos / 1_000_000), 'duration_to_milliseconds', (d) => d.nanos / 1_000_000n),
];

/** Identifiers that name types in the standard environment. */
export const STD_TYPE_IDENTS: [string, CelType][] = [
  typeIdent(BOOL), typeIdent(BYTES), typeIdent(DOUBLE), typeIdent(DURATION), typeIdent(INT),
  ['list', typeOf(LIST_TYPE)], ['map', typeOf(MAP_TYPE)], typeIdent(NULL), typeIdent(STRING),
  typeIdent(TIMESTAMP), typeIdent(TYPE), typeIdent(UINT),
];

