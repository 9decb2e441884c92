// core/v1 Events as client-go's record.EventRecorder sends them through its EventCorrelator: a repeat of the
// same event (object, type, reason, message) bumps count and lastTimestamp on the one already written, and a
// per-object token bucket (25 events, one more every 5 minutes) drops floods, so a controller that fails the
// same way every sync period leaves one event with a growing count.
import type { Client, KObject } from '../client/types.js';
import { EVENTS } from './gvr.js';

const BURST = 25;
const REFILL_MS = 5 * 60_000;
const CACHE_SIZE = 4096;
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

interface Seen {
  name: string;
  namespace: string;
  count: number;
}

export class CorrelatedEventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private seq = 0n;

  constructor(
    private readonly client: () => Client,
    private readonly component: string,
    /** List items come without kind and apiVersion. */
    private readonly kind: { kind: string; apiVersion: string },
  ) {}

  /** EventSourceObjectSpamFilter: false when this object has used up its events for now. */
  private allowed(objectKey: string, now: number): boolean {
    const b = this.buckets.get(objectKey) ?? { tokens: BURST, at: now };
    b.tokens = Math.min(BURST, b.tokens + (now - b.at) / REFILL_MS);
    b.at = now;
    this.buckets.set(objectKey, b);
    if (this.buckets.size > CACHE_SIZE) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens < 1) return false;
    b.tokens -= 1;
    return true;
  }

  /** Records an event about obj; best effort: a failure is dropped, never thrown. */
  async event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const m = obj.metadata ?? {};
    const ns = m.namespace || 'default';
    const involved = { kind: obj.kind ?? this.kind.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion ?? this.kind.apiVersion, resourceVersion: m.resourceVersion };
    const objectKey = JSON.stringify([this.component, involved.kind, involved.namespace, involved.name, involved.uid, involved.apiVersion]);
    const now = new Date();
    if (!this.allowed(objectKey, now.getTime())) return;
    const key = JSON.stringify([objectKey, type, reason, message]);
    const prev = this.seen.get(key);
    try {
      if (prev) {
        prev.count++;
        this.seen.delete(key);
        this.seen.set(key, prev);
        await this.client().patch(EVENTS, prev.namespace, prev.name, 'strategic', { count: prev.count, lastTimestamp: rfc3339(now), message });
        return;
      }
    } catch {
      // gone meanwhile: written afresh below
      this.seen.delete(key);
    }
    // named as upstream: <object>.<unix nanoseconds in hex>, unique within this process
    const nanos = BigInt(now.getTime()) * 1_000_000n + (this.seq++ % 1_000_000n);
    const name = `${m.name}.${nanos.toString(16)}`;
    const at = rfc3339(now);
    try {
      await this.client().create(EVENTS, ns, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace: ns },
        involvedObject: involved,
        reason,
        message,
        source: { component: this.component },
        firstTimestamp: at,
        lastTimestamp: at,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: this.component,
        reportingInstance: '',
      });
      this.seen.set(key, { name, namespace: ns, count: 1 });
      if (this.seen.size > CACHE_SIZE) this.seen.delete(this.seen.keys().next().value!);
    } catch {
      // dropped, as the broadcaster does after its retries
    }
  }
}
