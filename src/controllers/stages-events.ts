// Events the stages send, written as a kubelet's recorder writes them: source kubelet on the object's node
// (one recorder per node, as each kubelet has its own), correlated as client-go does (x3 over 10s, combined, spam-filtered).
import type { Client, KObject } from '../client/types.js';
import { EventRecorder } from './event-recorder.js';

export class StageEvents {
  private readonly recorders = new Map<string, EventRecorder>();

  constructor(private readonly client: () => Client) {}

  /** Best effort, as upstream's recorder: a failure is dropped, never thrown. */
  record(obj: KObject, kind: string, host: string | undefined, type: string, reason: string, message: string): Promise<void> {
    let r = this.recorders.get(host ?? '');
    if (!r) this.recorders.set(host ?? '', (r = new EventRecorder(this.client, 'kubelet', { kind, apiVersion: 'v1' }, host ?? '')));
    return r.event({ kind, apiVersion: 'v1', metadata: obj.metadata }, type as 'Normal' | 'Warning', reason, message);
  }
}
