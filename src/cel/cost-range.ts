// Saturating unsigned 64-bit ranges as cel-go's CostEstimate and SizeEstimate.

export const MAX_U64 = (1n << 64n) - 1n;
const TWO_64 = 2 ** 64;

export interface Range {
  min: bigint;
  max: bigint;
}

export const range = (min: bigint, max = min): Range => ({ min, max });
export const UNKNOWN: Range = { min: 0n, max: MAX_U64 };

export function addSat(a: bigint, b: bigint): bigint {
  return a + b > MAX_U64 ? MAX_U64 : a + b;
}

export function mulSat(a: bigint, b: bigint): bigint {
  return b !== 0n && a > MAX_U64 / b ? MAX_U64 : a * b;
}

/** multiplyByCostFactor: x × factor rounded up, in float64 as cel-go does. */
export function byFactor(x: bigint, f: number): bigint {
  const xf = Number(x);
  if (xf > 0 && f > 0 && xf > Number(MAX_U64) / f) return MAX_U64;
  const c = Math.ceil(xf * f);
  return c >= TWO_64 ? MAX_U64 : BigInt(c);
}

export const add = (a: Range, b: Range): Range => ({ min: addSat(a.min, b.min), max: addSat(a.max, b.max) });
export const mul = (a: Range, b: Range): Range => ({ min: mulSat(a.min, b.min), max: mulSat(a.max, b.max) });
export const factor = (a: Range, f: number): Range => ({ min: byFactor(a.min, f), max: byFactor(a.max, f) });
export const union = (a: Range, b: Range): Range => ({ min: a.min < b.min ? a.min : b.min, max: a.max > b.max ? a.max : b.max });

