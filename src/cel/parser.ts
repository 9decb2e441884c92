// CEL parser: one method per rule of CEL.g4, with ANTLR's prediction and error recovery at the same points
// as the generated parser, building cel-go's AST (operators as calls, macros expanded).
import { SourceInfo, type Expr, type Literal, type MapEntry, type StructField } from './ast.js';
import { T, tokenize, type Token } from './lexer.js';
import { decodeUtf8, parseDoubleLiteral, parseIntLiteral, parseUintLiteral, unescapeLiteral } from './literals.js';
import { MacroError, MacroFactory, macroTable, type MacroOptions } from './macros.js';
import { ParseAbort, ParserBase, set } from './parser-base.js';
import type { CelIssue, Source } from './source.js';

const F_PRIMARY = [T.DOT, T.IDENTIFIER, T.LPAREN, T.LBRACKET, T.LBRACE, T.MINUS, T.NUM_INT, T.NUM_UINT, T.NUM_FLOAT, T.STRING, T.BYTES, T.CEL_TRUE, T.CEL_FALSE, T.NUL];
const F_EXPR = [...F_PRIMARY, T.EXCLAM];
const F_OPTEXPR = [...F_EXPR, T.QUESTIONMARK];
const F_ESCIDENT = [T.IDENTIFIER, T.ESC_IDENTIFIER];
const F_OPTFIELD = [...F_ESCIDENT, T.QUESTIONMARK];
const RELOPS = [T.EQUALS, T.NOT_EQUALS, T.IN, T.LESS, T.LESS_EQUALS, T.GREATER_EQUALS, T.GREATER];
const CALCOPS = [T.STAR, T.SLASH, T.PERCENT, T.PLUS, T.MINUS];
const LITERAL_FIRST = [T.MINUS, T.NUM_INT, T.NUM_UINT, T.NUM_FLOAT, T.STRING, T.BYTES, T.CEL_TRUE, T.CEL_FALSE, T.NUL];

const END = set([], true);
const AFTER_MEMBER = set([T.DOT, T.LBRACKET], true);
const EXPR_FIRST = set(F_EXPR);

const OPERATORS: Record<string, string> = {
  '==': '_==_', '!=': '_!=_', in: '@in', '<': '_<_', '<=': '_<=_', '>=': '_>=_', '>': '_>_',
  '*': '_*_', '/': '_/_', '%': '_%_', '+': '_+_', '-': '_-_',
};

const RESERVED = new Set([
  'as', 'break', 'const', 'continue', 'else', 'false', 'for', 'function', 'if', 'import', 'in', 'let',
  'loop', 'package', 'namespace', 'null', 'return', 'true', 'var', 'void', 'while',
]);

const MAX_RECURSION_DEPTH = 250;
const MAX_CODE_POINTS = 100_000;

export interface ParseOptions extends MacroOptions {
  /** cel-go's EnableIdentEscapeSyntax; Kubernetes 1.33 leaves it off. */
  identEscapes?: boolean;
}

export interface ParseResult {
  expr: Expr;
  info: SourceInfo;
  issues: CelIssue[];
}

class CelParser extends ParserBase {
  readonly info = new SourceInfo();
  readonly issues: CelIssue[] = [];
  private exprDepth = 0;
  private memberDepth = 0;
  private readonly macros;

  constructor(private readonly source: Source, tokens: Token[], private readonly opts: ParseOptions) {
    super(tokens);
    this.macros = macroTable(opts);
  }

  private id(tok: Token): number {
    return this.info.newId(tok.start);
  }

  private node<K extends Expr['kind']>(kind: K, id: number, rest: Omit<Extract<Expr, { kind: K }>, 'kind' | 'id'>): Expr {
    return { kind, id, ...rest } as Expr;
  }

  private unspecified(tok: Token = this.lt()): Expr {
    return { kind: 'unspecified', id: this.id(tok) };
  }

