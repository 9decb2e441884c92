// CEL tokens as the ANTLR grammar (CEL.g4) defines them; token recognition errors as ANTLR reports them.
import type { Source } from './source.js';

export const T = {
  EOF: -1,
  EQUALS: 1, NOT_EQUALS: 2, IN: 3, LESS: 4, LESS_EQUALS: 5, GREATER_EQUALS: 6, GREATER: 7,
  LOGICAL_AND: 8, LOGICAL_OR: 9, LBRACKET: 10, RPRACKET: 11, LBRACE: 12, RBRACE: 13, LPAREN: 14,
  RPAREN: 15, DOT: 16, COMMA: 17, MINUS: 18, EXCLAM: 19, QUESTIONMARK: 20, COLON: 21, PLUS: 22,
  STAR: 23, SLASH: 24, PERCENT: 25, CEL_TRUE: 26, CEL_FALSE: 27, NUL: 28, WHITESPACE: 29,
  COMMENT: 30, NUM_FLOAT: 31, NUM_INT: 32, NUM_UINT: 33, STRING: 34, BYTES: 35, IDENTIFIER: 36,
  ESC_IDENTIFIER: 37,
} as const;

const LITERALS: [string, number][] = [
  ['==', T.EQUALS], ['!=', T.NOT_EQUALS], ['in', T.IN], ['<', T.LESS], ['<=', T.LESS_EQUALS],
  ['>=', T.GREATER_EQUALS], ['>', T.GREATER], ['&&', T.LOGICAL_AND], ['||', T.LOGICAL_OR],
  ['[', T.LBRACKET], [']', T.RPRACKET], ['{', T.LBRACE], ['}', T.RBRACE], ['(', T.LPAREN],
  [')', T.RPAREN], ['.', T.DOT], [',', T.COMMA], ['-', T.MINUS], ['!', T.EXCLAM],
  ['?', T.QUESTIONMARK], [':', T.COLON], ['+', T.PLUS], ['*', T.STAR], ['/', T.SLASH],
  ['%', T.PERCENT], ['true', T.CEL_TRUE], ['false', T.CEL_FALSE], ['null', T.NUL],
];

const SYMBOLIC: Record<number, string> = {
  [T.NUM_FLOAT]: 'NUM_FLOAT', [T.NUM_INT]: 'NUM_INT', [T.NUM_UINT]: 'NUM_UINT', [T.STRING]: 'STRING',
  [T.BYTES]: 'BYTES', [T.IDENTIFIER]: 'IDENTIFIER', [T.ESC_IDENTIFIER]: 'ESC_IDENTIFIER',
  [T.WHITESPACE]: 'WHITESPACE', [T.COMMENT]: 'COMMENT',
};

/** How ANTLR names a token type in "expecting" sets. */
export function tokenTypeName(type: number): string {
  if (type === T.EOF) return '<EOF>';
  const lit = LITERALS.find(([, t]) => t === type);
  return lit ? `'${lit[0]}'` : SYMBOLIC[type];
}

export interface Token {
  type: number;
  text: string;
  /** Code point offset of the first character. */
  start: number;
  line: number;
  column: number;
  hidden: boolean;
}

export interface LexError {
  offset: number;
  message: string;
}

interface Scan {
  /** Length of the longest accepted token, or -1. */
  accept: number;
  /** Characters consumed before the automaton could go no further. */
  reach: number;
}

const isDigit = (c: number | undefined) => c !== undefined && c >= 48 && c <= 57;
const isHex = (c: number | undefined) => c !== undefined && (isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70));
const isLetter = (c: number | undefined) => c !== undefined && ((c >= 65 && c <= 90) || (c >= 97 && c <= 122));
const ch = (s: string) => s.codePointAt(0)!;

class Scanner {
  constructor(private readonly cps: number[]) {}

  at(i: number): number | undefined {
    return this.cps[i];
  }

  /** End index of a run of digits starting at i. */
  digits(i: number, pred = isDigit): number {
    while (pred(this.at(i))) i++;
    return i;
  }

  literal(start: number, text: string): Scan {
    let n = 0;
    while (n < text.length && this.at(start + n) === text.charCodeAt(n)) n++;
    return { accept: n === text.length ? n : -1, reach: n };
  }

  /** EXPONENT: [eE] [+-]? DIGIT+ ; returns the end index or -1 with the reach. */
  exponent(i: number): { end: number; reach: number } {
    const c = this.at(i);
    if (c !== ch('e') && c !== ch('E')) return { end: -1, reach: i };
    let j = i + 1;
    if (this.at(j) === ch('+') || this.at(j) === ch('-')) j++;
    const k = this.digits(j);
    return k > j ? { end: k, reach: k } : { end: -1, reach: j };
  }

