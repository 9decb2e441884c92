// Kubernetes quantity library on an exact decimal port of resource.ParseQuantity.
import { fn, memberOverload, overload, type FunctionDecl, type Impl } from './decls.js';
import { BOOL, DOUBLE, INT, STRING, structType } from './types.js';
import { CelError, OpaqueValue, type Val } from './values.js';

export const QUANTITY_TYPE = structType('kubernetes.Quantity');

const FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const SUFFIX = "unable to parse quantity's suffix";
const NUMERIC = 'unable to parse numeric part of quantity';

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const MAX_INT64 = (1n << 63n) - 1n;

/** value = unscaled × 10^scale, exact. */
export class Dec {
  constructor(readonly unscaled: bigint, readonly scale: number) {}

  static of(i: bigint): Dec {
    return new Dec(i, 0);
  }

  private align(o: Dec): [bigint, bigint, number] {
    const s = Math.min(this.scale, o.scale);
    return [this.unscaled * 10n ** BigInt(this.scale - s), o.unscaled * 10n ** BigInt(o.scale - s), s];
  }

  cmp(o: Dec): number {
    const [a, b] = this.align(o);
    return a < b ? -1 : a > b ? 1 : 0;
  }

  add(o: Dec): Dec {
    const [a, b, s] = this.align(o);
    return new Dec(a + b, s);
  }

  neg(): Dec {
    return new Dec(-this.unscaled, this.scale);
  }

  sign(): number {
    return this.unscaled > 0n ? 1 : this.unscaled < 0n ? -1 : 0;
  }

  /** The exact integer value, or undefined when fractional. */
  integer(): bigint | undefined {
    if (this.scale >= 0) return this.unscaled * 10n ** BigInt(this.scale);
    const d = 10n ** BigInt(-this.scale);
    return this.unscaled % d === 0n ? this.unscaled / d : undefined;
  }

  approximate(): number {
    return Number(`${this.unscaled}e${this.scale}`);
  }
}

type Parsed = { positive: boolean; value: string; num: string; denom: string; suffix: string };

