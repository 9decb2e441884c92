import type { MiddlewareHandler } from 'hono';
import { badRequest, resourceNotFound } from '../../apimachinery/errors.js';
import type { Env } from '../env.js';
import { parseRequestInfo } from '../request-info.js';

/** The query of a URL without one (read only). */
const NO_QUERY = new URLSearchParams();

const DOT_SEGMENT = /(^|\/)\.\.?(\/|$)/;

/**
 * The path as sent: URL parsing resolves `.` and `..` segments, which Go's server never does, so a
 * request naming `..` would reach another object. Such names are refused as upstream's key functions do.
 */
function checkRawPath(raw: string | undefined): void {
  if (!raw) return;
  const q = raw.indexOf('?');
  const path = q >= 0 ? raw.slice(0, q) : raw;
  if (!DOT_SEGMENT.test(path)) return;
  const info = parseRequestInfo('GET', path, new URLSearchParams());
  const name = info.name;
  if (info.isResourceRequest && (name === '.' || name === '..')) throw badRequest(`Name parameter invalid: "${name}": may not be '${name}'`);
  throw resourceNotFound();
}

/** Parses RequestInfo once from the URL; later filters and handlers read it from the context. */
export function withRequestInfo(): MiddlewareHandler<Env> {
  return function requestInfo(c, next) {
    checkRawPath(c.env?.incoming?.url);
    const rawUrl = c.req.url;
    const qi = rawUrl.indexOf('?');
    c.set('requestInfo', parseRequestInfo(c.req.method, c.req.path, qi >= 0 ? new URLSearchParams(rawUrl.slice(qi + 1)) : NO_QUERY));
    c.set('warnings', []);
    return next();
  };
}
