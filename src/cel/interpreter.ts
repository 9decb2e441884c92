// Tree-walking evaluator following cel-go's planner semantics: attribute chains and qualifiers, strict and
// non-strict calls, lazy comprehension accumulators, optional values, and runtime cost tracking.
import type { Expr } from './ast.js';
import type { Reference } from './checker.js';
import type { FunctionDecl, OverloadDecl } from './decls.js';
import { equals, fitsType, runtimeTypeName } from './runtime.js';
import { goDisplay, qualify } from './qualify.js';
import { CelType } from './types.js';
import { ArrayList, CelError, CelUint, EntriesMap, MutableList, MutableMap, Optional, TypeValue, isList, isMap, type Val } from './values.js';

/** Thrown when the runtime cost exceeds the limit; cel-go cancels evaluation rather than returning an error value. */
export class CostLimitExceeded extends Error {
  constructor() {
    super('operation cancelled: actual cost limit exceeded');
  }
}

export interface Activation {
  /** The value bound to a name, or undefined when unbound. */
  resolve(name: string): Val | undefined;
}

export type CallCoster = (fn: string, overloadId: string, args: Val[], result: Val) => number;

export interface PlannedProgram {
  expr: Expr;
  refs: Map<number, Reference>;
  types: Map<number, CelType>;
  functions: ReadonlyMap<string, FunctionDecl>;
  /** Values precomputed when the program was created (they cost nothing). */
  constants: Map<number, Val>;
}

class Scope implements Activation {
  constructor(private readonly vars: Map<string, () => Val>, private readonly parent: Activation) {}
  resolve(name: string): Val | undefined {
    const f = this.vars.get(name);
    return f ? f() : this.parent.resolve(name);
  }
}


type Qual = { kind: 'field'; name: string; optional: boolean } | { kind: 'index'; expr: Expr; optional: boolean };


export class Evaluator {
  cost = 0;

  constructor(
    private readonly prog: PlannedProgram,
    private readonly limit: number | undefined,
    private readonly callCost: CallCoster,
  ) {}

  private charge(n: number): void {
    if (n === 0) return;
    this.cost += n;
    if (this.limit !== undefined && this.cost > this.limit) throw new CostLimitExceeded();
  }

  eval(e: Expr, act: Activation): Val {
    const constant = this.prog.constants.get(e.id);
    if (constant !== undefined) return constant;
    switch (e.kind) {
      case 'literal':
        return e.value;
      case 'ident':
        return this.attribute(e, act);
      case 'select':
        return e.testOnly ? this.attribute(e.operand, act, e.field) : this.attribute(e, act);
      case 'call':
        return this.call(e, act);
      case 'list':
        return this.list(e, act);
      case 'map':
        return this.map(e, act);
      case 'comprehension':
        return this.fold(e, act);
      case 'struct':
        this.charge(40);
        return new CelError(`unknown type '${e.typeName}'`);
      default:
        return new CelError('unspecified expression');
    }
  }

  /** Splits `root.f[i].?g` into its root expression and qualifiers. */
  private chain(e: Expr): [Expr, Qual[]] {
    const quals: Qual[] = [];
    let cur = e;
    for (;;) {
      if (cur.kind === 'select' && !cur.testOnly) {
        quals.unshift({ kind: 'field', name: cur.field, optional: false });
        cur = cur.operand;
      } else if (cur.kind === 'call' && !cur.target && (cur.fn === '_[_]' || cur.fn === '_[?_]') && this.isIndexOf(cur)) {
        quals.unshift({ kind: 'index', expr: cur.args[1], optional: cur.fn === '_[?_]' });
        cur = cur.args[0];
      } else if (cur.kind === 'call' && !cur.target && cur.fn === '_?._' && cur.args[1].kind === 'literal') {
        quals.unshift({ kind: 'field', name: cur.args[1].value as string, optional: true });
        cur = cur.args[0];
      } else return [cur, quals];
    }
  }

  private isIndexOf(e: Extract<Expr, { kind: 'call' }>): boolean {
    return e.args.length === 2;
  }

  private isAttribute(e: Expr): boolean {
    if (this.prog.constants.has(e.id)) return false;
    if (e.kind === 'ident') return true;
    const [root, quals] = this.chain(e);
    return quals.length > 0 && root.kind === 'ident';
  }

