// The bootstrap RBAC policy as objects, and its reconciliation at start as upstream's rbac/bootstrap-roles
// post-start hook: missing objects are created; existing ones gain missing rules, subjects, labels and annotations
// unless annotated rbac.authorization.kubernetes.io/autoupdate: "false".
import { StatusError } from '../apimachinery/errors.js';
import { updateManagedFields } from '../apimachinery/managedfields/index.js';
import { aggregatedRules } from '../controllers/clusterrole-aggregation.js';
import type { Registry } from '../registry/index.js';
import type { KObject, RequestContext } from '../registry/types.js';
import { CONTROLLER_ROLES, NAMESPACE_ROLES, NAMESPACE_ROLE_BINDINGS } from './bootstrap-policy-controllers.js';
import { CLUSTER_ROLES, CLUSTER_ROLE_BINDINGS } from './bootstrap-policy-roles.js';
import { covers } from './rbac-rules.js';
import type { PolicyRule } from './types.js';

const RBAC = 'rbac.authorization.k8s.io';
const API_VERSION = `${RBAC}/v1`;
const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';
const MANAGER = 'kube-apiserver';
const SYSTEM = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

function meta(name: string, namespace?: string, aggregateTo?: string): KObject {
  const labels: Record<string, string> = { 'kubernetes.io/bootstrapping': 'rbac-defaults' };
  if (aggregateTo) labels[`${RBAC}/aggregate-to-${aggregateTo}`] = 'true';
  const m: KObject = { name, labels, annotations: { [AUTOUPDATE]: 'true' } };
  if (namespace) m.namespace = namespace;
  return m;
}

/** 'Group:system:masters', 'User:x', 'ServiceAccount:ns:name' as an rbac Subject. */
function subject(s: string): KObject {
  const i = s.indexOf(':');
  const kind = s.slice(0, i);
  const rest = s.slice(i + 1);
  if (kind !== 'ServiceAccount') return { kind, apiGroup: RBAC, name: rest };
  const j = rest.indexOf(':');
  return { kind, name: rest.slice(j + 1), namespace: rest.slice(0, j) };
}

const binding = (kind: string, name: string, roleKind: string, role: string, subjects: string[], namespace?: string): KObject => ({
  apiVersion: API_VERSION,
  kind,
  metadata: meta(name, namespace),
  roleRef: { apiGroup: RBAC, kind: roleKind, name: role },
  subjects: subjects.map(subject),
});

export function bootstrapClusterRoles(): KObject[] {
  const roles = CLUSTER_ROLES.map((r) => {
    const o: KObject = { apiVersion: API_VERSION, kind: 'ClusterRole', metadata: meta(r.name, undefined, r.aggregateTo), rules: r.rules ?? null };
    if (r.aggregates) o.aggregationRule = { clusterRoleSelectors: [{ matchLabels: { [`${RBAC}/aggregate-to-${r.aggregates}`]: 'true' } }] };
    return o;
  });
  for (const [name, rules] of CONTROLLER_ROLES) roles.push({ apiVersion: API_VERSION, kind: 'ClusterRole', metadata: meta(`system:controller:${name}`), rules });
  return roles;
}

export function bootstrapClusterRoleBindings(): KObject[] {
  const out = CLUSTER_ROLE_BINDINGS.map(([name, subjects]) => binding('ClusterRoleBinding', name, 'ClusterRole', name, subjects));
  for (const [name] of CONTROLLER_ROLES) out.push(binding('ClusterRoleBinding', `system:controller:${name}`, 'ClusterRole', `system:controller:${name}`, [`ServiceAccount:kube-system:${name}`]));
  return out;
}

export function bootstrapRoles(): KObject[] {
  return NAMESPACE_ROLES.map(([ns, name, rules]) => ({ apiVersion: API_VERSION, kind: 'Role', metadata: meta(name, ns), rules }));
}

export function bootstrapRoleBindings(): KObject[] {
  return NAMESPACE_ROLE_BINDINGS.map(([ns, name, role, subjects]) => binding('RoleBinding', name, 'Role', role, subjects, ns));
}

