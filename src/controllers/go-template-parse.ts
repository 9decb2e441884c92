// A parser for the subset of Go's text/template that kwok's Stage templates use: actions, pipelines,
// variables, if/else/with/range/break/continue/end, field chains, literals and parenthesised pipelines.

export type Arg =
  | { t: 'field'; names: string[] }
  | { t: 'var'; name: string; names: string[] }
  | { t: 'ident'; name: string }
  | { t: 'lit'; v: string | number | boolean }
  | { t: 'nil' }
  | { t: 'pipe'; pipe: Pipe; names: string[] };

export interface Cmd {
  args: Arg[];
  pos: string;
}

export interface Pipe {
  decl: string[];
  /** `=` assigns existing variables; `:=` declares. */
  assign: boolean;
  cmds: Cmd[];
  pos: string;
}

export type TNode =
  | { t: 'text'; s: string }
  | { t: 'action'; pipe: Pipe }
  | { t: 'if' | 'with' | 'range'; pipe: Pipe; list: TNode[]; else?: TNode[] }
  | { t: 'break' | 'continue'; pos: string };

/** A template problem, with its line:column in the template text. */
export class TemplateError extends Error {}

type Tok =
  | { k: 'field'; v: string }
  | { k: 'var'; v: string }
  | { k: 'ident'; v: string }
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'punct'; v: string }
  | { k: 'end' };

interface Located {
  tok: Tok;
  pos: string;
  /** Written right after the previous token (`.a.b`, `$x.y`, `(…).z` chain only so). */
  adj: boolean;
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r';
const isAlnum = (c: string) => /[A-Za-z0-9_]/.test(c);

/** Splits the source into text and the tokens of each action. */
function scan(src: string, lineOffset: number): ({ t: 'text'; s: string } | { t: 'action'; toks: Located[]; pos: string })[] {
  const out: ({ t: 'text'; s: string } | { t: 'action'; toks: Located[]; pos: string })[] = [];
  const posOf = (i: number) => {
    const before = src.slice(0, i);
    const line = before.split('\n').length + lineOffset;
    return `${line}:${i - before.lastIndexOf('\n')}`;
  };
  let i = 0;
  let trimNext = false;
  while (i < src.length) {
    const open = src.indexOf('{{', i);
    let text = src.slice(i, open < 0 ? src.length : open);
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '');
    trimNext = false;
    if (open < 0) {
      if (text) out.push({ t: 'text', s: text });
      break;
    }
    let j = open + 2;
    if (src[j] === '-' && isSpace(src[j + 1] ?? '')) {
      text = text.replace(/[ \t\r\n]+$/, '');
      j++;
    }
    if (text) out.push({ t: 'text', s: text });
    const pos = posOf(open);
    while (isSpace(src[j] ?? '')) j++;
    if (src.startsWith('/*', j)) {
      const close = src.indexOf('*/', j + 2);
      if (close < 0) throw new TemplateError(`${pos}: unclosed comment`);
      let k = close + 2;
      while (isSpace(src[k] ?? '')) k++;
      if (src.startsWith('-}}', k)) {
        trimNext = true;
        k++;
      }
      if (!src.startsWith('}}', k)) throw new TemplateError(`${pos}: comment ends before closing delimiter`);
      i = k + 2;
      continue;
    }
    const toks: Located[] = [];
    for (;;) {
      const before = j;
      while (isSpace(src[j] ?? '')) j++;
      const adj = j === before;
      if (j >= src.length) throw new TemplateError(`${pos}: unclosed action`);
      if (src.startsWith('-}}', j) && isSpace(src[j - 1] ?? '')) {
        trimNext = true;
        j += 3;
        break;
      }
      if (src.startsWith('}}', j)) {
        j += 2;
        break;
      }
      const at = posOf(j);
      const c = src[j];
      if (c === '.' && !/[0-9]/.test(src[j + 1] ?? '')) {
        let k = j + 1;
        while (isAlnum(src[k] ?? '')) k++;
        toks.push({ tok: { k: 'field', v: src.slice(j + 1, k) }, pos: at, adj });
        j = k;
      } else if (c === '$') {
        let k = j + 1;
        while (isAlnum(src[k] ?? '')) k++;
        toks.push({ tok: { k: 'var', v: src.slice(j, k) }, pos: at, adj });
        j = k;
      } else if (c === '"' || c === '`') {
        let k = j + 1;
        while (k < src.length && src[k] !== c) {
          if (c === '"' && src[k] === '\\') k++;
          if (c === '"' && src[k] === '\n') throw new TemplateError(`${at}: unterminated quoted string`);
          k++;
        }
        if (k >= src.length) throw new TemplateError(`${at}: unterminated ${c === '"' ? 'quoted' : 'raw quoted'} string`);
        const raw = src.slice(j, k + 1);
        let v: string;
        try {
          v = c === '"' ? (JSON.parse(raw.replace(/\\'/g, "'")) as string) : raw.slice(1, -1);
        } catch {
          throw new TemplateError(`${at}: bad string syntax: ${raw}`);
        }
        toks.push({ tok: { k: 'str', v }, pos: at, adj });
        j = k + 1;
      } else if (c === "'") {
        const m = /^'(\\.|[^\\'])'/.exec(src.slice(j));
        if (!m) throw new TemplateError(`${at}: bad character constant`);
        toks.push({ tok: { k: 'num', v: m[1].length === 1 ? m[1].codePointAt(0)! : (JSON.parse(`"${m[1]}"`) as string).codePointAt(0)! }, pos: at, adj });
        j += m[0].length;
      } else if (/[0-9+-]/.test(c) || (c === '.' && /[0-9]/.test(src[j + 1] ?? ''))) {
        const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*)?\.?\d*([eE][+-]?\d+)?)/.exec(src.slice(j));
        const lit = m?.[0] ?? '';
        const n = Number(lit.replace(/_/g, '').replace(/^([+-]?)0[oO]/, '$10o'));
        if (!lit || lit === '+' || lit === '-' || Number.isNaN(n) || isAlnum(src[j + lit.length] ?? '')) throw new TemplateError(`${at}: bad number syntax: ${JSON.stringify(src.slice(j, j + Math.max(lit.length, 1)))}`);
        toks.push({ tok: { k: 'num', v: n }, pos: at, adj });
        j += lit.length;
      } else if (/[A-Za-z_]/.test(c)) {
        let k = j;
        while (isAlnum(src[k] ?? '')) k++;
        toks.push({ tok: { k: 'ident', v: src.slice(j, k) }, pos: at, adj });
        j = k;
      } else if (src.startsWith(':=', j)) {
        toks.push({ tok: { k: 'punct', v: ':=' }, pos: at, adj });
        j += 2;
      } else if ('()|=,'.includes(c)) {
        toks.push({ tok: { k: 'punct', v: c }, pos: at, adj });
        j++;
      } else {
        throw new TemplateError(`${at}: unexpected ${JSON.stringify(c)} in command`);
      }
    }
    out.push({ t: 'action', toks, pos });
    i = j;
  }
  return out;
}

