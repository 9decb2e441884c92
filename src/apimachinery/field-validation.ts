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

const WS = new Set([' ', '\t', '\n', '\r']);

/** Walks JSON text recording key paths (`a.b`, `a[0].c`) and repeated keys; assumes the text parses. */
export function scanJSON(text: string): Scan {
  const scan: Scan = { firstSeen: new Map(), duplicates: [] };
  let i = 0;
  const skipWs = () => {
    while (i < text.length && WS.has(text[i])) i++;
  };
  const readString = (): string => {
    const start = i;
    i++;
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    skipWs();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      skipWs();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        skipWs();
        const pos = i;
        const key = readString();
        const p = path ? `${path}.${key}` : key;
        if (seen.has(key)) {
          if (!scan.duplicates.some((d) => d.path === p)) scan.duplicates.push({ path: p, pos });
        } else {
          seen.add(key);
          if (!scan.firstSeen.has(p)) scan.firstSeen.set(p, pos);
        }
        skipWs();
        i++; // ':'
        value(p);
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        i++; // '}'
        return;
      }
    }
    if (c === '[') {
      i++;
      skipWs();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        skipWs();
        if (text[i] === ',') {
          i++;
          continue;
        }
        i++; // ']'
        return;
      }
    }
    if (c === '"') {
      readString();
      return;
    }
    while (i < text.length && !WS.has(text[i]) && text[i] !== ',' && text[i] !== '}' && text[i] !== ']') i++;
  };
  value('');
  return scan;
}

/**
 * Strict decoding errors of a JSON body, in document order: `duplicate field "x"` and the
 * unknown fields given (paths from the schema's unknownFields) as `unknown field "y"`.
 */
export function jsonStrictErrors(text: string, unknown: string[], prefix = ''): string[] {
  const scan = scanJSON(text);
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
