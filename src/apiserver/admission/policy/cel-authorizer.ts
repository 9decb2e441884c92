// The `authorizer` of policy expressions, backed by the server's authorizers: CEL calls are synchronous, so
// only authorizers that answer from memory can serve (an asynchronous answer is an authorizer error).
import type { Attributes, Authorizer } from '../../../auth/types.js';
import type { AuthzDecision, CelAuthorizer } from '../../../cel/lib-authz.js';

/** Asks each authorizer in turn, the first allow or deny decides, as the union authorizer does. */
export function celAuthorizer(authorizers: Authorizer[]): CelAuthorizer {
  return {
    authorize(a): AuthzDecision {
      const attrs: Attributes = {
        user: { username: a.user.username, uid: a.user.uid, groups: a.user.groups, extra: a.user.extra },
        verb: a.verb, isResourceRequest: a.isResourceRequest, path: a.path, apiGroup: a.apiGroup, apiVersion: a.apiVersion,
        resource: a.resource, subresource: a.subresource, namespace: a.namespace, name: a.name,
      };
      const reasons: string[] = [];
      for (const z of authorizers) {
        const r = z.authorize(attrs);
        if (r instanceof Promise) return { decision: 'no-opinion', reason: '', error: 'authorizer cannot answer synchronously' };
        if (r.decision !== 'no-opinion') return { decision: r.decision, reason: r.reason };
        if (r.reason) reasons.push(r.reason);
      }
      return { decision: 'no-opinion', reason: reasons.join(', ') };
    },
  };
}
