// The jq subset kwok's stage selectors and `expressionFrom` use: paths (.a.b, .a["k"], .[], .[0]), pipes,
// select(…), comparisons, and/or/not, literals and a few builtins (length, has, keys, type, tostring).

type Node =
  | { t: 'identity' }
  | { t: 'lit'; v: unknown }
  | { t: 'key'; of: Node; key: Node; optional: boolean }
  | { t: 'iter'; of: Node; optional: boolean }
  | { t: 'pipe'; l: Node; r: Node }
  | { t: 'comma'; l: Node; r: Node }
  | { t: 'bin'; op: string; l: Node; r: Node }
  | { t: 'call'; name: string; args: Node[] };

export class JqError extends Error {}

const BUILTINS: Record<string, number> = { select: 1, not: 0, length: 0, has: 1, keys: 0, type: 0, tostring: 0, tonumber: 0, empty: 0, first: 0, last: 0, ascii_downcase: 0, ascii_upcase: 0, startswith: 1, endswith: 1, test: 1 };

/** A compiled jq expression; `run` gives every output, or undefined when jq would stop with an error (as kwok treats it). */
export class JqQuery {
  private constructor(private readonly root: Node) {}

  static parse(src: string): JqQuery {
    return new JqQuery(new Parser(src).parseAll());
  }

  run(input: unknown): unknown[] | undefined {
    try {
      return evaluate(this.root, input === undefined ? null : input);
    } catch (e) {
      if (e instanceof JqError) return undefined;
      throw e;
    }
  }
}

class Parser {
  private i = 0;
  constructor(private readonly s: string) {}

