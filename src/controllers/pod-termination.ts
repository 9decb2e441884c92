// Stands in for the kubelets of simulated nodes: a bound pod being deleted gracefully has no containers to
// stop, so it is removed at once (grace period 0), as a responsive kubelet would.
import type { KObject } from '../client/types.js';
import { PODS } from './gvr.js';
import { KubeletEventSink, containerStopEvents } from './kubelet-events.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

export class PodTermination extends QueueController {
  private pods!: Informer;
  private readonly events = new KubeletEventSink(() => this.ctx.client, () => !this.queue.idle());
  /** Pods whose containers were reported stopping (a retried delete reports nothing twice). */
  private readonly stopping = new Set<string>();

  constructor() {
    super('pod-termination', 4);
  }

  override stop(): void {
    super.stop();
    this.events.stop();
  }

  protected register(): void {
    const check = (pod: KObject) => {
      if (pod.metadata.deletionTimestamp && pod.spec?.nodeName && (pod.metadata.deletionGracePeriodSeconds ?? 0) > 0) this.queue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
    };
    this.pods = this.ctx.informers.informer(PODS).on({ add: check, update: (_, p) => check(p) });
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod) return;
    const uid = pod.metadata.uid as string;
    if (pod.status?.phase === 'Running' && !this.stopping.has(uid)) {
      this.stopping.add(uid);
      this.events.record(pod.spec.nodeName, pod, containerStopEvents(pod));
    }
    try {
      await this.ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid } });
      this.stopping.delete(uid);
    } catch (e) {
      if (isStatus(e, 404, 409)) this.stopping.delete(uid);
      else throw e;
    }
  }
}