  numFloat(s: number): Scan {
    let accept = -1;
    let reach = 0;
    const note = (end: number, r: number) => {
      if (end >= 0) accept = Math.max(accept, end - s);
      reach = Math.max(reach, r - s);
    };
    const d = this.digits(s);
    if (d > s) {
      if (this.at(d) === ch('.')) {
        const f = this.digits(d + 1);
        if (f > d + 1) {
          const e = this.exponent(f);
          note(f, f);
          note(e.end, e.reach);
        } else note(-1, d + 1);
      } else note(-1, d);
      const e = this.exponent(d);
      note(e.end, e.reach);
    } else if (this.at(s) === ch('.')) {
      const f = this.digits(s + 1);
      if (f > s + 1) {
        const e = this.exponent(f);
        note(f, f);
        note(e.end, e.reach);
      } else note(-1, s + 1);
    }
    return { accept, reach };
  }

  numInt(s: number, unsigned: boolean): Scan {
    let accept = -1;
    let reach = 0;
    const suffix = (end: number) => {
      const c = this.at(end);
      if (!unsigned) return { a: end, r: end };
      return c === ch('u') || c === ch('U') ? { a: end + 1, r: end + 1 } : { a: -1, r: end };
    };
    const d = this.digits(s);
    if (d > s) {
      const x = suffix(d);
      if (x.a >= 0) accept = x.a - s;
      reach = x.r - s;
    }
    if (this.at(s) === ch('0') && this.at(s + 1) === ch('x')) {
      const h = this.digits(s + 2, isHex);
      if (h > s + 2) {
        const x = suffix(h);
        if (x.a >= 0) accept = Math.max(accept, x.a - s);
        reach = Math.max(reach, x.r - s);
      } else reach = Math.max(reach, 2);
    }
    return { accept, reach };
  }

  /** ESC_SEQ at i (a backslash); returns the end index or -1 with how far it got. */
  escape(i: number): { end: number; reach: number } {
    const c = this.at(i + 1);
    if (c === undefined) return { end: -1, reach: i + 1 };
    if ('abfnrtv"\'\\?`'.includes(String.fromCodePoint(c))) return { end: i + 2, reach: i + 2 };
    if (c >= ch('0') && c <= ch('3')) {
      let j = i + 2;
      for (let k = 0; k < 2; k++, j++) {
        const d = this.at(j);
        if (d === undefined || d < ch('0') || d > ch('7')) return { end: -1, reach: j };
      }
      return { end: j, reach: j };
    }
    const hexCount = c === ch('x') || c === ch('X') ? 2 : c === ch('u') ? 4 : c === ch('U') ? 8 : 0;
    if (hexCount === 0) return { end: -1, reach: i + 1 };
    let j = i + 2;
    for (let k = 0; k < hexCount; k++, j++) if (!isHex(this.at(j))) return { end: -1, reach: j };
    return { end: j, reach: j };
  }

  /** A quoted string body starting at s (the opening quote), with or without escapes, single or triple. */
  quoted(s: number, raw: boolean): Scan {
    const q = this.at(s);
    if (q !== ch('"') && q !== ch("'")) return { accept: -1, reach: 0 };
    let accept = -1;
    let reach = 1;
    // single-quoted form: no newlines
    let i = s + 1;
    for (;;) {
      const c = this.at(i);
      if (c === undefined || c === 10 || c === 13) break;
      if (c === q) {
        accept = i + 1 - s;
        i++;
        break;
      }
      if (c === 92 && !raw) {
        const e = this.escape(i);
        if (e.end < 0) {
          i = e.reach;
          break;
        }
        i = e.end;
      } else i++;
    }
    reach = Math.max(reach, i - s);
    // triple-quoted form, ending at the first closing triple quote
    if (this.at(s + 1) === q && this.at(s + 2) === q) {
      let j = s + 3;
      for (;;) {
        const c = this.at(j);
        if (c === undefined) break;
        if (c === q && this.at(j + 1) === q && this.at(j + 2) === q) {
          accept = Math.max(accept, j + 3 - s);
          j += 3;
          break;
        }
        if (c === 92 && !raw) {
          const e = this.escape(j);
          if (e.end < 0) {
            j = e.reach;
            break;
          }
          j = e.end;
        } else j++;
      }
      reach = Math.max(reach, j - s);
    }
    return { accept, reach };
  }

