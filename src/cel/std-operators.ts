// Standard operators (arithmetic, comparison, equality, indexing, membership, size, logic) as declared in
// cel-go's stdlib, with its overload ids, order and runtime errors.
import { A, B, LIST_A, MAP_AB, fn, memberOverload, overload, type FunctionDecl, type Impl } from './decls.js';
import { qualify } from './qualify.js';
import { compare, equals, noSuchOverload } from './runtime.js';
import { durationOf, timestampOf } from './time.js';
import { BOOL, BYTES, DOUBLE, DURATION, INT, STRING, TIMESTAMP, UINT, type CelType } from './types.js';
import { ArrayList, CelError, CelUint, Duration, MutableList, Timestamp, isList, isMap, type CelList, type Val } from './values.js';

const MIN_INT = -(1n << 63n);
const MAX_INT = (1n << 63n) - 1n;
const MAX_UINT = (1n << 64n) - 1n;

export const intResult = (v: bigint): Val => (v < MIN_INT || v > MAX_INT ? new CelError('integer overflow') : v);
export const uintResult = (v: bigint): Val => (v < 0n || v > MAX_UINT ? new CelError('unsigned integer overflow') : new CelUint(v));

function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export function concatLists(a: CelList, b: CelList): CelList {
  if (a instanceof MutableList) {
    for (const v of b.values()) a.items.push(v);
    return a;
  }
  if (a.concat) return a.concat(b);
  return new ArrayList([...a.values(), ...b.values()]);
}

export const add: Impl = ([l, r]) => {
  if (typeof l === 'bigint') return typeof r === 'bigint' ? intResult(l + r) : noSuchOverload();
  if (l instanceof CelUint) return r instanceof CelUint ? uintResult(l.value + r.value) : noSuchOverload();
  if (typeof l === 'number') return typeof r === 'number' ? l + r : noSuchOverload();
  if (typeof l === 'string') return typeof r === 'string' ? l + r : noSuchOverload();
  if (l instanceof Uint8Array) return r instanceof Uint8Array ? concatBytes(l, r) : noSuchOverload();
  if (isList(l)) return isList(r) ? concatLists(l, r) : noSuchOverload();
  if (l instanceof Duration) {
    if (r instanceof Duration) return durationOf(l.nanos + r.nanos);
    if (r instanceof Timestamp) return timestampOf(r.nanos + l.nanos);
    return noSuchOverload();
  }
  if (l instanceof Timestamp) return r instanceof Duration ? timestampOf(l.nanos + r.nanos) : noSuchOverload();
  return new CelError('no such overload: _+_');
};

const subtract: Impl = ([l, r]) => {
  if (typeof l === 'bigint') return typeof r === 'bigint' ? intResult(l - r) : noSuchOverload();
  if (l instanceof CelUint) return r instanceof CelUint ? uintResult(l.value - r.value) : noSuchOverload();
  if (typeof l === 'number') return typeof r === 'number' ? l - r : noSuchOverload();
  if (l instanceof Duration) return r instanceof Duration ? durationOf(l.nanos - r.nanos) : noSuchOverload();
  if (l instanceof Timestamp) {
    if (r instanceof Duration) return timestampOf(l.nanos - r.nanos);
    if (r instanceof Timestamp) return durationOf(l.nanos - r.nanos);
    return noSuchOverload();
  }
  return new CelError('no such overload: _-_');
};

const multiply: Impl = ([l, r]) => {
  if (typeof l === 'bigint') return typeof r === 'bigint' ? intResult(l * r) : noSuchOverload();
  if (l instanceof CelUint) return r instanceof CelUint ? uintResult(l.value * r.value) : noSuchOverload();
  if (typeof l === 'number') return typeof r === 'number' ? l * r : noSuchOverload();
  return new CelError('no such overload: _*_');
};

