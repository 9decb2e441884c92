import type { Context, MiddlewareHandler, Next } from 'hono';
import { unauthorized } from '../../apimachinery/errors.js';
import { authenticate } from '../../auth/authenticators.js';
import type { AuthResult, Authenticator, AuthRequest } from '../../auth/types.js';
import type { Env } from '../env.js';

export const ANONYMOUS = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/**
 * Sets the user from the first authenticator that knows the request. A request without credentials is
 * 401, or with anonymous requests on (`--anonymous-auth`) system:anonymous, left to the authorizer (RBAC
 * lets it read what system:public-info-viewer grants: health and version). Bad credentials are always 401.
 */
export function withAuthentication(authenticators: Authenticator[], anonymous = false): MiddlewareHandler<Env> {
  const decide = (c: Context<Env>, next: Next, user: AuthResult): Promise<void> => {
    if (user === 'invalid' || user === undefined) {
      if (user === undefined && anonymous) {
        c.set('user', ANONYMOUS);
        return next();
      }
      throw unauthorized();
    }
    c.set('user', user);
    return next();
  };
  // not async: a synchronous answer (client certificate, static or loopback token) costs no extra promise
  return function authentication(c, next) {
    const req: AuthRequest = { header: (name) => c.req.header(name), socket: c.env?.incoming?.socket };
    const user = authenticate(authenticators, req);
    return user instanceof Promise ? user.then((u) => decide(c, next, u)) : decide(c, next, user);
  };
}
