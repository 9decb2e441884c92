// Path elements of structured-merge-diff field paths: a field name, a list-map key, a set value or an index.

export type Value = null | boolean | number | string | Value[] | { [k: string]: Value };

export type PathElement =
  | { field: string }
  | { key: [string, Value][] }
  | { value: Value }
  | { index: number };

export type Path = PathElement[];

export const fieldPE = (name: string): PathElement => ({ field: name });

/** A key element with its fields sorted by name, as upstream stores them. */
export function keyPE(fields: [string, Value][]): PathElement {
  return { key: [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) };
}

function typeRank(v: Value): number {
  if (typeof v === 'number') return 0;
  if (typeof v === 'string') return 1;
  if (typeof v === 'boolean') return 2;
  if (Array.isArray(v)) return 3;
  if (v !== null && typeof v === 'object') return 4;
  return 5;
}

function cmp<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total order over values (numbers, strings, bools, lists, maps, null), as value.Compare upstream. */
export function compareValues(a: Value, b: Value): number {
  const ra = typeRank(a);
  const rb = typeRank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' || typeof a === 'string') return cmp(a, b as typeof a);
  if (typeof a === 'boolean') return cmp(Number(a), Number(b));
  if (Array.isArray(a)) {
    const bl = b as Value[];
    for (let i = 0; i < Math.min(a.length, bl.length); i++) {
      const c = compareValues(a[i], bl[i]);
      if (c) return c;
    }
    return a.length - bl.length;
  }
  if (a !== null) {
    const bm = b as Record<string, Value>;
    const ak = Object.keys(a).sort();
    const bk = Object.keys(bm).sort();
    for (let i = 0; i < Math.min(ak.length, bk.length); i++) {
      const c = cmp(ak[i], bk[i]) || compareValues(a[ak[i]], bm[bk[i]]);
      if (c) return c;
    }
    return ak.length - bk.length;
  }
  return 0;
}

function kindRank(pe: PathElement): number {
  if ('field' in pe) return 0;
  if ('key' in pe) return 1;
  if ('value' in pe) return 2;
  return 3;
}

export function comparePE(a: PathElement, b: PathElement): number {
  const ra = kindRank(a);
  const rb = kindRank(b);
  if (ra !== rb) return ra - rb;
  if ('field' in a) return cmp(a.field, (b as { field: string }).field);
  if ('key' in a) {
    const bk = (b as { key: [string, Value][] }).key;
    for (let i = 0; ; i++) {
      if (i >= a.key.length && i >= bk.length) return 0;
      if (i >= a.key.length) return -1;
      if (i >= bk.length) return 1;
      const c = cmp(a.key[i][0], bk[i][0]) || compareValues(a.key[i][1], bk[i][1]);
      if (c) return c;
    }
  }
  if ('value' in a) return compareValues(a.value, (b as { value: Value }).value);
  return cmp(a.index, (b as { index: number }).index);
}

/** Go's encoding/json string escaping (HTML-safe), which upstream's serializer uses. */
export function goJSON(v: Value): string {
  if (v === null || typeof v !== 'object') {
    const s = JSON.stringify(v);
    return typeof v === 'string' ? s.replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0')) : s;
  }
  if (Array.isArray(v)) return `[${v.map(goJSON).join(',')}]`;
  return `{${Object.keys(v)
    .sort()
    .map((k) => `${goJSON(k)}:${goJSON(v[k])}`)
    .join(',')}}`;
}

/** The FieldsV1 key of a path element: `f:name`, `k:{"name":"x"}`, `v:"x"`, `i:0`. */
export function serializePE(pe: PathElement): string {
  if ('field' in pe) return `f:${pe.field}`;
  if ('key' in pe) return `k:{${pe.key.map(([k, v]) => `${goJSON(k)}:${goJSON(v)}`).join(',')}}`;
  if ('value' in pe) return `v:${goJSON(pe.value)}`;
  return `i:${pe.index}`;
}

export function parsePE(s: string): PathElement {
  if (s.length < 2 || s[1] !== ':') throw new Error(`missing colon: ${s}`);
  const body = s.slice(2);
  switch (s[0]) {
    case 'f':
      return { field: body };
    case 'v':
      return { value: JSON.parse(body) as Value };
    case 'k': {
      const o = JSON.parse(body) as Record<string, Value>;
      if (!o || typeof o !== 'object' || Array.isArray(o)) throw new Error(`invalid key: ${s}`);
      return keyPE(Object.entries(o));
    }
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new Error(`invalid index: ${s}`);
      return { index: Number(body) };
    }
  }
  throw new Error('unknown path element type');
}

function goString(v: Value): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return goJSON(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(goString).join(',')}]`;
  return Object.entries(v)
    .map(([k, x]) => `${k}=${goString(x)}`)
    .join('');
}

/** Human form used in conflict messages: `.spec`, `[name="x"]`, `[="v"]`, `[0]`. */
export function peString(pe: PathElement): string {
  if ('field' in pe) return `.${pe.field}`;
  if ('key' in pe) return `[${pe.key.map(([k, v]) => `${k}=${goString(v)}`).join(',')}]`;
  if ('value' in pe) return `[=${goString(pe.value)}]`;
  return `[${pe.index}]`;
}

export function pathString(p: Path): string {
  return p.map(peString).join('');
}
