// Timestamps and durations with Go's parsing/formatting and cel-go's range and overflow rules.
import { CelError, Duration, Timestamp } from './values.js';

const NS = 1_000_000_000n;
const MIN_INT = -(1n << 63n);
const MAX_INT = (1n << 63n) - 1n;
/** Seconds from the epoch to 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z. */
const MIN_UNIX = -62135596800n;
const MAX_UNIX = 253402300799n;

export const TIMESTAMP_OVERFLOW = 'timestamp overflow';

function floorDiv(a: bigint, b: bigint): bigint {
  const q = a / b;
  return a % b !== 0n && (a < 0n) !== (b < 0n) ? q - 1n : q;
}

export function unixSeconds(t: Timestamp): bigint {
  return floorDiv(t.nanos, NS);
}

export function timestampOf(nanos: bigint): Timestamp | CelError {
  const sec = floorDiv(nanos, NS);
  return sec < MIN_UNIX || sec > MAX_UNIX ? new CelError(TIMESTAMP_OVERFLOW) : new Timestamp(nanos);
}

export function durationOf(nanos: bigint): Duration | CelError {
  return nanos < MIN_INT || nanos > MAX_INT ? new CelError('integer overflow') : new Duration(nanos);
}

const UNITS: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: NS, m: 60n * NS, h: 3600n * NS };

/** Go's time.ParseDuration; undefined when the text is not a duration or overflows. */
export function parseGoDuration(s: string): bigint | undefined {
  let rest = s;
  let neg = false;
  if (rest[0] === '-' || rest[0] === '+') {
    neg = rest[0] === '-';
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return undefined;
  let total = 0n;
  const re = /^(\d*)(?:\.(\d*))?(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/;
  while (rest !== '') {
    const m = re.exec(rest);
    if (!m || (m[1] === '' && (m[2] ?? '') === '')) return undefined;
    const unit = UNITS[m[3]];
    const whole = BigInt(m[1] || '0') * unit;
    const frac = m[2] ?? '';
    // fractional digits scaled by the unit, truncated as Go does
    const fracNs = frac === '' ? 0n : (BigInt(frac) * unit) / 10n ** BigInt(frac.length);
    total += whole + fracNs;
    if (total > (neg ? -MIN_INT : MAX_INT)) return undefined;
    rest = rest.slice(m[0].length);
  }
  return neg ? -total : total;
}

/** Go's Duration.String-free form CEL uses: seconds as the shortest decimal, then "s". */
export function formatDurationSeconds(nanos: bigint): string {
  const neg = nanos < 0n;
  const abs = neg ? -nanos : nanos;
  const whole = abs / NS;
  let frac = (abs % NS).toString().padStart(9, '0').replace(/0+$/, '');
  const s = frac ? `${whole}.${frac}` : `${whole}`;
  return `${neg ? '-' : ''}${s}s`;
}

/** Go's time.Duration.String, e.g. 1h1m0.5s, used by the lists library's sum examples. */
export function formatGoDuration(nanos: bigint): string {
  if (nanos === 0n) return '0s';
  const neg = nanos < 0n;
  let u = neg ? -nanos : nanos;
  let out: string;
  if (u < NS) {
    const [unit, div] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n];
    out = decimal(u, div) + unit;
  } else {
    const h = u / (3600n * NS);
    u -= h * 3600n * NS;
    const m = u / (60n * NS);
    u -= m * 60n * NS;
    out = `${decimal(u, NS)}s`;
    if (h > 0n || m > 0n) out = `${m}m${out}`;
    if (h > 0n) out = `${h}h${out}`;
  }
  return neg ? `-${out}` : out;
}

function decimal(v: bigint, div: bigint): string {
  const whole = v / div;
  const digits = div.toString().length - 1;
  const frac = digits ? (v % div).toString().padStart(digits, '0').replace(/0+$/, '') : '';
  return frac ? `${whole}.${frac}` : `${whole}`;
}

const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/;

/** Go's time.Parse(time.RFC3339, s) in nanoseconds since the epoch, or undefined. */
export function parseRfc3339(s: string): bigint | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, sec, frac = '', zone] = m;
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12 || day < 1 || day > daysIn(Number(y), month)) return undefined;
  if (Number(h) > 23 || Number(mi) > 59 || Number(sec) > 59) return undefined;
  let offsetMin = 0;
  if (zone !== 'Z') {
    const zh = Number(zone.slice(1, 3));
    const zm = Number(zone.slice(4, 6));
    if (zh > 23 || zm > 59) return undefined;
    offsetMin = (zone[0] === '-' ? -1 : 1) * (zh * 60 + zm);
  }
  const days = daysFromCivil(Number(y), month, day);
  const secs = BigInt(days) * 86400n + BigInt(Number(h) * 3600 + Number(mi) * 60 + Number(sec) - offsetMin * 60);
  const nanos = frac === '' ? 0n : BigInt(frac.slice(0, 9).padEnd(9, '0'));
  return secs * NS + nanos;
}

