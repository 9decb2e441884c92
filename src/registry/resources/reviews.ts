// Create-only review kinds: who am I, may I. Authorization is system:masters-or-nothing until RBAC lands.
import { defineResource } from '../define.js';
import type { KObject, ResourceDef, UserInfo } from '../types.js';

export function isSuperuser(user: UserInfo): boolean {
  return user.groups.includes('system:masters');
}

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
  createOnly: (obj, ctx) => {
    const allowed = isSuperuser(ctx.user);
    const status: KObject = { allowed };
    if (!allowed) status.reason = '';
    return { kind: 'SelfSubjectAccessReview', apiVersion: 'authorization.k8s.io/v1', metadata: { creationTimestamp: null }, spec: obj.spec ?? {}, status };
  },
});

export const selfsubjectrulesreviews = defineResource({
  group: 'authorization.k8s.io',
  resource: 'selfsubjectrulesreviews',
  kind: 'SelfSubjectRulesReview',
  namespaced: false,
  createOnly: (obj, ctx) => {
    const basic = [
      { verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'] },
      { verbs: ['create'], apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'] },
    ];
    const resourceRules = isSuperuser(ctx.user) ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }, ...basic] : basic;
    const nonResourceRules = isSuperuser(ctx.user)
      ? [{ verbs: ['*'], nonResourceURLs: ['*'] }]
      : [{ verbs: ['get'], nonResourceURLs: ['/healthz', '/livez', '/readyz', '/version', '/version/'] }];
    return {
      kind: 'SelfSubjectRulesReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: obj.spec ?? {},
      status: { resourceRules, nonResourceRules, incomplete: false },
    };
  },
});

export const reviewResources: ResourceDef[] = [selfsubjectreviews, selfsubjectaccessreviews, selfsubjectrulesreviews];
