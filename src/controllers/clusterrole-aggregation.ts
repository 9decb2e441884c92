// clusterrole-aggregation: a ClusterRole with an aggregationRule holds the rules of every ClusterRole its
// selectors match (by name, without duplicates), rewritten by server-side apply whenever any ClusterRole changes.
import { labelSelectorFromObject } from '../apimachinery/selectors.js';
import type { GVR, KObject } from '../client/types.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

const CLUSTERROLES: GVR = { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'clusterroles', namespaced: false };
const FIELDS = ['verbs', 'apiGroups', 'resources', 'resourceNames', 'nonResourceURLs'] as const;

/** Semantic equality of rules: absent, null and empty lists are the same. */
function ruleKey(rule: KObject): string {
  return JSON.stringify(FIELDS.map((f) => (rule?.[f]?.length ? rule[f] : [])));
}

/** The rules an aggregated role should hold given every cluster role (upstream's syncClusterRole). */
export function aggregatedRules(role: KObject, all: KObject[]): KObject[] {
  const out: KObject[] = [];
  const seen = new Set<string>();
  for (const sel of role.aggregationRule?.clusterRoleSelectors ?? []) {
    const selector = labelSelectorFromObject(sel ?? {});
    const matched = all.filter((r) => r.metadata.name !== role.metadata.name && selector.matches(r.metadata.labels ?? {}));
    matched.sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
    for (const r of matched)
      for (const rule of r.rules ?? []) {
        const k = ruleKey(rule);
        if (seen.has(k)) continue;
        seen.add(k);
        out.push(rule);
      }
  }
  return out;
}

function sameRules(a: KObject[] | null | undefined, b: KObject[] | null | undefined): boolean {
  const x = a ?? [];
  const y = b ?? [];
  return x.length === y.length && x.every((r, i) => ruleKey(r) === ruleKey(y[i]!));
}

export class ClusterRoleAggregationController extends QueueController {
  private roles!: Informer;

  constructor() {
    super('clusterrole-aggregation');
  }

  protected register(): void {
    // as upstream: any change may matter to any aggregated role, so all of them are looked at again
    const all = () => {
      for (const r of this.roles.items()) if (r.aggregationRule) this.queue.add(r.metadata.name);
    };
    this.roles = this.ctx.informers.informer(CLUSTERROLES).on({ add: all, update: all, delete: all });
  }

  protected async sync(name: string): Promise<void> {
    const role = this.roles.get(name);
    if (!role?.aggregationRule) return;
    const rules = aggregatedRules(role, this.roles.items());
    if (sameRules(rules, role.rules)) return;
    const apply = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name }, rules };
    try {
      await this.ctx.client.patch(CLUSTERROLES, '', name, 'apply', apply, { fieldManager: 'clusterrole-aggregation-controller', force: true });
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }
}
