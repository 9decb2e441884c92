// replicaset controller: each ReplicaSet keeps `replicas` pods from its template (created with
// generateName `<rs>-`, owned with controller: true), removes extras least-ready first, and reports
// replicas, fullyLabeledReplicas, readyReplicas, availableReplicas and observedGeneration.
import type { KObject } from '../client/types.js';
import { labelSelectorFromObject } from '../apimachinery/selectors.js';
import { PODS, REPLICASETS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

const BURST = 500;
const EXPECTATIONS_TTL_MS = 30_000;

export const controllerRef = (o: KObject): KObject | undefined => (o.metadata.ownerReferences ?? []).find((r: KObject) => r.controller);
const isActive = (p: KObject) => !p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed';
export const podReady = (p: KObject) => (p.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready' && c.status === 'True');

/** Ready for minReadySeconds, as upstream's IsPodAvailable. */
export function podAvailable(p: KObject, minReadySeconds: number, now = Date.now()): boolean {
  const ready = podReady(p);
  if (!ready) return false;
  return minReadySeconds === 0 || Date.parse(ready.lastTransitionTime) + minReadySeconds * 1000 <= now;
}

/** upstream's ActivePods ordering for deletion: unassigned, pending, not ready, ready for less time, more restarts, newer first. */
function deletionRank(a: KObject, b: KObject): number {
  const assigned = (p: KObject) => (p.spec?.nodeName ? 1 : 0);
  if (assigned(a) !== assigned(b)) return assigned(a) - assigned(b);
  const phase = (p: KObject) => ({ Pending: 0, Unknown: 1, Running: 2 })[p.status?.phase as string] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: KObject) => (podReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  const restarts = (p: KObject) => (p.status?.containerStatuses ?? []).reduce((n: number, c: KObject) => n + (c.restartCount ?? 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp);
}

export class ReplicaSetController extends QueueController {
  private sets!: Informer;
  private pods!: Informer;
  /** Creates and deletes asked for and not yet seen, so a lagging cache never causes extra pods. */
  private readonly expect = new Map<string, { adds: number; dels: Set<string>; at: number }>();

  constructor() {
    super('replicaset', 4, 10_000);
  }

  protected register(): void {
    const enqueueOwner = (p: KObject) => {
      const ref = controllerRef(p);
      if (ref?.kind === 'ReplicaSet') this.queue.add(`${p.metadata.namespace}/${ref.name}`);
    };
    this.sets = this.ctx.informers.informer(REPLICASETS).on({ add: (rs) => this.queue.add(`${rs.metadata.namespace}/${rs.metadata.name}`), update: (_, rs) => this.queue.add(`${rs.metadata.namespace}/${rs.metadata.name}`) });
    this.pods = this.ctx.informers.informer(PODS).on({
      add: (p) => {
        const ref = controllerRef(p);
        const e = ref && this.expect.get(`${p.metadata.namespace}/${ref.name}`);
        if (e) e.adds--;
        enqueueOwner(p);
      },
      update: (_, p) => enqueueOwner(p),
      delete: (p) => {
        const ref = controllerRef(p);
        this.expect.get(`${p.metadata.namespace}/${ref?.name}`)?.dels.delete(p.metadata.name);
        enqueueOwner(p);
      },
    });
  }

  private satisfied(key: string): boolean {
    const e = this.expect.get(key);
    if (!e || (e.adds <= 0 && e.dels.size === 0) || Date.now() - e.at > EXPECTATIONS_TTL_MS) {
      this.expect.delete(key);
      return true;
    }
    return false;
  }

  protected async sync(key: string): Promise<void> {
    const rs = this.sets.get(key);
    if (!rs) return void this.expect.delete(key);
    const ns = rs.metadata.namespace;
    const owned = this.pods.items().filter((p) => p.metadata.namespace === ns && controllerRef(p)?.uid === rs.metadata.uid);
    const active = owned.filter(isActive);
    const want = rs.spec?.replicas ?? 1;
    if (!rs.metadata.deletionTimestamp && this.satisfied(key)) {
      const diff = active.length - want;
      if (diff < 0) await this.create(rs, key, Math.min(-diff, BURST));
      else if (diff > 0) await this.remove(key, [...active].sort(deletionRank).slice(0, diff));
    }
    await this.updateStatus(rs, active);
  }

  private async create(rs: KObject, key: string, count: number): Promise<void> {
    const t = rs.spec.template ?? {};
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${rs.metadata.name}-`,
        labels: t.metadata?.labels,
        annotations: t.metadata?.annotations,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: t.spec,
    };
    this.expect.set(key, { adds: count, dels: new Set(), at: Date.now() });
    // slow start, as upstream: batches of 1, 2, 4, … stop at the first failure
    let done = 0;
    for (let batch = 1; done < count; batch *= 2) {
      const n = Math.min(batch, count - done);
      const results = await Promise.allSettled(Array.from({ length: n }, () => this.ctx.client.create(PODS, rs.metadata.namespace, structuredClone(pod))));
      const failed = results.filter((r) => r.status === 'rejected');
      done += n;
      if (failed.length) {
        const e = this.expect.get(key);
        if (e) e.adds -= failed.length + (count - done);
        const first = (failed[0] as PromiseRejectedResult).reason;
        // a terminating namespace or a quota: nothing to retry now
        if (isStatus(first, 403, 409)) return;
        throw first;
      }
    }
  }

  private async remove(key: string, pods: KObject[]): Promise<void> {
    this.expect.set(key, { adds: 0, dels: new Set(pods.map((p) => p.metadata.name)), at: Date.now() });
    await Promise.all(
      pods.map((p) =>
        this.ctx.client.delete(PODS, p.metadata.namespace, p.metadata.name, { preconditions: { uid: p.metadata.uid } }).catch((e) => {
          this.expect.get(key)?.dels.delete(p.metadata.name);
          if (!isStatus(e, 404, 409)) throw e;
        }),
      ),
    );
  }

  private async updateStatus(rs: KObject, active: KObject[]): Promise<void> {
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const templateLabels: Record<string, string> = rs.spec?.template?.metadata?.labels ?? {};
    const fully = labelSelectorFromObject({ matchLabels: templateLabels });
    const now = Date.now();
    const status: KObject = {
      replicas: active.length,
      fullyLabeledReplicas: active.filter((p) => fully.matches(p.metadata.labels ?? {})).length,
      readyReplicas: active.filter(podReady).length,
      availableReplicas: active.filter((p) => podAvailable(p, minReady, now)).length,
      observedGeneration: rs.metadata.generation,
    };
    // pods ready but not yet for minReadySeconds become available later: look again then
    const waiting = active.filter((p) => podReady(p) && !podAvailable(p, minReady, now));
    if (waiting.length) this.queue.addAfter(`${rs.metadata.namespace}/${rs.metadata.name}`, minReady * 1000);
    const old = rs.status ?? {};
    const same = ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'].every((k) => (old[k] ?? 0) === (status[k] ?? 0));
    if (same) return;
    const next: KObject = { ...old, ...status };
    for (const k of ['fullyLabeledReplicas', 'readyReplicas', 'availableReplicas']) if (!next[k]) delete next[k];
    try {
      await this.ctx.client.update(REPLICASETS, rs.metadata.namespace, { ...rs, status: next }, { subresource: 'status' });
    } catch (e) {
      if (!isStatus(e, 404, 409)) throw e;
    }
  }
}
