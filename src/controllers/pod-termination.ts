// Stands in for the kubelets of simulated nodes: a pod being deleted gracefully has no containers to
// stop, so it is removed at once (grace period 0), as a responsive kubelet would.
import { StatusError } from '../apimachinery/errors.js';
import type { Registry } from '../registry/index.js';
import type { KObject } from '../registry/types.js';

const KUBELET = { username: 'system:node:minikapi', groups: ['system:nodes', 'system:masters', 'system:authenticated'] };

export class PodTermination {
  private stopWatch?: () => void;
  private queue: Promise<void> = Promise.resolve();

  constructor(private readonly registry: Registry) {}

  async start(): Promise<void> {
    const pods = this.registry.mustStore('', 'pods');
    const h = await pods.watch('', {}, {
      event: (type, pod) => {
        if (type !== 'DELETED' && pod.metadata.deletionTimestamp && pod.spec?.nodeName && (pod.metadata.deletionGracePeriodSeconds ?? 0) > 0) this.enqueue(pod);
      },
      error: () => {},
    });
    this.stopWatch = () => h.stop();
  }

  private enqueue(pod: KObject): void {
    this.queue = this.queue
      .then(() =>
        this.registry
          .mustStore('', 'pods')
          .delete(pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } }, { user: KUBELET, dryRun: false, warnings: [], services: this.registry.services })
          .then(() => undefined),
      )
      .catch((e) => {
        if (!(e instanceof StatusError)) console.error('minikapi: pod termination:', e);
      });
  }

  stop(): void {
    this.stopWatch?.();
  }
}