  /** Reports a non-syntax error at a node's position (cel-go's reportError). */
  private error(offset: number, message: string): Expr {
    const id = this.info.newId(offset);
    this.issues.push({ location: this.source.locationOf(offset), message });
    return { kind: 'unspecified', id };
  }

  /** ANTLR's recursion listener counts nested expr rules. */
  private deeper<R>(fn: () => R): R {
    if (++this.exprDepth > MAX_RECURSION_DEPTH) {
      this.internalIssues.push(`expression recursion limit exceeded: ${MAX_RECURSION_DEPTH}`);
      throw new ParseAbort();
    }
    try {
      return fn();
    } finally {
      this.exprDepth--;
    }
  }

  start(): Expr {
    const e = this.invoke(set([T.EOF]), () => this.expr());
    this.guarded(() => this.match(T.EOF, 'start.eof', set([T.EOF])), () => this.lt());
    return e;
  }

  private expr(): Expr {
    return this.deeper(() =>
      this.guarded(() => {
        const cond = this.invoke(set([T.QUESTIONMARK], true), () => this.conditionalOr());
        if (this.la() !== T.QUESTIONMARK) return cond;
        const q = this.match(T.QUESTIONMARK, 'expr.q', EXPR_FIRST);
        const opId = this.id(q);
        const ifTrue = this.invoke(set([T.COLON]), () => this.conditionalOr());
        this.match(T.COLON, 'expr.colon', EXPR_FIRST);
        const ifFalse = this.invoke(END, () => this.expr());
        return this.globalCall(opId, '_?_:_', [cond, ifTrue, ifFalse]);
      }, () => this.unspecified()),
    );
  }

  private logical(op: number, fn: string, next: () => Expr): Expr {
    return this.guarded(() => {
      const follow = set([op], true);
      const terms = [this.invoke(follow, next)];
      const ops: number[] = [];
      while (this.la() === op) {
        const tok = this.match(op, `${fn}.op`, EXPR_FIRST);
        terms.push(this.invoke(follow, next));
        ops.push(this.id(tok));
      }
      return terms.length === 1 ? terms[0] : this.balanced(fn, terms, ops, 0, ops.length - 1);
    }, () => this.unspecified());
  }

  private balanced(fn: string, terms: Expr[], ops: number[], lo: number, hi: number): Expr {
    const mid = Math.floor((lo + hi + 1) / 2);
    const left = mid === lo ? terms[mid] : this.balanced(fn, terms, ops, lo, mid - 1);
    const right = mid === hi ? terms[mid + 1] : this.balanced(fn, terms, ops, mid + 1, hi);
    return this.node('call', ops[mid], { fn, args: [left, right] });
  }

  private conditionalOr(): Expr {
    return this.logical(T.LOGICAL_OR, '_||_', () => this.conditionalAnd());
  }

  private conditionalAnd(): Expr {
    return this.logical(T.LOGICAL_AND, '_&&_', () => this.relation(0));
  }

  private relation(prec: number): Expr {
    return this.guarded(() => {
        const follow = set(RELOPS, true);
        let left = this.invoke(follow, () => this.calc(0));
        while (RELOPS.includes(this.la() as never) && prec <= 1) {
          const op = this.consumeOp();
          const opId = this.id(op);
          const right = this.invoke(follow, () => this.relation(2));
          left = this.globalCall(opId, OPERATORS[op.text], [left, right]);
        }
        return left;
      }, () => this.unspecified());
  }

  private calc(prec: number): Expr {
    return this.guarded(() => {
        const follow = set(CALCOPS, true);
        let left = this.invoke(follow, () => this.unary());
        for (;;) {
          const la = this.la();
          let next: number;
          if ((la === T.STAR || la === T.SLASH || la === T.PERCENT) && prec <= 2) next = 3;
          else if ((la === T.PLUS || la === T.MINUS) && prec <= 1) next = 2;
          else break;
          const op = this.consumeOp();
          const opId = this.id(op);
          const right = this.invoke(follow, () => this.calc(next));
          left = this.globalCall(opId, OPERATORS[op.text], [left, right]);
        }
        return left;
      }, () => this.unspecified());
  }

