// Runtime type of values, heterogeneous equality and ordering as cel-go defines them.
import {
  BOOL, BYTES, CelType, DOUBLE, DURATION, INT, LIST_TYPE, MAP_TYPE, NULL, STRING, TIMESTAMP, TYPE, UINT, optionalOf, DYN,
} from './types.js';
import {
  CelError, CelUint, Duration, OpaqueValue, Optional, Timestamp, TypeValue, isList, isMap, type CelList, type CelMap, type Val,
} from './values.js';

export const noSuchOverload = () => new CelError('no such overload');

/** The runtime type of a value (lists and maps without element types, as cel-go's Type()). */
export function runtimeType(v: Val): CelType {
  switch (typeof v) {
    case 'boolean':
      return BOOL;
    case 'bigint':
      return INT;
    case 'number':
      return DOUBLE;
    case 'string':
      return STRING;
  }
  if (v === null) return NULL;
  if (v instanceof Uint8Array) return BYTES;
  if (v instanceof CelUint) return UINT;
  if (v instanceof Timestamp) return TIMESTAMP;
  if (v instanceof Duration) return DURATION;
  if (v instanceof TypeValue) return TYPE;
  if (v instanceof Optional) return optionalOf(DYN);
  if (v instanceof OpaqueValue) return v.celType;
  if (isList(v)) return LIST_TYPE;
  if (isMap(v)) return MAP_TYPE;
  return new CelType('error', 'error');
}

/** The name cel-go prints for a value's type in "no such overload: f(int, string)". */
export function runtimeTypeName(v: Val): string {
  return runtimeType(v).name;
}

/** Does a runtime value fit a declared parameter type (cel-go's IsAssignableRuntimeType). */
export function fitsType(t: CelType, v: Val): boolean {
  switch (t.kind) {
    case 'dyn': case 'any': case 'typeparam':
      return true;
    case 'list': {
      if (!isList(v)) return false;
      return v.size() === 0 || fitsType(t.params[0], v.get(0));
    }
    case 'map': {
      if (!isMap(v)) return false;
      for (const k of v.keys()) return fitsType(t.params[0], k) && fitsType(t.params[1], v.get(k) as Val);
      return true;
    }
    case 'opaque':
      if (t.name === 'optional_type') return v instanceof Optional;
      return v instanceof OpaqueValue && v.celType.name === t.name;
    case 'struct':
      return v instanceof OpaqueValue ? v.celType.name === t.name : isMap(v);
    case 'null':
      return v === null;
    default:
      return runtimeType(v).kind === t.kind;
  }
}

function isNumber(v: Val): v is bigint | number | CelUint {
  return typeof v === 'bigint' || typeof v === 'number' || v instanceof CelUint;
}

/** Exact comparison of int/uint/double values: -1, 0, 1, or NaN when unordered. */
function compareNumbers(a: bigint | number | CelUint, b: bigint | number | CelUint): number {
  const x = a instanceof CelUint ? a.value : a;
  const y = b instanceof CelUint ? b.value : b;
  if (typeof x === 'number' && Number.isNaN(x)) return NaN;
  if (typeof y === 'number' && Number.isNaN(y)) return NaN;
  if (typeof x === typeof y) return x < y ? -1 : x > y ? 1 : 0;
  // mixed bigint/double: compare without losing precision
  if (typeof x === 'number') return -compareBigDouble(y as bigint, x);
  return compareBigDouble(x, y as number);
}

function compareBigDouble(i: bigint, d: number): number {
  if (d === Infinity) return -1;
  if (d === -Infinity) return 1;
  const fl = Math.floor(d);
  const bi = BigInt(fl);
  if (i < bi) return -1;
  if (i > bi) return 1;
  return d > fl ? -1 : 0;
}

