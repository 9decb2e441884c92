// PolicyRule matching and coverage as upstream's rbac helpers and registry validation: what a rule allows,
// whether one set of rules covers another (escalation checks, reconciliation) and how missing rules are printed.
import type { Attributes, PolicyRule } from './types.js';

export type { PolicyRule } from './types.js';

const ALL = '*';

const list = (v: string[] | null | undefined): string[] => v ?? [];

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return list(rule.verbs).some((v) => v === ALL || v === verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return list(rule.apiGroups).some((g) => g === ALL || g === group);
}

// resource/subresource against the rule's resources: all, an exact match, or star-slash-subresource
export function resourceMatches(rule: PolicyRule, combined: string, subresource: string): boolean {
  for (const r of list(rule.resources)) {
    if (r === ALL || r === combined) return true;
    if (!subresource) continue;
    if (r.length === subresource.length + 2 && r.startsWith('*/') && r.endsWith(subresource)) return true;
  }
  return false;
}

export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  const names = list(rule.resourceNames);
  return names.length === 0 || names.includes(name);
}

/** Go's strings.TrimRight(s, "*"). */
function trimStars(s: string): string {
  let end = s.length;
  while (end > 0 && s[end - 1] === '*') end--;
  return s.slice(0, end);
}

export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  return list(rule.nonResourceURLs).some((u) => u === ALL || u === path || (u.endsWith('*') && path.startsWith(trimStars(u))));
}

/** Whether one rule allows the request (upstream's RuleAllows). */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (a.isResourceRequest) {
    const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
    return verbMatches(rule, a.verb) && apiGroupMatches(rule, a.apiGroup) && resourceMatches(rule, combined, a.subresource) && resourceNameMatches(rule, a.name);
  }
  return verbMatches(rule, a.verb) && nonResourceURLMatches(rule, a.path);
}

/** One rule per group × resource × verb (× name), and per URL × verb: each is covered by one owner rule or not at all. */
export function breakdownRule(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  const names = list(rule.resourceNames);
  for (const g of list(rule.apiGroups))
    for (const r of list(rule.resources))
      for (const v of list(rule.verbs)) {
        if (names.length) for (const n of names) out.push({ apiGroups: [g], resources: [r], verbs: [v], resourceNames: [n] });
        else out.push({ apiGroups: [g], resources: [r], verbs: [v] });
      }
  for (const u of list(rule.nonResourceURLs)) for (const v of list(rule.verbs)) out.push({ nonResourceURLs: [u], verbs: [v] });
  return out;
}

const hasAll = (set: string[], wanted: string[]) => wanted.every((w) => set.includes(w));

function resourceCoversAll(set: string[], wanted: string[]): boolean {
  if (set.includes(ALL) || hasAll(set, wanted)) return true;
  for (const path of wanted) {
    if (set.includes(path)) continue;
    const slash = path.indexOf('/');
    if (slash < 0) return false;
    if (!set.includes(`*/${path.slice(slash + 1)}`)) return false;
  }
  return true;
}

function nonResourceURLCovers(owner: string, sub: string): boolean {
  return owner === sub || (owner.endsWith('*') && sub.startsWith(trimStars(owner)));
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const ov = list(owner.verbs);
  const og = list(owner.apiGroups);
  const on = list(owner.resourceNames);
  const sn = list(sub.resourceNames);
  const verbs = ov.includes(ALL) || hasAll(ov, list(sub.verbs));
  const groups = og.includes(ALL) || hasAll(og, list(sub.apiGroups));
  const resources = resourceCoversAll(list(owner.resources), list(sub.resources));
  const urls = list(sub.nonResourceURLs).every((p) => list(owner.nonResourceURLs).some((o) => nonResourceURLCovers(o, p)));
  const names = sn.length === 0 ? on.length === 0 : on.length === 0 || hasAll(on, sn);
  return verbs && groups && resources && names && urls;
}

/** Whether the owner's rules cover every servant rule, and the broken-down rules they do not (upstream's Covers). */
export function covers(ownerRules: PolicyRule[], servantRules: PolicyRule[]): { covered: boolean; missing: PolicyRule[] } {
  const missing: PolicyRule[] = [];
  for (const sub of servantRules.flatMap(breakdownRule)) if (!ownerRules.some((o) => ruleCovers(o, sub))) missing.push(sub);
  return { covered: missing.length === 0, missing };
}

/** Merges single group/resource rules that differ only by verb (upstream's CompactRules). */
export function compactRules(rules: PolicyRule[]): PolicyRule[] {
  const compacted: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const r of rules) {
    const names = list(r.resourceNames);
    const isSimple = names.length <= 1 && list(r.nonResourceURLs).length === 0 && list(r.apiGroups).length === 1 && list(r.resources).length === 1;
    if (!isSimple) {
      compacted.push(r);
      continue;
    }
    const key = JSON.stringify([r.apiGroups![0], r.resources![0], names.length > 0, names[0] ?? '']);
    const seen = simple.get(key);
    if (seen) seen.verbs = [...list(seen.verbs), ...list(r.verbs)];
    else simple.set(key, { ...r, verbs: [...list(r.verbs)] });
  }
  return [...compacted, ...simple.values()];
}

/** Go's %q of a []string. */
export function goQuoteList(items: string[]): string {
  return `[${items.map((s) => JSON.stringify(s)).join(' ')}]`;
}

/** The rule as upstream prints it in escalation errors (rbacv1helpers.CompactString). */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (list(r.apiGroups).length) parts.push(`APIGroups:${goQuoteList(r.apiGroups!)}`);
  if (list(r.resources).length) parts.push(`Resources:${goQuoteList(r.resources!)}`);
  if (list(r.nonResourceURLs).length) parts.push(`NonResourceURLs:${goQuoteList(r.nonResourceURLs!)}`);
  if (list(r.resourceNames).length) parts.push(`ResourceNames:${goQuoteList(r.resourceNames!)}`);
  if (list(r.verbs).length) parts.push(`Verbs:${goQuoteList(r.verbs!)}`);
  return `{${parts.join(', ')}}`;
}

/** Semantic equality of two rules (nil and empty lists are the same, as equality.Semantic treats them). */
export function rulesEqual(a: PolicyRule, b: PolicyRule): boolean {
  const same = (x: string[] | null | undefined, y: string[] | null | undefined) => {
    const p = list(x);
    const q = list(y);
    return p.length === q.length && p.every((v, i) => v === q[i]);
  };
  return same(a.verbs, b.verbs) && same(a.apiGroups, b.apiGroups) && same(a.resources, b.resources) && same(a.resourceNames, b.resourceNames) && same(a.nonResourceURLs, b.nonResourceURLs);
}