  private consumeOp(): Token {
    const t = this.lt();
    this.match(t.type, 'op', EXPR_FIRST);
    return t;
  }

  private unary(): Expr {
    return this.guarded(() => {
      this.syncBlock('unary', set(F_EXPR));
      const la = this.la();
      if (la === T.EXCLAM) return this.prefixOps(T.EXCLAM, '!_');
      if (la === T.MINUS) {
        const la2 = this.la(2);
        if (la2 === T.NUM_INT || la2 === T.NUM_FLOAT) return this.invoke(END, () => this.member());
        if (!F_PRIMARY.includes(la2 as never)) throw this.noViable('unary', this.pos, this.indexOf(2));
        return this.prefixOps(T.MINUS, '-_');
      }
      if (!F_PRIMARY.includes(la as never)) throw this.noViable('unary', this.pos, this.pos);
      return this.invoke(END, () => this.member());
    }, () => this.unspecified());
  }

  /** `!`+ member or `-`+ member; an even number of operators cancels out. */
  private prefixOps(op: number, fn: string): Expr {
    const loopBack = set([op, ...F_PRIMARY]);
    const ops: Token[] = [this.match(op, 'unary.op', loopBack)];
    for (;;) {
      this.syncLoopBack(loopBack);
      if (op === T.EXCLAM) {
        if (this.la() !== T.EXCLAM) break;
      } else {
        // a '-' before a number literal is taken as another operator (ANTLR picks the first alternative)
        if (this.la() !== T.MINUS) {
          if (!F_PRIMARY.includes(this.la() as never)) throw this.noViable('unary.loop', this.pos, this.pos);
          break;
        }
        if (!F_PRIMARY.includes(this.la(2) as never)) throw this.noViable('unary.loop', this.pos, this.indexOf(2));
      }
      ops.push(this.match(op, 'unary.op', loopBack));
    }
    const opId = ops.length % 2 === 1 ? this.id(ops[0]) : undefined;
    const target = this.invoke(END, () => this.member());
    return opId === undefined ? target : this.globalCall(opId, fn, [target]);
  }

  private member(): Expr {
    const saved = this.memberDepth;
    try {
      return this.guarded(() => {
        let operand = this.invoke(AFTER_MEMBER, () => this.primary());
        for (;;) {
          const la = this.la();
          if (la !== T.DOT && la !== T.LBRACKET) return operand;
          // the visitor recurses once per chained operation
          if (++this.memberDepth > MAX_RECURSION_DEPTH) {
            this.internalIssues.push('max recursion depth exceeded');
            throw new ParseAbort();
          }
          if (la === T.LBRACKET) operand = this.index(operand);
          else {
            const la2 = this.la(2);
            if (la2 === T.IDENTIFIER && this.la(3) === T.LPAREN) operand = this.memberCall(operand);
            else if (la2 === T.IDENTIFIER || la2 === T.QUESTIONMARK || la2 === T.ESC_IDENTIFIER) operand = this.select(operand);
            else throw this.noViable('member', this.pos, this.indexOf(2));
          }
        }
      }, () => this.unspecified());
    } finally {
      this.memberDepth = saved;
    }
  }

  private select(operand: Expr): Expr {
    const dot = this.match(T.DOT, 'select.dot', set(F_OPTFIELD));
    this.syncBlock('select.opt', set(F_OPTFIELD));
    const opt = this.la() === T.QUESTIONMARK;
    if (opt) this.match(T.QUESTIONMARK, 'select.q', set(F_ESCIDENT));
    const idTok = this.invoke(AFTER_MEMBER, () => this.escapeIdent());
    if (!idTok) return this.unspecified(dot);
    const field = this.identText(idTok);
    if (opt) {
      if (!this.opts.optionals) return this.error(dot.start, "unsupported syntax '.?'");
      const lit = this.node('literal', this.id(idTok), { value: field });
      return this.globalCall(this.id(dot), '_?._', [operand, lit]);
    }
    return this.node('select', this.id(dot), { operand, field, testOnly: false });
  }

