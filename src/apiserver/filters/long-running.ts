import type { RequestInfo } from '../request-info.js';

// upstream's default --long-running-request-regexp covers these subresources; watches are long-running by verb
const LONG_RUNNING_SUBRESOURCES = new Set(['proxy', 'log', 'exec', 'attach', 'portforward']);

/** Requests that may stay open indefinitely: neither timed out nor counted against the in-flight limits. */
export function isLongRunning(info: RequestInfo): boolean {
  return info.verb === 'watch' || LONG_RUNNING_SUBRESOURCES.has(info.subresource);
}
