// core/v1 Events as client-go's record.EventRecorder writes them (what `kubectl describe` shows under Events):
// kube-controller-manager's controllers as their component, the simulated kubelets as `kubelet` on their node.
// Each recorder is a broadcaster with its own EventCorrelator, writing one event at a time in the order recorded.
import type { Client, KObject } from '../client/types.js';
import { rfc3339 } from '../apimachinery/time.js';
import { EventCorrelator, eventName } from './event-recorder-correlator.js';
import { EVENTS } from './gvr.js';

/** client-go's maxQueuedEvents: past this many waiting, a new event is dropped. */
const MAX_QUEUED = 1000;

export interface EventAbout {
  /** A part of the object, as `spec.containers{name}`. */
  fieldPath?: string;
}

export class EventRecorder {
  private readonly client: () => Client;
  private readonly correlator: EventCorrelator;
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  constructor(
    client: Client | (() => Client),
    private readonly component: string,
    /** List items come without kind and apiVersion. */
    private readonly kind: { kind: string; apiVersion: string },
    /** The source host (a kubelet's node); reportingInstance too. */
    private readonly host = '',
    private readonly now: () => number = Date.now,
  ) {
    this.client = typeof client === 'function' ? client : () => client;
    this.correlator = new EventCorrelator(now);
  }

  /** Records an event about obj; best effort, as upstream's recorder: a failure is dropped, never thrown. */
  event(obj: KObject, type: 'Normal' | 'Warning', reason: string, message: string, about: EventAbout = {}): Promise<void> {
    if (this.queued >= MAX_QUEUED) return Promise.resolve();
    const m = obj.metadata ?? {};
    const ns = m.namespace || 'default';
    const now = this.now();
    const at = rfc3339(now);
    const involvedObject: KObject = { kind: obj.kind ?? this.kind.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion ?? this.kind.apiVersion, resourceVersion: m.resourceVersion };
    if (about.fieldPath) involvedObject.fieldPath = about.fieldPath;
    const event: KObject = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: eventName(m.name, now), namespace: ns },
      involvedObject,
      reason,
      message,
      source: this.host ? { component: this.component, host: this.host } : { component: this.component },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: this.host,
    };
    this.queued++;
    const done = this.tail.then(() => this.write(event)).finally(() => this.queued--);
    this.tail = done;
    return done;
  }

  /** recordToSink: a repeat patches the Event already written, and one deleted meanwhile (404) is created anew. */
  private async write(recorded: KObject): Promise<void> {
    const correlated = this.correlator.correlate(recorded);
    if (!correlated) return;
    const { event, patch } = correlated;
    const ns = event.metadata.namespace;
    try {
      let written: KObject | undefined;
      if (patch) {
        try {
          written = await this.client().patch(EVENTS, ns, event.metadata.name, 'strategic', patch);
        } catch (e) {
          if ((e as { code?: unknown }).code !== 404) throw e;
        }
      }
      if (!written) {
        delete event.metadata.resourceVersion;
        written = await this.client().create(EVENTS, ns, event);
      }
      this.correlator.updateState(written);
    } catch {
      // rejected: dropped, as upstream drops an event the server refuses
    }
  }
}