const KEYWORDS = new Set(['if', 'else', 'end', 'range', 'with', 'break', 'continue', 'define', 'template', 'block', 'nil', 'true', 'false']);

/** Parses a template; `isFunc` says which function names exist (anything else is an error, as in Go). */
export function parseTemplate(src: string, isFunc: (name: string) => boolean, lineOffset = 0): TNode[] {
  const items = scan(src, lineOffset);
  let idx = 0;

  function parsePipe(toks: Located[], pos: string, allowDecl: 'none' | 'one' | 'two'): Pipe {
    let p = 0;
    const pipe: Pipe = { decl: [], assign: false, cmds: [], pos };
    // variable declarations: `$x :=`, `$x =`, and in range `$i, $e :=`
    if (allowDecl !== 'none' && toks[0]?.tok.k === 'var') {
      const t1 = toks[1]?.tok;
      if (t1?.k === 'punct' && (t1.v === ':=' || t1.v === '=')) {
        pipe.decl = [(toks[0].tok as { v: string }).v];
        pipe.assign = t1.v === '=';
        p = 2;
      } else if (allowDecl === 'two' && t1?.k === 'punct' && t1.v === ',' && toks[2]?.tok.k === 'var' && toks[3]?.tok.k === 'punct' && (toks[3].tok.v === ':=' || toks[3].tok.v === '=')) {
        pipe.decl = [(toks[0].tok as { v: string }).v, (toks[2].tok as { v: string }).v];
        pipe.assign = toks[3].tok.v === '=';
        p = 4;
      }
    }
    const endAt = toks.length;
    const fail = (at: string, msg: string): never => {
      throw new TemplateError(`${at}: ${msg}`);
    };
    const chain = (): string[] => {
      const names: string[] = [];
      while (p < endAt && toks[p].adj && toks[p].tok.k === 'field' && (toks[p].tok as { v: string }).v !== '') names.push((toks[p++].tok as { v: string }).v);
      return names;
    };
    const operand = (): Arg | undefined => {
      const { tok, pos: at } = toks[p];
      switch (tok.k) {
        case 'field':
          p++;
          if (tok.v === '') return { t: 'field', names: [] };
          return { t: 'field', names: [tok.v, ...chain()] };
        case 'var':
          p++;
          return { t: 'var', name: tok.v, names: chain() };
        case 'str':
          p++;
          return { t: 'lit', v: tok.v };
        case 'num':
          p++;
          return { t: 'lit', v: tok.v };
        case 'ident':
          p++;
          if (tok.v === 'true' || tok.v === 'false') return { t: 'lit', v: tok.v === 'true' };
          if (tok.v === 'nil') return { t: 'nil' };
          if (KEYWORDS.has(tok.v)) return fail(at, `unexpected <${tok.v}> in command`);
          if (!isFunc(tok.v)) return fail(at, `function ${JSON.stringify(tok.v)} not defined`);
          return { t: 'ident', name: tok.v };
        case 'punct':
          if (tok.v === '(') {
            p++;
            const start = p;
            let depth = 1;
            while (p < endAt && depth > 0) {
              const t = toks[p].tok;
              if (t.k === 'punct' && t.v === '(') depth++;
              if (t.k === 'punct' && t.v === ')') depth--;
              p++;
            }
            if (depth > 0) return fail(at, 'unclosed left paren');
            const inner = parsePipe(toks.slice(start, p - 1), at, 'none');
            return { t: 'pipe', pipe: inner, names: chain() };
          }
          return undefined;
        default:
          return undefined;
      }
    };
    for (;;) {
      const cmd: Cmd = { args: [], pos: toks[p]?.pos ?? pos };
      while (p < endAt) {
        const t = toks[p].tok;
        if (t.k === 'punct' && t.v === '|') break;
        const a = operand();
        if (!a) fail(toks[p].pos, `unexpected ${JSON.stringify((t as { v: string }).v)} in operand`);
        cmd.args.push(a!);
      }
      if (cmd.args.length === 0) fail(cmd.pos, pipe.cmds.length ? 'missing command after |' : 'missing value for command');
      pipe.cmds.push(cmd);
      if (p >= endAt) break;
      p++;
    }
    return pipe;
  }

  /** Parses nodes until an `end` or `else`; returns them and the word that stopped it. */
  function parseList(inBlock: string | undefined, inRange: boolean): { nodes: TNode[]; stop?: { word: 'end' | 'else'; toks: Located[]; pos: string } } {
    const nodes: TNode[] = [];
    while (idx < items.length) {
      const it = items[idx++];
      if (it.t === 'text') {
        nodes.push(it);
        continue;
      }
      const first = it.toks[0]?.tok;
      if (!first) throw new TemplateError(`${it.pos}: missing value for command`);
      const word = first.k === 'ident' ? first.v : '';
      const rest = it.toks.slice(1);
      if (word === 'end' || word === 'else') {
        if (!inBlock) throw new TemplateError(`${it.pos}: unexpected {{${word}}}`);
        return { nodes, stop: { word, toks: rest, pos: it.pos } };
      }
      if (word === 'if' || word === 'with' || word === 'range') {
        nodes.push(parseBlock(word, rest, it.pos, inRange));
        continue;
      }
      if (word === 'break' || word === 'continue') {
        if (!inRange) throw new TemplateError(`${it.pos}: {{${word}}} outside {{range}}`);
        nodes.push({ t: word, pos: it.pos });
        continue;
      }
      if (word === 'define' || word === 'template' || word === 'block') throw new TemplateError(`${it.pos}: {{${word}}} is not supported by minikapi's template engine`);
      nodes.push({ t: 'action', pipe: parsePipe(it.toks, it.pos, 'one') });
    }
    if (inBlock) throw new TemplateError(`unexpected EOF: {{${inBlock}}} is not closed by {{end}}`);
    return { nodes };
  }

  function parseBlock(word: 'if' | 'with' | 'range', toks: Located[], pos: string, inRange: boolean): TNode {
    if (toks.length === 0) throw new TemplateError(`${pos}: missing value for ${word}`);
    const pipe = parsePipe(toks, pos, word === 'range' ? 'two' : 'one');
    const body = parseList(word, inRange || word === 'range');
    const node: TNode = { t: word, pipe, list: body.nodes };
    const stop = body.stop!;
    if (stop.word === 'else') {
      const next = stop.toks[0]?.tok;
      if (next?.k === 'ident' && (next.v === 'if' || next.v === 'with') && word !== 'range') {
        // `else if` / `else with` nest a block that shares this one's {{end}}
        node.else = [parseBlock(next.v, stop.toks.slice(1), stop.pos, inRange)];
      } else {
        if (stop.toks.length) throw new TemplateError(`${stop.pos}: unexpected tokens after {{else}}`);
        const elseBody = parseList(word, inRange);
        if (elseBody.stop?.word !== 'end') throw new TemplateError(`${elseBody.stop?.pos ?? pos}: expected {{end}} after {{else}}`);
        node.else = elseBody.nodes;
      }
    } else if (stop.toks.length) throw new TemplateError(`${stop.pos}: unexpected tokens after {{end}}`);
    return node;
  }

  return parseList(undefined, false).nodes;
}
