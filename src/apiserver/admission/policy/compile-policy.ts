// A ValidatingAdmissionPolicy compiled once per generation: variables (each seeing the ones before it),
// matchConditions, validations with their messageExpressions, and auditAnnotations, in the stored environment.
import { compile, type Program, type VariableDecl } from '../../../cel/compile.js';
import { objectDecl, DeclType } from '../../../cel/schema-types.js';
import { BOOL, DYN, NULL, STRING, formatType, type CelType } from '../../../cel/types.js';
import type { KObject } from '../../../registry/types.js';
import { policyVariables } from './policy-env.js';

/** A compiled expression, or why it did not compile (upstream's CompilationResult). */
export interface CompiledExpression {
  expression: string;
  program?: Program;
  error?: string;
}

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

/** Types the expressions of a policy are checked with (the type checker narrows object and params). */
export interface PolicyTypes {
  object?: VariableDecl;
  params?: VariableDecl;
}

/** What a variable's output type declares it as, for the expressions after it (convertCelTypeToDeclType). */
function declOf(t: CelType | undefined): DeclType {
  return new DeclType('simple', t ? formatType(t) : 'dyn', t ?? DYN, 1);
}

/** Compiles expressions against one policy's environment, the variables growing as they compile. */
export class PolicyCompiler {
  private readonly varFields: Record<string, DeclType> = {};

  constructor(private readonly hasParams: boolean, private readonly types: PolicyTypes = {}) {}

  private declarations(): Record<string, VariableDecl> {
    return {
      ...policyVariables(this.hasParams, this.types.object, this.types.params),
      variables: { declType: objectDecl('kubernetes.variables', { ...this.varFields }) },
    };
  }

  compile(expression: string, resultTypes?: CelType[]): CompiledExpression {
    const r = compile(expression, { variables: this.declarations(), envType: 'stored', resultTypes });
    return r.error !== undefined ? { expression, error: r.error } : { expression, program: r.program };
  }

  /** A variable: compiled, then visible (typed) to what compiles after it. */
  variable(name: string, expression: string): CompiledExpression {
    const c = this.compile(expression);
    this.varFields[name] = declOf(c.program?.outputType);
    return c;
  }
}

export function compilePolicy(policy: KObject, types: PolicyTypes = {}): CompiledPolicy {
  const spec = policy.spec ?? {};
  const hasParams = !!spec.paramKind;
  const c = new PolicyCompiler(hasParams, types);
  const variables: Record<string, CompiledExpression> = {};
  for (const v of (spec.variables ?? []) as KObject[]) variables[v.name] = c.variable(v.name, v.expression ?? '');
  return {
    policy,
    name: policy.metadata?.name ?? '',
    failurePolicy: spec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
    hasParams,
    variables,
    matchConditions: ((spec.matchConditions ?? []) as KObject[]).map((m) => ({ name: m.name, expression: c.compile(m.expression ?? '', [BOOL]) })),
    validations: ((spec.validations ?? []) as KObject[]).map((v) => ({
      expression: c.compile(v.expression ?? '', [BOOL]),
      messageExpression: v.messageExpression ? c.compile(v.messageExpression, [STRING]) : undefined,
      message: v.message,
      reason: v.reason,
    })),
    auditAnnotations: ((spec.auditAnnotations ?? []) as KObject[]).map((a) => ({ key: a.key, expression: c.compile(a.valueExpression ?? '', [STRING, NULL]) })),
  };
}
