import type { MiddlewareHandler } from 'hono';
import { goDuration, logEnabled, logInfo } from '../../log/index.js';
import type { Env } from '../env.js';

/** From -v 3 on, one line per request as upstream's httplog writes it. */
export function withHTTPLog(): MiddlewareHandler<Env> {
  return async function httpLog(c, next) {
    if (!logEnabled(3)) return next();
    const start = performance.now();
    await next();
    const incoming = c.env?.incoming;
    const socket = incoming?.socket;
    logInfo(3, 'httplog.go:134', 'HTTP', {
      verb: c.req.method,
      URI: incoming?.url ?? new URL(c.req.url).pathname,
      latency: goDuration(performance.now() - start),
      userAgent: c.req.header('user-agent') ?? '',
      'audit-ID': c.get('auditID') ?? '',
      srcIP: socket ? `${socket.remoteAddress?.replace(/^::ffff:/, '')}:${socket.remotePort}` : '',
      resp: c.res.status,
    });
  };
}
