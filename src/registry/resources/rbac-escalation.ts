// RBAC's escalation prevention as upstream's policybased storages: a role may only hold rules its writer holds
// (unless allowed to `escalate`), a binding may only grant a role whose rules its writer holds (unless allowed to `bind`).
import { forbidden } from '../../apimachinery/errors.js';
import type { AuthorizationServices, PolicyRule } from '../../auth/types.js';
import type { KObject, StrategyContext } from '../types.js';

const RBAC = 'rbac.authorization.k8s.io';
const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ['*'], apiGroups: ['*'], resources: ['*'] },
  { verbs: ['*'], nonResourceURLs: ['*'] },
];

/** Whom the checks do not apply to: no authorization wired (tests, AlwaysAllow) or system:masters (upstream's EscalationAllowed). */
function exempt(ctx: StrategyContext): AuthorizationServices | undefined {
  const auth = ctx.services.authorization;
  if (!auth || ctx.user.groups.includes('system:masters')) return undefined;
  return auth;
}

function withoutEmpty(v: unknown): unknown {
  if (Array.isArray(v)) return v.length ? v.map(withoutEmpty) : undefined;
  if (v && typeof v === 'object') {
    const out: KObject = {};
    for (const [k, x] of Object.entries(v)) {
      const y = withoutEmpty(x);
      if (y !== undefined && y !== null && !(typeof y === 'object' && Object.keys(y as object).length === 0)) out[k] = y;
    }
    return out;
  }
  return v;
}

/** Upstream's IsOnlyMutatingGCFields: an update that changes only owner references and finalizers is never an escalation. */
function onlyGCFieldsChange(obj: KObject, old: KObject): boolean {
  const copy = structuredClone(obj);
  copy.metadata ??= {};
  for (const f of ['ownerReferences', 'finalizers', 'selfLink', 'managedFields']) {
    if (old.metadata?.[f] === undefined) delete copy.metadata[f];
    else copy.metadata[f] = old.metadata[f];
  }
  return JSON.stringify(withoutEmpty(copy)) === JSON.stringify(withoutEmpty(old));
}

async function allowed(auth: AuthorizationServices, ctx: StrategyContext, verb: string, resource: string, name: string, namespace: string, apiGroup = RBAC): Promise<boolean> {
  const r = await auth.authorizer.authorize({ user: ctx.user, verb, isResourceRequest: true, path: '', apiGroup, apiVersion: '*', resource, subresource: '', namespace, name });
  return r.decision === 'allow';
}

/** Roles and cluster roles: the writer must hold every rule, or be allowed to escalate. */
export async function checkRoleEscalation(resource: 'roles' | 'clusterroles', obj: KObject, old: KObject | undefined, ctx: StrategyContext): Promise<void> {
  const auth = exempt(ctx);
  if (!auth) return;
  const name = obj.metadata?.name ?? '';
  // upstream asks with the URL's name, which a create (POST to the collection) does not have
  if (await allowed(auth, ctx, 'escalate', resource, old ? name : '', ctx.namespace)) return;
  if (old && onlyGCFieldsChange(obj, old)) return;
  const gr = { group: RBAC, resource };
  const msg = auth.confirmNoEscalation(ctx.user, ctx.namespace, obj.rules ?? []);
  if (msg) throw forbidden(gr, name, msg);
  const aggregated = (o: KObject | undefined) => (o?.aggregationRule?.clusterRoleSelectors ?? []).length > 0;
  if (resource === 'clusterroles' && (aggregated(obj) || aggregated(old)) && auth.confirmNoEscalation(ctx.user, ctx.namespace, FULL_AUTHORITY))
    throw forbidden(gr, name, 'must have cluster-admin privileges to use the aggregationRule');
}

/** Role bindings and cluster role bindings: the writer must be allowed to bind the role, or hold its rules. */
export async function checkBindingEscalation(resource: 'rolebindings' | 'clusterrolebindings', obj: KObject, old: KObject | undefined, ctx: StrategyContext): Promise<void> {
  const auth = exempt(ctx);
  if (!auth) return;
  if (old && onlyGCFieldsChange(obj, old)) return;
  const ref = obj.roleRef ?? {};
  const gr = { group: RBAC, resource };
  const name = obj.metadata?.name ?? '';
  const kindResource = ref.kind === 'ClusterRole' ? 'clusterroles' : ref.kind === 'Role' ? 'roles' : '';
  if (kindResource && (await allowed(auth, ctx, 'bind', kindResource, ref.name ?? '', ctx.namespace, ref.apiGroup ?? ''))) return;
  const rules = auth.roleReferenceRules({ kind: ref.kind ?? '', name: ref.name ?? '' }, ctx.namespace);
  if ('error' in rules) throw forbidden(gr, name, rules.error);
  const msg = auth.confirmNoEscalation(ctx.user, ctx.namespace, rules.rules);
  if (msg) throw forbidden(gr, name, msg);
}
