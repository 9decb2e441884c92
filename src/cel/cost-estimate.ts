// Static cost estimation as cel-go's checker.Cost with Kubernetes' library CostEstimator and the CRD size
// estimator (sizes bounded by maxLength/maxItems/maxProperties through the schema's DeclType).
import { LEGACY_ACCUMULATOR, ACCUMULATOR, type Expr } from './ast.js';
import type { Program } from './compile.js';
import { estimateCallCost, type AstNode } from './cost-library.js';
import { add, addSat, factor, MAX_U64, mul, mulSat, range, union, UNKNOWN, type Range } from './cost-range.js';
import type { DeclType } from './schema-types.js';
import type { CelType } from './types.js';

interface EntrySize {
  container: 'list' | 'map';
  key: Range;
  val: Range;
}

interface LocalVar {
  path?: string[];
  size?: Range;
  entry?: EntrySize;
}

const TRAVERSAL = 0.1;
const REGEX_FACTOR = 0.25;

function isScalar(t: CelType | undefined): boolean {
  if (!t) return false;
  if (['bool', 'double', 'duration', 'int', 'timestamp', 'uint'].includes(t.kind)) return true;
  return t.kind === 'opaque' && t.name === 'optional_type' && isScalar(t.params[0]);
}

class Coster {
  private readonly paths = new Map<number, string[]>();
  private readonly locals = new Map<string, LocalVar[]>();
  private readonly sizes = new Map<number, Range>();
  private readonly entries = new Map<number, EntrySize>();

  private readonly root: DeclType | undefined;

  constructor(private readonly program: Program) {
    this.root = [...program.variables.values()].find((v) => v.schema && v.decl)?.decl;
  }

  private type(e: Expr): CelType | undefined {
    return this.program.types.get(e.id);
  }

  private peek(name: string): LocalVar | undefined {
    const s = this.locals.get(name);
    return s && s.length ? s[s.length - 1] : undefined;
  }

  private push(name: string, v: LocalVar): void {
    this.locals.set(name, [...(this.locals.get(name) ?? []), v]);
  }

  private pop(name: string): void {
    this.locals.get(name)?.pop();
  }

  private path(e: Expr): string[] | undefined {
    if (e.kind === 'ident') {
      const v = this.peek(e.name);
      if (v) return v.path;
    }
    return this.paths.get(e.id);
  }

  /**
   * The CRD size estimator: walk the schema's DeclType along the path to its maxElements. Like apiextensions'
   * sizeEstimator it skips the path's first element, whatever identifier that is.
   */
  private estimateSize(path: string[] | undefined): Range | undefined {
    if (!path || path.length === 0 || !this.root) return undefined;
    let node: DeclType | undefined = this.root;
    for (const p of path.slice(1)) {
      if (p === '@items' || p === '@values') node = node.elemType;
      else if (p === '@keys') node = node.keyType;
      else node = node.fields?.get(p)?.type;
      if (!node) return undefined;
    }
    return range(0n, BigInt(node.maxElements));
  }

  node(e: Expr): AstNode {
    let path = this.path(e);
    if (path && (path[0] === ACCUMULATOR || path[0] === LEGACY_ACCUMULATOR)) path = undefined;
    return { path, type: this.type(e), expr: e, computedSize: this.computeSize(e), estimateSize: (p) => this.estimateSize(p) };
  }

  computeSize(e: Expr): Range | undefined {
    const hit = this.sizes.get(e.id);
    if (hit) return hit;
    if (e.kind === 'literal') {
      const v = e.value;
      if (typeof v === 'string') return range(BigInt([...v].length));
      if (v instanceof Uint8Array) return range(BigInt(v.length));
      return range(1n);
    }
    if (e.kind === 'list') return range(BigInt(e.elements.length));
    if (e.kind === 'map') return range(BigInt(e.entries.length));
    const est = this.estimateSize(this.path(e));
    if (est) {
      this.sizes.set(e.id, est);
      return est;
    }
    if (isScalar(this.type(e))) return range(1n);
    if (e.kind === 'ident') return this.peek(e.name)?.size;
    return undefined;
  }

