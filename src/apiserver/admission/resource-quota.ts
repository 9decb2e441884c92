// The ResourceQuota admission plugin: a create (or a charged update) that would take a quota of its namespace
// past status.hard is refused with upstream's message; otherwise the quotas' status.used is raised at once,
// before the object is stored, so that the next write already sees the charge.
import { forbidden, StatusError } from '../../apimachinery/errors.js';
import type { Registry } from '../../registry/index.js';
import type { AdmissionAttributes, KObject, RequestContext } from '../../registry/types.js';
import { evaluatorFor, podScopeSelectorParses, quotaMatches, quotaScopes, type Evaluator, type Scope } from '../../registry/quota/evaluators.js';
import { addLists, fromJSON, lessThanOrEqual, mask, prettyPrint, subtractLists, toJSON, type ResourceList } from '../../registry/quota/resource-list.js';

/**
 * One of ResourceQuotaConfiguration's limitedResources: usage whose name contains a match needs a covering quota,
 * and an object in one of matchScopes needs a quota with that scope.
 */
export interface LimitedResource {
  apiGroup?: string;
  resource: string;
  matchContains?: string[];
  matchScopes?: Scope[];
}

// kube-apiserver's default ignored resources
const IGNORED = new Set(['/events', 'events.k8s.io/events']);

/** Go's %v of []ScopedResourceSelectorRequirement: [{PriorityClass In [a b]} {BestEffort Exists []}]. */
const goScopes = (scopes: Scope[]) => `[${scopes.map((s) => `{${s.scopeName} ${s.operator} [${(s.values ?? []).join(' ')}]}`).join(' ')}]`;

export class ResourceQuotaAdmission {
  /** Every entry's matchScopes (whatever its resource); none when one cannot be evaluated, as upstream then lets requests through. */
  private readonly scopes: Scope[];

  constructor(
    private readonly registry: Registry,
    private readonly limited: LimitedResource[] = [],
  ) {
    const all = limited.flatMap((l) => l.matchScopes ?? []);
    this.scopes = all.every(podScopeSelectorParses) ? all : [];
  }

  /** limitedByDefault: the consumed (positive) usage names of obj that the configuration says a quota must cover. */
  private limitedNames(a: AdmissionAttributes, usage: () => ResourceList): string[] {
    if (!this.limited.length) return [];
    const rules = this.limited.filter((l) => (l.apiGroup ?? '') === a.def.group && l.resource === a.def.resource);
    if (!rules.length) return [];
    return [...usage()].filter(([n, q]) => q.nano > 0n && rules.some((l) => (l.matchContains ?? []).some((m) => n.includes(m)))).map(([n]) => n);
  }

  /** getMatchedLimitedScopes: the configured matchScopes that take obj. */
  private limitedScopes(ev: Evaluator, obj: KObject): Scope[] {
    return this.scopes.length ? this.scopes.filter((s) => ev.matchesScope(s, obj)) : this.scopes;
  }

  async validate(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined, ctx: RequestContext): Promise<void> {
    if (!obj || !a.namespace || a.operation === 'DELETE' || IGNORED.has(`${a.def.group}/${a.def.resource}`)) return;
    const ev = evaluatorFor(a.def.group, a.def.resource);
    if (!ev.handles(a.operation, a.subresource)) return;
    const store = this.registry.store('', 'v1', 'resourcequotas');
    if (!store) return;
    // from the watch cache, as upstream's plugin reads its informer's lister: the charge below re-reads each quota
    const quotas = (await store.list(a.namespace, { resourceVersion: '0' })).items;
    const limitedScopes = this.limitedScopes(ev, obj);
    const limited = this.limitedNames(a, () => ev.usage(obj));
    if (quotas.length === 0 && !limited.length && !limitedScopes.length) return;
    const covered = new Set<string>();
    const coveredScopes = new Set<string>();
    const refuse = (why: string) => forbidden({ group: a.def.group, resource: a.def.resource }, a.name || obj.metadata?.name || obj.metadata?.generateName || 'Unknown', why);
    const interesting: KObject[] = [];
    for (const q of quotas.sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : 1))) {
      // a quota's scopes that take the object cover the configured ones, whether or not the quota matches
      for (const s of quotaScopes(q)) if (ev.matchesScope(s, obj)) coveredScopes.add(s.scopeName);
      const hard = Object.keys(q.status?.hard ?? {});
      if (!quotaMatches(q, hard, ev, obj)) continue;
      const restricted = ev.matchingResources(hard);
      for (const r of restricted) covered.add(r);
      const why = ev.constraints(restricted, obj);
      if (why) throw refuse(`failed quota: ${q.metadata.name}: ${why}`);
      const used = q.status?.used ?? {};
      const unknown = restricted.filter((r) => !(r in used));
      if (unknown.length) throw refuse(`status unknown for quota: ${q.metadata.name}, resources: ${restricted.sort().join(',')}`);
      interesting.push(q);
    }
    let delta = ev.usage(obj);
    const negative = [...delta].filter(([, q]) => q.nano < 0n).map(([k]) => k);
    if (negative.length) throw refuse(`quota usage is negative for resource(s): ${negative.sort().join(',')}`);
    // an update is charged what it adds, never credited what it frees; zero charges are dropped
    if (a.operation === 'UPDATE' && old?.metadata?.resourceVersion) delta = subtractLists(delta, ev.usage(old));
    delta = new Map([...delta].filter(([, q]) => q.nano > 0n));
    if (delta.size === 0) return;
    const uncovered = [...new Set(limited)].filter((n) => !covered.has(n)).sort();
    if (uncovered.length) throw refuse(`insufficient quota to consume: ${uncovered.join(',')}`);
    const uncoveredScopes = limitedScopes.filter((s) => !coveredScopes.has(s.scopeName));
    // a plain error upstream, so a 500 without a reason
    if (uncoveredScopes.length) throw new StatusError(500, '', `insufficient quota to match these scopes: ${goScopes(uncoveredScopes)}`);
    if (interesting.length === 0) return;
    // checked against what was listed first, so that a refusal charges nothing; then charged one by one
    for (const q of interesting) this.charge(q, delta, refuse);
    for (const q of interesting) {
      await store.update(a.namespace, q.metadata.name, (cur) => {
        if (!cur) return null;
        cur.status = { ...cur.status, used: toJSON(this.charge(cur, delta, refuse)) };
        return cur;
      }, { ...ctx, admission: undefined }, { subresource: 'status' });
    }
  }

  /** The quota's used after the charge, or the refusal when it would exceed hard. */
  private charge(q: KObject, delta: ResourceList, refuse: (why: string) => Error): ResourceList {
    const hard = fromJSON(q.status?.hard);
    const used = fromJSON(q.status?.used);
    const requested = mask(delta, hard.keys());
    const next = addLists(used, requested);
    const { ok, exceeded } = lessThanOrEqual(mask(next, requested.keys()), hard);
    if (!ok) {
      throw refuse(`exceeded quota: ${q.metadata.name}, requested: ${prettyPrint(mask(requested, exceeded))}, used: ${prettyPrint(mask(used, exceeded))}, limited: ${prettyPrint(mask(hard, exceeded))}`);
    }
    return next;
  }
}