  private memberCall(operand: Expr): Expr {
    this.match(T.DOT, 'call.dot', set([T.IDENTIFIER]));
    const name = this.match(T.IDENTIFIER, 'call.id', set([T.LPAREN]));
    const open = this.match(T.LPAREN, 'call.open', set([T.RPAREN, ...F_EXPR]));
    const opId = this.id(open);
    const args = this.callArgs('call.args');
    this.match(T.RPAREN, 'call.close', AFTER_MEMBER);
    return this.receiverCall(opId, name.text, operand, args);
  }

  private callArgs(state: string): Expr[] {
    this.syncBlock(state, set([T.RPAREN, ...F_EXPR]));
    return F_EXPR.includes(this.la() as never) ? this.invoke(set([T.RPAREN]), () => this.exprList()) : [];
  }

  private index(operand: Expr): Expr {
    const open = this.match(T.LBRACKET, 'index.open', set(F_OPTEXPR));
    const opId = this.id(open);
    this.syncBlock('index.opt', set(F_OPTEXPR));
    const opt = this.la() === T.QUESTIONMARK;
    if (opt) this.match(T.QUESTIONMARK, 'index.q', EXPR_FIRST);
    const idx = this.invoke(set([T.RPRACKET]), () => this.expr());
    this.match(T.RPRACKET, 'index.close', AFTER_MEMBER);
    if (opt && !this.opts.optionals) return this.error(open.start, "unsupported syntax '[?'");
    return this.globalCall(opId, opt ? '_[?_]' : '_[_]', [operand, idx]);
  }

  /** ANTLR's prediction for primary: identifier, call, nested, list, map, message or literal. */
  private predictPrimary(): string {
    const la = this.la();
    let i = 1;
    if (la === T.DOT) i = 2;
    else if (la === T.LPAREN) return 'nested';
    else if (la === T.LBRACKET) return 'list';
    else if (la === T.LBRACE) return 'map';
    else if (LITERAL_FIRST.includes(la as never)) {
      if (la === T.MINUS && this.la(2) !== T.NUM_INT && this.la(2) !== T.NUM_FLOAT) throw this.noViable('primary', this.pos, this.indexOf(2));
      return 'literal';
    } else if (la !== T.IDENTIFIER) throw this.noViable('primary', this.pos, this.pos);
    if (this.la(i) !== T.IDENTIFIER) throw this.noViable('primary', this.pos, this.indexOf(i));
    if (this.la(i + 1) === T.LPAREN) return 'call';
    let j = i + 1;
    while (this.la(j) === T.DOT && this.la(j + 1) === T.IDENTIFIER) j += 2;
    return this.la(j) === T.LBRACE ? 'message' : 'ident';
  }

  private primary(): Expr {
    return this.guarded(() => {
      this.syncBlock('primary', set(F_PRIMARY));
      const startTok = this.lt();
      switch (this.predictPrimary()) {
        case 'ident':
        case 'call': {
          const dot = this.la() === T.DOT ? this.match(T.DOT, 'primary.dot', set([T.IDENTIFIER])) : undefined;
          const isCall = this.la(2) === T.LPAREN;
          const idTok = this.match(T.IDENTIFIER, 'primary.id', isCall ? set([T.LPAREN]) : END);
          const name = (dot ? '.' : '') + idTok.text;
          if (!isCall) {
            if (RESERVED.has(idTok.text)) return this.error(startTok.start, `reserved identifier: ${idTok.text}`);
            return this.node('ident', this.id(idTok), { name });
          }
          const open = this.match(T.LPAREN, 'primary.open', set([T.RPAREN, ...F_EXPR]));
          const args = this.callArgs('primary.args');
          this.match(T.RPAREN, 'primary.close', END);
          if (RESERVED.has(idTok.text)) return this.error(startTok.start, `reserved identifier: ${idTok.text}`);
          return this.globalCall(this.id(open), name, args);
        }
        case 'nested': {
          this.match(T.LPAREN, 'nested.open', EXPR_FIRST);
          const e = this.invoke(set([T.RPAREN]), () => this.expr());
          this.match(T.RPAREN, 'nested.close', END);
          return e;
        }
        case 'list':
          return this.createList();
        case 'map':
          return this.createMap();
        case 'message':
          return this.createMessage();
        default:
          return this.invoke(END, () => this.literal());
      }
    }, () => this.unspecified());
  }

