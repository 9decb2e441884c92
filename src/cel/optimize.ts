// What cel-go's optimizer (OptOptimize, which Kubernetes enables) precomputes when a program is created:
// list and map literals of constants, and type conversions of constants. Precomputed values cost nothing
// at runtime; a conversion that fails makes program creation fail.
import type { Expr } from './ast.js';
import type { Reference } from './checker.js';
import type { FunctionDecl } from './decls.js';
import { dispatch } from './interpreter.js';
import { ArrayList, CelError, EntriesMap, type Val } from './values.js';

const CONVERSIONS = new Set(['bool', 'bytes', 'double', 'duration', 'dyn', 'int', 'string', 'timestamp', 'type', 'uint']);

export class ConstantError extends Error {}

/** Precomputed values by expression id; throws ConstantError when a constant conversion fails. */
export function foldConstants(root: Expr, functions: ReadonlyMap<string, FunctionDecl>, refs: Map<number, Reference>): Map<number, Val> {
  const out = new Map<number, Val>();
  const valueOf = (e: Expr): Val | undefined => (e.kind === 'literal' ? e.value : out.get(e.id));
  const visit = (e: Expr): void => {
    switch (e.kind) {
      case 'list': {
        e.elements.forEach(visit);
        const vals = e.elements.map(valueOf);
        if (e.optionalIndices.length === 0 && vals.every((v) => v !== undefined)) out.set(e.id, new ArrayList(vals as Val[]));
        return;
      }
      case 'map': {
        e.entries.forEach((en) => (visit(en.key), visit(en.value)));
        const pairs = e.entries.map((en): [Val | undefined, Val | undefined] => [valueOf(en.key), valueOf(en.value)]);
        if (e.entries.every((en) => !en.optional) && pairs.every(([k, v]) => k !== undefined && v !== undefined)) {
          const m = new EntriesMap();
          if (pairs.every(([k, v]) => m.put(k as Val, v as Val))) out.set(e.id, m);
        }
        return;
      }
      case 'call': {
        if (e.target) visit(e.target);
        e.args.forEach(visit);
        if (!e.target && e.args.length === 1 && CONVERSIONS.has(e.fn)) {
          const arg = valueOf(e.args[0]);
          const decl = functions.get(e.fn);
          if (arg === undefined || !decl) return;
          const v = dispatch(decl, refs.get(e.id)?.overloadIds ?? [], [arg]);
          if (v instanceof CelError) throw new ConstantError(v.message);
          out.set(e.id, v);
        }
        return;
      }
      case 'select':
        return visit(e.operand);
      case 'struct':
        return e.fields.forEach((f) => visit(f.value));
      case 'comprehension':
        return [e.iterRange, e.accuInit, e.loopCondition, e.loopStep, e.result].forEach(visit);
    }
  };
  visit(root);
  return out;
}
