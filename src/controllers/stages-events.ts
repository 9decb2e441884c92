// Events the stages send, written as a kubelet's recorder writes them: source kubelet on the object's node,
// and a repeat of the same event (object, type, reason, message) counted on the first one (x3 over 10s).
import { randomBytes } from 'node:crypto';
import type { Client, KObject } from '../client/types.js';
import { EVENTS } from './gvr.js';

const rfc3339 = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
/** client-go's event cache size. */
const MAX_REMEMBERED = 4096;

export class StageEvents {
  private readonly seen = new Map<string, { name: string; namespace: string; count: number }>();

  constructor(private readonly client: () => Client) {}

  /** Best effort, as upstream's recorder: a failure is dropped, never thrown. */
  async record(obj: KObject, kind: string, host: string | undefined, type: string, reason: string, message: string): Promise<void> {
    const namespace = obj.metadata.namespace || 'default';
    const key = [obj.metadata.uid, type, reason, message].join('\u0000');
    const now = rfc3339();
    const prev = this.seen.get(key);
    if (prev) {
      try {
        await this.client().patch(EVENTS, prev.namespace, prev.name, 'merge', { count: prev.count + 1, lastTimestamp: now });
        prev.count++;
        return;
      } catch {
        this.seen.delete(key);
      }
    }
    const name = `${obj.metadata.name}.${randomBytes(8).toString('hex')}`;
    try {
      await this.client().create(EVENTS, namespace, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name, namespace },
        involvedObject: { kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: 'v1', resourceVersion: obj.metadata.resourceVersion },
        reason,
        message,
        source: host ? { component: 'kubelet', host } : { component: 'kubelet' },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: 'kubelet',
        reportingInstance: host ?? '',
      });
      if (this.seen.size >= MAX_REMEMBERED) this.seen.delete(this.seen.keys().next().value!);
      this.seen.set(key, { name, namespace, count: 1 });
    } catch {
      /* dropped, as upstream drops events it cannot write */
    }
  }
}
