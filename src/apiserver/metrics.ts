// /metrics in Prometheus text format with kube-apiserver's metric names, labels, buckets and help texts
// (k8s.io/apiserver/pkg/endpoints/metrics). prom-client costs ~50 ms to load, so it loads after start-up;
// requests served before that are kept and replayed.
import type { Counter, Gauge, Histogram, Registry as PromRegistry } from 'prom-client';
import type { RequestInfo } from './request-info.js';

/** One served resource request, labelled as upstream's MonitorRequest labels it. */
export interface RequestSample {
  verb: string;
  dryRun: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
  code: number;
  seconds: number;
}

export interface MetricsSources {
  /** Objects stored per resource (`configmaps`, `deployments.apps`). */
  storageObjects(): Promise<Map<string, number>>;
  /** Requests under way per kind, as the max-in-flight filter counts them. */
  inFlight(): { readOnly: number; mutating: number };
}

const COMPONENT = 'apiserver';
const CONNECT_SUBRESOURCES = new Set(['log', 'exec', 'portforward', 'attach', 'proxy']);
const VALID_VERBS = new Set(['APPLY', 'CONNECT', 'CREATE', 'DELETE', 'DELETECOLLECTION', 'GET', 'LIST', 'PATCH', 'POST', 'PROXY', 'PUT', 'UPDATE', 'WATCH', 'WATCHLIST']);
const EARLY_LIMIT = 10_000;

/** upstream's CleanScope */
export function metricScope(info: RequestInfo): string {
  if (info.name || info.verb === 'create') return 'resource';
  if (info.namespace) return 'namespace';
  return info.isResourceRequest ? 'cluster' : '';
}

/** upstream's CanonicalVerb then cleanVerb: LIST for collection GETs, WATCH, APPLY, CONNECT, else the method. */
export function metricVerb(method: string, info: RequestInfo, scope: string, contentType: string): string {
  let verb = method.toUpperCase();
  if (verb === 'GET' && scope !== 'resource') verb = 'LIST';
  if (info.verb === 'watch') verb = 'WATCH';
  if (verb === 'PATCH' && contentType === 'application/apply-patch+yaml') verb = 'APPLY';
  if (info.isResourceRequest && info.subresource && CONNECT_SUBRESOURCES.has(info.subresource)) verb = 'CONNECT';
  return VALID_VERBS.has(verb) ? verb : 'other';
}

/** upstream's cleanDryRun: the sorted distinct values, or "invalid". */
export function metricDryRun(query: URLSearchParams): string {
  const values = query.getAll('dryRun');
  if (values.length === 0) return '';
  if (values.some((v) => v !== 'All')) return 'invalid';
  return 'All';
}

interface Series {
  labels: Record<string, string>;
  duration: HistogramEntry;
  counts: Map<number, CounterEntry>;
}

interface StorageSeries {
  duration: HistogramEntry;
  requests: CounterEntry;
  errors?: CounterEntry;
  labels: Record<string, string>;
}

/** prom-client's own record of one histogram series (its hashMap value), updated in place. */
interface HistogramEntry {
  labels: Record<string, string>;
  sum: number;
  count: number;
  bucketValues: Record<number, number>;
}

/** prom-client's own record of one counter series. */
interface CounterEntry {
  labels: Record<string, string>;
  value: number;
}

/**
 * The entry prom-client keeps for a label set, found once after its first observation: later ones update
 * it as prom-client would, without hashing the labels on every request. undefined if prom-client keeps it
 * some other way (then every observation goes through prom-client).
 */
function entryOf<T extends { labels: Record<string, string> }>(metric: Counter | Histogram, labels: Record<string, string>): T | undefined {
  const map = (metric as unknown as { hashMap?: Record<string, T> }).hashMap;
  if (!map) return undefined;
  for (const k in map) if (map[k]!.labels === labels) return map[k];
  return undefined;
}

/** One observation into a histogram entry, exactly as prom-client's observe adds it. */
function observeEntry(e: HistogramEntry, v: number): void {
  e.sum += v;
  e.count += 1;
  for (let i = 0; i < BUCKETS.length; i++) {
    const bound = BUCKETS[i]!;
    if (v <= bound) {
      e.bucketValues[bound] += 1;
      return;
    }
  }
}

interface Prom {
  registry: PromRegistry;
  requests: Counter;
  durations: Histogram;
  series: Map<string, Series>;
  storageSeries: Map<string, StorageSeries>;
  etcdDurations: Histogram;
  etcdRequests: Counter;
  etcdErrors: Counter;
}

