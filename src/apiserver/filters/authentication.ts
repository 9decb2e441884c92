import type { MiddlewareHandler } from 'hono';
import { unauthorized } from '../../apimachinery/errors.js';
import { authenticate } from '../../auth/authenticators.js';
import type { Authenticator, AuthRequest } from '../../auth/types.js';
import type { Env } from '../env.js';

const PUBLIC_PATHS = new Set(['/healthz', '/livez', '/readyz', '/version', '/version/']);

export function isPublicPath(path: string): boolean {
  return PUBLIC_PATHS.has(path) || path.startsWith('/livez/') || path.startsWith('/readyz/') || path.startsWith('/healthz/');
}

export const ANONYMOUS = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** Sets the user from the first authenticator that knows the request; without credentials only the public paths answer. */
export function withAuthentication(authenticators: Authenticator[]): MiddlewareHandler<Env> {
  return async function authentication(c, next) {
    const req: AuthRequest = { header: (name) => c.req.header(name), socket: c.env?.incoming?.socket };
    const user = await authenticate(authenticators, req);
    if (user === 'invalid' || user === undefined) {
      if (user === undefined && isPublicPath(c.req.path)) {
        c.set('user', ANONYMOUS);
        return next();
      }
      throw unauthorized();
    }
    c.set('user', user);
    await next();
  };
}