export function compareStrings(a: string, b: string): number {
  if (a === b) return 0;
  const ia = a[Symbol.iterator]();
  const ib = b[Symbol.iterator]();
  for (;;) {
    const x = ia.next();
    const y = ib.next();
    if (x.done || y.done) return x.done ? (y.done ? 0 : -1) : 1;
    const cx = x.value.codePointAt(0)!;
    const cy = y.value.codePointAt(0)!;
    if (cx !== cy) return cx < cy ? -1 : 1;
  }
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** Ordering as traits.Comparer: -1, 0, 1 or an error for unordered or mismatched values. */
export function compare(a: Val, b: Val): number | CelError {
  if (a instanceof CelError) return a;
  if (b instanceof CelError) return b;
  if (isNumber(a)) {
    if (!isNumber(b)) return noSuchOverload();
    const c = compareNumbers(a, b);
    return Number.isNaN(c) ? new CelError('NaN values cannot be ordered') : c;
  }
  if (typeof a === 'boolean' && typeof b === 'boolean') return a === b ? 0 : a ? 1 : -1;
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  if (a instanceof Uint8Array && b instanceof Uint8Array) return compareBytes(a, b);
  if ((a instanceof Timestamp && b instanceof Timestamp) || (a instanceof Duration && b instanceof Duration)) {
    return a.nanos < b.nanos ? -1 : a.nanos > b.nanos ? 1 : 0;
  }
  if (a instanceof OpaqueValue && 'compare' in a && typeof (a as { compare: unknown }).compare === 'function') {
    return (a as unknown as { compare(o: Val): number | CelError }).compare(b);
  }
  return noSuchOverload();
}

function listsEqual(a: CelList, b: CelList): boolean | CelError {
  if (a.equalsList) return a.equalsList(b);
  if (b.equalsList) return b.equalsList(a);
  if (a.size() !== b.size()) return false;
  for (let i = 0; i < a.size(); i++) {
    const eq = equals(a.get(i), b.get(i));
    if (eq !== true) return eq;
  }
  return true;
}

function mapsEqual(a: CelMap, b: CelMap): boolean | CelError {
  if (a.equalsMap) return a.equalsMap(b);
  if (b.equalsMap) return b.equalsMap(a);
  if (a.size() !== b.size()) return false;
  for (const k of a.keys()) {
    const bv = b.get(k);
    if (bv === undefined) return false;
    if (bv instanceof CelError) return bv;
    const eq = equals(a.get(k) as Val, bv);
    if (eq !== true) return eq;
  }
  return true;
}

/** Heterogeneous equality: values of different kinds are unequal, numbers compare across types. */
export function equals(a: Val, b: Val): boolean | CelError {
  if (a instanceof CelError) return a;
  if (b instanceof CelError) return b;
  if (isNumber(a)) return isNumber(b) && compareNumbers(a, b) === 0;
  if (typeof a !== 'object' || a === null) return a === b;
  if (a instanceof Uint8Array) return b instanceof Uint8Array && compareBytes(a, b) === 0;
  if (a instanceof Timestamp) return b instanceof Timestamp && a.nanos === b.nanos;
  if (a instanceof Duration) return b instanceof Duration && a.nanos === b.nanos;
  if (a instanceof TypeValue) return b instanceof TypeValue && a.type.name === b.type.name;
  if (a instanceof Optional) {
    if (!(b instanceof Optional)) return false;
    if (!a.hasValue() || !b.hasValue()) return a.hasValue() === b.hasValue();
    return equals(a.value!, b.value!);
  }
  if (a instanceof OpaqueValue) return a.equals(b);
  if (isList(a)) return isList(b) ? listsEqual(a, b) : false;
  if (isMap(a)) return isMap(b) ? mapsEqual(a, b) : false;
  return false;
}

/** cel-go's traits.Sizer size used by cost tracking, 1 for values without a size. */
export function actualSize(v: Val): number {
  if (typeof v === 'string') return [...v].length;
  if (v instanceof Uint8Array) return v.length;
  if (isList(v) || isMap(v)) return v.size();
  if (v instanceof Optional && v.hasValue()) return actualSize(v.value!);
  if (v instanceof OpaqueValue) return v.size() ?? 1;
  return 1;
}