/** One storage request, labelled as upstream's RecordEtcdRequest. */
export interface StorageSample {
  operation: string;
  group: string;
  resource: string;
  seconds: number;
  failed: boolean;
}

/** Labels of a long-running request (watch, connect) while it runs. */
export interface LongRunningLabels {
  verb: string;
  group: string;
  version: string;
  resource: string;
  subresource: string;
  scope: string;
}

const BUCKETS = [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60];

export class ApiMetrics {
  private prom?: Prom;
  private loading?: Promise<void>;
  private early: RequestSample[] = [];
  private earlyStorage: StorageSample[] = [];
  private readonly longRunning = new Map<string, { labels: LongRunningLabels; n: number }>();
  /** Requests API Priority and Fairness let through, by flow schema and priority level. */
  private readonly dispatched = new Map<string, { labels: { flow_schema: string; priority_level: string }; n: number }>();

  constructor(private readonly sources: MetricsSources) {}

  record(s: RequestSample): void {
    if (this.prom) this.observe(this.prom, s);
    else if (this.early.length < EARLY_LIMIT) this.early.push(s);
  }

  recordStorage(s: StorageSample): void {
    if (this.prom) this.observeStorage(this.prom, s);
    else if (this.earlyStorage.length < EARLY_LIMIT) this.earlyStorage.push(s);
  }

  /** A request classified by API Priority and Fairness went on to be served. */
  recordDispatch(flowSchema: string, priorityLevel: string): void {
    const key = `${flowSchema}|${priorityLevel}`;
    const e = this.dispatched.get(key);
    if (e) e.n++;
    else this.dispatched.set(key, { labels: { flow_schema: flowSchema, priority_level: priorityLevel }, n: 1 });
  }

  /** A long-running request began; the returned function marks its end. */
  startLongRunning(labels: LongRunningLabels): () => void {
    const key = `${labels.verb}|${labels.group}|${labels.version}|${labels.resource}|${labels.subresource}|${labels.scope}`;
    let e = this.longRunning.get(key);
    if (!e) this.longRunning.set(key, (e = { labels, n: 0 }));
    e.n++;
    let done = false;
    return () => {
      if (done) return;
      done = true;
      e!.n--;
    };
  }

  private observeStorage(p: Prom, s: StorageSample): void {
    const key = `${s.operation}|${s.group}|${s.resource}`;
    const series = p.storageSeries.get(key);
    if (series) {
      observeEntry(series.duration, s.seconds);
      series.requests.value += 1;
      if (s.failed) {
        if (series.errors) series.errors.value += 1;
        else {
          p.etcdErrors.inc(series.labels);
          series.errors = entryOf(p.etcdErrors, series.labels);
        }
      }
      return;
    }
    // in name order, as Go's client prints them
    const labels = { group: s.group, operation: s.operation, resource: s.resource };
    p.etcdDurations.observe(labels, s.seconds);
    p.etcdRequests.inc(labels);
    if (s.failed) p.etcdErrors.inc(labels);
    const duration = entryOf<HistogramEntry>(p.etcdDurations, labels);
    const requests = entryOf<CounterEntry>(p.etcdRequests, labels);
    if (duration && requests) p.storageSeries.set(key, { labels, duration, requests, errors: s.failed ? entryOf<CounterEntry>(p.etcdErrors, labels) : undefined });
  }

  /** Loads prom-client and builds the metrics; start-up calls it once the port is bound. */
  load(): Promise<void> {
    return (this.loading ??= this.build());
  }

  async render(): Promise<{ body: string; contentType: string }> {
    await this.load();
    const p = this.prom!;
    // Go's client writes a bucket's `le` after the metric's own labels; prom-client writes it first
    const body = (await p.registry.metrics()).replace(/_bucket\{le="([^"]*)",([^}]*)\}/g, '_bucket{$2,le="$1"}');
    return { body, contentType: p.registry.contentType };
  }

  private observe(p: Prom, s: RequestSample): void {
    // prom-client hashes a label object on every call: the children for a label set are kept instead
    const key = `${s.verb}|${s.dryRun}|${s.group}|${s.version}|${s.resource}|${s.subresource}|${s.scope}`;
    let series = p.series.get(key);
    if (!series) {
      // labels in name order: prom-client prints them as given, Go's client sorts them
      const labels = { component: COMPONENT, dry_run: s.dryRun, group: s.group, resource: s.resource, scope: s.scope, subresource: s.subresource, verb: s.verb, version: s.version };
      p.durations.observe(labels, s.seconds);
      const duration = entryOf<HistogramEntry>(p.durations, labels);
      const created = duration ? { labels, duration, counts: new Map<number, CounterEntry>() } : undefined;
      if (created) p.series.set(key, created);
      this.count(p, created, labels, s.code);
      return;
    }
    this.count(p, series, series.labels, s.code);
    observeEntry(series.duration, s.seconds);
  }