const divide: Impl = ([l, r]) => {
  if (typeof l === 'bigint') {
    if (typeof r !== 'bigint') return noSuchOverload();
    return r === 0n ? new CelError('division by zero') : intResult(l / r);
  }
  if (l instanceof CelUint) {
    if (!(r instanceof CelUint)) return noSuchOverload();
    return r.value === 0n ? new CelError('division by zero') : new CelUint(l.value / r.value);
  }
  if (typeof l === 'number') return typeof r === 'number' ? l / r : noSuchOverload();
  return new CelError('no such overload: _/_');
};

const modulo: Impl = ([l, r]) => {
  if (typeof l === 'bigint') {
    if (typeof r !== 'bigint') return noSuchOverload();
    if (r === 0n) return new CelError('modulus by zero');
    return l === MIN_INT && r === -1n ? new CelError('integer overflow') : l % r;
  }
  if (l instanceof CelUint) {
    if (!(r instanceof CelUint)) return noSuchOverload();
    return r.value === 0n ? new CelError('modulus by zero') : new CelUint(l.value % r.value);
  }
  return new CelError('no such overload: _%_');
};

const negate: Impl = ([v]) => {
  if (typeof v === 'bigint') return intResult(-v);
  if (typeof v === 'number') return -v;
  if (v instanceof Duration) return durationOf(-v.nanos);
  return typeof v === 'boolean' ? noSuchOverload() : new CelError('no such overload: -_');
};

function relation(name: string, test: (c: number) => boolean): Impl {
  return ([l, r]) => {
    const c = compare(l, r);
    if (c instanceof CelError) return c.message === 'no such overload' && !comparable(l) ? new CelError(`no such overload: ${name}`) : c;
    return test(c);
  };
}

function comparable(v: Val): boolean {
  return ['bigint', 'number', 'string', 'boolean'].includes(typeof v) || v instanceof CelUint || v instanceof Uint8Array || v instanceof Timestamp || v instanceof Duration;
}

const index: Impl = ([c, k]) => qualify(c, k, false);

const inOp: Impl = ([v, c]) => {
  if (isList(c)) {
    let err: CelError | undefined;
    for (const e of c.values()) {
      const eq = equals(e, v);
      if (eq === true) return true;
      if (eq instanceof CelError && !err) err = eq;
    }
    return err ?? false;
  }
  if (isMap(c)) {
    const r = c.get(v);
    return r instanceof CelError ? r : r !== undefined;
  }
  return noSuchOverload();
};

const size: Impl = ([v]) => {
  if (typeof v === 'string') return BigInt([...v].length);
  if (v instanceof Uint8Array) return BigInt(v.length);
  if (isList(v) || isMap(v)) return BigInt(v.size());
  return new CelError('no such overload: size');
};

const eq: Impl = ([l, r]) => equals(l, r);
const ne: Impl = ([l, r]) => {
  const e = equals(l, r);
  return e instanceof CelError ? e : !e;
};

/** Overload ids as cel-go names them: less_int64, less_equals_double_uint64, ... */
function relationOverloads(prefix: string): [string, CelType, CelType][] {
  const out: [string, CelType, CelType][] = [[`${prefix}_bool`, BOOL, BOOL]];
  out.push([`${prefix}_int64`, INT, INT], [`${prefix}_int64_double`, INT, DOUBLE], [`${prefix}_int64_uint64`, INT, UINT]);
  out.push([`${prefix}_uint64`, UINT, UINT], [`${prefix}_uint64_double`, UINT, DOUBLE], [`${prefix}_uint64_int64`, UINT, INT]);
  out.push([`${prefix}_double`, DOUBLE, DOUBLE], [`${prefix}_double_int64`, DOUBLE, INT], [`${prefix}_double_uint64`, DOUBLE, UINT]);
  out.push([`${prefix}_string`, STRING, STRING], [`${prefix}_bytes`, BYTES, BYTES]);
  out.push([`${prefix}_timestamp`, TIMESTAMP, TIMESTAMP], [`${prefix}_duration`, DURATION, DURATION]);
  return out;
}

function relationFn(name: string, prefix: string, test: (c: number) => boolean): FunctionDecl {
  return fn(name, relationOverloads(prefix).map(([id, a, b]) => overload(id, [a, b], BOOL)), relation(name, test));
}