/** resource.parseQuantityString. */
function split(str: string): Parsed | string {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (str[0] === '-' || str[0] === '+') {
    positive = str[0] === '+';
    pos++;
  }
  while (pos < end && str[pos] === '0') pos++;
  if (pos >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
  const digitsFrom = (i: number) => {
    while (i < end && str[i] >= '0' && str[i] <= '9') i++;
    return i;
  };
  let i = digitsFrom(pos);
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  const num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    i = digitsFrom(pos);
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  while (pos < end && 'eEinumkKMGTP'.includes(str[pos])) pos++;
  if (pos >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = digitsFrom(pos);
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  return FORMAT_WRONG;
}

/** resource.ParseQuantity as an exact decimal, or Go's error text. */
export function parseQuantity(str: string): Dec | string {
  if (str.length === 0) return FORMAT_WRONG;
  if (str === '0') return Dec.of(0n);
  const p = split(str);
  if (typeof p === 'string') return p;
  let base = 10;
  let exponent: number;
  let binary = false;
  if (p.suffix in DECIMAL) exponent = DECIMAL[p.suffix];
  else if (p.suffix in BINARY) {
    exponent = BINARY[p.suffix];
    base = 2;
    binary = true;
  } else if (p.suffix.length > 1 && (p.suffix[0] === 'e' || p.suffix[0] === 'E') && /^[+-]?\d+$/.test(p.suffix.slice(1))) {
    exponent = Number(p.suffix.slice(1));
  } else return SUFFIX;
  const m = /^([+-]?)(\d*)(?:\.(\d*))?$/.exec(p.value);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return NUMERIC;
  const frac = m[3] ?? '';
  let amount = new Dec(BigInt((m[1] === '-' ? '-' : '') + ((m[2] || '0') + frac)), -frac.length);
  if (base === 10) amount = new Dec(amount.unscaled, amount.scale + exponent);
  else amount = new Dec(amount.unscaled * (1n << BigInt(exponent)), amount.scale);
  // round up to nano precision, as ParseQuantity does for non-zero values
  if (amount.scale < -9) {
    const d = 10n ** BigInt(-9 - amount.scale);
    let q = amount.unscaled / d;
    if (amount.unscaled % d !== 0n) q += amount.unscaled < 0n ? -1n : 1n;
    amount = new Dec(q, -9);
  }
  if (binary && amount.cmp(Dec.of(MAX_INT64)) > 0) amount = Dec.of(MAX_INT64);
  return amount;
}

export class QuantityValue extends OpaqueValue {
  readonly celType = QUANTITY_TYPE;
  constructor(readonly dec: Dec) {
    super();
  }
  override equals(other: Val): boolean {
    return other instanceof QuantityValue && other.dec.cmp(this.dec) === 0;
  }
}

const q = (f: (a: Dec, b: Val) => Val): Impl => ([a, b]) => (a instanceof QuantityValue ? f(a.dec, b) : new CelError('no such overload'));
const qq = (f: (a: Dec, b: Dec) => Val): Impl => q((a, b) => (b instanceof QuantityValue ? f(a, b.dec) : new CelError('no such overload')));

function asInt64(d: Dec): bigint | undefined {
  const i = d.integer();
  return i !== undefined && i <= MAX_INT64 && i >= -MAX_INT64 - 1n ? i : undefined;
}

export const QUANTITY_LIBRARY: FunctionDecl[] = [
  fn('quantity', [overload('string_to_quantity', [STRING], QUANTITY_TYPE, ([s]) => {
    const d = parseQuantity(s as string);
    return typeof d === 'string' ? new CelError(d) : new QuantityValue(d);
  })]),
  fn('isQuantity', [overload('is_quantity_string', [STRING], BOOL, ([s]) => typeof parseQuantity(s as string) !== 'string')]),
  fn('sign', [overload('quantity_sign', [QUANTITY_TYPE], INT, q((a) => BigInt(a.sign())))]),
  fn('isGreaterThan', [memberOverload('quantity_is_greater_than', [QUANTITY_TYPE, QUANTITY_TYPE], BOOL, qq((a, b) => a.cmp(b) === 1))]),
  fn('isLessThan', [memberOverload('quantity_is_less_than', [QUANTITY_TYPE, QUANTITY_TYPE], BOOL, qq((a, b) => a.cmp(b) === -1))]),
  fn('compareTo', [memberOverload('quantity_compare_to', [QUANTITY_TYPE, QUANTITY_TYPE], INT, qq((a, b) => BigInt(a.cmp(b))))]),
  fn('asApproximateFloat', [memberOverload('quantity_get_float', [QUANTITY_TYPE], DOUBLE, q((a) => a.approximate()))]),
  fn('asInteger', [memberOverload('quantity_get_int', [QUANTITY_TYPE], INT, q((a) => asInt64(a) ?? new CelError('cannot convert value to integer')))]),
  fn('isInteger', [memberOverload('quantity_is_integer', [QUANTITY_TYPE], BOOL, q((a) => asInt64(a) !== undefined))]),
  fn('add', [
    memberOverload('quantity_add', [QUANTITY_TYPE, QUANTITY_TYPE], QUANTITY_TYPE, qq((a, b) => new QuantityValue(a.add(b)))),
    memberOverload('quantity_add_int', [QUANTITY_TYPE, INT], QUANTITY_TYPE, q((a, b) => new QuantityValue(a.add(Dec.of(b as bigint))))),
  ]),
  fn('sub', [
    memberOverload('quantity_sub', [QUANTITY_TYPE, QUANTITY_TYPE], QUANTITY_TYPE, qq((a, b) => new QuantityValue(a.add(b.neg())))),
    memberOverload('quantity_sub_int', [QUANTITY_TYPE, INT], QUANTITY_TYPE, q((a, b) => new QuantityValue(a.add(Dec.of(-(b as bigint)))))),
  ]),
];
