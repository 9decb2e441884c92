// Go's fmt %v for the values kube-openapi prints in its messages.

/** A float64 as fmt's %v prints it (%g with the shortest digits; exponent below 1e-4 and from 1e6 on). */
export function goFloat(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mant, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp < -4 || exp >= 21 || exp >= 6) {
    const e = Math.abs(exp) < 10 ? `0${Math.abs(exp)}` : String(Math.abs(exp));
    return `${mant}e${exp < 0 ? '-' : '+'}${e}`;
  }
  return String(v);
}

/** A JSON value as %v prints it once decoded by Go (int64 for integers, float64 otherwise). */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'number') return Number.isInteger(v) && Math.abs(v) < 2 ** 63 ? String(v) : goFloat(v);
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goValue).join(' ')}]`;
  const entries = Object.keys(v as object)
    .sort()
    .map((k) => `${k}:${goValue((v as Record<string, unknown>)[k])}`);
  return `map[${entries.join(' ')}]`;
}
