// The hono app: filters (request info, authentication), non-resource endpoints, discovery and resources.
import { createHash } from 'node:crypto';
import { Hono, type Context, type ErrorHandler, type MiddlewareHandler } from 'hono';
// evaluated before the node adapter swaps in its own Response class, so the "already sent" marker stays a
// global Response (the lazily loaded handlers return it from watches and large lists)
import '@hono/node-server/utils/response';
import { StatusError, badRequest, internalError, resourceNotFound } from '../apimachinery/errors.js';
import { isStackOverflow } from '../apimachinery/json-depth.js';
import { goJSONOrdered } from '../apimachinery/go-json-encode.js';
import { goYAML } from '../apimachinery/go-yaml.js';
import type { Registry } from '../registry/index.js';
import type { Authenticator, Authorizer } from '../auth/types.js';
import type { Env } from './env.js';
import { aggregatedDiscovery, apiGroup, apiGroupList, apiResourceList, groupVersions, legacyAPIVersions } from './discovery.js';
import { openapiRoutes } from '../openapi/index.js';
import { loadProtobufDecoder, negotiate, parseMediaTypes } from './negotiation.js';
import { loadYAML } from './lazy.js';
import { withRequestInfo } from './filters/request-info.js';
import { withMetrics } from './filters/metrics.js';
import { withHTTPLog } from './filters/http-log.js';
import { logError } from '../log/index.js';
import { withAudit, withAuditID } from './filters/audit.js';
import type { AuditLog } from './audit/audit.js';
import type { ApiMetrics } from './metrics.js';
import { withAuthentication } from './filters/authentication.js';
import { withAuthorization } from './filters/authorization.js';
import { withImpersonation } from './filters/impersonation.js';
import { withMaxInFlight } from './filters/max-in-flight.js';
import { withPriorityAndFairness } from './filters/priority-and-fairness.js';
import type { FlowClassifier } from './flowcontrol/classifier.js';
import { withRequestTimeout } from './filters/timeout.js';
import { chain } from './filters/chain.js';
import { GO_DEFAULT_GZIP_LEVEL, apiBody, gzipBytes, promhttpAcceptsGzip } from './compression.js';
import { CachedRouter } from './route-cache.js';
import type { IssuerDiscoveryDocuments } from '../auth/service-account-issuer-discovery.js';
import { installIssuerDiscovery } from './issuer-discovery.js';

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
  emulationMajor?: string;
  emulationMinor?: string;
  minCompatibilityMajor?: string;
  minCompatibilityMinor?: string;
}

export interface HealthCheck {
  name: string;
  check(): Promise<string | undefined> | string | undefined;
}

export interface AppOptions {
  registry: Registry;
  authenticators: Authenticator[];
  /** Requests without credentials act as system:anonymous instead of getting 401 (`--anonymous-auth`). */
  anonymousAuth?: boolean;
  authorizer: Authorizer;
  version: VersionInfo;
  shutdown: AbortSignal;
  /** host:port clients use (legacy /api document). */
  serverAddress: () => string;
  /** Service-account issuer discovery documents; absent: not served. */
  issuerDiscovery?: () => IssuerDiscoveryDocuments;
  healthChecks: HealthCheck[];
  isReady: () => boolean;
  /** In-flight limits (0 = none) and the request timeout in ms (0 = none). */
  maxRequestsInFlight?: number;
  maxMutatingRequestsInFlight?: number;
  requestTimeoutMs?: number;
  /** Audit events go here when a policy is configured. */
  auditLog?: AuditLog;
  /** Where /metrics reads from; requests are recorded into it. */
  metrics?: ApiMetrics;
  /** Requests under way per kind (the max-in-flight filter keeps it). */
  inFlight?: { readOnly: number; mutating: number };
  /** API Priority and Fairness classification by the served FlowSchemas; absent: requests are not classified. */
  flowControl?: FlowClassifier;
}

/** A Status in the form the request asked for, as upstream's ErrorNegotiated: YAML when that is what it accepts, else JSON. */
function statusResponse(c: Context<Env>, err: StatusError): Response | Promise<Response> {
  if (acceptsYAML(c.req.header('accept'))) return apiBody(c, err.code, goYAML(err.toStatus()), { ...(err.headers ?? {}), 'Content-Type': 'application/yaml' });
  const headers: Record<string, string> = { 'Content-Type': 'application/json', ...(err.headers ?? {}) };
  return apiBody(c, err.code, goJSONOrdered(err.toStatus()) + '\n', headers);
}