  sizeOrUnknown(e: Expr | AstNode): Range {
    if ('kind' in e) return this.computeSize(e) ?? UNKNOWN;
    return e.computedSize ?? UNKNOWN;
  }

  private entrySize(e: Expr): EntrySize | undefined {
    const hit = this.entries.get(e.id);
    if (hit) return hit;
    if (e.kind === 'ident') return this.peek(e.name)?.entry;
    return undefined;
  }

  private setSize(e: Expr, r: Range | undefined): void {
    if (r) this.sizes.set(e.id, r);
  }

  cost(e: Expr): Range {
    switch (e.kind) {
      case 'literal':
        return range(0n);
      case 'ident': {
        const v = this.peek(e.name);
        this.paths.set(e.id, v?.path ?? [e.name]);
        return range(1n);
      }
      case 'select': {
        if (e.testOnly) return this.cost(e.operand);
        let sum = this.cost(e.operand);
        const k = this.type(e.operand)?.kind;
        if (k === 'map' || k === 'struct' || k === 'typeparam') sum = add(sum, range(1n));
        const base = this.path(e.operand);
        this.paths.set(e.id, [...(base ?? []), e.field]);
        return sum;
      }
      case 'call':
        return this.call(e);
      case 'list': {
        let sum = range(0n);
        let item: Range = e.elements.length === 0 ? range(0n, 0n) : { min: MAX_U64, max: 0n };
        for (const el of e.elements) {
          sum = add(sum, this.cost(el));
          item = union(item, this.sizeOrUnknown(el));
        }
        this.entries.set(e.id, { container: 'list', key: range(1n), val: item });
        return add(sum, range(10n));
      }
      case 'map': {
        let sum = range(0n);
        let key: Range = e.entries.length === 0 ? range(0n, 0n) : { min: MAX_U64, max: 0n };
        let val: Range = key;
        for (const en of e.entries) {
          sum = add(add(sum, this.cost(en.key)), this.cost(en.value));
          key = union(key, this.sizeOrUnknown(en.key));
          val = union(val, this.sizeOrUnknown(en.value));
        }
        this.entries.set(e.id, { container: 'map', key, val });
        return add(sum, range(30n));
      }
      case 'struct':
        return add(e.fields.reduce((s, f) => add(s, this.cost(f.value)), range(0n)), range(40n));
      case 'comprehension':
        return this.isBind(e) ? this.bind(e) : this.comprehension(e);
      default:
        return range(0n);
    }
  }

  private isBind(e: Extract<Expr, { kind: 'comprehension' }>): boolean {
    return e.iterRange.kind === 'list' && e.iterRange.elements.length === 0 && e.loopCondition.kind === 'literal' &&
      e.loopCondition.value === false && e.accuVar !== LEGACY_ACCUMULATOR;
  }

  private bind(e: Extract<Expr, { kind: 'comprehension' }>): Range {
    let sum = add(this.cost(e.iterRange), this.cost(e.accuInit));
    this.push(e.accuVar, { path: this.path(e.accuInit), size: this.computeSize(e.accuInit), entry: this.entrySize(e.accuInit) });
    sum = add(sum, this.cost(e.result));
    this.pop(e.accuVar);
    this.setSize(e, this.computeSize(e.result));
    const entry = this.entrySize(e.result);
    if (entry) this.entries.set(e.id, entry);
    return sum;
  }

  private iterVar(name: string, rangeExpr: Expr, kind: 'single' | 'key' | 'value'): void {
    const entry = this.entrySize(rangeExpr);
    const container = entry?.container ?? (this.type(rangeExpr)?.kind === 'list' ? 'list' : 'map');
    const path = this.path(rangeExpr);
    let size: Range | undefined;
    let sub: string;
    if (kind === 'key') {
      size = entry?.key;
      sub = container === 'list' ? '@indices' : '@keys';
    } else if (kind === 'value') {
      size = entry?.val;
      sub = container === 'list' ? '@items' : '@values';
    } else if (container === 'list') {
      size = entry?.val;
      sub = '@items';
    } else {
      size = entry?.key;
      sub = '@keys';
    }
    this.push(name, { path: [...(path ?? []), sub], size });
  }

