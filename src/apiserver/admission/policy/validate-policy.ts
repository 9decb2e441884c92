// One evaluation of a compiled policy for one binding and param (upstream's validator.Validate): matchConditions,
// validations with their messages, auditAnnotations; errors turn into denials unless failurePolicy is Ignore.
import { COST_LIMIT_EXCEEDED, PER_CALL_LIMIT, RUNTIME_CEL_COST_BUDGET, RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS, evaluate, lazyVariables, type Binding } from '../../../cel/evaluate.js';
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

/** Evaluates expressions against one activation, sharing a cost budget as upstream's filters do. */
class Evaluation {
  constructor(private readonly bindings: Record<string, Binding>, public budget: number) {}

  run(c: CompiledExpression): { value?: unknown; error?: string; outOfBudget?: boolean } {
    if (!c.program) return { error: `compilation error: ${c.error ?? ''}` };
    if (this.budget <= 0) return { error: OUT_OF_BUDGET, outOfBudget: true };
    const r = evaluate(c.program, this.bindings, { costLimit: Math.min(PER_CALL_LIMIT, this.budget) });
    this.budget -= r.cost;
    if (r.error === undefined) return { value: r.value };
    if (r.error === COST_LIMIT_EXCEEDED && this.budget <= 0) return { error: OUT_OF_BUDGET, outOfBudget: true };
    return { error: `expression '${c.expression}' resulted in error: ${r.error}` };
  }
}

/** The activation of a policy: request variables, then `variables` evaluated lazily on first use. */
export function policyBindings(p: CompiledPolicy, base: Record<string, Binding>, onCost: (n: number) => void): Record<string, Binding> {
  const bindings: Record<string, Binding> = { ...base };
  if (!p.hasParams) delete bindings.params;
  const compiled: Record<string, { program?: CompiledExpression['program']; error?: string }> = {};
  for (const [k, v] of Object.entries(p.variables)) compiled[k] = { program: v.program, error: v.error };
  bindings.variables = lazyVariables(compiled, () => bindings, onCost);
  return bindings;
}

export function validatePolicy(p: CompiledPolicy, base: Record<string, Binding>): ValidateResult {
  const failAction = p.failurePolicy === 'Ignore' ? 'admit' : 'deny';
  const errorDecision = (message: string): ValidateResult => ({ decisions: [{ action: failAction, index: 0, message, evalError: true }], auditAnnotations: [] });
  let spent = 0;
  const bindings = policyBindings(p, base, (n) => (spent += n));

  if (p.matchConditions.length) {
    const ev = new Evaluation(bindings, RUNTIME_CEL_COST_BUDGET_MATCH_CONDITIONS);
    const errors: string[] = [];
    for (const mc of p.matchConditions) {
      const r = ev.run(mc.expression);
      if (r.error !== undefined) errors.push(r.error);
      else if (r.value === false) return { decisions: [], auditAnnotations: [] };
    }
    // under Ignore a failing condition means the policy does not match, as upstream's matcher
    if (errors.length) return p.failurePolicy === 'Ignore' ? { decisions: [], auditAnnotations: [] } : errorDecision(aggregate(errors));
  }

  const ev = new Evaluation(bindings, RUNTIME_CEL_COST_BUDGET);
  const decisions: PolicyDecision[] = [];
  for (const [i, v] of p.validations.entries()) {
    const before = spent;
    const r = ev.run(v.expression);
    ev.budget -= spent - before;
    if (r.error !== undefined) {
      decisions.push({ action: failAction, index: i, message: r.error, evalError: true });
      continue;
    }
    if (r.value === true) {
      decisions.push({ action: 'admit', index: i, message: '' });
      continue;
    }
    let message = '';
    if (v.messageExpression) {
      const m = ev.run(v.messageExpression);
      if (m.outOfBudget) {
        decisions.push({ action: failAction, index: i, message: `failed messageExpression: ${m.error}`, evalError: true });
        continue;
      }
      // a non-string, too long or multi-line message falls back to message, then to the expression
      if (typeof m.value === 'string') {
        message = m.value.trim();
        if (Buffer.byteLength(message) > MAX_MESSAGE_BYTES || message.includes('\n')) message = '';
      }
    }
    if (!message && v.message) message = v.message.trim();
    if (!message) message = `failed expression: ${v.expression.expression.trim()}`;
    decisions.push({ action: 'deny', index: i, message, reason: v.reason ?? 'Invalid' });
  }

  const auditAnnotations: AuditAnnotationResult[] = [];
  const aev = new Evaluation(bindings, RUNTIME_CEL_COST_BUDGET);
  for (const a of p.auditAnnotations) {
    const r = aev.run(a.expression);
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
