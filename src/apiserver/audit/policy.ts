// audit.k8s.io/v1 Policy: loading with upstream's validation messages, and the rule that decides a
// request's level and omitted stages (the first rule that matches, as upstream's policy checker).
import { readFileSync } from 'node:fs';

export type AuditLevel = 'None' | 'Metadata' | 'Request' | 'RequestResponse';
export type AuditStage = 'RequestReceived' | 'ResponseStarted' | 'ResponseComplete' | 'Panic';

const LEVELS: AuditLevel[] = ['None', 'Metadata', 'Request', 'RequestResponse'];
const STAGES: AuditStage[] = ['RequestReceived', 'ResponseStarted', 'ResponseComplete', 'Panic'];

export interface PolicyRule {
  level: AuditLevel;
  users?: string[];
  userGroups?: string[];
  verbs?: string[];
  resources?: { group?: string; resources?: string[]; resourceNames?: string[] }[];
  namespaces?: string[];
  nonResourceURLs?: string[];
  omitStages?: AuditStage[];
  omitManagedFields?: boolean;
}

export interface AuditPolicy {
  rules: PolicyRule[];
  omitStages?: AuditStage[];
  omitManagedFields?: boolean;
}

/** What the policy asks for one request. */
export interface AuditConfig {
  level: AuditLevel;
  omitStages: Set<AuditStage>;
  omitManagedFields: boolean;
}

export interface AuditAttributes {
  user: { username: string; groups: string[] };
  verb: string;
  isResourceRequest: boolean;
  path: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  namespace: string;
  name: string;
}

/** Reads and checks a policy file; throws an Error naming the file and the first problem. */
export async function loadPolicy(path: string): Promise<AuditPolicy> {
  let doc: unknown;
  try {
    // the yaml module stays out of start-up unless a policy is asked for
    const { parse } = await import('yaml');
    doc = parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new Error(`failed to read audit policy file ${path}: ${(e as Error).message}`);
  }
  const p = doc as Record<string, unknown> | null;
  if (!p || typeof p !== 'object') throw new Error(`failed decoding audit policy file ${path}: not an object`);
  if (p.kind !== 'Policy' || (p.apiVersion !== 'audit.k8s.io/v1' && p.apiVersion !== 'audit.k8s.io/v1beta1'))
    throw new Error(`failed decoding audit policy file ${path}: expected kind Policy in audit.k8s.io/v1, got ${String(p.kind)} in ${String(p.apiVersion)}`);
  const rules = (p.rules ?? []) as PolicyRule[];
  if (!Array.isArray(rules) || rules.length === 0) throw new Error(`loaded illegal policy with 0 rules from file ${path}`);
  const problems: string[] = [];
  const stages = (list: unknown, field: string) => {
    for (const [i, s] of ((list as unknown[]) ?? []).entries()) if (!STAGES.includes(s as AuditStage)) problems.push(`${field}[${i}]: Unsupported value: "${String(s)}": supported values: "${STAGES.join('", "')}"`);
  };
  stages(p.omitStages, 'omitStages');
  rules.forEach((r, i) => {
    if (!LEVELS.includes(r.level)) problems.push(`rules[${i}].level: Unsupported value: "${String(r.level ?? '')}": supported values: "${LEVELS.join('", "')}"`);
    if (r.nonResourceURLs?.length && (r.resources?.length || r.namespaces?.length)) problems.push(`rules[${i}].nonResourceURLs: Invalid value: []string{${r.nonResourceURLs.map((u) => JSON.stringify(u)).join(', ')}}: rules cannot apply to both regular resources and non-resource URLs`);
    stages(r.omitStages, `rules[${i}].omitStages`);
  });
  if (problems.length) throw new Error(`failed to validate audit policy file ${path}: ${problems.join(', ')}`);
  return { rules, omitStages: p.omitStages as AuditStage[] | undefined, omitManagedFields: p.omitManagedFields === true };
}

const has = (list: string[] | undefined, v: string) => !!list && list.includes(v);

function pathMatches(path: string, spec: string): boolean {
  return spec === '*' || spec === path || (spec.endsWith('*') && path.startsWith(spec.replace(/\*+$/, '')));
}

function resourceMatches(r: PolicyRule, a: AuditAttributes): boolean {
  if (!a.isResourceRequest) return false;
  if (r.namespaces?.length && !has(r.namespaces, a.namespace)) return false;
  if (!r.resources?.length) return true;
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  for (const gr of r.resources) {
    if ((gr.group ?? '') !== a.apiGroup) continue;
    if (!gr.resources?.length) return true;
    for (const res of gr.resources) {
      if (gr.resourceNames?.length && !has(gr.resourceNames, a.name)) continue;
      if (res === combined || res === '*') return true;
      if (a.subresource && res.startsWith('*/') && a.subresource === res.slice(2)) return true;
      if (res.endsWith('/*') && a.resource === res.slice(0, -2)) return true;
    }
  }
  return false;
}

function ruleMatches(r: PolicyRule, a: AuditAttributes): boolean {
  if (r.users?.length && !has(r.users, a.user.username)) return false;
  if (r.userGroups?.length && !a.user.groups.some((g) => has(r.userGroups, g))) return false;
  if (r.verbs?.length && !has(r.verbs, a.verb)) return false;
  if (r.namespaces?.length || r.resources?.length) return resourceMatches(r, a);
  if (r.nonResourceURLs?.length) return !a.isResourceRequest && r.nonResourceURLs.some((s) => pathMatches(a.path, s));
  return true;
}

export function evaluatePolicy(p: AuditPolicy, a: AuditAttributes): AuditConfig {
  for (const r of p.rules) {
    if (ruleMatches(r, a)) return { level: r.level, omitStages: new Set([...(p.omitStages ?? []), ...(r.omitStages ?? [])]), omitManagedFields: r.omitManagedFields ?? p.omitManagedFields ?? false };
  }
  return { level: 'None', omitStages: new Set(p.omitStages ?? []), omitManagedFields: p.omitManagedFields ?? false };
}
