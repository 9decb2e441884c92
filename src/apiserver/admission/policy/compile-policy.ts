// A ValidatingAdmissionPolicy compiled once per generation: variables (each seeing the ones before it),
// matchConditions, validations with their messageExpressions, and auditAnnotations, in the stored environment.
import type { CompiledExpression, PolicyTypes } from '../../../cel/admission-policy.js';
import { cel } from '../../../cel/lazy.js';
import { BOOL, NULL, STRING } from '../../../cel/types.js';
import type { KObject } from '../../../registry/types.js';

export type { CompiledExpression };

export interface CompiledValidation {
  expression: CompiledExpression;
  messageExpression?: CompiledExpression;
  message?: string;
  reason?: string;
}

export interface CompiledPolicy {
  policy: KObject;
  name: string;
  failurePolicy: 'Fail' | 'Ignore';
  hasParams: boolean;
  variables: Record<string, CompiledExpression>;
  matchConditions: { name: string; expression: CompiledExpression }[];
  validations: CompiledValidation[];
  auditAnnotations: { key: string; expression: CompiledExpression }[];
}

export function compilePolicy(policy: KObject, types: PolicyTypes = {}): CompiledPolicy {
  const spec = policy.spec ?? {};
  const hasParams = !!spec.paramKind;
  const c = new (cel().PolicyCompiler)(hasParams, types);
  const variables: Record<string, CompiledExpression> = {};
  for (const v of (spec.variables ?? []) as KObject[]) variables[v.name] = c.variable(v.name, v.expression ?? '');
  return {
    policy,
    name: policy.metadata?.name ?? '',
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    hasParams,
    variables,
    matchConditions: ((spec.matchConditions ?? []) as KObject[]).map((m) => ({ name: m.name, expression: c.compile(m.expression ?? '', { resultTypes: [BOOL] }) })),
    validations: ((spec.validations ?? []) as KObject[]).map((v) => ({
      expression: c.compile(v.expression ?? '', { resultTypes: [BOOL] }),
      messageExpression: v.messageExpression ? c.compile(v.messageExpression, { resultTypes: [STRING], authorizer: false }) : undefined,
      message: v.message,
      reason: v.reason,
    })),
    auditAnnotations: ((spec.auditAnnotations ?? []) as KObject[]).map((a) => ({ key: a.key, expression: c.compile(a.valueExpression ?? '', { resultTypes: [STRING, NULL] }) })),
  };
}
