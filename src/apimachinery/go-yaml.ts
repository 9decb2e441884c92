// JSON values printed as YAML the way kube-apiserver's YAML serializer prints them: sigs.k8s.io/yaml's JSONToYAML,
// that is go-yaml v2 marshalling the decoded JSON (map keys in go-yaml's order, block style, sequences not indented
// under their key, strings quoted only when go-yaml would read them back as something else or cannot write them
// plain, lines folded past 80 columns, multi-line strings as literal blocks).

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

const WIDTH = 80;
const INDENT = 2;

type Style = 'plain' | 'single' | 'double' | 'literal';

/** YAML of a JSON value, ending with a newline. */
export function goYAML(value: unknown): string {
  const e = new Emitter();
  e.node(value as Json, { root: true, sequence: false, mapping: false, simpleKey: false });
  e.indentLine();
  return e.out;
}

interface Context {
  root: boolean;
  sequence: boolean;
  mapping: boolean;
  simpleKey: boolean;
}

const NODE: Context = { root: false, sequence: false, mapping: true, simpleKey: false };
const KEY: Context = { root: false, sequence: false, mapping: true, simpleKey: true };
const ITEM: Context = { root: false, sequence: true, mapping: false, simpleKey: false };

class Emitter {
  out = '';
  private column = 0;
  private indent = -1;
  private readonly indents: number[] = [];
  private whitespace = true;
  private indention = true;

  node(v: Json, ctx: Context): void {
    if (Array.isArray(v)) {
      if (v.length === 0) return this.indicator('[]', true, false, false);
      this.push(false, ctx.mapping && !this.indention);
      for (const item of v) {
        this.indentLine();
        this.indicator('-', true, false, true);
        this.node(item, ITEM);
      }
      this.pop();
      return;
    }
    if (v !== null && typeof v === 'object') {
      // as JSON has them: a key whose value is undefined is not there
      const keys = Object.keys(v).filter((k) => v[k] !== undefined).sort(keyCompare);
      if (keys.length === 0) return this.indicator('{}', true, false, false);
      this.push(false, false);
      for (const k of keys) {
        this.indentLine();
        const key = analyze(k);
        if (!key.multiline && Buffer.byteLength(k) <= 128) {
          this.scalar(k, stringStyle(k), key, KEY);
          this.indicator(':', false, false, false);
        } else {
          this.indicator('?', true, false, true);
          this.scalar(k, stringStyle(k), key, NODE);
          this.indentLine();
          this.indicator(':', true, false, true);
        }
        this.node(v[k]!, NODE);
      }
      this.pop();
      return;
    }
    if (typeof v === 'string') return this.scalar(v, stringStyle(v), analyze(v), ctx);
    const text = v === null || v === undefined ? 'null' : typeof v === 'boolean' ? String(v) : goFloat(v);
    this.scalar(text, 'plain', analyze(text), ctx);
  }

  private scalar(text: string, wanted: Style, a: Analysis, ctx: Context): void {
    let style = wanted;
    if (ctx.simpleKey && a.multiline) style = 'double';
    if (style === 'plain' && (!a.plainAllowed || (text === '' && ctx.simpleKey))) style = 'single';
    if (style === 'single' && !a.singleAllowed) style = 'double';
    if (style === 'literal' && (!a.blockAllowed || ctx.simpleKey)) style = 'double';
    // a scalar's folded lines are indented one step further than the node it belongs to
    this.push(true, false);
    const breaks = !ctx.simpleKey;
    if (style === 'plain') this.plain(text, breaks);
    else if (style === 'single') this.single(text, breaks);
    else if (style === 'double') this.double(text, breaks);
    else this.literal(text);
    this.pop();
  }

  private push(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? INDENT : 0;
    else if (!indentless) this.indent += INDENT;
  }

  private pop(): void {
    this.indent = this.indents.pop()!;
  }

  private put(s: string): void {
    this.out += s;
    this.column += [...s].length;
  }

  private lineBreak(): void {
    this.out += '\n';
    this.column = 0;
  }

