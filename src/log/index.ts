// Logs on stderr as kube-apiserver writes them: klog's text lines or, with --log-format json, the JSON
// lines of component-base's JSON logger; -v sets how much is written (HTTP requests from 3 on).
export type LogFormat = 'text' | 'json';

let format: LogFormat = 'text';
let verbosity = 0;
let write: (line: string) => void = (line) => void process.stderr.write(line);

export function configureLog(o: { format?: LogFormat; verbosity?: number; write?: (line: string) => void }): void {
  if (o.format) format = o.format;
  if (o.verbosity !== undefined) verbosity = o.verbosity;
  if (o.write) write = o.write;
}

/** Whether messages at this verbosity are written (check before building costly ones). */
export function logEnabled(level: number): boolean {
  return verbosity >= level;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** klog's quoting of a value: strings quoted as Go's %q, numbers and booleans bare. */
function klogValue(v: unknown): string {
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return JSON.stringify(typeof v === 'string' ? v : v instanceof Error ? v.message : JSON.stringify(v));
}

function emit(severity: 'I' | 'W' | 'E', level: number | undefined, caller: string, msg: string, kv: Record<string, unknown>): void {
  const now = new Date();
  if (format === 'json') {
    const o: Record<string, unknown> = { ts: Number((now.getTime() / 1000).toFixed(6)), caller, msg };
    if (level !== undefined) o.v = level;
    for (const [k, v] of Object.entries(kv)) o[k] = v instanceof Error ? v.message : v;
    write(JSON.stringify(o) + '\n');
    return;
  }
  const micros = pad(now.getUTCMilliseconds(), 3) + '000';
  const head = `${severity}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())} ${pad(now.getUTCHours())}:${pad(now.getUTCMinutes())}:${pad(now.getUTCSeconds())}.${micros} ${String(process.pid).padStart(7)} ${caller}]`;
  const pairs = Object.entries(kv).map(([k, v]) => ` ${k}=${klogValue(v)}`).join('');
  write(`${head} ${JSON.stringify(msg)}${pairs}\n`);
}

/** An informational message, written when -v is at least `level`. */
export function logInfo(level: number, caller: string, msg: string, kv: Record<string, unknown> = {}): void {
  if (verbosity >= level) emit('I', level, caller, msg, kv);
}

/** An error, always written; `err` in the key/value pairs as klog's ErrorS puts it. */
export function logError(caller: string, msg: string, err?: unknown, kv: Record<string, unknown> = {}): void {
  emit('E', undefined, caller, msg, err === undefined ? kv : { err: err instanceof Error ? err.message : String(err), ...kv });
}

/** Go's time.Duration.String() for a latency in milliseconds (µs resolution). */
export function goDuration(ms: number): string {
  if (ms < 0.001) return `${Math.round(ms * 1e6)}ns`;
  if (ms < 1) return `${Number((ms * 1000).toFixed(3))}µs`;
  if (ms < 1000) return `${Number(ms.toFixed(6))}ms`;
  return `${Number((ms / 1000).toFixed(9))}s`;
}
