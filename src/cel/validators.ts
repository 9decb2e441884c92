// cel-go's AST validators run after type-checking: homogeneous aggregate literals, duration/timestamp/regex
// literal arguments, and strings.format calls with literal arguments.
import type { Expr } from './ast.js';
import type { Reference } from './checker.js';
import type { FunctionDecl } from './decls.js';
import { dispatch } from './interpreter.js';
import { compileRegex } from './regex.js';
import { checkFormatCall } from './string-format.js';
import { CelType, formatType, isOptionalType } from './types.js';
import { CelError } from './values.js';

export interface ValidatorOptions {
  literals: boolean;
  format: boolean;
}

export interface ValidationIssue {
  id: number;
  message: string;
}

/** IsEquivalentType: same type, type parameter names aside. */
function equivalent(a: CelType, b: CelType): boolean {
  if (a.kind !== b.kind || a.params.length !== b.params.length) return false;
  if (a.kind !== 'typeparam' && a.name !== b.name) return false;
  return a.params.every((p, i) => equivalent(p, b.params[i]));
}

export function validate(
  root: Expr,
  types: Map<number, CelType>,
  refs: Map<number, Reference>,
  functions: ReadonlyMap<string, FunctionDecl>,
  opts: ValidatorOptions,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const typeOf = (e: Expr) => types.get(e.id)!;
  const mismatch = (id: number, expected: CelType, actual: CelType) =>
    issues.push({ id, message: `expected type '${formatType(expected)}' but found '${formatType(actual)}'` });

  const visit = (e: Expr, exempt: boolean): void => {
    switch (e.kind) {
      case 'list': {
        if (!exempt) {
          let first: CelType | undefined;
          for (let i = 0; i < e.elements.length; i++) {
            let t = typeOf(e.elements[i]);
            if (e.optionalIndices.includes(i) && isOptionalType(t)) t = t.params[0];
            if (!first) first = t;
            else if (!equivalent(first, t)) {
              mismatch(e.elements[i].id, first, t);
              break;
            }
          }
        }
        e.elements.forEach((x) => visit(x, exempt));
        return;
      }
      case 'map': {
        if (!exempt) {
          let kt: CelType | undefined;
          let vt: CelType | undefined;
          for (const en of e.entries) {
            const k = typeOf(en.key);
            let v = typeOf(en.value);
            if (en.optional && isOptionalType(v)) v = v.params[0];
            if (!kt || !vt) {
              [kt, vt] = [k, v];
              continue;
            }
            if (!equivalent(kt, k)) mismatch(en.key.id, kt, k);
            if (!equivalent(vt, v)) mismatch(en.value.id, vt, v);
          }
        }
        e.entries.forEach((en) => (visit(en.key, exempt), visit(en.value, exempt)));
        return;
      }
      case 'call': {
        checkCall(e);
        const inFormat = exempt || (opts.format && e.fn === 'format');
        if (e.target) visit(e.target, inFormat);
        e.args.forEach((a) => visit(a, inFormat));
        return;
      }
      case 'select':
        return visit(e.operand, exempt);
      case 'struct':
        return e.fields.forEach((f) => visit(f.value, exempt));
      case 'comprehension':
        return [e.iterRange, e.accuInit, e.loopCondition, e.loopStep, e.result].forEach((x) => visit(x, exempt));
    }
  };

  const checkCall = (e: Extract<Expr, { kind: 'call' }>): void => {
    const lit = e.args[0];
    if (opts.literals && lit?.kind === 'literal') {
      if (e.fn === 'duration' || e.fn === 'timestamp') {
        const decl = functions.get(e.fn)!;
        const v = dispatch(decl, refs.get(e.id)?.overloadIds ?? [], [lit.value]);
        if (v instanceof CelError) issues.push({ id: lit.id, message: `invalid ${e.fn} argument` });
      } else if (e.fn === 'matches' && typeof lit.value === 'string' && compileRegex(lit.value) instanceof CelError) {
        issues.push({ id: lit.id, message: 'invalid matches argument' });
      }
    }
    if (opts.format && e.fn === 'format' && e.target?.kind === 'literal' && typeof e.target.value === 'string' &&
      e.args.length === 1 && e.args[0].kind === 'list') {
      const ids = refs.get(e.id)?.overloadIds ?? [];
      if (ids.length === 0 || ids.includes('string_format')) {
        const elems = e.args[0].elements;
        const problem = checkFormatCall(e.target.value, elems.map(typeOf));
        if (problem) issues.push({ id: problem.argIndex !== undefined && elems[problem.argIndex] ? elems[problem.argIndex].id : e.id, message: problem.message });
      }
    }
  };

  visit(root, false);
  return issues;
}

/** Constant regex patterns of find/findAll must compile when the program is created (cel-go's regex optimization). */
export function regexProgramErrors(root: Expr): string | undefined {
  let err: string | undefined;
  const visit = (e: Expr): void => {
    if (err) return;
    if (e.kind === 'call') {
      const pattern = e.args[0];
      if ((e.fn === 'find' || e.fn === 'findAll' || e.fn === 'matches') && e.target && pattern?.kind === 'literal' && typeof pattern.value === 'string') {
        const re = compileRegex(pattern.value);
        if (re instanceof CelError) err = re.message;
      }
      if (e.target) visit(e.target);
      e.args.forEach(visit);
    } else if (e.kind === 'select') visit(e.operand);
    else if (e.kind === 'list') e.elements.forEach(visit);
    else if (e.kind === 'map') e.entries.forEach((en) => (visit(en.key), visit(en.value)));
    else if (e.kind === 'struct') e.fields.forEach((f) => visit(f.value));
    else if (e.kind === 'comprehension') [e.iterRange, e.accuInit, e.loopCondition, e.loopStep, e.result].forEach(visit);
  };
  visit(root);
  return err;
}
