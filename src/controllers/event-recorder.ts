// core/v1 Events as client-go's record.EventRecorder writes them (what `kubectl describe` shows under Events):
// kube-controller-manager's controllers as their component, the simulated kubelets as `kubelet` on their node.
import type { Client, KObject } from '../client/types.js';
import { EVENTS } from './gvr.js';

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export interface EventAbout {
  /** A part of the object, as `spec.containers{name}`. */
  fieldPath?: string;
}

export class EventRecorder {
  private seq = 0n;
  private readonly client: () => Client;

  constructor(
    client: Client | (() => Client),
    private readonly component: string,
    /** List items come without kind and apiVersion. */
    private readonly kind: { kind: string; apiVersion: string },
    /** The source host (a kubelet's node); reportingInstance too. */
    private readonly host = '',
  ) {
    this.client = typeof client === 'function' ? client : () => client;
  }

  /** Records an event about obj; best effort, as upstream's recorder: a failure is dropped, never thrown. */
  async event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string, about: EventAbout = {}): Promise<void> {
    const m = obj.metadata ?? {};
    const ns = m.namespace || 'default';
    const now = new Date();
    // named as upstream: <object>.<unix nanoseconds in hex>, kept unique within this process
    const nanos = BigInt(now.getTime()) * 1_000_000n + (this.seq++ % 1_000_000n);
    const involvedObject: KObject = { kind: obj.kind ?? this.kind.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion ?? this.kind.apiVersion, resourceVersion: m.resourceVersion };
    if (about.fieldPath) involvedObject.fieldPath = about.fieldPath;
    await this.client()
      .create(EVENTS, ns, {
        apiVersion: 'v1',
        kind: 'Event',
        metadata: { name: `${m.name}.${nanos.toString(16)}`, namespace: ns },
        involvedObject,
        reason,
        message,
        source: this.host ? { component: this.component, host: this.host } : { component: this.component },
        firstTimestamp: rfc3339(now),
        lastTimestamp: rfc3339(now),
        count: 1,
        type,
        eventTime: null,
        reportingComponent: this.component,
        reportingInstance: this.host,
      })
      .then(
        () => undefined,
        () => undefined,
      );
  }
}