function daysIn(y: number, m: number): number {
  return [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1];
}

/** Days since 1970-01-01 of a proleptic Gregorian date. */
function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export interface CivilTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  nanos: number;
  weekday: number;
  yearDay: number;
}

function civilFromDays(z: number): [number, number, number] {
  z += 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp + (mp < 10 ? 3 : -9);
  return [yoe + era * 400 + (m <= 2 ? 1 : 0), m, d];
}

/** Calendar fields of a timestamp shifted by an offset in seconds. */
export function civil(t: Timestamp, offsetSeconds = 0): CivilTime {
  const secs = unixSeconds(t) + BigInt(offsetSeconds);
  const nanos = Number(t.nanos - unixSeconds(t) * NS);
  const days = Number(floorDiv(secs, 86400n));
  const sod = Number(secs - BigInt(days) * 86400n);
  const [year, month, day] = civilFromDays(days);
  const weekday = (((days + 4) % 7) + 7) % 7;
  const yearDay = days - daysFromCivil(year, 1, 1) + 1;
  return { year, month, day, hour: Math.floor(sod / 3600), minute: Math.floor((sod % 3600) / 60), second: sod % 60, nanos, weekday, yearDay };
}

/** RFC 3339 with nanoseconds and trailing zeros removed, in UTC (Go's time.RFC3339Nano). */
export function formatRfc3339(t: Timestamp): string {
  const c = civil(t);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const frac = c.nanos ? `.${String(c.nanos).padStart(9, '0').replace(/0+$/, '')}` : '';
  return `${p(c.year, 4)}-${p(c.month)}-${p(c.day)}T${p(c.hour)}:${p(c.minute)}:${p(c.second)}${frac}Z`;
}

/** Offset in seconds east of UTC of a zone name or ±HH:MM at an instant, or an error. */
export function zoneOffset(t: Timestamp, tz: string): number | CelError {
  const colon = tz.indexOf(':');
  if (colon >= 0) {
    const hr = goAtoi(tz.slice(0, colon));
    const min = goAtoi(tz.slice(colon + 1));
    if (typeof hr === 'string') return new CelError(hr);
    if (typeof min === 'string') return new CelError(min);
    const offset = tz[0] === '-' ? hr * 60 - min : hr * 60 + min;
    return offset * 60;
  }
  if (tz === '' || tz === 'UTC') return 0;
  if (tz === 'Local') return 0;
  try {
    const ms = Number(unixSeconds(t)) * 1000;
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
    const name = fmt.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
    const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
    if (!m) return 0;
    return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60);
  } catch {
    return new CelError(`unknown time zone ${tz}`);
  }
}

/** strconv.Atoi with Go's error text. */
function goAtoi(s: string): number | string {
  if (!/^[+-]?\d+$/.test(s)) return `strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
  return Number(s);
}

export const NANOS_PER_SECOND = NS;