  parseAll(): Node {
    const n = this.pipe();
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected token ${JSON.stringify(this.s.slice(this.i, this.i + 10))}`);
    return n;
  }

  private fail(msg: string): never {
    throw new JqError(`${msg} at column ${this.i + 1}`);
  }

  private ws(): void {
    while (/\s/.test(this.s[this.i] ?? '')) this.i++;
  }

  private eat(tok: string): boolean {
    this.ws();
    if (this.s.startsWith(tok, this.i)) {
      // a word ends at a non-word character: `or` is not the start of `order`
      if (/^[a-z]+$/.test(tok) && /[A-Za-z0-9_]/.test(this.s[this.i + tok.length] ?? '')) return false;
      this.i += tok.length;
      return true;
    }
    return false;
  }

  private pipe(): Node {
    let l = this.comma();
    while (this.eat('|')) l = { t: 'pipe', l, r: this.comma() };
    return l;
  }

  private comma(): Node {
    let l = this.or();
    while (this.eat(',')) l = { t: 'comma', l, r: this.or() };
    return l;
  }

  private or(): Node {
    let l = this.and();
    while (this.eat('or')) l = { t: 'bin', op: 'or', l, r: this.and() };
    return l;
  }

  private and(): Node {
    let l = this.cmp();
    while (this.eat('and')) l = { t: 'bin', op: 'and', l, r: this.cmp() };
    return l;
  }

  private cmp(): Node {
    const l = this.postfix();
    for (const op of ['==', '!=', '<=', '>=', '<', '>']) if (this.eat(op)) return { t: 'bin', op, l, r: this.postfix() };
    return l;
  }

  private string(): string {
    const m = /^"(\\.|[^"\\])*"/.exec(this.s.slice(this.i));
    if (!m) this.fail('unterminated string');
    this.i += m[0].length;
    return JSON.parse(m[0]) as string;
  }

  private bracket(of: Node): Node {
    this.ws();
    if (this.eat(']')) return { t: 'iter', of, optional: this.eat('?') };
    const key = this.pipe();
    if (!this.eat(']')) this.fail('expected ]');
    return { t: 'key', of, key, optional: this.eat('?') };
  }

  private postfix(): Node {
    let n = this.term();
    for (;;) {
      this.ws();
      const c = this.s[this.i];
      if (c === '[') {
        this.i++;
        n = this.bracket(n);
      } else if (c === '.' && this.s[this.i + 1] !== '.') {
        this.i++;
        n = this.afterDot(n);
      } else return n;
    }
  }

  /** What follows a `.`: a name, a "string", a [..], or nothing (identity). */
  private afterDot(of: Node): Node {
    const c = this.s[this.i];
    if (c === '[') {
      this.i++;
      return this.bracket(of);
    }
    if (c === '"') return { t: 'key', of, key: { t: 'lit', v: this.string() }, optional: this.eat('?') };
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!m) return of;
    this.i += m[0].length;
    return { t: 'key', of, key: { t: 'lit', v: m[0] }, optional: this.eat('?') };
  }

  private term(): Node {
    this.ws();
    const c = this.s[this.i];
    if (c === '.') {
      this.i++;
      return this.afterDot({ t: 'identity' });
    }
    if (c === '"') return { t: 'lit', v: this.string() };
    if (c === '(') {
      this.i++;
      const n = this.pipe();
      if (!this.eat(')')) this.fail('expected )');
      return n;
    }
    const num = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.s.slice(this.i));
    if (num) {
      this.i += num[0].length;
      return { t: 'lit', v: Number(num[0]) };
    }
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.s.slice(this.i));
    if (!word) this.fail(c === undefined ? 'unexpected end of expression' : `unexpected ${JSON.stringify(c)}`);
    this.i += word[0].length;
    const name = word[0];
    if (name === 'true' || name === 'false') return { t: 'lit', v: name === 'true' };
    if (name === 'null') return { t: 'lit', v: null };
    if (!(name in BUILTINS)) this.fail(`function not defined: ${name}/0 (minikapi supports ${Object.keys(BUILTINS).join(', ')})`);
    const args: Node[] = [];
    if (this.eat('(')) {
      do args.push(this.pipe());
      while (this.eat(';'));
      if (!this.eat(')')) this.fail('expected )');
    }
    if (args.length !== BUILTINS[name]) this.fail(`function not defined: ${name}/${args.length}`);
    return { t: 'call', name, args };
  }
}

const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'object' ? 'object' : typeof v);
const truthy = (v: unknown) => v !== null && v !== false && v !== undefined;

function order(v: unknown): number {
  return ['null', 'boolean', 'number', 'string', 'array', 'object'].indexOf(typeName(v));
}

function cmp(a: unknown, b: unknown): number {
  const d = order(a) - order(b);
  if (d) return d;
  if (typeof a === 'number' || typeof a === 'string' || typeof a === 'boolean') return a === b ? 0 : (a as number) < (b as number) ? -1 : 1;
  return JSON.stringify(a) === JSON.stringify(b) ? 0 : JSON.stringify(a) < JSON.stringify(b) ? -1 : 1;
}

function evaluate(n: Node, input: unknown): unknown[] {
  switch (n.t) {
    case 'identity':
      return [input];
    case 'lit':
      return [n.v];
    case 'pipe':
      return evaluate(n.l, input).flatMap((v) => evaluate(n.r, v));
    case 'comma':
      return [...evaluate(n.l, input), ...evaluate(n.r, input)];
    case 'key':
      return evaluate(n.of, input).flatMap((v) =>
        evaluate(n.key, input).flatMap((k) => {
          if (v === null) return [null];
          if (typeof k === 'string' && typeof v === 'object' && !Array.isArray(v)) return [Object.hasOwn(v as object, k) ? (v as Record<string, unknown>)[k] : null];
          if (typeof k === 'number' && Array.isArray(v)) return [v[k < 0 ? v.length + k : k] ?? null];
          if (n.optional) return [];
          throw new JqError(`cannot index ${typeName(v)} with ${typeName(k)}`);
        }),
      );
    case 'iter':
      return evaluate(n.of, input).flatMap((v) => {
        if (Array.isArray(v)) return v;
        if (v && typeof v === 'object') return Object.values(v);
        if (n.optional) return [];
        throw new JqError(`cannot iterate over ${typeName(v)}`);
      });
    case 'bin': {
      if (n.op === 'and' || n.op === 'or') {
        return evaluate(n.l, input).flatMap((l) => {
          if (n.op === 'and' ? !truthy(l) : truthy(l)) return [n.op === 'or'];
          return evaluate(n.r, input).map(truthy);
        });
      }
      return evaluate(n.r, input).flatMap((r) =>
        evaluate(n.l, input).map((l) => {
          const c = cmp(l, r);
          return { '==': c === 0, '!=': c !== 0, '<': c < 0, '<=': c <= 0, '>': c > 0, '>=': c >= 0 }[n.op];
        }),
      );
    }
    case 'call':
      return call(n.name, n.args, input);
  }
}

function call(name: string, args: Node[], input: unknown): unknown[] {
  switch (name) {
    case 'select':
      return evaluate(args[0], input).some(truthy) ? [input] : [];
    case 'not':
      return [!truthy(input)];
    case 'empty':
      return [];
    case 'length':
      if (input === null) return [0];
      if (typeof input === 'string' || Array.isArray(input)) return [input.length];
      if (typeof input === 'object') return [Object.keys(input as object).length];
      if (typeof input === 'number') return [Math.abs(input)];
      throw new JqError(`${typeName(input)} has no length`);
    case 'has':
      return evaluate(args[0], input).map((k) => {
        if (Array.isArray(input) && typeof k === 'number') return k >= 0 && k < input.length;
        if (input && typeof input === 'object' && typeof k === 'string') return Object.hasOwn(input, k);
        throw new JqError(`cannot check whether ${typeName(input)} has a ${typeName(k)} key`);
      });
    case 'keys':
      if (Array.isArray(input)) return [input.map((_, i) => i)];
      if (input && typeof input === 'object') return [Object.keys(input).sort()];
      throw new JqError(`${typeName(input)} has no keys`);
    case 'type':
      return [typeName(input)];
    case 'tostring':
      return [typeof input === 'string' ? input : JSON.stringify(input)];
    case 'tonumber':
      if (typeof input === 'number') return [input];
      if (typeof input === 'string' && input.trim() !== '' && !Number.isNaN(Number(input))) return [Number(input)];
      throw new JqError(`cannot parse ${JSON.stringify(input)} as a number`);
    case 'first':
    case 'last':
      if (!Array.isArray(input)) throw new JqError(`cannot index ${typeName(input)} with number`);
      return [(name === 'first' ? input[0] : input[input.length - 1]) ?? null];
    case 'ascii_downcase':
    case 'ascii_upcase':
      if (typeof input !== 'string') throw new JqError(`${typeName(input)} cannot be case-converted`);
      return [name === 'ascii_downcase' ? input.toLowerCase() : input.toUpperCase()];
    default: {
      if (typeof input !== 'string') throw new JqError(`${name} requires string inputs`);
      return evaluate(args[0], input).map((a) => (name === 'startswith' ? input.startsWith(String(a)) : name === 'endswith' ? input.endsWith(String(a)) : new RegExp(String(a)).test(input)));
    }
  }
}
