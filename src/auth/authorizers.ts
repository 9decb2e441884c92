// The authorizers before RBAC in the chain: system:masters may do everything; the union asks each in turn.
import type { Attributes, AuthorizationResult, Authorizer, RuleResolver, RulesResult } from './types.js';

const NO_OPINION: AuthorizationResult = { decision: 'no-opinion', reason: '' };
const ALLOW: AuthorizationResult = { decision: 'allow', reason: '' };

export function isSuperuser(groups: string[]): boolean {
  return groups.includes('system:masters');
}

/** The system:masters group, as upstream's privileged-group authorizer. */
export class SuperuserAuthorizer implements Authorizer {
  authorize(a: Attributes): AuthorizationResult {
    return isSuperuser(a.user.groups) ? ALLOW : NO_OPINION;
  }
}

const SELF_REVIEWS = new Set(['selfsubjectreviews', 'selfsubjectaccessreviews', 'selfsubjectrulesreviews']);
// the non-resource URLs of the bootstrap roles system:public-info-viewer (everyone) and system:discovery (authenticated)
const PUBLIC_INFO = ['/healthz', '/livez', '/readyz', '/version', '/version/'];
const DISCOVERY = ['/api', '/api/*', '/apis', '/apis/*', '/healthz', '/livez', '/openapi', '/openapi/*', '/readyz', '/version', '/version/'];

function pathMatches(patterns: string[], path: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? path.startsWith(p.slice(0, -1)) : p === path));
}

/**
 * What the bootstrap roles grant to every authenticated user (system:basic-user, system:discovery) and
 * to everyone (system:public-info-viewer): the self reviews, discovery, health and version.
 */
export class BasicUserAuthorizer implements Authorizer {
  authorize(a: Attributes): AuthorizationResult {
    const authenticated = a.user.groups.includes('system:authenticated');
    if (!a.isResourceRequest) {
      if (a.verb !== 'get') return NO_OPINION;
      return pathMatches(authenticated ? DISCOVERY : PUBLIC_INFO, a.path) ? ALLOW : NO_OPINION;
    }
    if (authenticated && a.verb === 'create' && !a.subresource && SELF_REVIEWS.has(a.resource) && (a.apiGroup === 'authorization.k8s.io' || a.apiGroup === 'authentication.k8s.io')) return ALLOW;
    return NO_OPINION;
  }
}

/** --authorization-mode=AlwaysAllow: everything is allowed, and rules reviews say so. */
export class AlwaysAllowAuthorizer implements Authorizer, RuleResolver {
  authorize(): AuthorizationResult {
    return ALLOW;
  }

  rulesFor(): RulesResult {
    return { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false, evaluationError: '' };
  }
}

/** Asks each authorizer in turn; the first allow or deny decides. */
export class UnionAuthorizer implements Authorizer {
  constructor(private readonly authorizers: Authorizer[]) {}

  // synchronous while every authorizer answers synchronously
  authorize(a: Attributes): AuthorizationResult | Promise<AuthorizationResult> {
    let reasons: string[] | undefined;
    for (let i = 0; i < this.authorizers.length; i++) {
      const r = this.authorizers[i]!.authorize(a);
      if (r instanceof Promise) return this.rest(a, i, r, reasons ?? []);
      if (r.decision !== 'no-opinion') return r;
      if (r.reason) (reasons ??= []).push(r.reason);
    }
    return { decision: 'no-opinion', reason: reasons ? reasons.join('\n') : '' };
  }

  private async rest(a: Attributes, i: number, pending: Promise<AuthorizationResult>, reasons: string[]): Promise<AuthorizationResult> {
    let r = await pending;
    for (;;) {
      if (r.decision !== 'no-opinion') return r;
      if (r.reason) reasons.push(r.reason);
      if (++i >= this.authorizers.length) return { decision: 'no-opinion', reason: reasons.join('\n') };
      r = await this.authorizers[i]!.authorize(a);
    }
  }
}

/** The text after `is forbidden: ` in upstream's 403 (responsewriters.forbiddenMessage). */
export function forbiddenMessage(a: Attributes): string {
  const user = `User "${a.user.username}"`;
  if (!a.isResourceRequest) return `${user} cannot ${a.verb} path "${a.path}"`;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  return `${user} cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${where}`;
}