  private comprehension(e: Extract<Expr, { kind: 'comprehension' }>): Range {
    let sum = add(this.cost(e.iterRange), this.cost(e.accuInit));
    this.push(e.accuVar, { path: this.path(e.accuInit), size: this.computeSize(e.accuInit), entry: this.entrySize(e.accuInit) });
    if (e.iterVar2 !== undefined) {
      this.iterVar(e.iterVar, e.iterRange, 'key');
      this.iterVar(e.iterVar2, e.iterRange, 'value');
    } else this.iterVar(e.iterVar, e.iterRange, 'single');
    const loop = this.cost(e.loopCondition);
    const step = this.cost(e.loopStep);
    this.pop(e.iterVar);
    if (e.iterVar2 !== undefined) this.pop(e.iterVar2);
    sum = add(sum, this.cost(e.result));
    this.pop(e.accuVar);
    const count = this.sizeOrUnknown(e.iterRange);
    sum = add(sum, mul(count, add(step, loop)));
    if (e.accuInit.kind === 'literal') this.setSize(e, this.computeSize(e.accuInit));
    else if (e.accuInit.kind === 'list' || e.accuInit.kind === 'map') {
      this.setSize(e, count);
      const stepEntry = this.entrySize(e.loopStep);
      if (stepEntry) this.entries.set(e.id, stepEntry);
    }
    return sum;
  }

  private call(e: Extract<Expr, { kind: 'call' }>): Range {
    if (e.fn === 'dyn' && !e.target && e.args.length === 1) {
      const c = this.cost(e.args[0]);
      this.setSize(e, this.computeSize(e.args[0]));
      const entry = this.entrySize(e.args[0]);
      if (entry) this.entries.set(e.id, entry);
      return add(range(1n), c);
    }
    const argCosts = e.args.map((a) => this.cost(a));
    const args = e.args.map((a) => this.node(a));
    const ids = this.program.refs.get(e.id)?.overloadIds ?? [];
    if (ids.length === 0) return range(0n);
    let sum = range(0n);
    let target: AstNode | undefined;
    if (e.target) {
      sum = add(sum, this.cost(e.target));
      target = this.node(e.target);
    }
    let fnCost: Range = { min: MAX_U64, max: 0n };
    let resultSize: Range | undefined;
    for (const id of ids) {
      const est = this.functionCost(e, id, target, args, argCosts);
      fnCost = union(fnCost, est.cost);
      if (est.resultSize) resultSize = resultSize ? union(resultSize, est.resultSize) : est.resultSize;
      if (id === 'index_list' || id === 'index_map') {
        if (e.args.length > 0) {
          resultSize = this.entrySize(e.args[0])?.val;
          this.paths.set(e.id, [...(this.path(e.args[0]) ?? []), id === 'index_list' ? '@items' : '@values']);
        }
      }
      resultSize ??= this.computeSize(e);
    }
    this.setSize(e, resultSize);
    return add(sum, fnCost);
  }