  private createList(): Expr {
    const open = this.match(T.LBRACKET, 'list.open', set([...F_OPTEXPR, T.COMMA, T.RPRACKET]));
    const id = this.id(open);
    const elements: Expr[] = [];
    const optionalIndices: number[] = [];
    this.syncBlock('list.elems', set([...F_OPTEXPR, T.COMMA, T.RPRACKET]));
    if (F_OPTEXPR.includes(this.la() as never)) {
      this.invoke(set([T.COMMA, T.RPRACKET]), () =>
        this.guarded(() => {
          const follow = set([T.COMMA], true);
          for (;;) {
            const [opt, e] = this.invoke(follow, () => this.optExpr());
            if (opt) optionalIndices.push(elements.length);
            elements.push(e);
            if (!(this.la() === T.COMMA && F_OPTEXPR.includes(this.la(2) as never))) break;
            this.match(T.COMMA, 'listInit.comma', set(F_OPTEXPR));
          }
        }, () => undefined),
      );
    }
    this.trailingComma('list.comma', T.RPRACKET);
    this.match(T.RPRACKET, 'list.close', END);
    if (optionalIndices.length && !this.opts.optionals) return this.error(open.start, "unsupported syntax '?'");
    return this.node('list', id, { elements, optionalIndices });
  }

  private trailingComma(state: string, close: number): void {
    this.syncBlock(state, set([T.COMMA, close]));
    if (this.la() === T.COMMA) this.match(T.COMMA, state, set([close]));
  }

  private createMap(): Expr {
    const open = this.match(T.LBRACE, 'map.open', set([...F_OPTEXPR, T.COMMA, T.RBRACE]));
    const id = this.id(open);
    const entries: MapEntry[] = [];
    this.syncBlock('map.entries', set([...F_OPTEXPR, T.COMMA, T.RBRACE]));
    if (F_OPTEXPR.includes(this.la() as never)) {
      this.invoke(set([T.COMMA, T.RBRACE]), () =>
        this.guarded(() => {
          for (;;) {
            const [optional, key] = this.invoke(set([T.COLON]), () => this.optExpr());
            const col = this.match(T.COLON, 'mapInit.colon', EXPR_FIRST);
            const colId = this.id(col);
            const value = this.invoke(set([T.COMMA], true), () => this.expr());
            if (optional && !this.opts.optionals) this.error(col.start, "unsupported syntax '?'");
            else entries.push({ id: colId, key, value, optional });
            if (!(this.la() === T.COMMA && F_OPTEXPR.includes(this.la(2) as never))) break;
            this.match(T.COMMA, 'mapInit.comma', set(F_OPTEXPR));
          }
        }, () => undefined),
      );
    }
    this.trailingComma('map.comma', T.RBRACE);
    this.match(T.RBRACE, 'map.close', END);
    return this.node('map', id, { entries });
  }