  private attribute(e: Expr, act: Activation, presence?: string, chargeRoot = true): Val {
    const [root, quals] = this.chain(e);
    let v: Val;
    if (root.kind === 'ident') {
      const typeValue = this.prog.refs.get(root.id)?.typeValue;
      if (typeValue && quals.length === 0 && presence === undefined) return new TypeValue(typeValue);
      const r = act.resolve(root.name);
      v = r === undefined ? new CelError(`no such attribute(s): ${root.name}`) : r;
    } else v = this.eval(root, act);
    let optional = false;
    for (const q of quals) {
      if (v instanceof CelError) break;
      if (v instanceof Optional) {
        optional = true;
        if (!v.hasValue()) break;
        v = v.value!;
      }
      const key = q.kind === 'field' ? q.name : this.qualifierKey(q.expr, act);
      this.charge(1);
      if (key instanceof CelError) {
        v = key;
        break;
      }
      optional ||= q.optional;
      v = qualify(v, key, optional);
    }
    if (optional && !(v instanceof CelError) && !(v instanceof Optional)) v = Optional.of(v);
    if (presence !== undefined) {
      this.charge(1);
      return v instanceof CelError ? v : qualify(v, presence, false, true);
    }
    if (chargeRoot) this.charge(1);
    return v;
  }

  /** An attribute used inside another (index qualifier, ternary branch): cel-go does not observe its root. */
  private innerAttribute(e: Expr, act: Activation): Val {
    return this.isAttribute(e) ? this.attribute(e, act, undefined, false) : this.eval(e, act);
  }

  /** Value of an index qualifier. */
  private qualifierKey(e: Expr, act: Activation): Val {
    return e.kind === 'literal' ? e.value : this.innerAttribute(e, act);
  }

  private call(e: Extract<Expr, { kind: 'call' }>, act: Activation): Val {
    switch (e.fn) {
      case '_&&_':
      case '_||_':
        return this.logical(e, act);
      case '_?_:_': {
        const c = this.eval(e.args[0], act);
        if (typeof c !== 'boolean') return c instanceof CelError ? c : new CelError('no such overload');
        return this.innerAttribute(e.args[c ? 1 : 2], act);
      }
      case '_[_]':
      case '_[?_]':
      case '_?._':
        return this.attribute(e, act);
      case 'or':
      case 'orValue':
        if (e.target && this.prog.refs.get(e.id)?.overloadIds?.some((id) => id.startsWith('optional_or'))) return this.optionalOr(e, act);
    }
    if (e.kind === 'call' && e.fn === '@not_strictly_false') {
      const v = this.eval(e.args[0], act);
      this.charge(1);
      return typeof v === 'boolean' ? v : true;
    }
    const ids0 = this.prog.refs.get(e.id)?.overloadIds ?? [];
    if (e.fn === '@in' && ids0.length === 1 && ids0[0] === 'in_list') {
      const set = this.constantSet(e.args[1]);
      if (set) {
        if (set.length === 0) return false;
        const v = this.eval(e.args[0], act);
        if (v instanceof CelError) return v;
        for (const x of set) if (equals(x, v) === true) return true;
        return false;
      }
    }
    const argExprs = e.target ? [e.target, ...e.args] : e.args;
    const args: Val[] = [];
    for (const a of argExprs) args.push(this.eval(a, act));
    const decl = this.prog.functions.get(e.fn);
    const ids = this.prog.refs.get(e.id)?.overloadIds ?? [];
    const result = decl ? dispatch(decl, ids, args) : new CelError(`no such overload: ${e.fn}`);
    const overloadId = ids.length === 1 ? ids[0] : '';
    this.charge(this.callCost(e.fn, overloadId, args, result));
    return result;
  }

  /** cel-go turns `x in [constants]` into a set lookup that costs nothing (primitive elements only). */
  private constantSet(e: Expr): Val[] | undefined {
    const c = this.prog.constants.get(e.id);
    if (!c || !isList(c)) return undefined;
    const items = [...c.values()];
    const primitive = (v: Val) => ['boolean', 'bigint', 'number', 'string'].includes(typeof v) || v instanceof CelUint;
    return items.length === 0 || items.every(primitive) ? items : undefined;
  }

  private logical(e: Extract<Expr, { kind: 'call' }>, act: Activation): Val {
    const isAnd = e.fn === '_&&_';
    let err: Val | undefined;
    for (const a of e.args) {
      const v = this.eval(a, act);
      if (typeof v === 'boolean') {
        if (v !== isAnd) return v;
      } else if (err === undefined) err = v instanceof CelError ? v : new CelError('no such overload');
    }
    return err ?? isAnd;
  }

  private optionalOr(e: Extract<Expr, { kind: 'call' }>, act: Activation): Val {
    const lhs = this.eval(e.target!, act);
    if (lhs instanceof CelError) return lhs;
    if (!(lhs instanceof Optional)) return new CelError('no such overload');
    if (lhs.hasValue()) return e.fn === 'or' ? lhs : lhs.value!;
    const rhs = this.eval(e.args[0], act);
    if (e.fn === 'or' && !(rhs instanceof Optional) && !(rhs instanceof CelError)) return new CelError('no such overload');
    return rhs;
  }