  string(s: number): Scan {
    const plain = this.quoted(s, false);
    const c = this.at(s);
    if (c === ch('r') || c === ch('R')) {
      const r = this.quoted(s + 1, true);
      return {
        accept: r.accept >= 0 ? r.accept + 1 : plain.accept,
        reach: Math.max(plain.reach, r.reach + 1),
      };
    }
    return plain;
  }

  bytes(s: number): Scan {
    const c = this.at(s);
    if (c !== ch('b') && c !== ch('B')) return { accept: -1, reach: 0 };
    const r = this.string(s + 1);
    return { accept: r.accept >= 0 ? r.accept + 1 : -1, reach: r.reach + 1 };
  }

  identifier(s: number): Scan {
    const c = this.at(s);
    if (!isLetter(c) && c !== ch('_')) return { accept: -1, reach: 0 };
    let i = s + 1;
    while (isLetter(this.at(i)) || isDigit(this.at(i)) || this.at(i) === ch('_')) i++;
    return { accept: i - s, reach: i - s };
  }

  escIdentifier(s: number): Scan {
    if (this.at(s) !== ch('`')) return { accept: -1, reach: 0 };
    let i = s + 1;
    const ok = (c: number | undefined) => isLetter(c) || isDigit(c) || (c !== undefined && '_.-/ '.includes(String.fromCodePoint(c)));
    while (ok(this.at(i))) i++;
    if (i > s + 1 && this.at(i) === ch('`')) return { accept: i + 1 - s, reach: i + 1 - s };
    return { accept: -1, reach: i - s };
  }

  whitespace(s: number): Scan {
    let i = s;
    while ([9, 32, 13, 10, 12].includes(this.at(i) ?? -1)) i++;
    return { accept: i > s ? i - s : -1, reach: i - s };
  }

  comment(s: number): Scan {
    if (this.at(s) !== ch('/') || this.at(s + 1) !== ch('/')) return { accept: -1, reach: this.at(s) === ch('/') ? 1 : 0 };
    let i = s + 2;
    while (this.at(i) !== undefined && this.at(i) !== 10) i++;
    return { accept: i - s, reach: i - s };
  }
}

/** ANTLR's escaping of error text. */
function errorDisplay(s: string): string {
  return s.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
}

/** All tokens, hidden ones included (ANTLR's buffer keeps them), with an EOF token last. */
export function tokenize(source: Source): { tokens: Token[]; errors: LexError[] } {
  const cps = source.codePoints;
  const sc = new Scanner(cps);
  const tokens: Token[] = [];
  const errors: LexError[] = [];
  let pos = 0;
  const text = (a: number, b: number) => String.fromCodePoint(...cps.slice(a, b));
  while (pos < cps.length) {
    // rules in grammar order: the first rule wins a tie in length
    const candidates: [number, Scan][] = [
      ...LITERALS.map(([lit, type]): [number, Scan] => [type, sc.literal(pos, lit)]),
      [T.WHITESPACE, sc.whitespace(pos)],
      [T.COMMENT, sc.comment(pos)],
      [T.NUM_FLOAT, sc.numFloat(pos)],
      [T.NUM_INT, sc.numInt(pos, false)],
      [T.NUM_UINT, sc.numInt(pos, true)],
      [T.STRING, sc.string(pos)],
      [T.BYTES, sc.bytes(pos)],
      [T.IDENTIFIER, sc.identifier(pos)],
      [T.ESC_IDENTIFIER, sc.escIdentifier(pos)],
    ];
    let best: [number, number] | undefined;
    let reach = 0;
    for (const [type, scan] of candidates) {
      if (scan.accept > 0 && (!best || scan.accept > best[1])) best = [type, scan.accept];
      reach = Math.max(reach, scan.reach);
    }
    const loc = source.locationOf(pos);
    if (best) {
      const [type, len] = best;
      tokens.push({ type, text: text(pos, pos + len), start: pos, ...loc, hidden: type === T.WHITESPACE || type === T.COMMENT });
      pos += len;
      continue;
    }
    // the failing character is part of the reported text and is skipped with it
    const stop = Math.min(pos + reach, cps.length - 1);
    errors.push({ offset: pos, message: `token recognition error at: '${errorDisplay(text(pos, stop + 1))}'` });
    pos = pos + reach >= cps.length ? cps.length : stop + 1;
  }
  tokens.push({ type: T.EOF, text: '<EOF>', start: cps.length, ...source.locationOf(cps.length), hidden: false });
  return { tokens, errors };
}