  private createMessage(): Expr {
    const parts: string[] = [];
    const lead = this.la() === T.DOT;
    if (lead) this.match(T.DOT, 'msg.dot', set([T.IDENTIFIER]));
    parts.push(this.match(T.IDENTIFIER, 'msg.id', set([T.DOT, T.LBRACE])).text);
    const loop = set([T.DOT, T.LBRACE]);
    this.syncBlock('msg.loop', loop);
    while (this.la() === T.DOT) {
      this.match(T.DOT, 'msg.dot2', set([T.IDENTIFIER]));
      parts.push(this.match(T.IDENTIFIER, 'msg.id2', loop).text);
      this.syncLoopBack(loop);
    }
    const open = this.match(T.LBRACE, 'msg.open', set([...F_OPTFIELD, T.COMMA, T.RBRACE]));
    const id = this.id(open);
    const fields: StructField[] = [];
    this.syncBlock('msg.fields', set([...F_OPTFIELD, T.COMMA, T.RBRACE]));
    if (F_OPTFIELD.includes(this.la() as never)) {
      this.invoke(set([T.COMMA, T.RBRACE]), () =>
        this.guarded(() => {
          for (;;) {
            const [optional, nameTok] = this.invoke(set([T.COLON]), () => this.optField());
            const col = this.match(T.COLON, 'fieldInit.colon', EXPR_FIRST);
            const colId = this.id(col);
            const value = this.invoke(set([T.COMMA], true), () => this.expr());
            if (optional && !this.opts.optionals) this.error(col.start, "unsupported syntax '?'");
            else if (nameTok) fields.push({ id: colId, name: this.identText(nameTok), value, optional });
            if (!(this.la() === T.COMMA && F_OPTFIELD.includes(this.la(2) as never))) break;
            this.match(T.COMMA, 'fieldInit.comma', set(F_OPTFIELD));
          }
        }, () => undefined),
      );
    }
    this.trailingComma('msg.comma', T.RBRACE);
    this.match(T.RBRACE, 'msg.close', END);
    return this.node('struct', id, { typeName: (lead ? '.' : '') + parts.join('.'), fields });
  }

  private optField(): [boolean, Token | undefined] {
    return this.guarded((): [boolean, Token | undefined] => {
      this.syncBlock('optField', set(F_OPTFIELD));
      const opt = this.la() === T.QUESTIONMARK;
      if (opt) this.match(T.QUESTIONMARK, 'optField.q', set(F_ESCIDENT));
      return [opt, this.invoke(END, () => this.escapeIdent())];
    }, () => [false, undefined]);
  }

  private optExpr(): [boolean, Expr] {
    return this.guarded((): [boolean, Expr] => {
      this.syncBlock('optExpr', set(F_OPTEXPR));
      const opt = this.la() === T.QUESTIONMARK;
      if (opt) this.match(T.QUESTIONMARK, 'optExpr.q', EXPR_FIRST);
      return [opt, this.invoke(END, () => this.expr())];
    }, () => [false, this.unspecified()]);
  }

  private escapeIdent(): Token | undefined {
    return this.guarded((): Token | undefined => {
      this.syncBlock('escapeIdent', set(F_ESCIDENT));
      const la = this.la();
      if (la === T.IDENTIFIER || la === T.ESC_IDENTIFIER) return this.match(la, 'escapeIdent', END);
      throw this.noViable('escapeIdent', this.pos, this.pos);
    }, () => undefined);
  }

  /** The field name an identifier token stands for (backquoted names only when enabled). */
  private identText(tok: Token): string {
    if (tok.type !== T.ESC_IDENTIFIER) return tok.text;
    if (!this.opts.identEscapes) {
      this.error(tok.start, "unsupported syntax: '`'");
      return '';
    }
    return tok.text.slice(1, -1);
  }

  private exprList(): Expr[] {
    return this.guarded(() => {
      const follow = set([T.COMMA], true);
      const out = [this.invoke(follow, () => this.expr())];
      while (this.la() === T.COMMA) {
        this.match(T.COMMA, 'exprList.comma', EXPR_FIRST);
        out.push(this.invoke(follow, () => this.expr()));
      }
      return out;
    }, () => []);
  }

