// Small helpers shared by the printers; they mirror Go formatting of kube-apiserver and never throw on partial objects.

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function num(v: unknown, dflt = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : dflt;
}

export function arr(v: unknown): any[] {
  return Array.isArray(v) ? v : [];
}

export function obj(v: unknown): Record<string, any> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, any>) : {};
}

export function count(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  return Object.keys(obj(v)).length;
}

// Go's zero time.Time serialises as this instant; metav1.Time.IsZero treats it as unset.
const GO_ZERO_TIME_MS = Date.parse('0001-01-01T00:00:00Z');

/** Parses an RFC3339 (or MicroTime) timestamp; null when missing, unparsable or Go's zero time. */
export function parseTime(ts: unknown): number | null {
  if (typeof ts !== 'string' || ts === '') return null;
  const t = Date.parse(ts);
  if (Number.isNaN(t) || t === GO_ZERO_TIME_MS) return null;
  return t;
}

/** Go's k8s.io/apimachinery duration.HumanDuration, for a duration in milliseconds. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    const days = Math.trunc(hours / 24);
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24);
    const years = Math.trunc(days / 365);
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** Elapsed time since ts as upstream's AGE cells show it; `<unknown>` when ts is unset. */
export function translateTimestampSince(ts: unknown, now: number): string {
  const t = parseTime(ts);
  return t === null ? '<unknown>' : humanDuration(now - t);
}

/** Go time.RFC3339 of a UTC timestamp (second precision); unset prints Go's zero time. */
export function formatRFC3339(ts: unknown): string {
  const t = parseTime(ts);
  if (t === null) return '0001-01-01T00:00:00Z';
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** labels.FormatLabels: sorted "k=v" pairs joined by commas, `<none>` when empty. */
export function formatLabels(m: unknown): string {
  const pairs = Object.entries(obj(m)).map(([k, v]) => `${k}=${str(v)}`);
  pairs.sort(goLess);
  return pairs.length ? pairs.join(',') : '<none>';
}

// Go compares strings bytewise; for UTF-16 code units this matches except outside the BMP, which label syntax excludes.
export function goLess(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** metav1.LabelSelectorAsSelector(...).String(); null stands for a conversion error. */
export function labelSelectorString(sel: unknown): string | null {
  if (sel === null || sel === undefined || typeof sel !== 'object') return '';
  const s = sel as Record<string, any>;
  const reqs: { key: string; text: string }[] = [];
  for (const [k, v] of Object.entries(obj(s.matchLabels))) reqs.push({ key: k, text: `${k}=${str(v)}` });
  for (const e of arr(s.matchExpressions)) {
    const key = str(e?.key);
    const values = arr(e?.values).map(str);
    const sorted = [...values].sort(goLess).join(',');
    switch (e?.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) return null;
        reqs.push({ key, text: `${key} ${e.operator === 'In' ? 'in' : 'notin'} (${sorted})` });
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length !== 0) return null;
        reqs.push({ key, text: e.operator === 'Exists' ? key : `!${key}` });
        break;
      default:
        return null;
    }
  }
  if (reqs.length === 0) return '';
  reqs.sort((a, b) => goLess(a.key, b.key));
  return reqs.map((r) => r.text).join(',');
}

/** metav1.FormatLabelSelector: `<error>` on invalid selectors, `<none>` when it selects nothing or everything. */
export function formatLabelSelector(sel: unknown): string {
  const s = labelSelectorString(sel);
  if (s === null) return '<error>';
  return s === '' ? '<none>' : s;
}

/** Go's generated LabelSelector.String() (struct dump), used by admission policy binding ParamRef cells. */
export function labelSelectorGoString(sel: Record<string, any>): string {
  const labels = Object.keys(obj(sel.matchLabels)).sort(goLess).map((k) => `${k}: ${str(sel.matchLabels[k])},`).join('');
  const exprs = arr(sel.matchExpressions)
    .map((e) => `LabelSelectorRequirement{Key:${str(e?.key)},Operator:${str(e?.operator)},Values:[${arr(e?.values).map(str).join(' ')}],},`)
    .join('');
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

/** Comma-joined container names and images, as the wide CONTAINERS/IMAGES columns show them. */
export function layoutContainers(containers: unknown): [string, string] {
  const list = arr(containers);
  return [list.map((c) => str(c?.name)).join(','), list.map((c) => str(c?.image)).join(',')];
}

/** resource.Quantity String(); objects carry the canonical form already, a missing value prints as `zero`. */
export function quantity(q: unknown, zero = '0'): string {
  if (typeof q === 'string' && q !== '') return q;
  if (typeof q === 'number') return String(q);
  return zero;
}

/** intstr.IntOrString String(). */
export function intOrString(v: unknown): string {
  if (typeof v === 'number') return String(Math.trunc(v));
  return str(v);
}

/** net.JoinHostPort: brackets hosts that contain a colon (IPv6). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** "a,b,c + N more..." list shape shared by several printers; `<unset>` when empty. */
export function listWithMore(list: string[], more: boolean, total: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${total - max} more...`;
  return ret === '' ? '<unset>' : ret;
}

export function hasCondition(conditions: unknown, type: string): boolean {
  const c = arr(conditions).find((x) => x?.type === type);
  return c !== undefined && c.status === 'True';
}
