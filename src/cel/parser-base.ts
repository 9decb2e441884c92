// Token stream and ANTLR's default error strategy (sync, single-token deletion/insertion, recovery sets),
// so that syntax errors read as cel-go reports them.
import { T, tokenTypeName, type Token } from './lexer.js';

/** Tokens that may come next at a point of the grammar; `eps` when the enclosing rule may end there. */
export interface TokSet {
  tokens: ReadonlySet<number>;
  eps: boolean;
}

export const set = (tokens: number[], eps = false): TokSet => ({ tokens: new Set(tokens), eps });
export const union = (a: TokSet, b: TokSet): TokSet => ({ tokens: new Set([...a.tokens, ...b.tokens]), eps: a.eps || b.eps });

export class RecognitionError {
  constructor(
    readonly kind: 'mismatch' | 'noviable',
    readonly state: string,
    readonly offending: number,
    readonly expected: ReadonlySet<number>,
    readonly start = offending,
  ) {}
}

/** Aborts parsing (recovery limits, too many errors); the message is already recorded. */
export class ParseAbort {}

export interface SyntaxIssue {
  offset: number;
  message: string;
}

const ERROR_REPORTING_LIMIT = 100;
const ERROR_RECOVERY_LIMIT = 30;
const LOOKAHEAD_LIMIT = 256;

function quoteWS(s: string): string {
  return `'${s.replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`;
}

export function formatSet(tokens: ReadonlySet<number>): string {
  const sorted = [...tokens].sort((a, b) => a - b).map(tokenTypeName);
  return sorted.length === 1 ? sorted[0] : `{${sorted.join(', ')}}`;
}

export class ParserBase {
  /** Index into `tokens` of the current (visible) token. */
  protected pos = 0;
  /** Follow sets of the rule invocations in progress, innermost last. */
  protected readonly frames: TokSet[] = [];
  readonly syntaxIssues: SyntaxIssue[] = [];
  /** Errors reported without a position (cel-go's internal errors). */
  readonly internalIssues: string[] = [];
  private recovering = false;
  private lastErrorIndex = -1;
  private lastErrorStates = new Set<string>();
  private recoveryAttempts = 0;
  private reports = 0;

  constructor(protected readonly tokens: Token[]) {
    this.skipHidden();
  }

  private skipHidden(): void {
    while (this.tokens[this.pos].hidden) this.pos++;
  }

  protected lt(k = 1): Token {
    let i = this.pos;
    for (let n = 1; n < k && this.tokens[i].type !== T.EOF; n++) {
      i++;
      while (this.tokens[i].hidden) i++;
    }
    return this.tokens[i];
  }

  protected la(k = 1): number {
    return this.lt(k).type;
  }

  protected consume(): Token {
    const t = this.tokens[this.pos];
    if (t.type !== T.EOF) {
      this.pos++;
      this.skipHidden();
    }
    return t;
  }

  protected invoke<R>(follow: TokSet, rule: () => R): R {
    this.frames.push(follow);
    try {
      return rule();
    } finally {
      this.frames.pop();
    }
  }

  /** ANTLR's getExpectedTokens: the local set, widened by callers' follow sets while rules may end. */
  protected expected(local: TokSet): Set<number> {
    const out = new Set(local.tokens);
    let eps = local.eps;
    for (let i = this.frames.length - 1; i >= 0 && eps; i--) {
      this.frames[i].tokens.forEach((t) => out.add(t));
      eps = this.frames[i].eps;
    }
    if (eps) out.add(T.EOF);
    return out;
  }

  private recoverySet(): Set<number> {
    const out = new Set<number>();
    for (const f of this.frames) f.tokens.forEach((t) => out.add(t));
    return out;
  }

  protected notify(offset: number, message: string): void {
    if (this.reports >= ERROR_REPORTING_LIMIT) {
      this.syntaxIssues.push({ offset, message: `More than ${ERROR_REPORTING_LIMIT} syntax errors` });
      throw new ParseAbort();
    }
    this.reports++;
    this.syntaxIssues.push({ offset, message });
  }

  private endErrorCondition(): void {
    this.recovering = false;
    this.lastErrorStates = new Set();
    this.lastErrorIndex = -1;
  }

  private checkAttempts(): void {
    if (this.recoveryAttempts === ERROR_RECOVERY_LIMIT) {
      this.recoveryAttempts++;
      this.notify(this.lt().start, `error recovery attempt limit exceeded: ${ERROR_RECOVERY_LIMIT}`);
      throw new ParseAbort();
    }
    this.recoveryAttempts++;
  }

