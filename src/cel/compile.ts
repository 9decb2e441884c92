// Compiling expressions in a Kubernetes CEL environment: parse, type-check, validate, check the result type,
// with upstream's error texts ("compilation failed: ERROR: <input>:1:5: ...").
import { walk, type Expr } from './ast.js';
import { check, type Reference } from './checker.js';
import type { FunctionDecl } from './decls.js';
import { baseEnv, CURRENT_VERSION, DEFAULT_NEW_EXPRESSIONS_VERSION, type BaseEnv } from './env.js';
import { parse } from './parser.js';
import { assignTypeNames, DeclTypeRegistry, schemaDeclType, withTypeAndObjectMeta, type DeclType, type StructuralSchema } from './schema-types.js';
import { displayIssues, Source, type CelIssue } from './source.js';
import { BOOL, CelType, DYN, formatType, sameType, typeOf } from './types.js';
import { ConstantError, foldConstants } from './optimize.js';
import { regexProgramErrors, validate } from './validators.js';
import type { Val } from './values.js';

/** A variable declared by schema (CRD `self`) or by CEL type (VAP `object` is dyn). */
export type VariableDecl =
  | CelType
  | { schema: StructuralSchema; isResourceRoot?: boolean; typeName?: string; optional?: boolean }
  | { declType: DeclType; optional?: boolean };

export interface CompileOptions {
  variables?: Record<string, VariableDecl>;
  /**
   * 'new' checks expressions being written (Kubernetes' NewExpressions environment, 1.32 libraries in 1.33);
   * 'stored' runs persisted ones (all 1.33 libraries); a number picks the 1.x environment.
   */
  envType?: 'new' | 'stored' | number;
  /** Accepted result types; none means any. */
  resultTypes?: CelType[];
  /** Message when the result type does not match (default: VAP's "must evaluate to T but got U"). */
  resultTypeError?: string;
  /** Prefix of compile errors (default "compilation failed: "). */
  errorPrefix?: string;
}

export interface Program {
  readonly source: string;
  readonly expr: Expr;
  readonly types: Map<number, CelType>;
  readonly refs: Map<number, Reference>;
  readonly functions: ReadonlyMap<string, FunctionDecl>;
  /** Values cel-go's optimizer precomputes (constant literals and conversions). */
  readonly constants: Map<number, Val>;
  readonly outputType: CelType;
  /** Declarations of the variables, for typed conversion of activation values and cost estimation. */
  readonly variables: ReadonlyMap<string, { type: CelType; decl?: DeclType; schema?: StructuralSchema }>;
  readonly registry: DeclTypeRegistry;
  /** Names of the declared variables the expression references (e.g. to know whether it uses oldSelf). */
  readonly referencedVariables: ReadonlySet<string>;
}

export type CompileResult =
  | { program: Program; error?: undefined }
  | { program?: undefined; error: string; kind: 'invalid' | 'internal' };

/** cel.Type.String(): type names as VAP prints them in result type errors. */
function typeString(t: CelType): string {
  if (t.params.length === 0) return t.kind === 'null' ? 'null_type' : t.name;
  return `${t.name}(${t.params.map(typeString).join(', ')})`;
}

let typeNameCounter = 0;

/** A fresh type name for `self`, as apiextensions makes one per compilation (selfType<nanos>). */
export function uniqueSelfTypeName(): string {
  typeNameCounter = (typeNameCounter + 1) % 1_000_000_000;
  return `selfType${(Number(process.hrtime.bigint() % 1_000_000_000n) + typeNameCounter) % 1_000_000_000}`;
}

function envFor(envType: CompileOptions['envType']): BaseEnv {
  if (typeof envType === 'number') return baseEnv(envType);
  return baseEnv(envType === 'stored' ? CURRENT_VERSION : DEFAULT_NEW_EXPRESSIONS_VERSION);
}

