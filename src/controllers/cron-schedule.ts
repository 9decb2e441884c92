// Cron schedules as robfig/cron v3's standard parser and SpecSchedule.Next compute them (what the cronjob
// controller uses): 5 fields, descriptors, @every, TZ=/CRON_TZ= prefixes, wall-clock stepping in a time zone.
const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };
const BOUNDS: [number, number, Record<string, number>?][] = [[0, 59], [0, 23], [1, 31], [1, 12, MONTHS], [0, 6, DOW]];
const DESCRIPTORS: Record<string, string> = { '@yearly': '0 0 1 1 *', '@annually': '0 0 1 1 *', '@monthly': '0 0 1 * *', '@weekly': '0 0 * * 0', '@daily': '0 0 * * *', '@midnight': '0 0 * * *', '@hourly': '0 * * * *' };
const STAR = 1n << 63n;
const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

export interface CronSchedule {
  /** The first activation strictly after `afterMs` (epoch ms), or undefined when none in five years. */
  next(afterMs: number): number | undefined;
}

function field(expr: string, [min, max, names]: [number, number, Record<string, number>?]): bigint {
  let bits = 0n;
  for (const part of expr.split(',')) {
    const [range, step, extra] = part.split('/');
    if (extra !== undefined) throw new Error(`too many slashes: ${part}`);
    const num = (s: string) => {
      if (names && s.toLowerCase() in names) return names[s.toLowerCase()]!;
      if (!/^\d+$/.test(s)) throw new Error(`failed to parse int from ${s}`);
      return Number(s);
    };
    let lo: number;
    let hi: number;
    let star = false;
    if (range === '*' || range === '?') [lo, hi, star] = [min, max, true];
    else {
      const ends = range!.split('-');
      if (ends.length > 2) throw new Error(`too many hyphens: ${part}`);
      lo = num(ends[0]!);
      hi = ends.length === 2 ? num(ends[1]!) : lo;
      if (step !== undefined && ends.length === 1) hi = max;
    }
    const by = step === undefined ? 1 : num(step);
    if (by === 0) throw new Error(`step of range should be a positive number: ${part}`);
    if (by > 1) star = false;
    if (lo < min || hi > max || lo > hi) throw new Error(`invalid range: ${part}`);
    for (let i = lo; i <= hi; i += by) bits |= 1n << BigInt(i);
    if (star) bits |= STAR;
  }
  return bits;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Wall-clock fields of an instant in a zone (Go's t.In(loc) accessors); month 1–12, dow 0 = Sunday. */
export function wall(ms: number, tz: string): { y: number; mo: number; d: number; h: number; mi: number; s: number; dow: number } {
  let f = formatters.get(tz);
  if (!f) formatters.set(tz, (f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' })));
  const p: Record<string, string> = {};
  for (const x of f.formatToParts(ms)) p[x.type] = x.value;
  return { y: +p.year!, mo: +p.month!, d: +p.day!, h: +p.hour!, mi: +p.minute!, s: +p.second!, dow: DOW[p.weekday!.toLowerCase()]! };
}

const offsetAt = (ms: number, tz: string) => {
  const w = wall(ms, tz);
  return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - (ms - (((ms % 1000) + 1000) % 1000));
};

/** Go's time.Date in a zone: fields normalised, a wall time in a gap or overlap resolved as Go does. */
export function zonedDate(tz: string, y: number, mo: number, d: number, h = 0, mi = 0, s = 0): number {
  const asUTC = Date.UTC(y, mo - 1, d, h, mi, s);
  let off = offsetAt(asUTC, tz);
  const utc = asUTC - off;
  const off2 = offsetAt(utc, tz);
  if (off2 !== off) off = off2;
  return asUTC - off;
}

/** Parses a CronJob schedule (with spec.timeZone applied as upstream's formatSchedule does); throws on syntax errors. */
export function parseCronSchedule(spec: string, timeZone?: string): CronSchedule {
  let s = spec.trim();
  let tz = timeZone || 'UTC';
  const m = /^(?:CRON_)?TZ=(\S+)\s+(.*)$/.exec(s);
  if (m) [tz, s] = [m[1]!, m[2]!.trim()];
  new Intl.DateTimeFormat('en-US', { timeZone: tz });
  if (s.startsWith('@every ')) {
    const d = s.slice(7).trim();
    if (!/^([0-9]*(\.[0-9]*)?(ns|us|\u00b5s|ms|s|m|h))+$/.test(d)) throw new Error(`failed to parse duration ${s}`);
    let total = 0;
    for (const [, n, , u] of d.matchAll(/([0-9]*(\.[0-9]*)?)(ns|us|\u00b5s|ms|s|m|h)/g)) total += Number(n) * UNITS[u!]!;
    const every = Math.max(1000, Math.floor(total / 1000) * 1000);
    // ConstantDelaySchedule: the delay added to the time rounded down to the second
    return { next: (after) => Math.floor(after / 1000) * 1000 + every };
  }
  if (s.startsWith('@')) {
    if (!(s in DESCRIPTORS)) throw new Error(`unrecognized descriptor: ${s}`);
    s = DESCRIPTORS[s]!;
  }
  const parts = s.split(/\s+/).filter(Boolean);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: [${parts.join(' ')}]`);
  const [minute, hour, dom, month, dow] = parts.map((p, i) => field(p, BOUNDS[i]!)) as [bigint, bigint, bigint, bigint, bigint];
  const has = (bits: bigint, n: number) => (bits & (1n << BigInt(n))) !== 0n;
  const dayMatches = (w: ReturnType<typeof wall>) => {
    const a = has(dom, w.d);
    const b = has(dow, w.dow);
    return (dom & STAR) !== 0n || (dow & STAR) !== 0n ? a && b : a || b;
  };
  return {
    next(after: number): number | undefined {
      // robfig's SpecSchedule.Next, stepping months and days on the wall clock and hours and minutes in absolute time
      let t = Math.floor(after / 1000) * 1000 + 1000;
      let added = false;
      const yearLimit = wall(t, tz).y + 5;
      wrap: for (;;) {
        let w = wall(t, tz);
        if (w.y > yearLimit) return undefined;
        while (!has(month, w.mo)) {
          if (!added) [added, t] = [true, zonedDate(tz, w.y, w.mo, 1)];
          w = wall(t, tz);
          t = zonedDate(tz, w.y, w.mo + 1, w.d, w.h, w.mi, w.s);
          w = wall(t, tz);
          if (w.mo === 1) continue wrap;
        }
        while (!dayMatches(w)) {
          if (!added) [added, t] = [true, zonedDate(tz, w.y, w.mo, w.d)];
          w = wall(t, tz);
          t = zonedDate(tz, w.y, w.mo, w.d + 1, w.h, w.mi, w.s);
          w = wall(t, tz);
          if (w.h !== 0) t += (w.h > 12 ? 24 - w.h : -w.h) * 3_600_000;
          w = wall(t, tz);
          if (w.d === 1) continue wrap;
        }
        while (!has(hour, w.h)) {
          if (!added) [added, t] = [true, zonedDate(tz, w.y, w.mo, w.d, w.h)];
          t += 3_600_000;
          w = wall(t, tz);
          if (w.h === 0) continue wrap;
        }
        while (!has(minute, w.mi)) {
          if (!added) [added, t] = [true, Math.floor(t / 60_000) * 60_000];
          t += 60_000;
          w = wall(t, tz);
          if (w.mi === 0) continue wrap;
        }
        if (w.s !== 0) {
          if (!added) [added, t] = [true, Math.floor(t / 1000) * 1000];
          t += (60 - w.s) * 1000;
          continue wrap;
        }
        return t;
      }
    },
  };
}

/**
 * upstream's mostRecentScheduleTime: the latest activation in (earliest, now] and how many there were,
 * counting at most `cap` (the controller warns past 100).
 */
export function mostRecentScheduleTime(sched: CronSchedule, earliestMs: number, nowMs: number, cap = 1000): { time?: number; missed: number } {
  let t = sched.next(earliestMs);
  if (t === undefined || t > nowMs) return { missed: 0 };
  let last = t;
  let missed = 1;
  while (missed < cap && (t = sched.next(last)) !== undefined && t <= nowMs) [last, missed] = [t, missed + 1];
  return { time: last, missed };
}

/** Go's t.In(loc).Format(time.RFC3339): the wall time with its offset, `Z` for UTC. */
export function formatRFC3339In(ms: number, tz: string): string {
  const w = wall(ms, tz);
  const off = Math.round((Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000) / 60_000);
  const p = (n: number, l = 2) => String(n).padStart(l, '0');
  const zone = off === 0 && (tz === 'UTC' || tz === 'Etc/UTC') ? 'Z' : `${off < 0 ? '-' : '+'}${p(Math.floor(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`;
  return `${p(w.y, 4)}-${p(w.mo)}-${p(w.d)}T${p(w.h)}:${p(w.mi)}:${p(w.s)}${zone}`;
}