  private reportUnwanted(expected: Set<number>): void {
    if (this.recovering) return;
    this.recovering = true;
    const t = this.lt();
    this.notify(t.start, `extraneous input ${quoteWS(t.text)} expecting ${formatSet(expected)}`);
  }

  private singleTokenDeletion(local: TokSet): boolean {
    const expected = this.expected(local);
    if (!expected.has(this.la(2))) return false;
    this.reportUnwanted(expected);
    this.consume();
    this.endErrorCondition();
    return true;
  }

  /** Match a token; `after` is what may follow it, for single-token insertion. */
  protected match(type: number, state: string, after: TokSet): Token {
    if (this.la() === type) {
      this.endErrorCondition();
      return this.consume();
    }
    this.checkAttempts();
    if (this.singleTokenDeletion(set([type]))) {
      this.endErrorCondition();
      return this.consume();
    }
    if (this.expected(after).has(this.la())) {
      if (!this.recovering) {
        this.recovering = true;
        const t = this.lt();
        this.notify(t.start, `missing ${formatSet(new Set([type]))} at ${quoteWS(t.text)}`);
      }
      return { ...this.lt(), type, text: `<missing ${tokenTypeName(type)}>` };
    }
    throw new RecognitionError('mismatch', state, this.pos, new Set([type]));
  }

  /** Sync at the start of a block or loop: delete one stray token or fail with "mismatched input". */
  protected syncBlock(state: string, local: TokSet): void {
    if (this.recovering || local.eps || local.tokens.has(this.la())) return;
    if (this.singleTokenDeletion(local)) return;
    throw new RecognitionError('mismatch', state, this.pos, this.expected(local));
  }

  /** Sync at a loop's back edge: report the stray token and skip to something expected. */
  protected syncLoopBack(local: TokSet): void {
    if (this.recovering || local.eps || local.tokens.has(this.la())) return;
    const expected = this.expected(local);
    this.reportUnwanted(expected);
    this.recoverySet().forEach((t) => expected.add(t));
    this.consumeUntil(expected, { n: 0 });
  }

  protected noViable(state: string, start: number, offending: number): RecognitionError {
    return new RecognitionError('noviable', state, offending, new Set(), start);
  }

  /** Index of the k-th visible token from the current one. */
  protected indexOf(k: number): number {
    let i = this.pos;
    for (let n = 1; n < k && this.tokens[i].type !== T.EOF; n++) {
      i++;
      while (this.tokens[i].hidden) i++;
    }
    return i;
  }

  protected reportError(e: RecognitionError): void {
    if (this.recovering) return;
    this.recovering = true;
    const off = this.tokens[e.offending];
    if (e.kind === 'mismatch') {
      this.notify(off.start, `mismatched input ${quoteWS(off.text)} expecting ${formatSet(e.expected)}`);
      return;
    }
    const first = this.tokens[e.start];
    let input = '<EOF>';
    if (first.type !== T.EOF) {
      input = '';
      for (let i = e.start; i <= e.offending && this.tokens[i].type !== T.EOF; i++) input += this.tokens[i].text;
    }
    let msg = `no viable alternative at input ${quoteWS(input)}`;
    // cel-go rewrites this case to keep older messages for reserved words used as field names
    msg = msg.replace(/no viable alternative at input '.(true|false|null)'/, "mismatched input '$1' expecting IDENTIFIER");
    this.notify(off.start, msg);
  }

  protected recover(e: RecognitionError): void {
    this.checkAttempts();
    const budget = { n: 0 };
    if (this.lastErrorIndex === this.pos && this.lastErrorStates.has(e.state)) this.lookaheadConsume(budget);
    this.lastErrorIndex = this.pos;
    this.lastErrorStates.add(e.state);
    this.consumeUntil(this.recoverySet(), budget);
  }

  private lookaheadConsume(budget: { n: number }): void {
    if (budget.n === LOOKAHEAD_LIMIT) {
      this.internalIssues.push(`error recovery token lookahead limit exceeded: ${LOOKAHEAD_LIMIT}`);
      throw new ParseAbort();
    }
    budget.n++;
    this.consume();
  }

  private consumeUntil(stop: Set<number>, budget: { n: number }): void {
    while (this.la() !== T.EOF && !stop.has(this.la())) this.lookaheadConsume(budget);
  }

  /** Runs a rule body; on a recognition error reports it, recovers, and returns the fallback. */
  protected guarded<R>(body: () => R, fallback: () => R): R {
    try {
      return body();
    } catch (e) {
      if (!(e instanceof RecognitionError)) throw e;
      this.reportError(e);
      this.recover(e);
      return fallback();
    }
  }
}
