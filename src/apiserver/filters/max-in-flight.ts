import type { Context, MiddlewareHandler } from 'hono';
import type { Env } from '../env.js';
import type { ApiMetrics } from '../metrics.js';
import { isLongRunning } from './long-running.js';

export interface InFlightLimits {
  /** Read-only requests at once (upstream's --max-requests-inflight, default 400; 0 = no limit). */
  readOnly: number;
  /** Mutating requests at once (--max-mutating-requests-inflight, default 200; 0 = no limit). */
  mutating: number;
}

const MUTATING = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

/**
 * 429 with Retry-After once too many requests of a kind are under way, as upstream's max-in-flight filter. The requests
 * it lets through that API Priority and Fairness classified count as dispatched (watches too, as upstream's).
 */
export function withMaxInFlight(limits: InFlightLimits, inFlight = { readOnly: 0, mutating: 0 }, metrics?: ApiMetrics): MiddlewareHandler<Env> {
  const dispatched = (c: Context<Env>) => {
    const found = metrics && c.get('flowControl');
    if (found) metrics!.recordDispatch(found.flowSchema, found.priorityLevel);
  };
  return function maxInFlight(c, next) {
    const info = c.get('requestInfo');
    if (isLongRunning(info)) {
      if (info.verb === 'watch') dispatched(c);
      return next();
    }
    const kind = MUTATING.has(info.verb) || (!info.isResourceRequest && c.req.method !== 'GET' && c.req.method !== 'HEAD') ? 'mutating' : 'readOnly';
    const limit = limits[kind];
    if (limit > 0 && inFlight[kind] >= limit) {
      return Promise.resolve(c.body('Too many requests, please try again later.\n', 429, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff', 'Retry-After': '1' }));
    }
    inFlight[kind]++;
    dispatched(c);
    let done: Promise<void>;
    try {
      done = next();
    } catch (err) {
      inFlight[kind]--;
      throw err;
    }
    return done.then(
      () => {
        inFlight[kind]--;
      },
      (err: unknown) => {
        inFlight[kind]--;
        throw err;
      },
    );
  };
}