export function compile(expression: string, options: CompileOptions = {}): CompileResult {
  const env = envFor(options.envType);
  const registry = new DeclTypeRegistry(env.structTypes, env.keywordFieldNames);
  const variables = new Map<string, { type: CelType; decl?: DeclType; schema?: StructuralSchema }>();
  for (const [name, d] of Object.entries(options.variables ?? {})) {
    if (d instanceof CelType) {
      variables.set(name, { type: d });
      continue;
    }
    let decl: DeclType | undefined;
    if ('declType' in d) decl = d.declType;
    else {
      const raw = schemaDeclType(d.schema, d.isResourceRoot ?? false);
      decl = raw && assignTypeNames(raw, d.typeName ?? uniqueSelfTypeName());
    }
    const type = decl ? decl.celType : DYN;
    if (decl) registry.register(decl);
    // values are read with the schema, widened with kind/apiVersion/metadata at resource roots
    const schema = 'schema' in d ? (d.isResourceRoot ? withTypeAndObjectMeta(d.schema) : d.schema) : decl?.schema;
    variables.set(name, { type: d.optional ? optional(type) : type, decl, schema });
  }
  const varTypes = new Map<string, CelType>(env.typeIdents);
  for (const [n, v] of variables) varTypes.set(n, v.type);
  for (const t of env.structTypes.values()) varTypes.set(t.name, typeOf(t));

  const source = new Source(expression);
  const prefix = options.errorPrefix ?? 'compilation failed: ';
  const fail = (issues: CelIssue[]): CompileResult => ({ error: prefix + displayIssues(source, issues), kind: 'invalid' });
  const parsed = parse(source, { optionals: env.optionals, twoVarComprehensions: env.twoVarComprehensions });
  if (parsed.issues.length) return fail(parsed.issues);
  const typeNames = new Set([...env.typeIdents.keys(), ...env.structTypes.keys()].filter((n) => !variables.has(n)));
  const checked = check(parsed.expr, { variables: varTypes, typeNames, functions: env.functions, provider: registry }, source, parsed.info);
  if (checked.issues.length) return fail(checked.issues);
  const vIssues = validate(parsed.expr, checked.types, checked.refs, env.functions, { literals: env.literalValidators, format: env.formatValidator });
  if (vIssues.length) {
    return fail(vIssues.map((i) => ({ location: source.locationOf(parsed.info.offsetOf(i.id)), message: i.message })));
  }
  const outputType = checked.types.get(parsed.expr.id) ?? DYN;
  if (options.resultTypes && !options.resultTypes.some((t) => t.kind === 'any' || sameType(t, outputType))) {
    const wanted = options.resultTypes;
    const message = options.resultTypeError ??
      (wanted.length === 1
        ? `must evaluate to ${typeString(wanted[0])} but got ${typeString(outputType)}`
        : `must evaluate to one of [${wanted.map(typeString).join(' ')}] but got ${typeString(outputType)}`);
    return { error: message, kind: 'invalid' };
  }
  const regexErr = regexProgramErrors(parsed.expr);
  if (regexErr) return { error: `program instantiation failed: ${regexErr}`, kind: 'internal' };
  let constants: Map<number, Val>;
  try {
    constants = foldConstants(parsed.expr, env.functions, checked.refs);
  } catch (e) {
    if (!(e instanceof ConstantError)) throw e;
    return { error: `program instantiation failed: ${e.message}`, kind: 'internal' };
  }
  const referenced = new Set<string>();
  walk(parsed.expr, (e) => {
    const name = checked.refs.get(e.id)?.name;
    if (name !== undefined && variables.has(name)) referenced.add(name);
  });
  return {
    program: {
      source: expression,
      expr: parsed.expr,
      types: checked.types,
      refs: checked.refs,
      functions: env.functions,
      constants,
      outputType,
      variables,
      registry,
      referencedVariables: referenced,
    },
  };
}

function optional(t: CelType): CelType {
  return new CelType('opaque', 'optional_type', [t]);
}

/** Options for CRD x-kubernetes-validations rules and their messageExpressions. */
export const CRD_RULE: Pick<CompileOptions, 'resultTypes' | 'resultTypeError'> = {
  resultTypes: [BOOL],
  resultTypeError: 'cel expression must evaluate to a bool',
};

export { formatType };
