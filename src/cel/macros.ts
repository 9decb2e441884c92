// Macro expansion (standard CEL macros, optMap/optFlatMap, two-variable comprehensions) as cel-go expands them.
import { ACCUMULATOR, LEGACY_ACCUMULATOR, type Expr, type Literal } from './ast.js';

/** Builds nodes located at the macro call. */
export class MacroFactory {
  constructor(private readonly nextId: () => number) {}

  literal(value: Literal): Expr {
    return { kind: 'literal', id: this.nextId(), value };
  }
  ident(name: string): Expr {
    return { kind: 'ident', id: this.nextId(), name };
  }
  accu(): Expr {
    return this.ident(ACCUMULATOR);
  }
  call(fn: string, ...args: Expr[]): Expr {
    return { kind: 'call', id: this.nextId(), fn, args };
  }
  member(fn: string, target: Expr, ...args: Expr[]): Expr {
    return { kind: 'call', id: this.nextId(), fn, target, args };
  }
  list(...elements: Expr[]): Expr {
    return { kind: 'list', id: this.nextId(), elements, optionalIndices: [] };
  }
  map(): Expr {
    return { kind: 'map', id: this.nextId(), entries: [] };
  }
  presence(operand: Expr, field: string): Expr {
    return { kind: 'select', id: this.nextId(), operand, field, testOnly: true };
  }
  fold(iterRange: Expr, iterVar: string, iterVar2: string | undefined, accuVar: string, accuInit: Expr, loopCondition: Expr, loopStep: Expr, result: Expr): Expr {
    return { kind: 'comprehension', id: this.nextId(), iterRange, iterVar, iterVar2, accuVar, accuInit, loopCondition, loopStep, result };
  }
  copy(e: Expr): Expr {
    const id = this.nextId();
    switch (e.kind) {
      case 'literal':
      case 'ident':
      case 'unspecified':
        return { ...e, id };
      case 'select':
        return { ...e, id, operand: this.copy(e.operand) };
      case 'call':
        return { ...e, id, target: e.target && this.copy(e.target), args: e.args.map((a) => this.copy(a)) };
      case 'list':
        return { ...e, id, elements: e.elements.map((a) => this.copy(a)) };
      case 'map':
        return { ...e, id, entries: e.entries.map((en) => ({ ...en, id: this.nextId(), key: this.copy(en.key), value: this.copy(en.value) })) };
      case 'struct':
        return { ...e, id, fields: e.fields.map((f) => ({ ...f, id: this.nextId(), value: this.copy(f.value) })) };
      case 'comprehension':
        return {
          ...e,
          id,
          iterRange: this.copy(e.iterRange),
          accuInit: this.copy(e.accuInit),
          loopCondition: this.copy(e.loopCondition),
          loopStep: this.copy(e.loopStep),
          result: this.copy(e.result),
        };
    }
  }
}

export class MacroError {
  constructor(readonly exprId: number, readonly message: string) {}
}

type Expander = (f: MacroFactory, target: Expr | undefined, args: Expr[]) => Expr | MacroError;

const identName = (e: Expr) => (e.kind === 'ident' ? e.name : undefined);
const overwritesAccu = (v: string) => v === ACCUMULATOR || v === LEGACY_ACCUMULATOR;

function quantifier(kind: 'all' | 'exists' | 'existsOne'): Expander {
  return (f, target, args) => {
    const v = identName(args[0]);
    if (v === undefined) return new MacroError(args[0].id, 'argument must be a simple name');
    if (overwritesAccu(v)) return new MacroError(args[0].id, 'iteration variable overwrites accumulator variable');
    return foldQuantifier(f, kind, target!, v, undefined, args[1]);
  };
}

function foldQuantifier(f: MacroFactory, kind: 'all' | 'exists' | 'existsOne', target: Expr, v: string, v2: string | undefined, pred: Expr): Expr {
  switch (kind) {
    case 'all':
      return f.fold(target, v, v2, ACCUMULATOR, f.literal(true), f.call('@not_strictly_false', f.accu()), f.call('_&&_', f.accu(), pred), f.accu());
    case 'exists':
      return f.fold(target, v, v2, ACCUMULATOR, f.literal(false), f.call('@not_strictly_false', f.call('!_', f.accu())), f.call('_||_', f.accu(), pred), f.accu());
    case 'existsOne':
      return f.fold(
        target, v, v2, ACCUMULATOR, f.literal(0n), f.literal(true),
        f.call('_?_:_', pred, f.call('_+_', f.accu(), f.literal(1n)), f.accu()),
        f.call('_==_', f.accu(), f.literal(1n)),
      );
  }
}