  private functionCost(e: Extract<Expr, { kind: 'call' }>, id: string, target: AstNode | undefined, args: AstNode[], argCosts: Range[]): { cost: Range; resultSize?: Range } {
    const argSum = () => argCosts.reduce((s, c) => add(s, c), range(0n));
    const sets: Record<string, number> = { list_sets_contains_list: 1, list_sets_intersects_list: 1, list_sets_equivalent_list: 2 };
    if (id in sets && args.length === 2) {
      const size = (n: AstNode) => n.computedSize ?? this.estimateSize(n.path) ?? UNKNOWN;
      return { cost: add(add(factor(mul(size(args[0]), size(args[1])), sets[id]), range(1n)), argSum()) };
    }
    const lib = estimateCallCost(e.fn, id, target, args);
    if (lib) return { cost: add(lib.cost, argSum()), resultSize: lib.resultSize };
    const size = (n: AstNode) => this.sizeOrUnknown(n);
    switch (id) {
      case 'string_format':
        if (target) return { cost: add(factor(size(target), TRAVERSAL), argSum()) };
        break;
      case 'string_to_bytes':
        if (args.length === 1) {
          const sz = size(args[0]);
          return { cost: add(factor(sz, TRAVERSAL), argSum()), resultSize: { min: sz.min, max: mulSat(sz.max, 4n) } };
        }
        break;
      case 'bytes_to_string':
        if (args.length === 1) {
          const sz = size(args[0]);
          return { cost: add(factor(sz, TRAVERSAL), argSum()), resultSize: { min: sz.min / 4n, max: sz.max } };
        }
        break;
      case 'strings_quote':
        if (args.length === 1) {
          const sz = size(args[0]);
          return { cost: add(factor(sz, TRAVERSAL), argSum()), resultSize: { min: addSat(sz.min, 2n), max: addSat(mulSat(sz.max, 2n), 2n) } };
        }
        break;
      case 'starts_with_string':
      case 'ends_with_string':
        if (args.length === 1) return { cost: add(factor(size(args[0]), TRAVERSAL), argSum()) };
        break;
      case 'in_list':
        if (args.length === 2) return { cost: add(factor(size(args[1]), 1), argSum()) };
        break;
      case 'matches_string':
        if (target && args.length === 1) {
          const str = factor(add(size(target), range(1n)), TRAVERSAL);
          return { cost: add(mul(str, factor(size(args[0]), REGEX_FACTOR)), argSum()) };
        }
        break;
      case 'contains_string':
        if (target && args.length === 1) return { cost: add(mul(factor(size(target), TRAVERSAL), factor(size(args[0]), TRAVERSAL)), argSum()) };
        break;
      case 'logical_or':
      case 'logical_and':
        return { cost: { min: argCosts[0].min, max: add(argCosts[0], argCosts[1]).max } };
      case 'conditional': {
        const sz = union(size(args[1]), size(args[2]));
        const a = this.entrySize(e.args[1]);
        const b = this.entrySize(e.args[2]);
        if (a && b) this.entries.set(e.id, { container: a.container, key: union(a.key, b.key), val: union(a.val, b.val) });
        return { cost: add(argCosts[0], union(argCosts[1], argCosts[2])), resultSize: sz };
      }
      case 'add_string':
      case 'add_bytes':
      case 'add_list':
        if (args.length === 2) {
          const r = add(size(args[0]), size(args[1]));
          const a = this.entrySize(e.args[0]);
          const b = this.entrySize(e.args[1]);
          if (a && b) this.entries.set(e.id, { container: a.container, key: union(a.key, b.key), val: union(a.val, b.val) });
          if (id === 'add_list') return { cost: add(range(1n), argSum()), resultSize: r };
          return { cost: add(factor(r, TRAVERSAL), argSum()), resultSize: r };
        }
        break;
      case 'less_string': case 'greater_string': case 'less_equals_string': case 'greater_equals_string':
      case 'less_bytes': case 'greater_bytes': case 'less_equals_bytes': case 'greater_equals_bytes':
      case 'equals': case 'not_equals': {
        const l = size(args[0]);
        const r = size(args[1]);
        const smallestMax = l.max < r.max ? l.max : r.max;
        return { cost: add(factor({ min: smallestMax > 0n ? 1n : 0n, max: smallestMax }, TRAVERSAL), argSum()) };
      }
    }
    return { cost: add(range(1n), argSum()) };
  }

}

/** The estimated cost range of a program (cel-go's EstimateCost with Kubernetes' estimators). */
export function estimateCost(program: Program): Range {
  return new Coster(program).cost(program.expr);
}

export { STATIC_ESTIMATED_COST_LIMIT, STATIC_ESTIMATED_CRD_COST_LIMIT, costErrorMessage } from './cost-limits.js';

/** apiextensions' maxCardinality: how many times data of this minimum size fits in a request. */
export function maxCardinality(minSerializedSize: number): bigint {
  return BigInt(Math.floor((3 * 1024 * 1024) / (minSerializedSize + 1)));
}

export type { EntrySize, Range };
