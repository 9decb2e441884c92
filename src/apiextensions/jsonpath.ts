// The JSONPath that printer columns and scale paths use (k8s.io/client-go/util/jsonpath): fields,
// ['quoted'] fields, [n] and [*] indexes, and [?(@.a=="x")] filters.

import { goJSONUnstructured } from '../apimachinery/go-json-encode.js';

type Step =
  | { kind: 'field'; name: string }
  | { kind: 'index'; index: number }
  | { kind: 'all' }
  | { kind: 'filter'; path: string[]; op: '==' | '!=' | 'exists'; value?: unknown };

export class JSONPathError extends Error {}

function parseFilter(expr: string): Step {
  const m = /^@((?:\.[A-Za-z0-9_\-/]+)+)\s*(?:(==|!=)\s*(.+))?$/.exec(expr.trim());
  if (!m) throw new JSONPathError(`unrecognized filter: ${expr}`);
  const path = m[1]!.slice(1).split('.');
  if (!m[2]) return { kind: 'filter', path, op: 'exists' };
  const raw = m[3]!.trim();
  let value: unknown;
  if (/^["'].*["']$/.test(raw)) value = raw.slice(1, -1);
  else if (/^-?\d+(\.\d+)?$/.test(raw)) value = Number(raw);
  else if (raw === 'true' || raw === 'false') value = raw === 'true';
  else throw new JSONPathError(`unrecognized filter value: ${raw}`);
  return { kind: 'filter', path, op: m[2] as '==' | '!=', value };
}

/** Parses `.a.b[0]['c.d'][?(@.type=="Ready")].status` (with or without `{}` around it). */
export function parseJSONPath(path: string): Step[] {
  let p = path.trim();
  if (p.startsWith('{') && p.endsWith('}')) p = p.slice(1, -1).trim();
  if (!p.startsWith('.') && !p.startsWith('[')) throw new JSONPathError(`must start with '.' or '['`);
  const steps: Step[] = [];
  let i = 0;
  while (i < p.length) {
    if (p[i] === '.') {
      const m = /^\.([A-Za-z0-9_\-/$]+)/.exec(p.slice(i));
      if (!m) throw new JSONPathError(`invalid field at ${p.slice(i)}`);
      steps.push({ kind: 'field', name: m[1]! });
      i += m[0].length;
    } else if (p[i] === '[') {
      const end = p.indexOf(']', i);
      if (end < 0) throw new JSONPathError('unterminated [');
      let inner = p.slice(i + 1, end).trim();
      if (inner.startsWith('?(')) {
        const close = p.indexOf(')]', i);
        if (close < 0) throw new JSONPathError('unterminated filter');
        steps.push(parseFilter(p.slice(i + 3, close)));
        i = close + 2;
        continue;
      }
      if (inner === '*') steps.push({ kind: 'all' });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else if (/^'.*'$|^".*"$/.test(inner)) steps.push({ kind: 'field', name: (inner = inner.slice(1, -1)) });
      else throw new JSONPathError(`invalid subscript [${inner}]`);
      i = end + 1;
    } else {
      throw new JSONPathError(`unexpected character ${p[i]} at ${i}`);
    }
  }
  return steps;
}

function get(v: unknown, path: string[]): unknown {
  let cur = v;
  for (const k of path) {
    if (!cur || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

/** Every value the path selects in obj, in document order. */
export function evaluateJSONPath(steps: Step[], obj: unknown): unknown[] {
  let cur: unknown[] = [obj];
  for (const s of steps) {
    const next: unknown[] = [];
    for (const v of cur) {
      if (v === null || v === undefined) continue;
      if (s.kind === 'field') {
        if (typeof v === 'object' && !Array.isArray(v) && s.name in (v as object)) next.push((v as Record<string, unknown>)[s.name]);
      } else if (s.kind === 'index') {
        if (Array.isArray(v)) {
          const i = s.index < 0 ? v.length + s.index : s.index;
          if (i >= 0 && i < v.length) next.push(v[i]);
        }
      } else if (s.kind === 'all') {
        if (Array.isArray(v)) next.push(...v);
        else if (typeof v === 'object') next.push(...Object.values(v as object));
      } else {
        const items = Array.isArray(v) ? v : [v];
        for (const it of items) {
          const got = get(it, s.path);
          if (s.op === 'exists' ? got !== undefined : s.op === '==' ? got === s.value : got !== undefined && got !== s.value) next.push(it);
        }
      }
    }
    cur = next;
  }
  return cur;
}

/** How jsonpath's printer writes a result: strings as they are, maps and lists as compact JSON. */
export function printResult(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return goJSONUnstructured(v);
}
