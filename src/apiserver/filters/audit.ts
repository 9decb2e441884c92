import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import type { MiddlewareHandler } from 'hono';
import type { AuditLog, AuditRecord } from '../audit/audit.js';
import { evaluatePolicy } from '../audit/policy.js';
import type { Env } from '../env.js';
import { isLongRunning } from './long-running.js';

const gunzipAsync = promisify(gunzip);

/** Every response carries the request's Audit-ID (the client's own when it sent one), as upstream's WithAuditInit. */
export function withAuditID(): MiddlewareHandler<Env> {
  return function auditID(c, next) {
    const id = c.req.header('audit-id') || randomUUID();
    c.set('auditID', id);
    // on the node response itself, so that every answer carries it, also those written straight to the socket
    const outgoing = c.env?.outgoing;
    if (outgoing) {
      outgoing.setHeader('Audit-Id', id);
      return next();
    }
    return next().then(() => c.res.headers.set('Audit-Id', id));
  };
}

/** Audit events for the authenticated request at the level the policy gives it (upstream's WithAudit). */
export function withAudit(log: AuditLog): MiddlewareHandler<Env> {
  return async function audit(c, next) {
    const info = c.get('requestInfo');
    const user = c.get('user');
    const config = evaluatePolicy(log.policy, { user, verb: info.isResourceRequest ? info.verb : c.req.method.toLowerCase(), isResourceRequest: info.isResourceRequest, path: info.path, apiGroup: info.apiGroup, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name });
    if (config.level === 'None') return next();
    const record: AuditRecord = { id: c.get('auditID'), config, received: new Date(), annotations: {} };
    c.set('audit', record);
    const incoming = c.env?.incoming;
    const url = incoming?.url ?? new URL(c.req.url).pathname + new URL(c.req.url).search;
    const base = { record, info, requestURI: url, method: c.req.method, user, sourceIP: incoming?.socket?.remoteAddress?.replace(/^::ffff:/, '') ?? '', userAgent: c.req.header('user-agent') ?? '' };
    log.write({ ...base, stage: 'RequestReceived' });
    await next();
    const current = c.get('user');
    if (current !== user) record.impersonated = current;
    const res = c.res;
    let responseObject: unknown;
    let status: Record<string, unknown> = { metadata: {}, code: res.status };
    const json = (res.headers.get('content-type') ?? '').startsWith('application/json');
    if (json && !isLongRunning(info) && (res.status >= 400 || config.level === 'RequestResponse')) {
      try {
        // upstream audits the object, whatever the encoding the client got it in
        const text = res.headers.get('content-encoding') === 'gzip' ? (await gunzipAsync(await res.clone().arrayBuffer())).toString() : await res.clone().text();
        const body = JSON.parse(text) as Record<string, unknown>;
        if (body.kind === 'Status') status = { metadata: {}, status: body.status, message: body.message, reason: body.reason, code: body.code ?? res.status };
        responseObject = body;
      } catch {
        // not JSON after all: the code alone says how it ended
      }
    }
    status = JSON.parse(JSON.stringify(status));
    if (isLongRunning(info) && res.status < 300) {
      log.write({ ...base, stage: 'ResponseStarted', status });
      const outgoing = c.env?.outgoing;
      if (outgoing) outgoing.once('close', () => log.write({ ...base, stage: 'ResponseComplete', status }));
      return;
    }
    log.write({ ...base, stage: 'ResponseComplete', status, responseObject });
  };
}
