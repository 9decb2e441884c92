import type { MiddlewareHandler } from 'hono';
import type { Env } from '../env.js';
import { metricDryRun, metricScope, metricVerb, type ApiMetrics } from '../metrics.js';

const CONNECT = new Set(['log', 'exec', 'portforward', 'attach', 'proxy']);

/** Records each resource request once answered, labelled as upstream's endpoint instrumentation does. */
export function withMetrics(metrics: ApiMetrics): MiddlewareHandler<Env> {
  return async function metricsFilter(c, next) {
    const start = performance.now();
    const info = c.get('requestInfo');
    if (info.isResourceRequest && (info.verb === 'watch' || (info.subresource && CONNECT.has(info.subresource)))) {
      // counted while the response streams: until its socket side closes
      const done = metrics.startLongRunning({ verb: info.verb === 'watch' ? 'WATCH' : 'CONNECT', group: info.apiGroup, version: info.apiVersion, resource: info.resource, subresource: info.subresource, scope: metricScope(info) });
      const out = c.env?.outgoing;
      if (out) out.once('close', done);
      try {
        await next();
      } finally {
        if (!out) done();
      }
    } else await next();
    if (!info.isResourceRequest) return;
    const scope = metricScope(info);
    const url = c.req.url;
    const q = url.indexOf('?');
    metrics.record({
      // the media type only tells apply from other patches
      verb: metricVerb(c.req.method, info, scope, c.req.method === 'PATCH' ? (c.req.header('content-type') ?? '').split(';')[0]!.trim() : ''),
      dryRun: q >= 0 && url.includes('dryRun', q) ? metricDryRun(new URLSearchParams(url.slice(q + 1))) : '',
      group: info.apiGroup,
      version: info.apiVersion,
      resource: info.resource,
      subresource: info.subresource,
      scope,
      code: c.res.status,
      seconds: (performance.now() - start) / 1000,
    });
  };
}
