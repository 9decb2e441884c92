import type { MiddlewareHandler } from 'hono';
import { StatusError } from '../../apimachinery/errors.js';
import type { Env } from '../env.js';
import { isLongRunning } from './long-running.js';

/**
 * Requests that are not long-running get `ms` to complete (upstream's --request-timeout, 60 s by default),
 * slow uploads included; then 504 Timeout, and the connection is dropped if the answer had begun.
 */
export function withRequestTimeout(ms: number): MiddlewareHandler<Env> {
  return async function requestTimeout(c, next) {
    if (ms <= 0 || isLongRunning(c.get('requestInfo'))) return next();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const out = c.env?.outgoing;
        if (out?.headersSent) c.env.incoming.socket.destroy();
        // stop reading an upload that is still arriving
        else c.env?.incoming?.pause();
        reject(new StatusError(504, 'Timeout', 'Timeout: request did not complete within the allotted timeout', {}, { Connection: 'close' }));
      }, ms);
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
