// Whether a policy's matchConstraints or a binding's matchResources take a request (upstream's matching.Matcher):
// namespace and object selectors, excludeResourceRules, resourceRules with resourceNames, matchPolicy Equivalent.
import { labelSelectorFromObject } from '../../../apimachinery/selectors.js';
import type { AdmissionAttributes, KObject, ResourceDef } from '../../../registry/types.js';
import { rulesMatch, type Webhook } from '../webhook-match.js';
import type { MatchedResource } from './policy-env.js';

/** What matching needs besides the request: the namespace's labels and the resources equivalent to one. */
export interface MatchContext {
  /** Labels of the request's namespace; undefined for cluster-scoped requests (other than namespaces). */
  namespaceLabels(): Promise<Record<string, string> | undefined>;
  /** Other served versions of the same group and resource (matchPolicy Equivalent). */
  equivalents(def: ResourceDef): ResourceDef[];
}

const asMatched = (d: ResourceDef): MatchedResource => ({ group: d.group, version: d.version, resource: d.resource, kind: d.kind });

function ruleTakes(rule: KObject, a: AdmissionAttributes, name: string): boolean {
  if (!rulesMatch({ rules: [rule] } as unknown as Webhook, a)) return false;
  const names: string[] = rule.resourceNames ?? [];
  return names.length === 0 || names.includes(name);
}

/** The resource a rule list matches the request as, or undefined. */
function matchRules(rules: KObject[], policy: string | undefined, a: AdmissionAttributes, name: string, ctx: MatchContext): MatchedResource | undefined {
  if (rules.some((r) => ruleTakes(r, a, name))) return asMatched(a.def);
  if (policy !== 'Equivalent') return undefined;
  for (const r of rules) {
    for (const eq of ctx.equivalents(a.def)) if (ruleTakes(r, { ...a, def: eq }, name)) return asMatched(eq);
  }
  return undefined;
}

function selectorTakes(sel: KObject | undefined, labels: Record<string, string>): boolean {
  if (!sel || Object.keys(sel).length === 0) return true;
  return labelSelectorFromObject(sel).matches(labels);
}

/**
 * The resource the criteria match the request as, or undefined when they do not. Absent criteria (a binding
 * without matchResources) and empty resourceRules take every resource.
 */
export async function matchResources(
  m: KObject | undefined,
  a: AdmissionAttributes,
  obj: KObject | undefined,
  old: KObject | undefined,
  ctx: MatchContext,
): Promise<MatchedResource | undefined> {
  if (!m) return asMatched(a.def);
  if (m.namespaceSelector && Object.keys(m.namespaceSelector).length) {
    const labels = await ctx.namespaceLabels();
    if (labels !== undefined && !selectorTakes(m.namespaceSelector, labels)) return undefined;
  }
  if (m.objectSelector && Object.keys(m.objectSelector).length) {
    // an object matches when its new or its old labels do
    const takesNew = obj ? selectorTakes(m.objectSelector, obj.metadata?.labels ?? {}) : false;
    const takesOld = old ? selectorTakes(m.objectSelector, old.metadata?.labels ?? {}) : false;
    if (!takesNew && !takesOld) return undefined;
  }
  const name = a.name;
  if (matchRules(m.excludeResourceRules ?? [], m.matchPolicy, a, name, ctx)) return undefined;
  const rules: KObject[] = m.resourceRules ?? [];
  if (rules.length === 0) return asMatched(a.def);
  return matchRules(rules, m.matchPolicy, a, name, ctx);
}