  private list(e: Extract<Expr, { kind: 'list' }>, act: Activation): Val {
    const out: Val[] = [];
    for (let i = 0; i < e.elements.length; i++) {
      let v = this.eval(e.elements[i], act);
      if (v instanceof CelError) return v;
      if (e.optionalIndices.includes(i)) {
        if (!(v instanceof Optional)) return new CelError(`cannot initialize optional list element from non-optional value ${goDisplay(v)}`);
        if (!v.hasValue()) continue;
        v = v.value!;
      }
      out.push(v);
    }
    this.charge(10);
    return new ArrayList(out);
  }

  private map(e: Extract<Expr, { kind: 'map' }>, act: Activation): Val {
    const out = new EntriesMap();
    for (const en of e.entries) {
      const k = this.eval(en.key, act);
      if (k instanceof CelError) return k;
      let v = this.eval(en.value, act);
      if (v instanceof CelError) return v;
      if (en.optional) {
        if (!(v instanceof Optional)) return new CelError(`cannot initialize optional entry '${goDisplay(k)}' from non-optional value ${goDisplay(v)}`);
        if (!v.hasValue()) {
          out.delete(k);
          continue;
        }
        v = v.value!;
      }
      if (!out.put(k, v)) return new CelError('unsupported key type');
    }
    this.charge(30);
    return out;
  }

  private fold(e: Extract<Expr, { kind: 'comprehension' }>, act: Activation): Val {
    const range = this.eval(e.iterRange, act);
    if (range instanceof CelError) return range;
    let accu: Val | undefined;
    let k: Val = null;
    let v: Val = null;
    // the accumulator's initial value is computed on first use, as cel-go's folder does
    const accuVar = (): Val => {
      if (accu === undefined) {
        accu = this.eval(e.accuInit, act);
        if (isList(accu) && accu.size() === 0) accu = new MutableList([]);
        else if (isMap(accu) && accu.size() === 0) accu = new MutableMap();
      }
      return accu;
    };
    const loopVars = new Map<string, () => Val>([[e.accuVar, accuVar], [e.iterVar, () => k]]);
    if (e.iterVar2 !== undefined) loopVars.set(e.iterVar2, () => v);
    const loopScope = new Scope(loopVars, act);
    const step = (key: Val, val: Val): boolean => {
      k = key;
      v = val;
      const cond = this.eval(e.loopCondition, loopScope);
      if (typeof cond === 'boolean' && !cond) return false;
      accu = this.eval(e.loopStep, loopScope);
      return true;
    };
    if (isList(range)) {
      let i = 0;
      for (const item of range.values()) {
        if (!(e.iterVar2 !== undefined ? step(BigInt(i), item) : step(item, null))) break;
        i++;
      }
    } else if (isMap(range)) {
      for (const key of range.keys()) {
        if (!step(key, e.iterVar2 !== undefined ? (range.get(key) as Val) : null)) break;
      }
    } else if (e.iterVar2 !== undefined) return new CelError(`unsupported comprehension range type: ${runtimeTypeName(range)}`);
    else return new CelError(`got '${runtimeTypeName(range)}', expected iterable type`);
    const result = this.eval(e.result, new Scope(new Map([[e.accuVar, accuVar]]), act));
    if (result instanceof MutableList) return new ArrayList(result.items);
    if (result instanceof MutableMap) return new EntriesMap(result.entries());
    return result;
  }
}

/** Runs a function the way cel-go binds it: singleton, single overload with type guards, or dynamic dispatch. */
export function dispatch(decl: FunctionDecl, ids: string[], args: Val[]): Val {
  if (!decl.overloads.some((o) => o.nonStrict)) {
    for (const a of args) if (a instanceof CelError) return a;
  }
  if (decl.singleton) return decl.singleton(args);
  if (ids.length === 1) {
    const o = decl.overloads.find((x) => x.id === ids[0]);
    if (o?.impl && (decl.noTypeGuards || fits(o, args))) return o.impl(args);
    return noSuchOverloadFor(decl.name, args);
  }
  for (const o of decl.overloads) {
    if (o.impl && fits(o, args)) return o.impl(args);
  }
  return noSuchOverloadFor(decl.name, args);
}

function fits(o: OverloadDecl, args: Val[]): boolean {
  return o.args.length === args.length && o.args.every((t, i) => fitsType(t, args[i]));
}

export function noSuchOverloadFor(name: string, args: Val[]): Val {
  for (const a of args) if (a instanceof CelError) return a;
  return new CelError(`no such overload: ${name}(${args.map(runtimeTypeName).join(', ')})`);
}

