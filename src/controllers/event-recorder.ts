// core/v1 Events as client-go's record.EventRecorder writes them for kube-controller-manager's controllers.
import { randomBytes } from 'node:crypto';
import type { Client, KObject } from '../client/types.js';
import { EVENTS } from './gvr.js';

const rfc3339 = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EventRecorder {
  constructor(
    private readonly client: () => Client,
    private readonly component: string,
    /** List items come without kind and apiVersion. */
    private readonly kind: { kind: string; apiVersion: string },
  ) {}

  /** Records an event about obj; best effort, as upstream's recorder: a failure is dropped, never thrown. */
  async event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string): Promise<void> {
    const ns = obj.metadata.namespace || 'default';
    const now = rfc3339();
    await this.client()
      .create(EVENTS, ns, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${obj.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
        involvedObject: { kind: obj.kind ?? this.kind.kind, namespace: obj.metadata.namespace, name: obj.metadata.name, uid: obj.metadata.uid, apiVersion: obj.apiVersion ?? this.kind.apiVersion, resourceVersion: obj.metadata.resourceVersion },
        reason,
        message,
        source: { component: this.component },
        firstTimestamp: now,
        lastTimestamp: now,
        count: 1,
        type,
        eventTime: null,
        reportingComponent: this.component,
        reportingInstance: '',
      })
      .catch(() => undefined);
  }
}
