import type { MiddlewareHandler } from 'hono';
import type { Env } from '../env.js';
import { parseRequestInfo } from '../request-info.js';

/** Parses RequestInfo once from the URL; later filters and handlers read it from the context. */
export function withRequestInfo(): MiddlewareHandler<Env> {
  return async function requestInfo(c, next) {
    const rawUrl = c.req.url;
    const qi = rawUrl.indexOf('?');
    c.set('requestInfo', parseRequestInfo(c.req.method, c.req.path, new URLSearchParams(qi >= 0 ? rawUrl.slice(qi + 1) : '')));
    c.set('warnings', []);
    await next();
  };
}
