// POSTs an AdmissionReview to a webhook (a URL, or a Service reached through its Endpoints, as nothing
// runs in-cluster here), trusting its caBundle, with upstream's timeout, and Go's words for what fails.
import { request } from 'node:https';
import type { Registry } from '../../registry/index.js';
import type { KObject } from '../../registry/types.js';
import type { Webhook } from './webhook-match.js';

/** On a Service: the https://host:port[/prefix] its webhook calls go to instead of its Endpoints. */
export const WEBHOOK_URL_ANNOTATION = 'minikapi.dev/webhook-url';

/** The call failed (transport, status, body); the message reads as Go's client error. */
export class WebhookCallError extends Error {}

interface Target {
  /** What errors name (upstream's URL, with the service's DNS name). */
  shown: string;
  host: string;
  port: number;
  path: string;
  servername: string;
}

async function target(registry: Registry, h: Webhook, timeout: number): Promise<Target> {
  const q = `timeout=${timeout}s`;
  const url = h.clientConfig.url;
  if (url) {
    const u = new URL(url);
    u.search = u.search ? `${u.search}&${q}` : `?${q}`;
    return { shown: u.toString(), host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 443), path: u.pathname + u.search, servername: u.hostname };
  }
  const svc = h.clientConfig.service;
  if (!svc) throw new WebhookCallError('no clientConfig.url or clientConfig.service');
  const port = svc.port ?? 443;
  const path = `${svc.path ?? ''}?${q}`;
  const dns = `${svc.name}.${svc.namespace}.svc`;
  const shown = `https://${dns}:${port}${path}`;
  const post = `Post "${shown}"`;
  let service: KObject;
  let endpoints: KObject;
  try {
    service = await registry.store('', 'v1', 'services')!.get(svc.namespace, svc.name);
  } catch {
    throw new WebhookCallError(`${post}: service "${svc.name}" not found`);
  }
  const sp = ((service.spec?.ports as KObject[] | undefined) ?? []).find((p) => p.port === port);
  if (!sp) throw new WebhookCallError(`${post}: service port ${port} not found`);
  // nothing runs behind a Service here: this annotation sends its webhook traffic to a server on the host,
  // still verified as the Service's DNS name
  const override = service.metadata?.annotations?.[WEBHOOK_URL_ANNOTATION];
  if (override) {
    let u: URL;
    try {
      u = new URL(override);
    } catch {
      throw new WebhookCallError(`${post}: service annotation ${WEBHOOK_URL_ANNOTATION} is not a URL: ${JSON.stringify(override)}`);
    }
    return { shown, host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port || 443), path: `${u.pathname.replace(/\/$/, '')}${path}`, servername: dns };
  }
  try {
    endpoints = await registry.store('', 'v1', 'endpoints')!.get(svc.namespace, svc.name);
  } catch {
    throw new WebhookCallError(`${post}: endpoints "${svc.name}" not found`);
  }
  for (const subset of (endpoints.subsets as KObject[] | undefined) ?? []) {
    const ports = (subset.ports as KObject[] | undefined) ?? [];
    const ep = ports.length === 1 && !sp.name ? ports[0] : ports.find((p) => p.name === sp.name);
    const addr = ((subset.addresses as KObject[] | undefined) ?? [])[0];
    if (ep && addr) return { shown, host: addr.ip, port: ep.port, path, servername: dns };
  }
  throw new WebhookCallError(`${post}: no endpoints available for service "${svc.name}"`);
}

/** Go's net/http error text for a failed dial or handshake. */
function goTransportError(e: NodeJS.ErrnoException, t: Target): string {
  const where = `${t.host.includes(':') ? `[${t.host}]` : t.host}:${t.port}`;
  switch (e.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${where}: connect: connection refused`;
    case 'ECONNRESET':
      return 'EOF';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is valid for ${e.message.match(/cert's altnames: (.*)$/)?.[1] ?? 'other names'}, not ${t.servername}`;
    default:
      return e.message;
  }
}

/** upstream's client error for a non-2xx answer that is not a Status. */
function goStatusError(code: number, body: string): string {
  try {
    const s = JSON.parse(body) as KObject;
    if (s?.kind === 'Status' && typeof s.message === 'string') return s.message;
  } catch {
    // not JSON: described by its code below
  }
  if (code === 404) return 'the server could not find the requested resource';
  const text = body.trim();
  return text ? `an error on the server (${JSON.stringify(text)}) has prevented the request from succeeding` : `the server responded with the status code ${code} but did not return more information`;
}

export async function callWebhook(registry: Registry, h: Webhook, review: KObject): Promise<KObject> {
  const timeout = h.timeoutSeconds ?? 10;
  const t = await target(registry, h, timeout);
  const body = JSON.stringify(review);
  const ca = h.clientConfig.caBundle ? Buffer.from(h.clientConfig.caBundle, 'base64').toString('utf8') : undefined;
  return new Promise((resolve, reject) => {
    const post = `Post "${t.shown}"`;
    const req = request(
      { host: t.host, port: t.port, path: t.path, method: 'POST', servername: /^[\d.:]+$/.test(t.servername) ? undefined : t.servername, ca, headers: { 'Content-Type': 'application/json', Accept: 'application/json, */*', 'Content-Length': Buffer.byteLength(body) }, timeout: timeout * 1000 },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(new WebhookCallError(`${post}: ${e.message}`)));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299) return reject(new WebhookCallError(goStatusError(code, text)));
          try {
            resolve(JSON.parse(text) as KObject);
          } catch (e) {
            reject(new WebhookCallError(`${(e as Error).message}`));
          }
        });
      },
    );
    req.on('timeout', () => {
      req.destroy();
      reject(new WebhookCallError(`${post}: context deadline exceeded`));
    });
    req.on('error', (e: NodeJS.ErrnoException) => reject(new WebhookCallError(`${post}: ${goTransportError(e, t)}`)));
    req.end(body);
  });
}
