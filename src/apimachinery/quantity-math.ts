// Exact arithmetic on resource.Quantity values (in nano units), keeping the format the sum inherits as
// Quantity.Add does: a zero left operand takes the right one's format.
import { canonicalQuantity } from './quantity.js';

export interface Qty {
  nano: bigint;
  binary: boolean;
}

const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
const RE = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;

export const ZERO: Qty = { nano: 0n, binary: false };

export function qty(n: number | bigint): Qty {
  return { nano: BigInt(n) * 1_000_000_000n, binary: false };
}

/** The value of a quantity string, rounded up to nano as ParseQuantity does; undefined when invalid. */
export function parseQty(v: unknown): Qty | undefined {
  const s = typeof v === 'number' ? String(v) : typeof v === 'string' ? v.trim() : '';
  const m = RE.exec(s);
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return undefined;
  const [, sign, whole, frac = '', suffix = ''] = m;
  let mantissa = BigInt((whole || '0') + frac);
  let scale = -frac.length + 9;
  const binary = suffix in BINARY;
  if (binary) mantissa <<= BigInt(BINARY[suffix]);
  else if (suffix[0] === 'e' || suffix[0] === 'E') scale += Number(suffix.slice(1));
  else scale += DECIMAL[suffix];
  let nano: bigint;
  if (scale >= 0) nano = mantissa * 10n ** BigInt(scale);
  else {
    const div = 10n ** BigInt(-scale);
    nano = mantissa / div + (mantissa % div !== 0n ? 1n : 0n);
  }
  return { nano: sign === '-' ? -nano : nano, binary };
}

export function addQty(a: Qty, b: Qty): Qty {
  return { nano: a.nano + b.nano, binary: a.nano === 0n ? b.binary : a.binary };
}

export function subQty(a: Qty, b: Qty): Qty {
  return { nano: a.nano - b.nano, binary: a.nano === 0n ? b.binary : a.binary };
}

export function cmpQty(a: Qty, b: Qty): number {
  return a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0;
}

/** The canonical string Go prints for the quantity. */
export function formatQty(q: Qty): string {
  if (q.binary && q.nano % 1_000_000_000n === 0n) {
    let n = q.nano / 1_000_000_000n;
    if (n >= 1024n || n <= -1024n) {
      let exp = 0;
      while (exp < 6 && n % 1024n === 0n) {
        n /= 1024n;
        exp++;
      }
      return `${n}${BINARY_SUFFIXES[exp]}`;
    }
  }
  return canonicalQuantity(`${q.nano}n`) ?? '0';
}
