// The CEL environment of admission policies (upstream's admission plugin cel package): `object`, `oldObject`,
// `request` (kubernetes.AdmissionRequest), `namespaceObject` (kubernetes.Namespace), optional `params` and
// `authorizer`, and `variables` typed by the variables compiled before, for admission and for API validation.
import { compile, type CompileOptions, type Program, type VariableDecl } from './compile.js';
import { AUTHORIZER_TYPE, RESOURCE_CHECK_TYPE } from './lib-authz.js';
import { DECL_BOOL, DECL_DYN, DECL_INT, DECL_STRING, DECL_TIMESTAMP, DeclType, listDecl, mapDecl, objectDecl } from './schema-types.js';
import { DYN, formatType, type CelType } from './types.js';

const gvk = objectDecl('kubernetes.GroupVersionKind', { group: DECL_STRING, version: DECL_STRING, kind: DECL_STRING });
const gvr = objectDecl('kubernetes.GroupVersionResource', { group: DECL_STRING, version: DECL_STRING, resource: DECL_STRING });
const strings = listDecl(DECL_STRING, 0);
const userInfo = objectDecl('kubernetes.UserInfo', { username: DECL_STRING, uid: DECL_STRING, groups: strings, extra: mapDecl(strings, 0) });

/** BuildRequestType: the admission request without uid, object and oldObject. */
export const REQUEST_DECL: DeclType = objectDecl('kubernetes.AdmissionRequest', {
  kind: gvk, resource: gvr, subResource: DECL_STRING, requestKind: gvk, requestResource: gvr, requestSubResource: DECL_STRING,
  name: DECL_STRING, namespace: DECL_STRING, operation: DECL_STRING, userInfo, dryRun: DECL_BOOL, options: DECL_DYN,
});

const stringMap = mapDecl(DECL_STRING, 0);
const condition = objectDecl('kubernetes.NamespaceCondition', { status: DECL_STRING, type: DECL_STRING, lastTransitionTime: DECL_TIMESTAMP, message: DECL_STRING, reason: DECL_STRING });

/** BuildNamespaceType: the namespace without managedFields and ownerReferences. */
export const NAMESPACE_DECL: DeclType = objectDecl('kubernetes.Namespace', {
  metadata: objectDecl('kubernetes.NamespaceMetadata', {
    name: DECL_STRING, generateName: DECL_STRING, namespace: DECL_STRING, labels: stringMap, annotations: stringMap, UID: DECL_STRING,
    creationTimestamp: DECL_TIMESTAMP, deletionGracePeriodSeconds: DECL_INT, deletionTimestamp: DECL_TIMESTAMP, generation: DECL_INT,
    resourceVersion: DECL_STRING, finalizers: strings,
  }),
  spec: objectDecl('kubernetes.NamespaceSpec', { finalizers: strings }),
  status: objectDecl('kubernetes.NamespaceStatus', { conditions: listDecl(condition, 0), phase: DECL_STRING }),
});

/** Types the expressions of a policy are checked with (the type checker narrows object and params). */
export interface PolicyTypes {
  object?: VariableDecl;
  params?: VariableDecl;
}

/** A compiled expression, or why it did not compile (upstream's CompilationResult). */
export interface CompiledExpression {
  expression: string;
  program?: Program;
  error?: string;
  /** 'internal' for failures past type checking (upstream's ErrorTypeInternal). */
  kind?: 'invalid' | 'internal';
}

export interface ExpressionOptions {
  resultTypes?: CelType[];
  /** Whether `authorizer` is declared (not for messageExpressions). */
  authorizer?: boolean;
  /** Whether `variables` is declared (not for matchConditions when the API validates them). */
  composition?: boolean;
  envType?: CompileOptions['envType'];
}

/** What a variable's output type declares it as, for the expressions after it (convertCelTypeToDeclType). */
function declOf(t: CelType | undefined): DeclType {
  return new DeclType('simple', t ? formatType(t) : 'dyn', t ?? DYN, 1);
}

/** Compiles the expressions of one policy, the declared variables growing as they compile. */
export class PolicyCompiler {
  private readonly varFields: Record<string, DeclType> = {};

  constructor(private readonly hasParams: boolean, private readonly types: PolicyTypes = {}) {}

  compile(expression: string, o: ExpressionOptions = {}): CompiledExpression {
    const object = this.types.object ?? DYN;
    const vars: Record<string, VariableDecl> = { object, oldObject: object, request: { declType: REQUEST_DECL }, namespaceObject: { declType: NAMESPACE_DECL } };
    if (this.hasParams) vars.params = this.types.params ?? DYN;
    if (o.authorizer !== false) {
      vars.authorizer = AUTHORIZER_TYPE;
      vars['authorizer.requestResource'] = RESOURCE_CHECK_TYPE;
    }
    if (o.composition !== false) vars.variables = { declType: objectDecl('kubernetes.variables', { ...this.varFields }) };
    const r = compile(expression, { variables: vars, envType: o.envType ?? 'stored', resultTypes: o.resultTypes });
    return r.error !== undefined ? { expression, error: r.error, kind: r.kind } : { expression, program: r.program };
  }

  /** A variable: compiled, then visible (typed) to what compiles after it. */
  variable(name: string, expression: string, envType?: CompileOptions['envType']): CompiledExpression {
    const c = this.compile(expression, { envType });
    this.varFields[name] = declOf(c.program?.outputType);
    return c;
  }
}
