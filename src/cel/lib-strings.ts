// cel-go ext.Strings (versions 0-2): charAt, indexOf, lastIndexOf, lowerAscii, upperAscii, replace, split,
// substring, trim, format, strings.quote, join.
import { fn, memberOverload, overload, type FunctionDecl, type Impl } from './decls.js';
import { formatString } from './string-format.js';
import { noSuchOverload } from './runtime.js';
import { INT, STRING, listOf, DYN } from './types.js';
import { ArrayList, CelError, isList, type Val } from './values.js';

const runes = (s: string) => Array.from(s);
const outOfRange = (i: bigint | number) => new CelError(`index out of range: ${i}`);

const charAt: Impl = ([s, i]) => {
  const r = runes(s as string);
  const n = i as bigint;
  if (n < 0n || n > BigInt(r.length)) return outOfRange(n);
  return n === BigInt(r.length) ? '' : r[Number(n)];
};

function indexOf(s: string, sub: string, offset: bigint): Val {
  if (sub === '') return offset;
  const r = runes(s);
  const sr = runes(sub);
  if (offset < 0n) return outOfRange(offset);
  if (offset >= BigInt(r.length)) return -1n;
  for (let i = Number(offset); i < r.length - (sr.length - 1); i++) {
    if (sr.every((c, j) => r[i + j] === c)) return BigInt(i);
  }
  return -1n;
}

function lastIndexOf(s: string, sub: string, offset: bigint): Val {
  if (sub === '') return offset;
  const r = runes(s);
  const sr = runes(sub);
  if (offset < 0n) return outOfRange(offset);
  if (offset >= BigInt(r.length)) return -1n;
  let off = Number(offset);
  if (off > r.length - sr.length) off = r.length - sr.length;
  for (let i = off; i >= 0; i--) {
    if (sr.every((c, j) => r[i + j] === c)) return BigInt(i);
  }
  return -1n;
}

const mapAscii = (s: string, f: (c: string) => string) => runes(s).map((c) => (c.codePointAt(0)! <= 127 ? f(c) : c)).join('');

/** Go's strings.Replace with a count (negative: all). */
function replace(s: string, old: string, rep: string, n: bigint): string {
  if (n === 0n || old === rep) return s;
  if (old === '') {
    const r = runes(s);
    const out: string[] = [];
    let count = 0n;
    for (let i = 0; i <= r.length; i++) {
      if (n < 0n || count < n) {
        out.push(rep);
        count++;
      }
      if (i < r.length) out.push(r[i]);
    }
    return out.join('');
  }
  let out = '';
  let rest = s;
  let count = 0n;
  for (;;) {
    const i = rest.indexOf(old);
    if (i < 0 || (n >= 0n && count >= n)) break;
    out += rest.slice(0, i) + rep;
    rest = rest.slice(i + old.length);
    count++;
  }
  return out + rest;
}

/** Go's strings.SplitN (negative: all). */
function split(s: string, sep: string, n: bigint): Val {
  if (n === 0n) return new ArrayList([]);
  let parts: string[];
  if (sep === '') {
    parts = runes(s);
    if (n > 0n && BigInt(parts.length) > n) parts = [...parts.slice(0, Number(n) - 1), parts.slice(Number(n) - 1).join('')];
  } else {
    parts = [];
    let rest = s;
    while (n < 0n || BigInt(parts.length) < n - 1n) {
      const i = rest.indexOf(sep);
      if (i < 0) break;
      parts.push(rest.slice(0, i));
      rest = rest.slice(i + sep.length);
    }
    parts.push(rest);
  }
  return new ArrayList(parts);
}

function substring(s: string, start: bigint, end?: bigint): Val {
  const r = runes(s);
  const l = BigInt(r.length);
  if (end === undefined) {
    if (start < 0n || start > l) return outOfRange(start);
    return r.slice(Number(start)).join('');
  }
  if (start > end) return new CelError(`invalid substring range. start: ${start}, end: ${end}`);
  if (start < 0n || start > l) return outOfRange(start);
  if (end < 0n || end > l) return outOfRange(end);
  return r.slice(Number(start), Number(end)).join('');
}

/** Go's strings.TrimSpace (Unicode white space). */
export function trimSpace(s: string): string {
  return s.replace(GO_SPACE, '');
}

const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+|[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/g;

/** strings.quote: CEL escapes, invalid code points replaced. */
export function quote(s: string): string {
  let out = '"';
  for (const c of s) {
    const code = c.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += '\ufffd';
      continue;
    }
    out += { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\', '"': '\\"' }[c] ?? c;
  }
  return `${out}"`;
}

const join: Impl = ([list, sep]) => {
  if (!isList(list)) return noSuchOverload();
  const parts: string[] = [];
  for (const e of list.values()) {
    if (typeof e !== 'string') return new CelError(`join: invalid input: ${String(e)}`);
    parts.push(e);
  }
  return parts.join(sep === undefined ? '' : (sep as string));
};

const str = (f: (...a: never[]) => Val): Impl => (args) => f(...(args as never[]));

export function stringsLibrary(version: number): FunctionDecl[] {
  const S = STRING;
  const out: FunctionDecl[] = [
    fn('charAt', [memberOverload('string_char_at_int', [S, INT], S, charAt)]),
    fn('indexOf', [
      memberOverload('string_index_of_string', [S, S], INT, ([s, x]) => indexOf(s as string, x as string, 0n)),
      memberOverload('string_index_of_string_int', [S, S, INT], INT, str(indexOf)),
    ]),
    fn('lastIndexOf', [
      memberOverload('string_last_index_of_string', [S, S], INT, ([s, x]) =>
        x === '' ? BigInt(runes(s as string).length) : lastIndexOf(s as string, x as string, BigInt(runes(s as string).length - 1))),
      memberOverload('string_last_index_of_string_int', [S, S, INT], INT, str(lastIndexOf)),
    ]),
    fn('lowerAscii', [memberOverload('string_lower_ascii', [S], S, ([s]) => mapAscii(s as string, (c) => c.toLowerCase()))]),
    fn('replace', [
      memberOverload('string_replace_string_string', [S, S, S], S, ([s, o, r]) => replace(s as string, o as string, r as string, -1n)),
      memberOverload('string_replace_string_string_int', [S, S, S, INT], S, str(replace)),
    ]),
    fn('split', [
      memberOverload('string_split_string', [S, S], listOf(S), ([s, sep]) => split(s as string, sep as string, -1n)),
      memberOverload('string_split_string_int', [S, S, INT], listOf(S), str(split)),
    ]),
    fn('substring', [
      memberOverload('string_substring_int', [S, INT], S, ([s, a]) => substring(s as string, a as bigint)),
      memberOverload('string_substring_int_int', [S, INT, INT], S, str(substring)),
    ]),
    fn('trim', [memberOverload('string_trim', [S], S, ([s]) => trimSpace(s as string))]),
    fn('upperAscii', [memberOverload('string_upper_ascii', [S], S, ([s]) => mapAscii(s as string, (c) => c.toUpperCase()))]),
  ];
  if (version >= 1) {
    out.push(
      fn('format', [memberOverload('string_format', [S, listOf(DYN)], S, ([f, args]) => formatString(f as string, args as never))]),
      fn('strings.quote', [overload('strings_quote', [S], S, ([s]) => quote(s as string))]),
    );
  }
  if (version >= 2) {
    out.push(fn('join', [memberOverload('list_join', [listOf(S)], S, join), memberOverload('list_join_string', [listOf(S), S], S, join)]));
  }
  return out;
}
