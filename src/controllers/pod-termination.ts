// Stands in for the kubelets of simulated nodes: a bound pod being deleted gracefully has no containers to
// stop, so it is removed at once (grace period 0), as a responsive kubelet would.
import type { KObject } from '../client/types.js';
import { PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

export class PodTermination extends QueueController {
  private pods!: Informer;

  constructor() {
    super('pod-termination', 4);
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
    try {
      await this.ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (!isStatus(e, 404, 409)) throw e;
    }
  }
}