  indentLine(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.lineBreak();
    if (this.column < indent) this.put(' '.repeat(indent - this.column));
    this.whitespace = true;
    this.indention = true;
  }

  private indicator(s: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(s);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }

  private plain(text: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    const cs = [...text];
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const ch = cs[i]!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > WIDTH && cs[i + 1] !== ' ') this.indentLine();
        else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        this.indention = false;
        spaces = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private single(text: string, allowBreaks: boolean): void {
    this.indicator("'", true, false, false);
    const cs = [...text];
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const ch = cs[i]!;
      if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > WIDTH && i > 0 && i < cs.length - 1 && cs[i + 1] !== ' ') this.indentLine();
        else this.put(ch);
        spaces = true;
      } else {
        this.put(ch === "'" ? "''" : ch);
        this.indention = false;
        spaces = false;
      }
    }
    this.indicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private double(text: string, allowBreaks: boolean): void {
    this.indicator('"', true, false, false);
    const cs = [...text];
    let spaces = false;
    for (let i = 0; i < cs.length; i++) {
      const ch = cs[i]!;
      const cp = ch.codePointAt(0)!;
      if (!printable(cp) || cp === 0xfeff || isBreak(cp) || ch === '"' || ch === '\\') {
        this.put(escape(cp));
        spaces = false;
      } else if (ch === ' ') {
        if (allowBreaks && !spaces && this.column > WIDTH && i > 0 && i < cs.length - 1) {
          this.indentLine();
          if (cs[i + 1] === ' ') this.put('\\');
        } else this.put(ch);
        spaces = true;
      } else {
        this.put(ch);
        spaces = false;
      }
    }
    this.indicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private literal(text: string): void {
    this.indicator('|', true, false, false);
    const cs = [...text];
    if (cs[0] === ' ' || isBreak(cs[0]!.codePointAt(0)!)) this.indicator(String(INDENT), false, false, false);
    const last = cs.length - 1;
    if (!isBreak(cs[last]!.codePointAt(0)!)) this.indicator('-', false, false, false);
    else if (last === 0 || isBreak(cs[last - 1]!.codePointAt(0)!)) this.indicator('+', false, false, false);
    this.lineBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (const ch of cs) {
      if (isBreak(ch.codePointAt(0)!)) {
        // go-yaml writes a "\n" as a line break and other breaks (CR, NEL, LS, PS) as they are
        if (ch === '\n') this.lineBreak();
        else {
          this.out += ch;
          this.column = 0;
        }
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.indentLine();
        this.put(ch);
        this.indention = false;
        breaks = false;
      }
    }
  }
}

interface Analysis {
  multiline: boolean;
  /** Plain style in block context. */
  plainAllowed: boolean;
  singleAllowed: boolean;
  blockAllowed: boolean;
}

/** What go-yaml's emitter finds a scalar may be written as (its analyze_scalar, block context). */
function analyze(text: string): Analysis {
  if (text === '') return { multiline: false, plainAllowed: true, singleAllowed: true, blockAllowed: false };
  const cs = [...text];
  let indicators = text.startsWith('---') || text.startsWith('...');
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let precededByWhitespace = true;
  let previousSpace = false;
  let previousBreak = false;
  for (let i = 0; i < cs.length; i++) {
    const ch = cs[i]!;
    const cp = ch.codePointAt(0)!;
    const followedByWhitespace = i + 1 >= cs.length || cs[i + 1] === ' ' || cs[i + 1] === '\t';
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) indicators = true;
      else if ((ch === '?' || ch === ':' || ch === '-') && followedByWhitespace) indicators = true;
    } else if ((ch === ':' && followedByWhitespace) || (ch === '#' && precededByWhitespace)) indicators = true;
    if (!printable(cp)) special = true;
    if (ch === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === cs.length - 1) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(cp)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i === cs.length - 1) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = ch === ' ' || ch === '\t' || cp === 0 || isBreak(cp);
  }
  const a: Analysis = { multiline: lineBreaks, plainAllowed: true, singleAllowed: true, blockAllowed: true };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak || lineBreaks || indicators) a.plainAllowed = false;
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.plainAllowed = false;
    a.singleAllowed = false;
  }
  if (spaceBreak || special) {
    a.plainAllowed = false;
    a.singleAllowed = false;
    a.blockAllowed = false;
  }
  return a;
}

