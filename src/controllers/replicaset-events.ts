// A small core/v1 Event recorder as client-go's record package writes them for kube-controller-manager's
// workload controllers (what `kubectl describe` shows under Events), plus the GVRs those controllers use.
import { hostname } from 'node:os';
import type { Client, GVR, KObject } from '../client/types.js';

export const REPLICASETS: GVR = { group: 'apps', version: 'v1', resource: 'replicasets', namespaced: true };
export const DEPLOYMENTS: GVR = { group: 'apps', version: 'v1', resource: 'deployments', namespaced: true };
export const REPLICATIONCONTROLLERS: GVR = { group: '', version: 'v1', resource: 'replicationcontrollers', namespaced: true };
const EVENTS: GVR = { group: '', version: 'v1', resource: 'events', namespaced: true };

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export class EventRecorder {
  private seq = 0n;

  constructor(
    private readonly client: Client,
    private readonly component: string,
  ) {}

  /** Records an event about obj; failures are dropped, as the broadcaster does after its retries. */
  event(obj: KObject, apiVersion: string, kind: string, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const now = new Date();
    // name as upstream: <object>.<unix nanoseconds in hex>, kept unique within this process
    const nanos = BigInt(now.getTime()) * 1_000_000n + (this.seq++ % 1_000_000n);
    const m = obj.metadata ?? {};
    const ev = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${m.name}.${nanos.toString(16)}`, namespace: m.namespace },
      involvedObject: { kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion, resourceVersion: m.resourceVersion },
      reason,
      message,
      source: { component: this.component },
      firstTimestamp: rfc3339(now),
      lastTimestamp: rfc3339(now),
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.component,
      reportingInstance: hostname(),
    };
    this.client.create(EVENTS, m.namespace, ev).catch(() => undefined);
  }
}
