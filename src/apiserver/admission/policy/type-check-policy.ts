// Type checking of a ValidatingAdmissionPolicy (upstream's TypeChecker): each validation and messageExpression
// is compiled once per kind the matchConstraints name explicitly, with `object` typed by that kind's schema;
// what fails becomes an expressionWarning for status.typeChecking.
import type { VariableDecl } from '../../../cel/compile.js';
import { cel } from '../../../cel/lazy.js';
import type { StructuralSchema } from '../../../cel/schema-types.js';
import type { KObject } from '../../../registry/types.js';
import { builtinKindFor, builtinSchema } from './builtin-schema.js';

export interface ExpressionWarning {
  fieldRef: string;
  warning: string;
}

interface GVK {
  group: string;
  version: string;
  kind: string;
}

/** Kinds and schemas by resource (upstream's RESTMapper and SchemaResolver); built-in kinds by default. */
export interface SchemaResolver {
  kindFor(group: string, version: string, resource: string): string | undefined;
  schemaFor(group: string, version: string, kind: string): StructuralSchema | undefined;
}

export const BUILTIN_SCHEMAS: SchemaResolver = { kindFor: builtinKindFor, schemaFor: builtinSchema };

const MAX_TYPES_TO_CHECK = 10;

/** schema.GroupVersionKind.String() */
const gvkString = (g: GVK) => `${g.group ? `${g.group}/` : '/'}${g.version}, Kind=${g.kind}`;

/** A schema-typed declaration with upstream's unique type name (Kind + nanoseconds). */
function typed(g: GVK, resolver: SchemaResolver): VariableDecl | undefined {
  const schema = resolver.schemaFor(g.group, g.version, g.kind);
  return schema ? { schema, isResourceRoot: true, typeName: `${g.kind}${cel().uniqueSelfTypeName().slice('selfType'.length)}` } : undefined;
}

/** The kinds to check: rules without wildcards in groups, versions or resources (and no subresources). */
function typesToCheck(policy: KObject, resolver: SchemaResolver): GVK[] {
  const out = new Map<string, GVK>();
  for (const rule of (policy.spec?.matchConstraints?.resourceRules ?? []) as KObject[]) {
    const groups = ((rule.apiGroups ?? []) as string[]).filter((g) => !g.includes('*')).sort();
    const versions = ((rule.apiVersions ?? []) as string[]).filter((v) => !v.includes('*')).sort();
    const resources = ((rule.resources ?? []) as string[]).filter((r) => !/[*/]/.test(r)).sort();
    // any wildcard gives up on that list, as upstream's extract functions do
    if (groups.length !== (rule.apiGroups ?? []).length || versions.length !== (rule.apiVersions ?? []).length) continue;
    for (const group of groups) {
      for (const version of versions) {
        for (const resource of resources) {
          const kind = resolver.kindFor(group, version, resource);
          if (!kind) continue;
          const g = { group, version, kind };
          out.set(gvkString(g), g);
          if (out.size === MAX_TYPES_TO_CHECK) return sorted(out);
        }
      }
    }
  }
  return sorted(out);
}

function sorted(m: Map<string, GVK>): GVK[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...m.values()].sort((a, b) => cmp(a.group, b.group) || cmp(a.version, b.version) || cmp(a.kind, b.kind));
}

function paramsGVK(policy: KObject): GVK | undefined {
  const pk = policy.spec?.paramKind;
  if (!pk?.kind || !pk.apiVersion) return undefined;
  const av = String(pk.apiVersion);
  const [group, version] = av.includes('/') ? av.split('/', 2) : ['', av];
  return { group, version, kind: pk.kind };
}

/** The expression warnings of a policy, as the status controller writes them. */
export function typeCheckPolicy(policy: KObject, resolver: SchemaResolver = BUILTIN_SCHEMAS): ExpressionWarning[] {
  const gvks = typesToCheck(policy, resolver).map((g) => ({ g, object: typed(g, resolver) })).filter((x) => x.object !== undefined);
  if (gvks.length === 0) return [];
  const pg = paramsGVK(policy);
  const params = pg ? typed(pg, resolver) : undefined;
  const check = (expression: string): string => {
    const messages: string[] = [];
    for (const { g, object } of gvks) {
      const c = new (cel().PolicyCompiler)(!!pg, { object, params });
      for (const v of (policy.spec?.variables ?? []) as KObject[]) c.variable(v.name, v.expression ?? '');
      const r = c.compile(expression);
      if (r.error !== undefined) messages.push(r.kind === 'internal' ? `${gvkString(g)}: type checking error: ${r.error}\n` : `${gvkString(g)}: ${r.error}\n`);
    }
    return messages.join('\n');
  };
  const warnings: ExpressionWarning[] = [];
  for (const [i, v] of ((policy.spec?.validations ?? []) as KObject[]).entries()) {
    const w = check(v.expression ?? '');
    if (w) warnings.push({ fieldRef: `spec.validations[${i}].expression`, warning: w });
    if (!v.messageExpression) continue;
    const m = check(v.messageExpression);
    if (m) warnings.push({ fieldRef: `spec.validations[${i}].messageExpression`, warning: m });
  }
  return warnings;
}