/** The style go-yaml's encoder asks for a string: literal when it has a newline, plain unless it reads back as another type. */
function stringStyle(s: string): Style {
  if (s.includes('\n')) return 'literal';
  return resolvesToString(s) && !BASE60_FLOAT.test(s) ? 'plain' : 'double';
}

const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const NOT_STRINGS = new Set(
  ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']
    .concat(['', '~', 'null', 'Null', 'NULL', '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF']),
);
const GO_INT = /^[-+]?(?:0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/;
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
const TIMESTAMPS = [
  /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[-+]\d{2}:\d{2})$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?$/,
  /^(\d{4})-(\d{1,2})-(\d{1,2})$/,
];

/** Whether go-yaml's resolver reads s, unquoted, back as a string (not a bool, null, number or timestamp). */
function resolvesToString(s: string): boolean {
  if (NOT_STRINGS.has(s)) return false;
  const c = s[0]!;
  if (c === '.') return !DOT_FLOAT.test(s);
  if (!(c === '+' || c === '-' || (c >= '0' && c <= '9'))) return true;
  if (TIMESTAMPS.some((re) => timestampIn(re, s))) return false;
  const plain = s.replaceAll('_', '');
  return !(GO_INT.test(plain) || YAML_FLOAT.test(plain) || /^-0[bB][01]+$/.test(plain));
}

function timestampIn(re: RegExp, s: string): boolean {
  const m = re.exec(s);
  if (!m) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = m.slice(1).map(Number);
  const days = new Date(Date.UTC(year!, month!, 0)).getUTCDate();
  return month! >= 1 && month! <= 12 && day! >= 1 && day! <= days && hour < 24 && minute < 60 && second < 60;
}

/** go-yaml's printable set (its UTF-8 checks, by code point): no tabs, CRs or C1 controls, nothing above the BMP. */
function printable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff);
}

function isBreak(cp: number): boolean {
  return cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}

const ESCAPES: Record<number, string> = { 0: '0', 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 27: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P' };

function escape(cp: number): string {
  const short = ESCAPES[cp];
  if (short) return `\\${short}`;
  const hex = cp.toString(16).toUpperCase();
  if (cp <= 0xff) return `\\x${hex.padStart(2, '0')}`;
  if (cp <= 0xffff) return `\\u${hex.padStart(4, '0')}`;
  return `\\U${hex.padStart(8, '0')}`;
}

/** A JSON number as go-yaml prints what it decoded: integers in full, other numbers as Go's strconv 'g' (shortest). */
function goFloat(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 2 ** 63) return BigInt(n).toString();
  if (!Number.isFinite(n)) return Number.isNaN(n) ? '.nan' : n > 0 ? '.inf' : '-.inf';
  const [mantissa, exp] = n.toExponential().split('e') as [string, string];
  const e = Number(exp);
  // Go prints the shortest digits in exponent form below 1e-4 and from 1e6 on
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(n);
}

/** go-yaml v2's map key order: runs of digits compare as numbers, letters by code point, other characters before letters. */
function keyCompare(a: string, b: string): number {
  return keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0;
}

const LETTER = /\p{L}/u;
const DIGIT = /\p{Nd}/u;

function keyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = LETTER.test(ar[i]!);
    const bl = LETTER.test(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0;
    let bn = 0;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && DIGIT.test(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1;
          bn = 1;
          break;
        }
      }
    }
    let ai = i;
    for (; ai < ar.length && DIGIT.test(ar[ai]!); ai++) an = an * 10 + digitValue(ar[ai]!);
    let bi = i;
    for (; bi < br.length && DIGIT.test(br[bi]!); bi++) bn = bn * 10 + digitValue(br[bi]!);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

function digitValue(ch: string): number {
  return ch.codePointAt(0)! - 0x30;
}
