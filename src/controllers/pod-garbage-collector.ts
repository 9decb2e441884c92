// pod-garbage-collector (upstream's podgc): deletes terminated pods beyond the threshold (oldest first),
// pods bound to nodes that no longer exist (marked Failed with a DisruptionTarget condition first) and
// terminating pods that were never scheduled, every 20 seconds and when a node is deleted.
import type { KObject } from '../client/types.js';
import { NODES, PODS } from './gvr.js';
import type { Controller, ControllerContext } from './runtime/controller.js';
import type { Informer } from './runtime/informer.js';
import { isStatus } from './runtime/queue-controller.js';
import { rfc3339 } from '../apimachinery/time.js';

export interface PodGCOptions {
  /** Terminated pods kept before the oldest are deleted (--terminated-pod-gc-threshold, default 12500). */
  terminatedPodThreshold?: number;
  periodMs?: number;
  /** How long a node missing from the cache stays suspect before the API server is asked (upstream 40 s). */
  quarantineMs?: number;
}

const terminal = (p: KObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** The terminated pods to delete: the oldest beyond the threshold. */
export function terminatedToDelete(pods: KObject[], threshold: number): KObject[] {
  if (threshold <= 0) return [];
  const done = pods.filter(terminal);
  if (done.length <= threshold) return [];
  done.sort((a, b) => Date.parse(a.metadata.creationTimestamp) - Date.parse(b.metadata.creationTimestamp) || (a.metadata.name < b.metadata.name ? -1 : 1));
  return done.slice(0, done.length - threshold);
}

export class PodGarbageCollector implements Controller {
  readonly name = 'pod-garbage-collector';
  private ctx!: ControllerContext;
  private pods!: Informer;
  private nodes!: Informer;
  private timer?: NodeJS.Timeout;
  private running = false;
  private again = false;
  /** Nodes missing from the cache, and since when. */
  private readonly suspect = new Map<string, number>();
  private readonly threshold: number;
  private readonly periodMs: number;
  private readonly quarantineMs: number;

  constructor(opts: PodGCOptions = {}) {
    this.threshold = opts.terminatedPodThreshold ?? 12500;
    this.periodMs = opts.periodMs ?? 20_000;
    this.quarantineMs = opts.quarantineMs ?? 40_000;
  }

  setup(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.pods = ctx.informers.informer(PODS);
    // a delete event is the API server's word that the node is gone: no quarantine needed
    this.nodes = ctx.informers.informer(NODES).on({
      delete: (n) => {
        this.suspect.set(n.metadata.name, 0);
        this.kick();
      },
    });
  }

  run(): void {
    this.timer = setInterval(() => this.kick(), this.periodMs);
    this.timer.unref();
    this.kick();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  idle(): boolean {
    return !this.running;
  }

  private kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    void this.gc()
      .catch((e) => this.ctx.error(this.name, e))
      .finally(() => {
        this.running = false;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  async gc(): Promise<void> {
    const pods = this.pods.items();
    for (const p of terminatedToDelete(pods, this.threshold)) await this.deletePod(p);
    await this.gcOrphaned(pods);
    for (const p of pods) if (p.metadata.deletionTimestamp && !p.spec?.nodeName) await this.markFailedAndDelete(p);
  }

  private async gcOrphaned(pods: KObject[]): Promise<void> {
    const now = Date.now();
    const missing = new Set<string>();
    for (const p of pods) {
      const node = p.spec?.nodeName;
      if (!node || this.nodes.get(node)) continue;
      if (!this.suspect.has(node)) this.suspect.set(node, now);
      missing.add(node);
    }
    const gone = new Set<string>();
    for (const [node, since] of [...this.suspect]) {
      if (!missing.has(node) || this.nodes.get(node)) {
        this.suspect.delete(node);
        continue;
      }
      if (now - since < this.quarantineMs) continue;
      const exists = await this.ctx.client.get(NODES, '', node).then(
        () => true,
        (e) => (isStatus(e, 404) ? false : Promise.reject(e)),
      );
      if (exists) this.suspect.delete(node);
      else gone.add(node);
    }
    for (const p of pods) {
      if (!gone.has(p.spec?.nodeName)) continue;
      await this.markFailedAndDelete(p, { type: 'DisruptionTarget', status: 'True', lastTransitionTime: rfc3339(), reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' });
    }
  }

  /** markFailedAndDeletePodWithCondition: a pod not yet finished is marked Failed, then deleted at once. */
  private async markFailedAndDelete(pod: KObject, condition?: KObject): Promise<void> {
    if (!terminal(pod)) {
      // server-side apply of the status as field manager PodGC, as upstream (its role may patch pods/status, not update it)
      const status: KObject = { phase: 'Failed' };
      if (condition) status.conditions = [condition];
      try {
        await this.ctx.client.patch(PODS, pod.metadata.namespace, pod.metadata.name, 'apply', { apiVersion: 'v1', kind: 'Pod', metadata: { name: pod.metadata.name, namespace: pod.metadata.namespace }, status }, { subresource: 'status', fieldManager: 'PodGC', force: true });
      } catch (e) {
        if (isStatus(e, 404)) return;
        if (!isStatus(e, 409)) throw e;
      }
    }
    await this.deletePod(pod);
  }

  private async deletePod(pod: KObject): Promise<void> {
    try {
      await this.ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name, { gracePeriodSeconds: 0, preconditions: { uid: pod.metadata.uid } });
    } catch (e) {
      if (!isStatus(e, 404, 409)) throw e;
    }
  }
}
