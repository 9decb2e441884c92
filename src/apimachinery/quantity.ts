// resource.Quantity's canonical form, as Go prints a parsed quantity: "1000m" → "1", "1024Mi" → "1Gi",
// "0.5" → "500m", "1.5Gi" → "1536Mi", JSON numbers → strings.

const DECIMAL_SUFFIX: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BINARY_SUFFIX: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DECIMAL_BY_EXP: Record<number, string> = { [-9]: 'n', [-6]: 'u', [-3]: 'm', 0: '', 3: 'k', 6: 'M', 9: 'G', 12: 'T', 15: 'P', 18: 'E' };
const BINARY_BY_EXP = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

const QUANTITY_RE = /^([+-]?)(\d*)(?:\.(\d*))?(Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+|[numkMGTPE])?$/;

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** value = mantissa × 10^scale, exact. */
interface Dec {
  mantissa: bigint;
  scale: number;
}

function parse(s: string): { value: Dec; format: Format } | undefined {
  const m = QUANTITY_RE.exec(s);
  if (!m) return undefined;
  const [, sign, whole, frac = '', suffix = ''] = m;
  if (whole === '' && frac === '') return undefined;
  let mantissa = BigInt((whole || '0') + frac);
  let scale = -frac.length;
  if (sign === '-') mantissa = -mantissa;
  let format: Format = 'DecimalSI';
  if (suffix in BINARY_SUFFIX) {
    format = 'BinarySI';
    mantissa *= 1n << BigInt(BINARY_SUFFIX[suffix]);
  } else if (suffix[0] === 'e' || suffix[0] === 'E') {
    format = 'DecimalExponent';
    scale += Number(suffix.slice(1));
  } else {
    scale += DECIMAL_SUFFIX[suffix];
  }
  return { value: { mantissa, scale }, format };
}

function abs(n: bigint): bigint {
  return n < 0n ? -n : n;
}

/** Values finer than nano are rounded away from zero to nano, as ParseQuantity does. */
function roundToNano(d: Dec): Dec {
  if (d.scale >= -9) return d;
  const div = 10n ** BigInt(-9 - d.scale);
  let q = d.mantissa / div;
  if (d.mantissa % div !== 0n) q += d.mantissa < 0n ? -1n : 1n;
  return { mantissa: q, scale: -9 };
}

function decimalString(d: Dec, format: Format): string {
  let { mantissa, scale } = d;
  while (mantissa !== 0n && mantissa % 10n === 0n) {
    mantissa /= 10n;
    scale++;
  }
  // the exponent is brought down to a multiple of 3
  const r = ((scale % 3) + 3) % 3;
  if (r !== 0) {
    mantissa *= 10n ** BigInt(r);
    scale -= r;
  }
  if (format === 'DecimalSI' && scale in DECIMAL_BY_EXP) return `${mantissa}${DECIMAL_BY_EXP[scale]}`;
  return scale === 0 ? `${mantissa}` : `${mantissa}e${scale}`;
}

/** The canonical string of a quantity, or undefined when it does not parse (validation reports it). */
export function canonicalQuantity(v: unknown): string | undefined {
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : typeof v === 'string' ? v.trim() : '';
  const p = parse(s.replace(/e\+?(\d+)$/i, (_, d) => `e${d}`));
  if (!p) return undefined;
  const value = roundToNano(p.value);
  if (value.mantissa === 0n) return '0';
  let format = p.format;
  if (format === 'BinarySI') {
    // small or fractional binary values are shown in decimal, which loses nothing
    const isInt = value.scale >= 0 || value.mantissa % 10n ** BigInt(-value.scale) === 0n;
    const intVal = isInt ? (value.scale >= 0 ? value.mantissa * 10n ** BigInt(value.scale) : value.mantissa / 10n ** BigInt(-value.scale)) : 0n;
    if (!isInt || abs(intVal) < 1024n) format = 'DecimalSI';
    else {
      let n = intVal;
      let exp = 0;
      while (exp < 6 && n % 1024n === 0n) {
        n /= 1024n;
        exp++;
      }
      return `${n}${BINARY_BY_EXP[exp]}`;
    }
  }
  return decimalString(value, format);
}
