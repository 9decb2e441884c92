// client-go's EventCorrelator (tools/record events_cache.go): an aggregator that folds similar events (same source,
// object, type and reason; 10 distinct messages within 10 minutes) into one "(combined from similar events)" event, a
// logger that turns a repeat into a strategic-merge patch of count, lastTimestamp and message on the Event already
// written, and a spam filter (token bucket of 25, one more every 5 minutes, per source and object) that runs last.
import type { KObject } from '../client/types.js';
import { rfc3339 } from '../apimachinery/time.js';

/** client-go's maxLruCacheEntries, for each of the three caches. */
const CACHE_SIZE = 4096;
const AGGREGATE_MAX_EVENTS = 10;
const AGGREGATE_INTERVAL_MS = 600_000;
const SPAM_BURST = 25;
const SPAM_REFILL_MS = 300_000;
export const AGGREGATE_PREFIX = '(combined from similar events): ';

let seq = 0n;
/** Named as upstream, `<object>.<unix nanoseconds in hex>`; the sub-millisecond digits keep names unique in this process. */
export function eventName(objectName: string, ms: number): string {
  return `${objectName}.${(BigInt(ms) * 1_000_000n + (seq++ % 1_000_000n)).toString(16)}`;
}

/** groupcache's lru.Cache: Get and Add both make an entry the most recent; the least recent goes past the size. */
class Lru<V> {
  private readonly m = new Map<string, V>();
  get(k: string): V | undefined {
    const v = this.m.get(k);
    if (v !== undefined) {
      this.m.delete(k);
      this.m.set(k, v);
    }
    return v;
  }
  add(k: string, v: V): void {
    this.m.delete(k);
    this.m.set(k, v);
    if (this.m.size > CACHE_SIZE) this.m.delete(this.m.keys().next().value!);
  }
}

const s = (v: unknown) => (typeof v === 'string' ? v : '');
const join = (parts: unknown[]) => parts.map(s).join('');

/** getEventKey: source, the whole object reference (fieldPath too), type, reason and message. */
export function eventKey(e: KObject): string {
  const o = e.involvedObject ?? {};
  return join([e.source?.component, e.source?.host, o.kind, o.namespace, o.name, o.fieldPath, o.uid, o.apiVersion, e.type, e.reason, e.message]);
}

/** getSpamKey: source and object, without fieldPath, type or reason. */
function spamKey(e: KObject): string {
  const o = e.involvedObject ?? {};
  return join([e.source?.component, e.source?.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion]);
}

/** EventAggregatorByReasonFunc's aggregate key (the local key is the message). */
function aggregateKey(e: KObject): string {
  const o = e.involvedObject ?? {};
  return join([e.source?.component, e.source?.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion, e.type, e.reason, e.reportingComponent, e.reportingInstance]);
}

interface Observation {
  count: number;
  firstTimestamp: string;
  name: string;
  resourceVersion: string;
}

export interface Correlated {
  event: KObject;
  /** The strategic-merge patch for the Event already written; absent when the event is to be created. */
  patch?: Record<string, unknown>;
}

export class EventCorrelator {
  private readonly aggregates = new Lru<{ messages: Set<string>; at: number }>();
  private readonly observations = new Lru<Observation>();
  private readonly buckets = new Lru<{ tokens: number; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** EventCorrelate: the event to write (a copy), or undefined when the spam filter drops it. */
  correlate(input: KObject): Correlated | undefined {
    const { event, key } = this.aggregate(input);
    const observed = this.observe(event, key);
    return this.allowed(observed.event) ? observed : undefined;
  }

  /** UpdateState: what the server returned for a written event is what the next repeat patches. */
  updateState(written: KObject): void {
    const m = written.metadata ?? {};
    this.observations.add(eventKey(written), { count: Number(written.count ?? 0), firstTimestamp: s(written.firstTimestamp), name: s(m.name), resourceVersion: s(m.resourceVersion) });
  }

  private aggregate(e: KObject): { event: KObject; key: string } {
    const now = this.now();
    const key = aggregateKey(e);
    let rec = this.aggregates.get(key);
    if (!rec || now - rec.at > AGGREGATE_INTERVAL_MS) rec = { messages: new Set(), at: now };
    rec.messages.add(s(e.message));
    rec.at = now;
    this.aggregates.add(key, rec);
    if (rec.messages.size < AGGREGATE_MAX_EVENTS) return { event: e, key: eventKey(e) };
    // upstream pops an arbitrary message to stay under the limit; the oldest here, so runs repeat
    rec.messages.delete(rec.messages.values().next().value!);
    const at = rfc3339(now);
    // the aggregate carries no reportingComponent/reportingInstance, as upstream's copy leaves them empty
    const combined: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName(s(e.involvedObject?.name), now), namespace: e.metadata?.namespace },
      involvedObject: e.involvedObject,
      reason: e.reason,
      message: AGGREGATE_PREFIX + s(e.message),
      source: e.source,
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type: e.type,
      eventTime: null,
      reportingComponent: '',
      reportingInstance: '',
    };
    return { event: combined, key };
  }

  private observe(e: KObject, key: string): Correlated {
    const last = this.observations.get(key);
    const event: KObject = { ...e, metadata: { ...e.metadata } };
    let patch: Record<string, unknown> | undefined;
    if (last && last.count > 0) {
      event.metadata.name = last.name;
      if (last.resourceVersion) event.metadata.resourceVersion = last.resourceVersion;
      else delete event.metadata.resourceVersion;
      event.firstTimestamp = last.firstTimestamp;
      event.count = last.count + 1;
      // CreateTwoWayMergePatch against the same event with count 0, lastTimestamp at the epoch and no message
      patch = { count: event.count, lastTimestamp: event.lastTimestamp };
      if (event.message) patch.message = event.message;
    }
    this.observations.add(key, { count: Number(event.count ?? 0), firstTimestamp: s(event.firstTimestamp), name: s(event.metadata.name), resourceVersion: s(event.metadata.resourceVersion) });
    return patch ? { event, patch } : { event };
  }

  /** EventSourceObjectSpamFilter: a token bucket per source+object that starts full. */
  private allowed(e: KObject): boolean {
    const now = this.now();
    const key = spamKey(e);
    const b = this.buckets.get(key) ?? { tokens: SPAM_BURST, at: now };
    b.tokens = Math.min(SPAM_BURST, b.tokens + (now - b.at) / SPAM_REFILL_MS);
    b.at = now;
    this.buckets.add(key, b);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }
}
