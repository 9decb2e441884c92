// fieldValidation (Strict/Warn/Ignore): duplicate and unknown fields named as upstream's strict
// decoders do (sigs.k8s.io/json for JSON, yaml.v2 for YAML), in document order.
import type * as YAML from 'yaml';
import type { Node } from 'yaml';
import type { TypeNode } from './managedfields/type-node.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export const FIELD_VALIDATION_VALUES = ['', 'Ignore', 'Strict', 'Warn'];

/** The directive of a request; an absent value means Warn. */
export function fieldValidationOf(v: string | undefined): FieldValidation {
  return v === 'Strict' || v === 'Ignore' ? v : 'Warn';
}

interface Scan {
  /** Every key path with the offset of its first occurrence. */
  firstSeen: Map<string, number>;
  /** Duplicate keys at the offset of the repeated occurrence. */
  duplicates: { path: string; pos: number }[];
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Walks JSON text recording key paths (`a.b`, `a[0].c`) and repeated keys; assumes the text parses.
 * Without `firstSeen` only the repeated keys are recorded (nothing asks where the other keys are).
 */
export function scanJSON(text: string, firstSeen = true): Scan {
  const scan: Scan = { firstSeen: new Map(), duplicates: [] };
  const n = text.length;
  let i = 0;
  const skipWs = () => {
    while (i < n && isWs(text.charCodeAt(i))) i++;
  };
  // moves past a string; its value only when asked (keys), unescaped only when it has escapes
  // the closing quote is found with indexOf (long values are most of a body): a quote after an odd run of
  // backslashes is escaped
  const readString = (want: boolean): string => {
    const start = i;
    let q = text.indexOf('"', i + 1);
    while (q > 0) {
      let k = q - 1;
      while (text.charCodeAt(k) === 0x5c) k--;
      if ((q - 1 - k) % 2 === 0) break;
      q = text.indexOf('"', q + 1);
    }
    if (q < 0) q = n;
    i = q + 1;
    if (!want) return '';
    const raw = text.slice(start + 1, q);
    return raw.includes('\\') ? (JSON.parse(text.slice(start, i)) as string) : raw;
  };
  const value = (path: string): void => {
    skipWs();
    const c = text.charCodeAt(i);
    if (c === 0x7b) {
      i++;
      const seen = new Set<string>();
      skipWs();
      if (text.charCodeAt(i) === 0x7d) {
        i++;
        return;
      }
      for (;;) {
        skipWs();
        const pos = i;
        const key = readString(true);
        const p = path ? `${path}.${key}` : key;
        if (seen.has(key)) {
          if (!scan.duplicates.some((d) => d.path === p)) scan.duplicates.push({ path: p, pos });
        } else {
          seen.add(key);
          if (firstSeen && !scan.firstSeen.has(p)) scan.firstSeen.set(p, pos);
        }
        skipWs();
        i++; // ':'
        value(p);
        skipWs();
        if (text.charCodeAt(i) === 0x2c) {
          i++;
          continue;
        }
        i++; // '}'
        return;
      }
    }
    if (c === 0x5b) {
      i++;
      skipWs();
      if (text.charCodeAt(i) === 0x5d) {
        i++;
        return;
      }
      for (let k = 0; ; k++) {
        value(`${path}[${k}]`);
        skipWs();
        if (text.charCodeAt(i) === 0x2c) {
          i++;
          continue;
        }
        i++; // ']'
        return;
      }
    }
    if (c === 0x22) {
      readString(false);
      return;
    }
    for (let d = text.charCodeAt(i); i < n && !isWs(d) && d !== 0x2c && d !== 0x7d && d !== 0x5d; d = text.charCodeAt(i)) i++;
  };
  value('');
  return scan;
}

/**
 * Strict decoding errors of a JSON body, in document order: `duplicate field "x"` and the
 * unknown fields given (paths from the schema's unknownFields) as `unknown field "y"`.
 */
export function jsonStrictErrors(text: string, unknown: string[], prefix = ''): string[] {
  const scan = scanJSON(text, unknown.length > 0);
  const items: { pos: number; msg: string }[] = scan.duplicates.map((d) => ({ pos: d.pos, msg: `${prefix}duplicate field "${d.path}"` }));
  for (const u of unknown) items.push({ pos: scan.firstSeen.get(u) ?? Number.MAX_SAFE_INTEGER, msg: `${prefix}unknown field "${u}"` });
  return items.sort((a, b) => a.pos - b.pos).map((x) => x.msg);
}

/** yaml.v2's strict errors for repeated keys: `line 3: key "x" already set in map` (the yaml module is loaded on demand). */
export function yamlDuplicateErrors(y: typeof YAML, text: string): string[] {
  const { LineCounter, isMap, isScalar, isSeq, parseDocument } = y;
  const lc = new LineCounter();
  let doc;
  try {
    doc = parseDocument(text, { uniqueKeys: false, lineCounter: lc });
  } catch {
    return [];
  }
  const out: string[] = [];
  const walk = (n: Node | null | undefined): void => {
    if (!n) return;
    if (isMap(n)) {
      const seen = new Set<string>();
      for (const pair of n.items) {
        const k = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (seen.has(k)) {
          const at = isScalar(pair.key) && pair.key.range ? lc.linePos(pair.key.range[0]).line : 0;
          out.push(`line ${at}: key ${JSON.stringify(k)} already set in map`);
        }
        seen.add(k);
        walk(pair.value as Node);
      }
    } else if (isSeq(n)) for (const it of n.items) walk(it as Node);
  };
  walk(doc.contents as Node);
  return out;
}

/** The error yaml.v2 (through sigs.k8s.io/yaml) reports for those duplicates. */
export function yamlStrictError(dups: string[]): string {
  return `error converting YAML to JSON: yaml: unmarshal errors:\n${dups.map((d) => `  ${d}`).join('\n')}`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Removes the fields the schema does not declare, as decoding into a typed object does;
 * fields already present in `keep` (the stored object a patch applies to) stay.
 */
export function pruneUnknownFields(v: unknown, node: TypeNode, keep?: unknown): void {
  if (Array.isArray(v)) {
    v.forEach((it, i) => pruneUnknownFields(it, node.item(), Array.isArray(keep) ? keep[i] : undefined));
    return;
  }
  if (!isRecord(v)) return;
  const kept = isRecord(keep) ? keep : undefined;
  for (const k of Object.keys(v)) {
    const c = node.child(k);
    if (!c) {
      if (!kept || !(k in kept)) delete v[k];
    } else pruneUnknownFields(v[k], c.node, kept?.[k]);
  }
}
