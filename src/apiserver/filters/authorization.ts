import type { Context, MiddlewareHandler, Next } from 'hono';
import { StatusError } from '../../apimachinery/errors.js';
import { forbiddenMessage } from '../../auth/authorizers.js';
import type { Attributes, AuthorizationResult, Authorizer } from '../../auth/types.js';
import type { Env } from '../env.js';

/** 403 unless the authorizer allows what RequestInfo says the request does, with upstream's message. */
export function withAuthorization(authorizer: Authorizer): MiddlewareHandler<Env> {
  const decide = (c: Context<Env>, next: Next, a: Attributes, r: AuthorizationResult): Promise<void> => {
    const audit = c.get('audit');
    if (audit) audit.decision = { allowed: r.decision === 'allow', reason: r.reason };
    if (r.decision !== 'allow') throw forbiddenError(a, r.reason);
    return next();
  };
  // not async: a synchronous decision (system:masters, RBAC) costs no extra promise
  return function authorization(c, next) {
    const info = c.get('requestInfo');
    const a: Attributes = {
      user: c.get('user'),
      verb: info.verb,
      isResourceRequest: info.isResourceRequest,
      path: info.path,
      apiGroup: info.apiGroup,
      apiVersion: info.apiVersion,
      resource: info.resource,
      subresource: info.subresource,
      namespace: info.namespace,
      name: info.name,
    };
    const r = authorizer.authorize(a);
    return r instanceof Promise ? r.then((d) => decide(c, next, a, d)) : decide(c, next, a, r);
  };
}

/** HTML's special characters, escaped in the message as upstream's responsewriters do (quotes stay). */
const sanitize = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The 403 upstream's responsewriters.Forbidden writes: the group-resource without the subresource, the message sanitized. */
export function forbiddenError(a: Attributes, reason: string): StatusError {
  const why = sanitize(forbiddenMessage(a)) + (reason ? `: ${reason}` : '');
  const resource = a.isResourceRequest ? a.resource : '';
  const qualified = resource && a.apiGroup ? `${resource}.${a.apiGroup}` : resource;
  const message = !qualified && !a.apiGroup ? `forbidden: ${why}` : a.name ? `${qualified} "${a.name}" is forbidden: ${why}` : `${qualified} is forbidden: ${why}`;
  const details: Record<string, string> = {};
  if (a.name) details.name = a.name;
  if (a.apiGroup) details.group = a.apiGroup;
  if (resource) details.kind = resource;
  return new StatusError(403, 'Forbidden', message, details);
}