const mapMacro: Expander = (f, target, args) => {
  const v = identName(args[0]);
  if (v === undefined) return new MacroError(args[0].id, 'argument is not an identifier');
  if (overwritesAccu(v)) return new MacroError(args[0].id, 'iteration variable overwrites accumulator variable');
  const [filter, fn] = args.length === 3 ? [args[1], args[2]] : [undefined, args[1]];
  let step = f.call('_+_', f.accu(), f.list(fn));
  if (filter) step = f.call('_?_:_', filter, step, f.accu());
  return f.fold(target!, v, undefined, ACCUMULATOR, f.list(), f.literal(true), step, f.accu());
};

const filterMacro: Expander = (f, target, args) => {
  const v = identName(args[0]);
  if (v === undefined) return new MacroError(args[0].id, 'argument is not an identifier');
  if (overwritesAccu(v)) return new MacroError(args[0].id, 'iteration variable overwrites accumulator variable');
  const step = f.call('_?_:_', args[1], f.call('_+_', f.accu(), f.list(args[0])), f.accu());
  return f.fold(target!, v, undefined, ACCUMULATOR, f.list(), f.literal(true), step, f.accu());
};

const hasMacro: Expander = (f, _target, args) => {
  const a = args[0];
  if (a.kind === 'select') return f.presence(a.operand, a.field);
  return new MacroError(a.id, 'invalid argument to has() macro');
};

function optMapMacro(flat: boolean): Expander {
  const name = flat ? 'optFlatMap' : 'optMap';
  return (f, target, args) => {
    const v = identName(args[0]);
    if (v === undefined) return new MacroError(args[0].id, `${name}() variable name must be a simple identifier`);
    const t = target!;
    const hasValue = f.member('hasValue', t);
    const fold = f.fold(f.list(), '#unused', undefined, v, f.member('value', f.copy(t)), f.literal(false), f.ident(v), args[1]);
    return f.call('_?_:_', hasValue, flat ? fold : f.call('optional.of', fold), f.call('optional.none'));
  };
}

function twoVars(args: Expr[]): [string, string] | MacroError {
  const v1 = identName(args[0]);
  if (v1 === undefined) return new MacroError(args[0].id, 'argument must be a simple name');
  const v2 = identName(args[1]);
  if (v2 === undefined) return new MacroError(args[1].id, 'argument must be a simple name');
  if (v1 === v2) return new MacroError(args[1].id, `duplicate variable name: ${v1}`);
  if (overwritesAccu(v1)) return new MacroError(args[0].id, 'iteration variable overwrites accumulator variable');
  if (overwritesAccu(v2)) return new MacroError(args[1].id, 'iteration variable overwrites accumulator variable');
  return [v1, v2];
}

function quantifier2(kind: 'all' | 'exists' | 'existsOne'): Expander {
  return (f, target, args) => {
    const vars = twoVars(args);
    if (vars instanceof MacroError) return vars;
    return foldQuantifier(f, kind, target!, vars[0], vars[1], args[2]);
  };
}

function transform(kind: 'list' | 'map' | 'entry'): Expander {
  return (f, target, args) => {
    const vars = twoVars(args);
    if (vars instanceof MacroError) return vars;
    const [filter, fn] = args.length === 4 ? [args[2], args[3]] : [undefined, args[2]];
    let step =
      kind === 'list'
        ? f.call('_+_', f.accu(), f.list(fn))
        : kind === 'map'
          ? f.call('cel.@mapInsert', f.accu(), f.ident(vars[0]), fn)
          : f.call('cel.@mapInsert', f.accu(), fn);
    if (filter) step = f.call('_?_:_', filter, step, f.accu());
    return f.fold(target!, vars[0], vars[1], ACCUMULATOR, kind === 'list' ? f.list() : f.map(), f.literal(true), step, f.accu());
  };
}

export interface MacroOptions {
  optionals: boolean;
  twoVarComprehensions: boolean;
}

/** Expanders by `name/argCount/receiver`. */
export function macroTable(opts: MacroOptions): Map<string, Expander> {
  const m = new Map<string, Expander>([
    ['has/1/false', hasMacro],
    ['all/2/true', quantifier('all')],
    ['exists/2/true', quantifier('exists')],
    ['exists_one/2/true', quantifier('existsOne')],
    ['existsOne/2/true', quantifier('existsOne')],
    ['map/2/true', mapMacro],
    ['map/3/true', mapMacro],
    ['filter/2/true', filterMacro],
  ]);
  if (opts.optionals) {
    m.set('optMap/2/true', optMapMacro(false));
    m.set('optFlatMap/2/true', optMapMacro(true));
  }
  if (opts.twoVarComprehensions) {
    m.set('all/3/true', quantifier2('all'));
    m.set('exists/3/true', quantifier2('exists'));
    m.set('existsOne/3/true', quantifier2('existsOne'));
    m.set('exists_one/3/true', quantifier2('existsOne'));
    for (const n of [3, 4]) {
      m.set(`transformList/${n}/true`, transform('list'));
      m.set(`transformMap/${n}/true`, transform('map'));
      m.set(`transformMapEntry/${n}/true`, transform('entry'));
    }
  }
  return m;
}
