// Evaluating compiled programs against JSON activations with cost tracking and upstream's error texts.
import type { Program } from './compile.js';
import { callCost } from './cost-runtime.js';
import { CostLimitExceeded, Evaluator, type Activation } from './interpreter.js';
import { isCelValue, jsonToCel, schemaToCel } from './json-values.js';
import type { StructuralSchema } from './schema-types.js';
import type { CelType } from './types.js';
import { CelError, Optional, isMap, type CelMap, type Val } from './values.js';

/** cel.PerCallLimit: the runtime cost limit of one evaluation. */
export const PER_CALL_LIMIT = 1_000_000;
/** cel.RuntimeCELCostBudget: the budget of all rules of one object or policy binding. */
export const RUNTIME_CEL_COST_BUDGET = 10_000_000;
/** cel.RuntimeCELCostBudgetMatchConditions: the budget of the match conditions of one webhook or binding. */
export const RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS = 2_500_000;
export const COST_LIMIT_EXCEEDED = 'operation cancelled: actual cost limit exceeded';

/** A binding: JSON data, a CEL value, a lazily computed one, or undefined (unbound). */
export type Binding = unknown;

export interface EvalOptions {
  /** Runtime cost limit (default PER_CALL_LIMIT); exceeding it cancels evaluation. */
  costLimit?: number;
}

export type EvalResult =
  | { value: Val; cost: number; error?: undefined }
  | { value?: undefined; cost: number; error: string; costExceeded: boolean };

/** Marks a value as already converted: it is passed to the expression as is. */
export function celValue(v: Val): { readonly celValue: Val } {
  return { celValue: v };
}

function convert(program: Program, name: string, raw: Binding): Val {
  if (raw && typeof raw === 'object' && 'celValue' in raw) return (raw as { celValue: Val }).celValue;
  if (isCelValue(raw)) return raw as Val;
  const v = program.variables.get(name);
  if (!v) return jsonToCel(raw);
  let t = v.type;
  if (t.kind === 'opaque' && t.name === 'optional_type') {
    if (raw === null || raw === undefined) return Optional.NONE;
    t = t.params[0];
    return Optional.of(typed(t, raw, v.schema));
  }
  return typed(t, raw, v.schema);
}

function typed(t: CelType, raw: Binding, schema: StructuralSchema | undefined): Val {
  if (schema) return schemaToCel(raw, schema);
  if (t.kind === 'double' && typeof raw === 'number') return raw;
  return jsonToCel(raw);
}

class RootActivation implements Activation {
  private readonly cache = new Map<string, Val>();
  constructor(private readonly program: Program, private readonly bindings: Record<string, Binding>) {}
  resolve(name: string): Val | undefined {
    const hit = this.cache.get(name);
    if (hit !== undefined) return hit;
    if (!Object.hasOwn(this.bindings, name)) return undefined;
    let raw = this.bindings[name];
    if (raw === undefined) return undefined;
    if (typeof raw === 'function') raw = (raw as () => Binding)();
    const v = convert(this.program, name, raw);
    this.cache.set(name, v);
    return v;
  }
}

/** Evaluates a program; the cost is reported whether or not evaluation succeeded. */
export function evaluate(program: Program, bindings: Record<string, Binding>, options: EvalOptions = {}): EvalResult {
  const ev = new Evaluator(program, options.costLimit ?? PER_CALL_LIMIT, callCost);
  try {
    const value = ev.eval(program.expr, new RootActivation(program, bindings));
    if (value instanceof CelError) return { error: value.message, cost: ev.cost, costExceeded: false };
    return { value, cost: ev.cost };
  } catch (e) {
    if (e instanceof CostLimitExceeded) return { error: COST_LIMIT_EXCEEDED, cost: ev.cost, costExceeded: true };
    throw e;
  }
}

/**
 * VAP `variables`: a map whose entries are evaluated on first access, with their cost added to `onCost`.
 * Failing variables yield the errors cel-go's composition reports.
 */
export function lazyVariables(
  variables: Record<string, { program?: Program; error?: string }>,
  bindings: () => Record<string, Binding>,
  onCost: (cost: number) => void,
  options: EvalOptions = {},
): CelMap {
  const cache = new Map<string, Val>();
  return {
    kind: 'map',
    size: () => Object.keys(variables).length,
    keys: () => Object.keys(variables),
    get(key: Val): Val | undefined {
      if (typeof key !== 'string' || !Object.hasOwn(variables, key)) return undefined;
      const hit = cache.get(key);
      if (hit !== undefined) return hit;
      const v = variables[key];
      let out: Val;
      if (!v.program) out = new CelError(`composited variable "${key}" fails to compile: ${v.error ?? ''}`);
      else {
        const r = evaluate(v.program, bindings(), options);
        onCost(r.cost);
        out = r.error !== undefined ? new CelError(r.error) : r.value;
      }
      cache.set(key, out);
      return out;
    },
  };
}

export { isMap };