export const OPERATORS: FunctionDecl[] = [
  fn('_?_:_', [{ ...overload('conditional', [BOOL, A, A], A), nonStrict: true }]),
  fn('_&&_', [{ ...overload('logical_and', [BOOL, BOOL], BOOL), nonStrict: true }]),
  fn('_||_', [{ ...overload('logical_or', [BOOL, BOOL], BOOL), nonStrict: true }]),
  fn('!_', [overload('logical_not', [BOOL], BOOL)], ([v]) => (typeof v === 'boolean' ? !v : noSuchOverload())),
  fn('@not_strictly_false', [{ ...overload('not_strictly_false', [BOOL], BOOL), nonStrict: true }], ([v]) => (typeof v === 'boolean' ? v : true)),
  fn('_==_', [overload('equals', [A, A], BOOL)], eq),
  fn('_!=_', [overload('not_equals', [A, A], BOOL)], ne),
  fn('_+_', [
    overload('add_bytes', [BYTES, BYTES], BYTES),
    overload('add_double', [DOUBLE, DOUBLE], DOUBLE),
    overload('add_duration_duration', [DURATION, DURATION], DURATION),
    overload('add_duration_timestamp', [DURATION, TIMESTAMP], TIMESTAMP),
    overload('add_timestamp_duration', [TIMESTAMP, DURATION], TIMESTAMP),
    overload('add_int64', [INT, INT], INT),
    overload('add_list', [LIST_A, LIST_A], LIST_A),
    overload('add_string', [STRING, STRING], STRING),
    overload('add_uint64', [UINT, UINT], UINT),
  ], add),
  fn('_/_', [
    overload('divide_double', [DOUBLE, DOUBLE], DOUBLE),
    overload('divide_int64', [INT, INT], INT),
    overload('divide_uint64', [UINT, UINT], UINT),
  ], divide),
  fn('_%_', [overload('modulo_int64', [INT, INT], INT), overload('modulo_uint64', [UINT, UINT], UINT)], modulo),
  fn('_*_', [
    overload('multiply_double', [DOUBLE, DOUBLE], DOUBLE),
    overload('multiply_int64', [INT, INT], INT),
    overload('multiply_uint64', [UINT, UINT], UINT),
  ], multiply),
  fn('-_', [overload('negate_double', [DOUBLE], DOUBLE), overload('negate_int64', [INT], INT)], negate),
  fn('_-_', [
    overload('subtract_double', [DOUBLE, DOUBLE], DOUBLE),
    overload('subtract_duration_duration', [DURATION, DURATION], DURATION),
    overload('subtract_int64', [INT, INT], INT),
    overload('subtract_timestamp_duration', [TIMESTAMP, DURATION], TIMESTAMP),
    overload('subtract_timestamp_timestamp', [TIMESTAMP, TIMESTAMP], DURATION),
    overload('subtract_uint64', [UINT, UINT], UINT),
  ], subtract),
  relationFn('_<_', 'less', (c) => c < 0),
  relationFn('_<=_', 'less_equals', (c) => c <= 0),
  relationFn('_>_', 'greater', (c) => c > 0),
  relationFn('_>=_', 'greater_equals', (c) => c >= 0),
  fn('_[_]', [overload('index_list', [LIST_A, INT], A), overload('index_map', [MAP_AB, A], B)], index),
  fn('@in', [overload('in_list', [A, LIST_A], BOOL), overload('in_map', [A, MAP_AB], BOOL)], inOp),
  fn('size', [
    overload('size_bytes', [BYTES], INT),
    memberOverload('bytes_size', [BYTES], INT),
    overload('size_list', [LIST_A], INT),
    memberOverload('list_size', [LIST_A], INT),
    overload('size_map', [MAP_AB], INT),
    memberOverload('map_size', [MAP_AB], INT),
    overload('size_string', [STRING], INT),
    memberOverload('string_size', [STRING], INT),
  ], size),
];