function acceptsYAML(accept: string | undefined): boolean {
  if (!accept?.includes('yaml')) return false;
  try {
    return negotiate(accept, { allowTable: true, listy: false }).kind === 'yaml';
  } catch {
    // nothing acceptable: the Status goes out as JSON, as upstream's
    return false;
  }
}

function isClientGone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (err as Error).message === 'aborted';
}

function discoveryTarget(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const mt of parseMediaTypes(accept)) {
    if (mt.type === 'application/json' && mt.params.g === 'apidiscovery.k8s.io' && mt.params.as === 'APIGroupDiscoveryList') {
      if (mt.params.v === 'v2' || mt.params.v === 'v2beta1') return mt.params.v;
    }
    if (mt.type === 'application/json' && !mt.params.as) return undefined;
  }
  return undefined;
}

/** Discovery documents, built in Go's field order, as the API's encoder prints them (YAML when that is what is accepted). */
function json(c: Context<Env>, body: unknown, status = 200, contentType = 'application/json'): Response | Promise<Response> {
  if (contentType === 'application/json' && acceptsYAML(c.req.header('accept'))) return apiBody(c, status, goYAML(body), { 'Content-Type': 'application/yaml' });
  return apiBody(c, status, goJSONOrdered(body) + '\n', { 'Content-Type': contentType });
}

type HandlersModule = typeof import('./handlers/index.js');
let handlersModule: Promise<HandlersModule> | undefined;
/** The handlers once loaded: requests then reach them without waiting on a promise. */
let handlersLoaded: HandlersModule | undefined;

/** Loads the resource handlers; start-up calls it once the port is bound so the first request finds them ready. */
export function loadHandlers(): Promise<HandlersModule> {
  return (handlersModule ??= import('./handlers/index.js').then((m) => (handlersLoaded = m)));
}

