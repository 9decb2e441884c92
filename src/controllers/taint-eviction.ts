// taint-eviction (upstream's taint-eviction-controller): pods on a node with NoExecute taints they do not tolerate are deleted at once;
// those tolerating them for tolerationSeconds are deleted once that time has passed since the taint was
// noticed — first marked with the DisruptionTarget condition, as upstream's taint manager does.
import type { KObject } from '../client/types.js';
import { NODES, PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { tolerationTime } from './taints.js';
import { rfc3339 } from '../apimachinery/time.js';

const noExecute = (node: KObject | undefined): KObject[] => (node?.spec?.taints ?? []).filter((t: KObject) => t.effect === 'NoExecute');

export class TaintEvictionController extends QueueController {
  private nodes!: Informer;
  private pods!: Informer;
  /** When a pod was first seen under NoExecute taints (the eviction timer's start). */
  private readonly since = new Map<string, number>();

  constructor() {
    super('taint-eviction', 2, 10_000);
  }

  protected register(): void {
    const enqueuePod = (p: KObject) => p.spec?.nodeName && this.queue.add(`${p.metadata.namespace}/${p.metadata.name}`);
    this.pods = this.ctx.informers.informer(PODS).on({ add: enqueuePod, update: (_, p) => enqueuePod(p), delete: (p) => this.since.delete(`${p.metadata.namespace}/${p.metadata.name}`) });
    const nodeChanged = (n: KObject) => {
      for (const p of this.pods.items()) if (p.spec?.nodeName === n.metadata.name) enqueuePod(p);
    };
    this.nodes = this.ctx.informers.informer(NODES).on({ add: nodeChanged, update: (o, n) => JSON.stringify(noExecute(o)) !== JSON.stringify(noExecute(n)) && nodeChanged(n) });
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.deletionTimestamp) return;
    const taints = noExecute(this.nodes.get(pod.spec?.nodeName));
    if (!taints.length) return void this.since.delete(key);
    const allowed = tolerationTime(pod, taints);
    if (allowed === Infinity) return;
    const start = this.since.get(key) ?? Date.now();
    this.since.set(key, start);
    const left = start + allowed - Date.now();
    if (left > 0) return void this.queue.addAfter(key, left);
    const conditions = (pod.status?.conditions ?? []).filter((c: KObject) => c.type !== 'DisruptionTarget');
    conditions.push({ type: 'DisruptionTarget', status: 'True', lastTransitionTime: rfc3339(), reason: 'DeletionByTaintManager', message: 'Taint manager: deleting due to NoExecute taint' });
    const ns = pod.metadata.namespace;
    try {
      await this.ctx.client.update(PODS, ns, { ...pod, status: { ...pod.status, conditions } }, { subresource: 'status' });
      await this.ctx.client.delete(PODS, ns, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (isStatus(e, 409)) throw new Requeue(`pod ${key}: conflict`);
      if (!isStatus(e, 404)) throw e;
    }
  }
}