  private literal(): Expr {
    return this.guarded(() => {
      this.syncBlock('literal', set(LITERAL_FIRST));
      const first = this.lt();
      let negative = false;
      if (this.la() === T.MINUS) {
        const la2 = this.la(2);
        if (la2 !== T.NUM_INT && la2 !== T.NUM_FLOAT) throw this.noViable('literal', this.pos, this.indexOf(2));
        this.match(T.MINUS, 'literal.sign', set([la2]));
        negative = true;
      }
      const tok = this.lt();
      this.match(tok.type, 'literal', END);
      const lit = (value: Literal) => this.node('literal', this.id(first), { value });
      switch (tok.type) {
        case T.NUM_INT: {
          const v = parseIntLiteral(tok.text, negative);
          return v === undefined ? this.error(first.start, 'invalid int literal') : lit(v);
        }
        case T.NUM_UINT: {
          const v = parseUintLiteral(tok.text);
          return v === undefined ? this.error(first.start, 'invalid uint literal') : lit(v);
        }
        case T.NUM_FLOAT: {
          const v = parseDoubleLiteral(tok.text, negative);
          return v === undefined ? this.error(first.start, 'invalid double literal') : lit(v);
        }
        case T.STRING:
        case T.BYTES:
          try {
            const bytes = tok.type === T.BYTES;
            const data = unescapeLiteral(bytes ? tok.text.slice(1) : tok.text, bytes);
            return lit(bytes ? data : decodeUtf8(data));
          } catch (e) {
            return this.error(first.start, (e as Error).message);
          }
        case T.CEL_TRUE:
          return lit(true);
        case T.CEL_FALSE:
          return lit(false);
        case T.NUL:
          return lit(null);
      }
      throw this.noViable('literal', this.pos, this.pos);
    }, () => this.unspecified());
  }

  private globalCall(id: number, fn: string, args: Expr[]): Expr {
    return this.expandMacro(id, fn, undefined, args) ?? this.node('call', id, { fn, args });
  }

  private receiverCall(id: number, fn: string, target: Expr, args: Expr[]): Expr {
    return this.expandMacro(id, fn, target, args) ?? this.node('call', id, { fn, target, args });
  }

  private expandMacro(id: number, fn: string, target: Expr | undefined, args: Expr[]): Expr | undefined {
    const expander = this.macros.get(`${fn}/${args.length}/${target !== undefined}`);
    if (!expander) return undefined;
    const at = this.info.offsetOf(id);
    const out = expander(new MacroFactory(() => this.info.newId(at)), target, args);
    this.info.deleteId(id);
    if (out instanceof MacroError) return this.error(this.info.offsetOf(out.exprId), out.message);
    return out;
  }
}

/** Parses an expression; issues hold syntax and macro errors in cel-go's wording. */
export function parse(source: Source, opts: ParseOptions): ParseResult {
  const { tokens, errors } = tokenize(source);
  const p = new CelParser(source, tokens, opts);
  const issues: CelIssue[] = [];
  let expr: Expr = { kind: 'unspecified', id: 0 };
  if (source.codePoints.length > MAX_CODE_POINTS) {
    issues.push({
      location: { line: -1, column: -1 },
      message: `expression code point size exceeds limit: size: ${source.codePoints.length}, limit ${MAX_CODE_POINTS}`,
    });
    return { expr, info: p.info, issues };
  }
  try {
    expr = p.start();
  } catch (e) {
    if (!(e instanceof ParseAbort)) throw e;
  }
  for (const e of errors) issues.push({ location: source.locationOf(e.offset), message: `Syntax error: ${e.message}` });
  for (const e of p.syntaxIssues) issues.push({ location: source.locationOf(e.offset), message: `Syntax error: ${e.message}` });
  for (const m of p.internalIssues) issues.push({ location: { line: -1, column: -1 }, message: m });
  issues.push(...p.issues);
  return { expr, info: p.info, issues };
}
