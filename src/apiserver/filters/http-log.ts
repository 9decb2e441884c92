import type { Context, MiddlewareHandler, Next } from 'hono';
import { goDuration, logEnabled, logInfo } from '../../log/index.js';
import type { Env } from '../env.js';
import type { Classification } from '../flowcontrol/classifier.js';

/** From -v 3 on, one line per request as upstream's httplog writes it. */
export function withHTTPLog(): MiddlewareHandler<Env> {
  // not async: below -v 3 the filter costs no promise of its own
  return function httpLog(c, next) {
    return logEnabled(3) ? logged(c, next) : next();
  };
}

/** The classification's names, as upstream's APF filter adds them to the line (cut at 64 characters). */
function apf(found: Classification | undefined): Record<string, string> {
  return found ? { apf_pl: found.priorityLevel.slice(0, 64), apf_fs: found.flowSchema.slice(0, 64) } : {};
}

async function logged(c: Context<Env>, next: Next): Promise<void> {
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
    ...apf(c.get('flowControl')),
    resp: c.res.status,
  });
}
