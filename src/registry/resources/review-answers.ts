// How the access review kinds reach the API server's authorizer and rule resolver (through the strategy services),
// and the attributes they ask about, as upstream's authorizationutil.
import type { Attributes, AuthorizationResult, RulesResult, UserInfo } from '../../auth/types.js';
import type { KObject, StrategyContext } from '../types.js';

/** authorizationutil.ResourceAttributesFrom / NonResourceAttributesFrom. */
export function attributesFrom(user: UserInfo, spec: KObject): Attributes {
  const ra = spec.resourceAttributes;
  if (ra)
    return {
      user,
      verb: ra.verb ?? '',
      isResourceRequest: true,
      path: '',
      apiGroup: ra.group ?? '',
      apiVersion: ra.version || '*',
      resource: ra.resource ?? '',
      subresource: ra.subresource ?? '',
      namespace: ra.namespace ?? '',
      name: ra.name ?? '',
    };
  const nra = spec.nonResourceAttributes ?? {};
  return { user, verb: nra.verb ?? '', isResourceRequest: false, path: nra.path ?? '', apiGroup: '', apiVersion: '', resource: '', subresource: '', namespace: '', name: '' };
}

/** The decision as a SubjectAccessReviewStatus. */
export async function reviewStatus(ctx: StrategyContext, a: Attributes): Promise<KObject> {
  const auth = ctx.services.authorization;
  // without an authorizer wired (unit tests), only system:masters is allowed
  const r: AuthorizationResult = auth ? await auth.authorizer.authorize(a) : { decision: a.user.groups.includes('system:masters') ? 'allow' : 'no-opinion', reason: '' };
  const status: KObject = { allowed: r.decision === 'allow' };
  if (r.decision === 'deny') status.denied = true;
  if (r.reason) status.reason = r.reason;
  return status;
}

/** What SelfSubjectRulesReview reports for the user in the namespace. */
export function rulesStatus(ctx: StrategyContext, user: UserInfo, namespace: string): KObject {
  const res: RulesResult = ctx.services.authorization?.ruleResolver.rulesFor(user, namespace) ?? { resourceRules: [], nonResourceRules: [], incomplete: false, evaluationError: '' };
  const status: KObject = { resourceRules: res.resourceRules, nonResourceRules: res.nonResourceRules, incomplete: res.incomplete };
  if (res.evaluationError) status.evaluationError = res.evaluationError;
  return status;
}
