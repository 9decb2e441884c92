// cel.ValidFieldPath: a JSON path like `.spec.name` or `.spec['a.b']` resolved against a structural schema.
import { child, key } from './field-path.js';
import type { Structural } from './types.js';

function tokens(path: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < path.length) {
    if (path[i] === "'") {
      let j = i + 1;
      while (j < path.length && !(path[j] === "'" && path[j - 1] !== '\\')) j++;
      out.push(path.slice(i, j + 1));
      i = j + 1;
    } else if ('.[]'.includes(path[i])) out.push(path[i++]);
    else {
      let j = i;
      while (j < path.length && !'.[]'.includes(path[j]) && path[j] !== "'") j++;
      out.push(path.slice(i, j));
      i = j;
    }
  }
  return out;
}

export type FieldPathResult = { path: string; schema: Structural | undefined; root: string } | { error: string };

/** The field path and schema a JSON path refers to, or upstream's error text. */
export function validFieldPath(jsonPath: string, schema: Structural | undefined, allowArrayNotation = true): FieldPathResult {
  let path = '';
  let root = '';
  let s = schema;
  const toks = tokens(jsonPath);
  const append = (name: string): string | undefined => {
    if (!s) return 'does not refer to a valid field';
    if (s.properties) {
      path = child(path, name);
      const v = s.properties[name];
      if (!v) return 'does not refer to a valid field';
      s = v;
    } else if (s.additionalProperties) {
      path = path ? key(path, name) : `[${name}]`;
      s = s.additionalProperties.schema;
    } else return 'does not refer to a valid field';
    if (!root) root = name;
    return undefined;
  };
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i];
    if (t === '[') {
      if (!allowArrayNotation) return { error: 'array notation is not allowed' };
      const lit = toks[++i];
      if (lit === undefined) return { error: 'unexpected end of JSON path' };
      if (lit.length < 2 || lit[0] !== "'" || lit[lit.length - 1] !== "'") return { error: `expected single quoted string but got ${lit}` };
      const e = append(lit.slice(1, -1).replace(/\\'/g, "'").replace(/\\\\/g, '\\'));
      if (e) return { error: e };
      const close = toks[++i];
      if (close === undefined) return { error: 'unexpected end of JSON path' };
      if (close !== ']') return { error: `expected ] but got ${close}` };
    } else if (t === '.') {
      const name = toks[++i];
      if (name === undefined) return { error: 'unexpected end of JSON path' };
      const e = append(name);
      if (e) return { error: e };
    } else return { error: `expected [ or . but got: ${t}` };
  }
  return { path, schema: s, root };
}