/** Equal as JSON values whatever the order of map keys (Go's maps have none); undefined counts as null. */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return (a ?? null) === (b ?? null);
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (typeof a !== 'object' || typeof b !== 'object' || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** Expected labels and annotations under the existing ones (existing values win), as upstream's merge. */
function mergeMeta(cur: KObject, expected: KObject): boolean {
  let changed = false;
  for (const f of ['labels', 'annotations']) {
    const merged = { ...(expected.metadata[f] ?? {}), ...(cur.metadata[f] ?? {}) };
    if (!same(merged, cur.metadata[f] ?? {})) {
      cur.metadata[f] = merged;
      changed = true;
    }
  }
  return changed;
}

/** upstream's computeReconciledRole in the union case; null when nothing changes. */
export function reconcileRole(cur: KObject, expected: KObject): KObject | null {
  let changed = mergeMeta(cur, expected);
  // the rules as written last start: nothing can be missing (covers() is the costly part of every start)
  const missing = same(cur.rules ?? [], expected.rules ?? []) ? [] : covers(cur.rules ?? [], expected.rules ?? []).missing;
  if (missing.length) {
    cur.rules = [...(cur.rules ?? []), ...missing];
    changed = true;
  }
  const want: KObject[] = expected.aggregationRule?.clusterRoleSelectors ?? [];
  const have: KObject[] = cur.aggregationRule?.clusterRoleSelectors ?? [];
  if (!expected.aggregationRule && cur.aggregationRule) {
    delete cur.aggregationRule;
    changed = true;
  } else {
    const missingSelectors = want.filter((w) => !have.some((h) => same(h, w)));
    if (missingSelectors.length) {
      cur.aggregationRule = cur.aggregationRule ? { ...cur.aggregationRule, clusterRoleSelectors: [...have, ...missingSelectors] } : structuredClone(expected.aggregationRule);
      changed = true;
    }
  }
  return changed ? cur : null;
}

/** upstream's computeReconciledRoleBinding in the union case: 'recreate' when the roleRef differs. */
export function reconcileBinding(cur: KObject, expected: KObject): KObject | 'recreate' | null {
  if (!same(cur.roleRef, expected.roleRef)) return 'recreate';
  let changed = mergeMeta(cur, expected);
  const have: KObject[] = cur.subjects ?? [];
  const missing = (expected.subjects ?? []).filter((s: KObject) => !have.some((h) => h.kind === s.kind && h.name === s.name && (h.namespace ?? '') === (s.namespace ?? '') && (h.apiGroup ?? '') === (s.apiGroup ?? '')));
  if (missing.length) {
    cur.subjects = [...have, ...missing];
    changed = true;
  }
  return changed ? cur : null;
}

/** Creates and reconciles the bootstrap roles and bindings (upstream's rbac/bootstrap-roles post-start hook). */
export async function reconcileBootstrapPolicy(registry: Registry): Promise<void> {
  const ctx: RequestContext = { user: SYSTEM, dryRun: false, warnings: [], services: registry.services };
  const created = new Set<string>();
  // what is stored, read with one list per resource rather than one get per object (most starts change nothing)
  const stored = new Map<string, KObject>();
  const stores = new Map(['clusterroles', 'clusterrolebindings', 'roles', 'rolebindings'].map((r) => [r, registry.mustStore(RBAC, r)]));
  await Promise.all([...stores].map(async ([resource, store]) => {
    for (const o of (await store.list('', {})).items) stored.set(`${resource}/${o.metadata.namespace ?? ''}/${o.metadata.name}`, o);
  }));
  const apply = async (resource: string, expected: KObject, isBinding: boolean) => {
    const ns = expected.metadata.namespace ?? '';
    const name = expected.metadata.name;
    const store = stores.get(resource)!;
    const scope = { group: RBAC, version: 'v1', kind: expected.kind, subresource: '' };
    const create = (o: KObject) => store.create(ns, o, ctx, { beforeWrite: (w) => updateManagedFields(scope, undefined, w, MANAGER) });
    const cur = stored.get(`${resource}/${ns}/${name}`);
    if (!cur) {
      try {
        await create(structuredClone(expected));
        created.add(`${resource}/${name}`);
      } catch (e) {
        if (!(e instanceof StatusError && e.code === 409)) throw e;
      }
      return;
    }
    if (cur.metadata.annotations?.[AUTOUPDATE] === 'false') return;
    const next = isBinding ? reconcileBinding(structuredClone(cur), expected) : reconcileRole(structuredClone(cur), expected);
    if (!next) return;
    if (next === 'recreate') {
      await store.delete(ns, name, {}, ctx);
      await create(structuredClone(expected));
      return;
    }
    await store.update(ns, name, () => next, ctx, { replaces: true, beforeWrite: (w, old) => updateManagedFields(scope, old, w, MANAGER) });
  };
  // roles before the bindings that name them; within a kind the writes go together (one group commit on a first start)
  await Promise.all(bootstrapClusterRoles().map((r) => apply('clusterroles', r, false)));
  await Promise.all(bootstrapClusterRoleBindings().map((b) => apply('clusterrolebindings', b, true)));
  await Promise.all(bootstrapRoles().map((r) => apply('roles', r, false)));
  await Promise.all(bootstrapRoleBindings().map((b) => apply('rolebindings', b, true)));
  await aggregateNew(registry, ctx, created);
}

/**
 * Aggregated roles created just now get their rules at once, as the clusterrole-aggregation controller would
 * write them moments later: a cluster is usable by `view`/`edit`/`admin` bindings from its first request.
 */
async function aggregateNew(registry: Registry, ctx: RequestContext, created: Set<string>): Promise<void> {
  if (!['view', 'edit', 'admin'].some((n) => created.has(`clusterroles/${n}`))) return;
  const store = registry.mustStore(RBAC, 'clusterroles');
  const all = (await store.list('', {})).items;
  // edit aggregates into admin: fill the leaves first
  for (const name of ['view', 'edit', 'admin']) {
    if (!created.has(`clusterroles/${name}`)) continue;
    const role = all.find((r) => r.metadata.name === name);
    if (!role?.aggregationRule) continue;
    const rules: PolicyRule[] = aggregatedRules(role, all);
    role.rules = rules;
    const scope = { group: RBAC, version: 'v1', kind: 'ClusterRole', subresource: '' };
    await store.update('', name, (cur) => (cur ? { ...cur, rules } : null), ctx, { beforeWrite: (w, old) => updateManagedFields(scope, old, w, MANAGER) });
  }
}
