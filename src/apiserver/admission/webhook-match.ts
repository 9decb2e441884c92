// Whether a webhook is asked about a write: its rules (operations, groups, versions, resources with
// subresources, scope), namespaceSelector and objectSelector, as upstream's webhook predicates decide.
import { labelSelectorFromObject } from '../../apimachinery/selectors.js';
import type { AdmissionAttributes, KObject, ResourceDef } from '../../registry/types.js';

export interface WebhookRule {
  operations?: string[];
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  scope?: string;
}

export interface Webhook {
  name: string;
  configurationName: string;
  clientConfig: { url?: string; caBundle?: string; service?: { namespace: string; name: string; path?: string; port?: number } };
  rules?: WebhookRule[];
  failurePolicy?: string;
  sideEffects?: string;
  timeoutSeconds?: number;
  admissionReviewVersions?: string[];
  namespaceSelector?: KObject;
  objectSelector?: KObject;
  matchConditions?: KObject[];
  reinvocationPolicy?: string;
  matchPolicy?: string;
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

// upstream's rules.Matcher: "*" is every resource but no subresource, "*/*" everything, "pods/*", "*/status"
function resourceMatches(resources: string[] | undefined, resource: string, subresource: string): boolean {
  const want = subresource ? `${resource}/${subresource}` : resource;
  for (const r of resources ?? []) {
    if (r === '*/*' || r === want) return true;
    const [res, sub] = r.split('/', 2);
    if (sub === undefined) {
      if (res === '*' && !subresource) return true;
      continue;
    }
    if (res === '*' && sub === subresource) return true;
    if (res === resource && sub === '*' && subresource) return true;
  }
  return false;
}

function ruleMatches(rule: WebhookRule, a: AdmissionAttributes): boolean {
  if (!has(rule.operations, a.operation)) return false;
  if (!has(rule.apiGroups, a.def.group) || !has(rule.apiVersions, a.def.version)) return false;
  if (!resourceMatches(rule.resources, a.def.resource, a.subresource)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster') return !a.def.namespaced;
  if (scope === 'Namespaced') return a.def.namespaced;
  return true;
}

function selectorMatches(sel: KObject | undefined, labels: Record<string, string>): boolean {
  if (!sel) return true;
  return labelSelectorFromObject(sel).matches(labels);
}

export function rulesMatch(h: Webhook, a: AdmissionAttributes): boolean {
  return (h.rules ?? []).some((r) => ruleMatches(r, a));
}

/**
 * The resource the webhook's rules take the request as: its own, else (matchPolicy Equivalent, the default) the
 * first equivalent resource they take — whole objects and their status only, as the object's kind stays the same.
 */
export function rulesMatchAs(h: Webhook, a: AdmissionAttributes, equivalents: () => ResourceDef[]): ResourceDef | undefined {
  if (rulesMatch(h, a)) return a.def;
  if (h.matchPolicy === 'Exact' || (a.subresource && a.subresource !== 'status')) return undefined;
  return equivalents().find((def) => (!a.subresource || def.subresources.has(a.subresource)) && rulesMatch(h, { ...a, def }));
}

/** The resource a webhook is asked about the request as, or undefined when it does not match. */
export async function webhookMatches(
  h: Webhook,
  a: AdmissionAttributes,
  obj: KObject | undefined,
  old: KObject | undefined,
  namespaceLabels: () => Promise<Record<string, string> | undefined>,
  equivalents: () => ResourceDef[],
): Promise<ResourceDef | undefined> {
  const as = rulesMatchAs(h, a, equivalents);
  if (!as) return undefined;
  // an object matches when its new or its old labels do
  if (h.objectSelector && Object.keys(h.objectSelector).length) {
    const newM = obj ? selectorMatches(h.objectSelector, obj.metadata?.labels ?? {}) : false;
    const oldM = old ? selectorMatches(h.objectSelector, old.metadata?.labels ?? {}) : false;
    if (!newM && !oldM) return undefined;
  }
  if (h.namespaceSelector && Object.keys(h.namespaceSelector).length) {
    const labels = await namespaceLabels();
    // cluster-scoped objects other than namespaces are not subject to the namespace selector
    if (labels !== undefined && !selectorMatches(h.namespaceSelector, labels)) return undefined;
  }
  return as;
}
