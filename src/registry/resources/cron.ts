// Cron schedule syntax check with the error texts of robfig/cron's standard parser (what CronJob validation reports).

const MONTHS: Record<string, number> = { jan: 1, feb: 2, mar: 3, apr: 4, may: 5, jun: 6, jul: 7, aug: 8, sep: 9, oct: 10, nov: 11, dec: 12 };
const DOW: Record<string, number> = { sun: 0, mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6 };

interface Bounds {
  min: number;
  max: number;
  names?: Record<string, number>;
}

const FIELDS: Bounds[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS },
  { min: 0, max: 6, names: DOW },
];

const DESCRIPTORS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

function parseInt10(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  const n = Number(s);
  if (n < 0) throw new Error(`negative number (${n}) not allowed: ${s}`);
  return n;
}

function parseIntOrName(s: string, names?: Record<string, number>): number {
  if (names && s.toLowerCase() in names) return names[s.toLowerCase()];
  return parseInt10(s);
}

function checkRange(expr: string, b: Bounds): void {
  const [lowAndHigh, ...stepParts] = expr.split('/');
  if (stepParts.length > 1) throw new Error(`too many slashes: ${expr}`);
  const parts = lowAndHigh.split('-');
  if (parts.length > 2) throw new Error(`too many hyphens: ${expr}`);
  let start: number;
  let end: number;
  if (lowAndHigh === '*' || lowAndHigh === '?') {
    start = b.min;
    end = b.max;
  } else {
    start = parseIntOrName(parts[0], b.names);
    end = parts.length === 2 ? parseIntOrName(parts[1], b.names) : start;
  }
  if (stepParts.length === 1) {
    const step = parseInt10(stepParts[0]);
    if (step === 0) throw new Error(`step of range should be a positive number: ${expr}`);
    if (parts.length === 1 && lowAndHigh !== '*' && lowAndHigh !== '?') end = b.max;
  }
  if (start < b.min) throw new Error(`beginning of range (${start}) below minimum (${b.min}): ${expr}`);
  if (end > b.max) throw new Error(`end of range (${end}) above maximum (${b.max}): ${expr}`);
  if (start > end) throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${expr}`);
}

const durationRe = /^([0-9]*(\.[0-9]*)?(ns|us|\u00b5s|ms|s|m|h))+$/;

/** Returns robfig/cron's error message for an invalid standard schedule, or undefined when it parses. */
export function cronScheduleError(spec: string): string | undefined {
  try {
    let s = spec;
    if (s.length === 0) return 'empty spec string';
    if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) {
      const i = s.indexOf(' ');
      s = i < 0 ? '' : s.slice(i).trim();
    }
    if (s.startsWith('@')) {
      if (DESCRIPTORS.includes(s)) return undefined;
      if (s.startsWith('@every ')) {
        const d = s.slice('@every '.length);
        if (!durationRe.test(d)) return `failed to parse duration ${s}: time: invalid duration ${JSON.stringify(d)}`;
        return undefined;
      }
      return `unrecognized descriptor: ${s}`;
    }
    const fields = s.split(/\s+/).filter((f) => f !== '');
    if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`;
    fields.forEach((f, i) => {
      for (const expr of f.split(',')) checkRange(expr, FIELDS[i]);
    });
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