export function createApp(opts: AppOptions): Hono<Env> {
  const app = new Hono<Env>({ router: new CachedRouter() });
  // discovery follows the served resources (custom resources come and go)
  let gvsCache: { generation: number; gvs: ReturnType<typeof groupVersions> } | undefined;
  const currentGVs = () => {
    if (gvsCache?.generation !== opts.registry.generation) gvsCache = { generation: opts.registry.generation, gvs: groupVersions(opts.registry.defs) };
    return gvsCache.gvs;
  };
  const aggregated = (c: Context<Env>, legacy: boolean, v: 'v2' | 'v2beta1') => {
    const body = goJSONOrdered(aggregatedDiscovery(currentGVs(), legacy, v)) + '\n';
    const etag = JSON.stringify(createHash('sha512').update(body).digest('hex').toUpperCase());
    const headers = { 'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${v};as=APIGroupDiscoveryList`, ETag: etag, Vary: 'Accept', 'Cache-Control': 'public' };
    if (c.req.header('if-none-match') === etag) return c.body(null, 304, headers);
    return apiBody(c, 200, body, headers);
  };
  const deps = { registry: opts.registry, shutdown: opts.shutdown };

  const onError: ErrorHandler<Env> = (err, c) => {
    if (err instanceof StatusError) return statusResponse(c, err);
    // a document deep enough to exhaust the stack is refused, never a 500
    if (isStackOverflow(err)) return statusResponse(c, badRequest('the request is nested too deeply to be processed'));
    // the client went away mid-request: nobody to answer, nothing to log
    if (isClientGone(err)) return c.body(null, 400);
    logError('apiserver', 'internal error', err, { URI: c.req.path, stack: (err as Error).stack ?? '' });
    return statusResponse(c, internalError(err));
  };
  app.onError(onError);

  // the filters, outermost first, run as one middleware (see chain)
  const filters: MiddlewareHandler<Env>[] = [withHTTPLog(), withAuditID(), withRequestInfo(), withAuthentication(opts.authenticators, opts.anonymousAuth)];
  if (opts.auditLog) filters.push(withAudit(opts.auditLog));
  filters.push(withImpersonation(opts.authorizer));
  if (opts.flowControl) filters.push(withPriorityAndFairness(opts.flowControl));
  filters.push(withMaxInFlight({ readOnly: opts.maxRequestsInFlight ?? 400, mutating: opts.maxMutatingRequestsInFlight ?? 200 }, opts.inFlight, opts.metrics));
  filters.push(withAuthorization(opts.authorizer));
  if (opts.metrics) filters.push(withMetrics(opts.metrics));
  filters.push(withRequestTimeout(opts.requestTimeoutMs ?? 60_000));
  filters.push(function loadCodecs(c, next) {
    const ct = c.req.header('content-type') ?? '';
    // YAML bodies are read with the yaml library; YAML responses need nothing (go-yaml.ts prints them)
    const yaml = ct.includes('yaml');
    const protobuf = ct.includes('protobuf');
    // JSON needs nothing loaded: no promise of its own then
    if (!yaml && !protobuf) return next();
    return (async () => {
      if (yaml) await loadYAML();
      if (protobuf) await loadProtobufDecoder();
      await next();
    })();
  });
  app.use('*', chain(filters, onError));

  if (opts.metrics) {
    const metrics = opts.metrics;
    app.get('/metrics', async (c) => {
      const { body, contentType } = await metrics.render();
      if (c.req.method !== 'HEAD' && promhttpAcceptsGzip(c.req.header('accept-encoding'))) return c.body(new Uint8Array(await gzipBytes(Buffer.from(body), GO_DEFAULT_GZIP_LEVEL)), 200, { 'Content-Type': contentType, 'Content-Encoding': 'gzip' });
      return c.body(body, 200, { 'Content-Type': contentType });
    });
  }
  // upstream writes /version as indented JSON with no final newline
  app.get('/version', (c) => c.body(JSON.stringify(opts.version, null, 2), 200, { 'Content-Type': 'application/json' }));

  const health = (kind: 'healthz' | 'livez' | 'readyz') => async (c: Context<Env>) => {
    const url = new URL(c.req.url);
    const only = c.req.param('check');
    const excluded = new Set(c.req.queries('exclude') ?? []);
    const checks: HealthCheck[] = [{ name: 'ping', check: () => undefined }, { name: 'log', check: () => undefined }, ...opts.healthChecks];
    if (kind === 'readyz') checks.push({ name: 'shutdown', check: () => (opts.shutdown.aborted ? 'process is shutting down' : undefined) }, { name: 'informer-sync', check: () => (opts.isReady() ? undefined : 'not ready') });
    if (only) {
      const ch = checks.find((x) => x.name === only);
      if (!ch) return c.text('404 page not found\n', 404);
      const err = await ch.check();
      if (err) return c.text(`internal server error: ${err}\n`, 500);
      return c.text('ok', 200);
    }
    const lines: string[] = [];
    let failed = false;
    for (const ch of checks) {
      if (excluded.has(ch.name)) {
        lines.push(`[+]${ch.name} excluded: ok`);
        continue;
      }
      const err = await ch.check();
      if (err) {
        failed = true;
        lines.push(`[-]${ch.name} failed: reason withheld`);
      } else lines.push(`[+]${ch.name} ok`);
    }
    const verbose = url.searchParams.has('verbose');
    if (failed) return c.text(`${lines.join('\n')}\n${kind} check failed\n`, 500);
    if (verbose) return c.text(`${lines.join('\n')}\n${kind} check passed\n`, 200);
    return c.text('ok', 200);
  };
  for (const kind of ['healthz', 'livez', 'readyz'] as const) {
    app.get(`/${kind}`, health(kind));
    app.get(`/${kind}/:check`, health(kind));
  }

  app.get('/api', (c) => {
    const v = discoveryTarget(c.req.header('accept'));
    if (v) return aggregated(c, true, v);
    return json(c, legacyAPIVersions(opts.serverAddress()));
  });
  app.get('/apis', (c) => {
    const v = discoveryTarget(c.req.header('accept'));
    if (v) return aggregated(c, false, v);
    return json(c, apiGroupList(currentGVs()));
  });
  app.get('/api/v1', (c) => json(c, apiResourceList(currentGVs().find((g) => g.group === '' && g.version === 'v1')!)));
  app.get('/apis/:group', (c) => {
    const g = apiGroup(currentGVs(), c.req.param('group'));
    if (!g) throw resourceNotFound();
    return json(c, g);
  });
  app.get('/apis/:group/:version', (c) => {
    const gv = currentGVs().find((g) => g.group === c.req.param('group') && g.version === c.req.param('version'));
    if (!gv) throw resourceNotFound();
    return json(c, apiResourceList(gv));
  });

  openapiRoutes(app, opts.registry, { gitVersion: opts.version.gitVersion });
  if (opts.issuerDiscovery) installIssuerDiscovery(app, opts.issuerDiscovery);

  // the request handlers (patches, managedFields, printers, schemas) load after the server is up
  const resource = (c: Context<Env>) => (handlersLoaded ? handlersLoaded.handleResource(c, deps) : loadHandlers().then((h) => h.handleResource(c, deps)));
  app.all('/api/v1/*', resource);
  app.all('/apis/:group/:version/*', resource);

  app.notFound((c) => {
    const p = c.req.path;
    if (p.startsWith('/api/') || p.startsWith('/apis/')) return statusResponse(c, resourceNotFound());
    return c.text('404 page not found\n', 404);
  });
  return app;
}
