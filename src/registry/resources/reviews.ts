// Create-only review kinds about the requesting user: who am I, may I, what may I; answered by the API server's authorizer.
import { badRequest, invalidError } from '../../apimachinery/errors.js';
import { defineResource } from '../define.js';
import type { KObject, ResourceDef, UserInfo } from '../types.js';
import { validateSARSpec } from './access-reviews.js';
import { attributesFrom, reviewStatus, rulesStatus } from './review-answers.js';

function userInfoJSON(u: UserInfo): KObject {
  const out: KObject = { username: u.username, groups: u.groups };
  if (u.uid) out.uid = u.uid;
  if (u.extra && Object.keys(u.extra).length) out.extra = u.extra;
  return out;
}

export const selfsubjectreviews = defineResource({
  group: 'authentication.k8s.io',
  resource: 'selfsubjectreviews',
  kind: 'SelfSubjectReview',
  namespaced: false,
  createOnly: (obj, ctx) => ({ kind: 'SelfSubjectReview', apiVersion: 'authentication.k8s.io/v1', metadata: { creationTimestamp: null }, status: { userInfo: userInfoJSON(ctx.user) } }),
});

export const selfsubjectaccessreviews = defineResource({
  group: 'authorization.k8s.io',
  resource: 'selfsubjectaccessreviews',
  kind: 'SelfSubjectAccessReview',
  namespaced: false,
  createOnly: async (obj, ctx) => {
    const spec = obj.spec ?? {};
    const errs = validateSARSpec(spec, false);
    if (errs.length) throw invalidError({ group: 'authorization.k8s.io', kind: 'SelfSubjectAccessReview' }, '', errs);
    const status = await reviewStatus(ctx, attributesFrom(ctx.user, spec));
    return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec, status };
  },
});

export const selfsubjectrulesreviews = defineResource({
  group: 'authorization.k8s.io',
  resource: 'selfsubjectrulesreviews',
  kind: 'SelfSubjectRulesReview',
  namespaced: false,
  createOnly: (obj, ctx) => {
    const ns = obj.spec?.namespace;
    if (!ns) throw badRequest('no namespace on request');
    // as upstream, the answer carries no spec
    return { kind: 'SelfSubjectRulesReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: {}, status: rulesStatus(ctx, ctx.user, ns) };
  },
});

export const reviewResources: ResourceDef[] = [selfsubjectreviews, selfsubjectaccessreviews, selfsubjectrulesreviews];
