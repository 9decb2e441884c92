// One evaluation of a compiled policy for one binding and param (upstream's validator.Validate): matchConditions,
// validations with their messages, auditAnnotations; errors turn into denials unless failurePolicy is Ignore.
import type { Binding } from '../../../cel/evaluate.js';
import { cel } from '../../../cel/lazy.js';
import type { CompiledExpression, CompiledPolicy } from './compile-policy.js';

export interface PolicyDecision {
  action: 'admit' | 'deny';
  /** Index among the decisions (the validation's; 0 for a match condition error, the only decision then). */
  index: number;
  message: string;
  reason?: string;
  evalError?: boolean;
}

export interface AuditAnnotationResult {
  key: string;
  value?: string;
  error?: string;
}

export interface ValidateResult {
  decisions: PolicyDecision[];
  auditAnnotations: AuditAnnotationResult[];
}

/** celconfig.MaxEvaluatedMessageExpressionSizeBytes */
const MAX_MESSAGE_BYTES = 5 * 1024;
const OUT_OF_BUDGET = 'validation failed due to running out of cost budget, no further validation rules will be run';

class OutOfBudget extends Error {}

interface Outcome {
  value?: unknown;
  error?: string;
}

/**
 * One filter's evaluations (upstream's ForInput): a fresh activation whose variables are evaluated lazily,
 * each expression under the per-call limit, all of them sharing the budget (exceeding it stops the filter).
 */
class Filter {
  private spent = 0;
  private readonly bindings: Record<string, Binding>;

  constructor(p: CompiledPolicy, base: Record<string, Binding>, public budget: number) {
    this.bindings = policyBindings(p, base, (n) => (this.spent += n));
  }

  run(c: CompiledExpression): Outcome {
    if (!c.program) return { error: `compilation error: ${c.error ?? ''}` };
    const { PER_CALL_LIMIT, evaluate } = cel();
    const r = evaluate(c.program, this.bindings, { costLimit: PER_CALL_LIMIT });
    // variables evaluated on the way are charged first, as upstream's composition context
    const composition = this.spent;
    this.spent = 0;
    if (composition > this.budget) throw new OutOfBudget();
    this.budget -= composition;
    if (r.cost > this.budget) throw new OutOfBudget();
    this.budget -= r.cost;
    if (r.error === undefined) return { value: r.value };
    return { error: `expression '${c.expression}' resulted in error: ${r.error}` };
  }

  /** Every expression in turn, or the reason the filter stopped. */
  all(exprs: (CompiledExpression | undefined)[]): { outcomes: (Outcome | undefined)[]; error?: string } {
    const outcomes: (Outcome | undefined)[] = [];
    try {
      for (const e of exprs) outcomes.push(e ? this.run(e) : undefined);
      return { outcomes };
    } catch (e) {
      if (!(e instanceof OutOfBudget)) throw e;
      return { outcomes, error: OUT_OF_BUDGET };
    }
  }
}

/** The activation of a policy: request variables, then `variables` evaluated lazily on first use. */
export function policyBindings(p: CompiledPolicy, base: Record<string, Binding>, onCost: (n: number) => void): Record<string, Binding> {
  const bindings: Record<string, Binding> = { ...base };
  if (!p.hasParams) delete bindings.params;
  const compiled: Record<string, { program?: CompiledExpression['program']; error?: string }> = {};
  for (const [k, v] of Object.entries(p.variables)) compiled[k] = { program: v.program, error: v.error };
  bindings.variables = cel().lazyVariables(compiled, () => bindings, onCost);
  return bindings;
}

export function validatePolicy(p: CompiledPolicy, base: Record<string, Binding>): ValidateResult {
  const { RUNTIME_CEL_COST_BUDGET, RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS } = cel();
  const failAction = p.failurePolicy === 'Ignore' ? 'admit' : 'deny';
  const errorDecision = (message: string): ValidateResult => ({ decisions: [{ action: failAction, index: 0, message, evalError: true }], auditAnnotations: [] });

  if (p.matchConditions.length) {
    const { outcomes, error } = new Filter(p, base, RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS).all(p.matchConditions.map((m) => m.expression));
    // under Ignore a failing condition means the policy does not match, as upstream's matcher
    if (error !== undefined) return p.failurePolicy === 'Ignore' ? { decisions: [], auditAnnotations: [] } : errorDecision(error);
    if (outcomes.some((o) => o?.value === false)) return { decisions: [], auditAnnotations: [] };
    const errors = outcomes.flatMap((o) => (o?.error !== undefined ? [o.error] : []));
    if (errors.length) return p.failurePolicy === 'Ignore' ? { decisions: [], auditAnnotations: [] } : errorDecision(aggregate(errors));
  }

  const validations = new Filter(p, base, RUNTIME_CEL_COST_BUDGET);
  const checked = validations.all(p.validations.map((v) => v.expression));
  if (checked.error !== undefined) return errorDecision(checked.error);
  // messageExpressions are one more filter, on what the validations left of the budget
  const messages = new Filter(p, base, validations.budget).all(p.validations.map((v) => v.messageExpression));
  const decisions: PolicyDecision[] = p.validations.map((v, i) => {
    const r = checked.outcomes[i]!;
    if (r.error !== undefined) return { action: failAction, index: i, message: r.error, evalError: true };
    if (messages.error !== undefined) return { action: failAction, index: i, message: `failed messageExpression: ${messages.error}`, evalError: true };
    if (r.value === true) return { action: 'admit', index: i, message: '' };
    let message = '';
    const m = messages.outcomes[i]?.value;
    // a non-string, too long or multi-line message falls back to message, then to the expression
    if (typeof m === 'string') {
      message = m.trim();
      if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES || message.includes('\n')) message = '';
    }
    if (!message && v.message) message = v.message.trim();
    if (!message) message = `failed expression: ${v.expression.expression.trim()}`;
    return { action: 'deny', index: i, message, reason: v.reason ?? 'Invalid' };
  });

  const audits = new Filter(p, base, RUNTIME_CEL_COST_BUDGET).all(p.auditAnnotations.map((a) => a.expression));
  if (audits.error !== undefined) return errorDecision(audits.error);
  const auditAnnotations: AuditAnnotationResult[] = [];
  for (const [i, a] of p.auditAnnotations.entries()) {
    const r = audits.outcomes[i]!;
    if (r.error !== undefined) {
      if (p.failurePolicy !== 'Ignore') auditAnnotations.push({ key: a.key, error: r.error });
    } else if (typeof r.value === 'string' && r.value.trim()) auditAnnotations.push({ key: a.key, value: r.value.trim() });
  }
  return { decisions, auditAnnotations };
}

/** utilerrors.NewAggregate(...).Error(): one message as is, several deduplicated in brackets. */
function aggregate(errors: string[]): string {
  const unique = [...new Set(errors)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}