  private count(p: Prom, series: Series | undefined, labels: Record<string, string>, code: number): void {
    const known = series?.counts.get(code);
    if (known) {
      known.value += 1;
      return;
    }
    const withCode = { code: String(code), ...labels };
    p.requests.inc(withCode);
    const entry = series && entryOf<CounterEntry>(p.requests, withCode);
    if (entry) series.counts.set(code, entry);
  }

  private async build(): Promise<void> {
    const prom = await import('prom-client');
    const registry = new prom.Registry();
    prom.collectDefaultMetrics({ register: registry });
    const sources = this.sources;
    const requests = new prom.Counter({
      name: 'apiserver_request_total',
      help: '[STABLE] Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.',
      labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component', 'code'],
      registers: [registry],
    });
    const durations = new prom.Histogram({
      name: 'apiserver_request_duration_seconds',
      help: '[STABLE] Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
      labelNames: ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'],
      buckets: BUCKETS,
      registers: [registry],
    });
    new prom.Gauge({
      name: 'apiserver_storage_objects',
      help: '[STABLE] Number of stored objects at the time of last check split by kind. In case of a fetching error, the value will be -1.',
      labelNames: ['resource'],
      registers: [registry],
      async collect(this: Gauge) {
        this.reset();
        for (const [resource, n] of await sources.storageObjects()) this.set({ resource }, n);
      },
    });
    new prom.Gauge({
      name: 'apiserver_current_inflight_requests',
      help: '[STABLE] Maximal number of currently used inflight request limit of this apiserver per request kind in last second.',
      labelNames: ['request_kind'],
      registers: [registry],
      collect(this: Gauge) {
        const n = sources.inFlight();
        this.set({ request_kind: 'mutating' }, n.mutating);
        this.set({ request_kind: 'readOnly' }, n.readOnly);
      },
    });
    const longRunning = this.longRunning;
    new prom.Gauge({
      name: 'apiserver_longrunning_requests',
      help: '[STABLE] Gauge of all active long-running apiserver requests broken out by verb, group, version, resource, scope and component. Not all requests are tracked this way.',
      labelNames: ['component', 'group', 'resource', 'scope', 'subresource', 'verb', 'version'],
      registers: [registry],
      collect(this: Gauge) {
        this.reset();
        for (const { labels: l, n } of longRunning.values()) this.set({ component: COMPONENT, group: l.group, resource: l.resource, scope: l.scope, subresource: l.subresource, verb: l.verb, version: l.version }, n);
      },
    });
    const dispatched = this.dispatched;
    new prom.Counter({
      name: 'apiserver_flowcontrol_dispatched_requests_total',
      help: '[BETA] Number of requests executed by API Priority and Fairness subsystem',
      labelNames: ['flow_schema', 'priority_level'],
      registers: [registry],
      collect(this: Counter) {
        this.reset();
        for (const { labels, n } of dispatched.values()) this.inc(labels, n);
      },
    });
    const etcdLabels = ['operation', 'group', 'resource'];
    const etcdDurations = new prom.Histogram({
      name: 'etcd_request_duration_seconds',
      help: '[ALPHA] Etcd request latency in seconds for each operation and object type.',
      labelNames: etcdLabels,
      buckets: BUCKETS,
      registers: [registry],
    });
    const etcdRequests = new prom.Counter({ name: 'etcd_requests_total', help: '[ALPHA] Etcd request counts for each operation and object type.', labelNames: etcdLabels, registers: [registry] });
    const etcdErrors = new prom.Counter({ name: 'etcd_request_errors_total', help: '[ALPHA] Etcd failed request counts for each operation and object type.', labelNames: etcdLabels, registers: [registry] });
    const p: Prom = { registry, requests, durations, series: new Map(), storageSeries: new Map(), etcdDurations, etcdRequests, etcdErrors };
    for (const s of this.early) this.observe(p, s);
    this.early = [];
    for (const s of this.earlyStorage) this.observeStorage(p, s);
    this.earlyStorage = [];
    this.prom = p;
  }
}
