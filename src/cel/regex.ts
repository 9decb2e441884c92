// RE2 regular expressions: @bufbuild/re2 validates patterns (Go's error texts) and answers `matches`;
// find/findAll need match positions, which that engine does not expose, so the RE2 pattern is
// translated to an equivalent JS RegExp (RE2's leftmost-first semantics are those of JS).
import { createRequire } from 'node:module';
import type { RE2JS as RE2JSClass } from '@bufbuild/re2';

// the engine (some twenty modules) is loaded on the first pattern compiled, not at start-up: through its
// CommonJS build, so that compiling stays synchronous
const require = createRequire(import.meta.url);
let re2js: typeof RE2JSClass | undefined;
const engine = () => (re2js ??= (require('@bufbuild/re2') as { RE2JS: typeof RE2JSClass }).RE2JS);
import { CelError } from './values.js';

export interface CompiledRegex {
  test(s: string): boolean;
  find(s: string): string;
  /** Go's FindAllString: successive non-overlapping matches, empty matches right after a match skipped. */
  findAll(s: string, n: number): string[];
}

const cache = new Map<string, CompiledRegex | CelError>();

const POSIX: Record<string, string> = {
  alnum: '0-9A-Za-z', alpha: 'A-Za-z', ascii: '\\x00-\\x7F', blank: '\\t ', cntrl: '\\x00-\\x1F\\x7F',
  digit: '0-9', graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: '\\t\\n\\v\\f\\r ',
  upper: 'A-Z', word: '0-9A-Za-z_', xdigit: '0-9A-Fa-f',
};

const GENERAL_CATEGORIES = new Set([
  'L', 'Lu', 'Ll', 'Lt', 'Lm', 'Lo', 'M', 'Mn', 'Mc', 'Me', 'N', 'Nd', 'Nl', 'No', 'P', 'Pc', 'Pd', 'Ps', 'Pe', 'Pi', 'Pf',
  'Po', 'S', 'Sm', 'Sc', 'Sk', 'So', 'Z', 'Zs', 'Zl', 'Zp', 'C', 'Cc', 'Cf', 'Cs', 'Co', 'Cn',
]);

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
  U: boolean;
}

const cp = (c: string) => `\\u{${c.codePointAt(0)!.toString(16)}}`;

function caseVariants(c: string): string {
  const lo = c.toLowerCase();
  const up = c.toUpperCase();
  return lo !== up && [...lo].length === 1 && [...up].length === 1 ? `${cp(lo)}${cp(up)}` : cp(c);
}

function unicodeClass(name: string, negated: boolean): string {
  if (name === 'Any') return negated ? '[^\\s\\S]' : '[\\s\\S]';
  const prop = GENERAL_CATEGORIES.has(name) ? name : `Script=${name}`;
  return `\\${negated ? 'P' : 'p'}{${prop}}`;
}

