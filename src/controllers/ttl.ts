// ttl (kube-controller-manager's TTL controller): every Node carries node.alpha.kubernetes.io/ttl, the seconds
// kubelets may cache the objects they fetch, set by the cluster's size with upstream's bounds and hysteresis.
import type { KObject } from '../client/types.js';
import { NODES } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

export const TTL_ANNOTATION = 'node.alpha.kubernetes.io/ttl';

/** Node-count ranges (overlapping, so the TTL does not flap at a boundary) and their TTL. */
const BOUNDARIES = [
  { sizeMin: 0, sizeMax: 100, ttlSeconds: 0 },
  { sizeMin: 90, sizeMax: 500, ttlSeconds: 15 },
  { sizeMin: 450, sizeMax: 1000, ttlSeconds: 30 },
  { sizeMin: 900, sizeMax: 2000, ttlSeconds: 60 },
  { sizeMin: 1800, sizeMax: Number.MAX_SAFE_INTEGER, ttlSeconds: 300 },
];

/** The boundary step after the node count changed from `step`'s range. */
export function ttlStep(step: number, nodeCount: number): number {
  let s = step;
  while (s + 1 < BOUNDARIES.length && nodeCount > BOUNDARIES[s]!.sizeMax) s++;
  while (s > 0 && nodeCount < BOUNDARIES[s]!.sizeMin) s--;
  return s;
}

export const ttlSeconds = (step: number): number => BOUNDARIES[step]!.ttlSeconds;

export class TTLController extends QueueController {
  private nodes!: Informer;
  private count = 0;
  private step = 0;

  constructor() {
    super('ttl', 1);
  }

  protected register(): void {
    this.nodes = this.ctx.informers.informer(NODES).on({
      add: (n) => this.resized(+1, n),
      update: (_, n) => this.queue.add(n.metadata.name),
      delete: () => this.resized(-1),
    });
  }

  private resized(delta: number, node?: KObject): void {
    this.count += delta;
    const step = ttlStep(this.step, this.count);
    if (step !== this.step) {
      this.step = step;
      for (const n of this.nodes.items()) this.queue.add(n.metadata.name);
    } else if (node) this.queue.add(node.metadata.name);
  }

  protected async sync(name: string): Promise<void> {
    const node = this.nodes.get(name);
    if (!node) return;
    const want = String(ttlSeconds(this.step));
    if (node.metadata.annotations?.[TTL_ANNOTATION] === want) return;
    try {
      await this.ctx.client.patch(NODES, '', name, 'strategic', { metadata: { annotations: { [TTL_ANNOTATION]: want } } });
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }
}