/** Translates RE2 syntax (already validated by RE2JS) to a JS pattern for the 'u' flag. */
export function translateRe2(pattern: string): string {
  const chars = Array.from(pattern);
  let i = 0;
  let out = '';
  const stack: Flags[] = [];
  let flags: Flags = { i: false, m: false, s: false, U: false };
  const literal = (c: string) => (flags.i ? `[${caseVariants(c)}]` : cp(c));

  const escape = (inClass: boolean): string => {
    const e = chars[i++];
    if (/[dDwWbB]/.test(e)) return inClass && /[bB]/.test(e) ? cp('\b') : `\\${e}`;
    if (e === 's') return inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
    if (e === 'S') return '[^\\t\\n\\f\\r ]';
    if (e === 'A') return '(?<![\\s\\S])';
    if (e === 'z') return '(?![\\s\\S])';
    if (e === 'C') return '[\\s\\S]';
    if (e === 'a') return '\\x07';
    if ('fnrtv'.includes(e)) return `\\${e}`;
    if (e === 'p' || e === 'P') {
      let name = chars[i++];
      if (name === '{') {
        const end = chars.indexOf('}', i);
        name = chars.slice(i, end).join('');
        i = end + 1;
      }
      const neg = name.startsWith('^');
      return unicodeClass(neg ? name.slice(1) : name, (e === 'P') !== neg);
    }
    if (e === 'x') {
      if (chars[i] === '{') {
        const end = chars.indexOf('}', i);
        const hex = chars.slice(i + 1, end).join('');
        i = end + 1;
        return `\\u{${hex}}`;
      }
      const hex = chars.slice(i, i + 2).join('');
      i += 2;
      return `\\u{${hex}}`;
    }
    if (/[0-7]/.test(e)) {
      let oct = e;
      while (oct.length < 3 && /[0-7]/.test(chars[i] ?? '')) oct += chars[i++];
      return `\\u{${parseInt(oct, 8).toString(16)}}`;
    }
    return inClass ? cp(e) : literal(e);
  };

  const klass = (): string => {
    let body = '';
    let neg = false;
    if (chars[i] === '^') {
      neg = true;
      i++;
    }
    let first = true;
    while (i < chars.length && (first || chars[i] !== ']')) {
      first = false;
      const c = chars[i];
      if (c === '[' && chars[i + 1] === ':') {
        const end = chars.indexOf(']', i);
        const name = chars.slice(i + 2, end - 1).join('');
        body += POSIX[name.replace(/^\^/, '')] ?? '';
        i = end + 1;
        continue;
      }
      i++;
      if (c === '\\') body += escape(true);
      else if (c === '-' && chars[i] !== ']' && body !== '') body += '-';
      else if (flags.i && /\p{L}/u.test(c) && chars[i] !== '-') body += caseVariants(c);
      else body += cp(c);
    }
    i++;
    if (flags.i) body += body.replace(/\\u\{([0-9a-f]+)\}-\\u\{([0-9a-f]+)\}/g, (m, a, b) => {
      const x = String.fromCodePoint(parseInt(a, 16));
      const y = String.fromCodePoint(parseInt(b, 16));
      const sw = (s: string) => (s === s.toLowerCase() ? s.toUpperCase() : s.toLowerCase());
      return /[a-zA-Z]/.test(x) && /[a-zA-Z]/.test(y) ? `${cp(sw(x))}-${cp(sw(y))}` : '';
    });
    return `[${neg ? '^' : ''}${body}]`;
  };

  const quantifier = (q: string): string => {
    let lazy = chars[i] === '?';
    if (lazy) i++;
    if (flags.U) lazy = !lazy;
    return q + (lazy ? '?' : '');
  };

  while (i < chars.length) {
    const c = chars[i++];
    switch (c) {
      case '\\':
        if (chars[i] === 'Q') {
          let j = i + 1;
          const text: string[] = [];
          while (j < chars.length && !(chars[j] === '\\' && chars[j + 1] === 'E')) text.push(chars[j++]);
          out += text.map(literal).join('');
          i = j < chars.length ? j + 2 : j;
        } else out += escape(false);
        break;
      case '[':
        out += klass();
        break;
      case '.':
        out += flags.s ? '[\\s\\S]' : '[^\\n]';
        break;
      case '^':
        out += flags.m ? '(?<![^\\n])' : '(?<![\\s\\S])';
        break;
      case '$':
        out += flags.m ? '(?![^\\n])' : '(?![\\s\\S])';
        break;
      case '(': {
        if (chars[i] !== '?') {
          stack.push(flags);
          out += '(';
          break;
        }
        const rest = chars.slice(i).join('');
        const named = /^\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
        if (named) {
          stack.push(flags);
          out += `(?<${named[1]}>`;
          i += named[0].length;
          break;
        }
        const fl = /^\?(-?[imsU]*(?:-[imsU]*)?)(:|\))/.exec(rest)!;
        i += fl[0].length;
        const next = { ...flags };
        let on = true;
        for (const f of fl[1]) {
          if (f === '-') on = false;
          else next[f as keyof Flags] = on;
        }
        if (fl[2] === ')') flags = next;
        else {
          stack.push(flags);
          flags = next;
          out += '(?:';
        }
        break;
      }
      case ')':
        flags = stack.pop() ?? flags;
        out += ')';
        break;
      case '*':
      case '+':
      case '?':
        out += quantifier(c);
        break;
      case '{': {
        const m = /^(\d+)(,(\d*))?\}/.exec(chars.slice(i).join(''));
        if (m) {
          i += Array.from(m[0]).length;
          out += quantifier(`{${m[0]}`);
        } else out += literal(c);
        break;
      }
      case '|':
        out += '|';
        break;
      default:
        out += literal(c);
    }
  }
  return out;
}

/** Compiles (and caches) an RE2 pattern; errors carry Go's regexp message. */
export function compileRegex(pattern: string): CompiledRegex | CelError {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let result: CompiledRegex | CelError;
  try {
    const re2 = engine().compile(pattern);
    let js: RegExp | undefined;
    const jsRe = () => (js ??= new RegExp(translateRe2(pattern), 'gu'));
    result = {
      test: (s) => re2.test(s),
      find: (s) => {
        const re = jsRe();
        re.lastIndex = 0;
        return re.exec(s)?.[0] ?? '';
      },
      findAll: (s, n) => findAll(jsRe(), s, n),
    };
  } catch (e) {
    result = new CelError((e as Error).message);
  }
  if (cache.size > 1000) cache.clear();
  cache.set(pattern, result);
  return result;
}

function findAll(re: RegExp, s: string, n: number): string[] {
  const out: string[] = [];
  if (n === 0) return out;
  let pos = 0;
  let prevEnd = -1;
  while (pos <= s.length) {
    re.lastIndex = pos;
    const m = re.exec(s);
    if (!m) break;
    const start = m.index;
    const end = start + m[0].length;
    let accept = true;
    if (end === pos) {
      if (start === prevEnd) accept = false;
      pos += pos < s.length && s.codePointAt(pos)! > 0xffff ? 2 : 1;
    } else pos = end;
    prevEnd = end;
    if (accept) {
      out.push(m[0]);
      if (n > 0 && out.length >= n) break;
    }
  }
  return out;
}
