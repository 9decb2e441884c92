// replicaset and replicationcontroller controllers (kube-controller-manager's pkg/controller/replicaset): keep
// spec.replicas active pods from the template, adopting orphans that match the selector and releasing owned
// pods that no longer do, with expectations so that a lagging informer never makes it create or delete
// twice, slow-start batches of creations, upstream's deletion ranking, and status (counts, ReplicaFailure).
import { labelSelectorFromObject, type LabelSelector } from '../apimachinery/selectors.js';
import type { GVR, KObject } from '../client/types.js';
import { PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';
import { EventRecorder } from './event-recorder.js';
import { REPLICASETS, REPLICATIONCONTROLLERS } from './gvr.js';
import { ControllerExpectations } from './replicaset-expectations.js';
import { controllerOf, isPodActive, isPodReady, podsToDelete } from './replicaset-pods.js';
import { calculateReplicaSetStatus, replicaSetStatusEqual } from './replicaset-status.js';

/** Upstream's burstReplicas: at most this many creations or deletions per sync. */
export const BURST_REPLICAS = 500;
const SLOW_START_INITIAL_BATCH = 1;

export interface ReplicaSetKind {
  controllerName: string;
  component: string;
  gvr: GVR;
  apiVersion: string;
  kind: string;
  selector(obj: KObject): LabelSelector;
}

export const REPLICASET_KIND: ReplicaSetKind = {
  controllerName: 'replicaset',
  component: 'replicaset-controller',
  gvr: REPLICASETS,
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  selector: (rs) => labelSelectorFromObject(rs.spec?.selector),
};

export const REPLICATIONCONTROLLER_KIND: ReplicaSetKind = {
  controllerName: 'replicationcontroller',
  component: 'replication-controller',
  gvr: REPLICATIONCONTROLLERS,
  apiVersion: 'v1',
  kind: 'ReplicationController',
  selector: (rc) => labelSelectorFromObject(rc.spec?.selector ? { matchLabels: rc.spec.selector } : undefined),
};

/** slowStartBatch: 1, 2, 4... calls at a time, stopping after the first batch with a failure. */
export async function slowStartBatch(count: number, initial: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initial); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, fn));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason };
    remaining -= batch;
  }
  return { successes };
}

const keyOf = (o: KObject) => `${o.metadata.namespace}/${o.metadata.name}`;

export class ReplicaSetController extends QueueController {
  private sets!: Informer;
  private pods!: Informer;
  private events!: EventRecorder;
  readonly expectations = new ControllerExpectations();

  constructor(private readonly k: ReplicaSetKind = REPLICASET_KIND) {
    super(k.controllerName, 5);
  }

  protected register(): void {
    this.events = new EventRecorder(this.ctx.client, this.k.component, { kind: this.k.kind, apiVersion: this.k.apiVersion });
    this.sets = this.ctx.informers.informer(this.k.gvr).on({
      add: (rs) => this.queue.add(keyOf(rs)),
      update: (_, rs) => this.queue.add(keyOf(rs)),
      delete: (rs) => this.queue.add(keyOf(rs)),
    });
    this.pods = this.ctx.informers.informer(PODS).on({ add: (p) => this.addPod(p), update: (o, p) => this.updatePod(o, p), delete: (p) => this.deletePod(p) });
  }

  /** The set a controllerRef names, if it is one of ours with the same UID. */
  private resolve(ns: string, ref: KObject | undefined): KObject | undefined {
    if (!ref || ref.kind !== this.k.kind || ref.apiVersion?.split('/')[0] !== this.k.apiVersion.split('/')[0]) return undefined;
    const rs = this.sets.get(`${ns}/${ref.name}`);
    return rs && rs.metadata.uid === ref.uid ? rs : undefined;
  }

  /** Sets whose selector matches an orphan pod (they may want to adopt it). */
  private matching(pod: KObject): KObject[] {
    return this.sets.items().filter((rs) => {
      if (rs.metadata.namespace !== pod.metadata.namespace) return false;
      const sel = this.k.selector(rs);
      return !sel.empty && sel.matches(pod.metadata.labels ?? {});
    });
  }

  private addPod(pod: KObject): void {
    if (pod.metadata.deletionTimestamp) return this.deletePod(pod);
    const ref = controllerOf(pod);
    if (ref) {
      const rs = this.resolve(pod.metadata.namespace, ref);
      if (!rs) return;
      this.expectations.creationObserved(keyOf(rs));
      this.queue.add(keyOf(rs));
      return;
    }
    for (const rs of this.matching(pod)) this.queue.add(keyOf(rs));
  }

  private updatePod(old: KObject, cur: KObject): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (cur.metadata.deletionTimestamp) {
      // a pod being deleted gracefully counts as gone now, as upstream does
      this.deletePod(cur);
      if (labelsChanged) this.deletePod(old);
      return;
    }
    const curRef = controllerOf(cur);
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(curRef) !== JSON.stringify(oldRef);
    if (refChanged && oldRef) {
      const rs = this.resolve(old.metadata.namespace, oldRef);
      if (rs) this.queue.add(keyOf(rs));
    }
    if (curRef) {
      const rs = this.resolve(cur.metadata.namespace, curRef);
      if (!rs) return;
      this.queue.add(keyOf(rs));
      // a pod just turned ready becomes available after minReadySeconds: look again then
      const mrs = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(cur) && mrs > 0) this.queue.addAfter(keyOf(rs), mrs * 1000 + 1);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.matching(cur)) this.queue.add(keyOf(rs));
  }

  private deletePod(pod: KObject): void {
    const rs = this.resolve(pod.metadata.namespace, controllerOf(pod));
    if (!rs) return;
    this.expectations.deletionObserved(keyOf(rs), keyOf(pod));
    this.queue.add(keyOf(rs));
  }

  protected async sync(key: string): Promise<void> {
    const rs = this.sets.get(key);
    if (!rs) {
      this.expectations.delete(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = this.k.selector(rs);
    const ns = rs.metadata.namespace;
    const active = this.pods.items().filter((p) => p.metadata.namespace === ns && isPodActive(p));
    const owned = await this.claimPods(rs, selector, active);
    let manageError: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(owned, rs, key);
      } catch (e) {
        manageError = e;
      }
    }
    const status = calculateReplicaSetStatus(rs, owned, manageError);
    const updated = await this.updateStatus(rs, status);
    const mrs = rs.spec?.minReadySeconds ?? 0;
    if (!manageError && updated && mrs > 0 && updated.status.readyReplicas === rs.spec?.replicas && updated.status.availableReplicas !== rs.spec?.replicas)
      this.queue.addAfter(key, mrs * 1000);
    if (manageError) throw manageError;
  }

  /** PodControllerRefManager.ClaimPods: ours that match, plus adopted orphans; releases ours that stopped matching. */
  private async claimPods(rs: KObject, selector: LabelSelector, pods: KObject[]): Promise<KObject[]> {
    const claimed: KObject[] = [];
    let adoptable: boolean | undefined;
    const uid = rs.metadata.uid;
    for (const pod of pods) {
      const ref = controllerOf(pod);
      const matches = !selector.empty && selector.matches(pod.metadata.labels ?? {});
      if (ref) {
        if (ref.uid !== uid) continue;
        if (matches) claimed.push(pod);
        else if (!rs.metadata.deletionTimestamp) await this.patchPod(pod, { metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: pod.metadata.uid } });
        continue;
      }
      if (rs.metadata.deletionTimestamp || !matches || pod.metadata.deletionTimestamp) continue;
      // adoption re-reads the set from the API first, as upstream's RecheckDeletionTimestamp does
      adoptable ??= await this.ctx.client.get(this.k.gvr, rs.metadata.namespace, rs.metadata.name).then(
        (fresh) => fresh.metadata.uid === uid && !fresh.metadata.deletionTimestamp,
        () => false,
      );
      if (!adoptable) continue;
      if (await this.patchPod(pod, { metadata: { ownerReferences: [this.controllerRef(rs)], uid: pod.metadata.uid } })) claimed.push(pod);
    }
    return claimed;
  }

  private async patchPod(pod: KObject, patch: KObject): Promise<boolean> {
    try {
      await this.ctx.client.patch(PODS, pod.metadata.namespace, pod.metadata.name, 'strategic', patch);
      return true;
    } catch (e) {
      // gone, or changed under us (uid precondition): the next sync sees the truth
      if (isStatus(e, 404, 409, 422)) return false;
      throw e;
    }
  }

  private controllerRef(rs: KObject): KObject {
    return { apiVersion: this.k.apiVersion, kind: this.k.kind, name: rs.metadata.name, uid: rs.metadata.uid, controller: true, blockOwnerDeletion: true };
  }

  private async manageReplicas(pods: KObject[], rs: KObject, key: string): Promise<void> {
    const want = rs.spec?.replicas ?? 1;
    let diff = pods.length - want;
    if (diff < 0) {
      diff = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, diff);
      const { successes, error } = await slowStartBatch(diff, SLOW_START_INITIAL_BATCH, () => this.createPod(rs));
      // creations that never happened will never be observed
      for (let i = 0; i < diff - successes; i++) this.expectations.creationObserved(key);
      if (error) throw error;
    } else if (diff > 0) {
      diff = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(pods, this.relatedPods(rs), diff);
      this.expectations.expectDeletions(key, victims.map(keyOf));
      const results = await Promise.allSettled(victims.map((p) => this.deletePodNow(rs, p, key)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  /** Pods owned by any set with the same controller as rs (siblings of a Deployment), for the same-node rank. */
  private relatedPods(rs: KObject): KObject[] {
    const owner = controllerOf(rs);
    const ns = rs.metadata.namespace;
    const sets = owner ? this.sets.items().filter((s) => s.metadata.namespace === ns && controllerOf(s)?.uid === owner.uid) : [rs];
    const uids = new Set(sets.map((s) => s.metadata.uid));
    return this.pods.items().filter((p) => p.metadata.namespace === ns && uids.has(controllerOf(p)?.uid));
  }

  private async createPod(rs: KObject): Promise<void> {
    const t = rs.spec?.template ?? {};
    const meta: KObject = { generateName: `${rs.metadata.name}-`, ownerReferences: [this.controllerRef(rs)] };
    if (t.metadata?.labels) meta.labels = { ...t.metadata.labels };
    if (t.metadata?.annotations) meta.annotations = { ...t.metadata.annotations };
    if (t.metadata?.finalizers) meta.finalizers = [...t.metadata.finalizers];
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: meta, spec: structuredClone(t.spec ?? {}) };
    try {
      const created = await this.ctx.client.create(PODS, rs.metadata.namespace, pod);
      void this.events.event(rs, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
    } catch (e) {
      // a terminating namespace refuses new pods: nothing to retry
      const causes = (e as { details?: { causes?: { reason?: string }[] } }).details?.causes ?? [];
      if (isStatus(e, 403) && causes.some((c) => c.reason === 'NamespaceTerminating')) return;
      void this.events.event(rs, 'Warning', 'FailedCreate', `Error creating: ${(e as Error).message}`);
      throw e;
    }
  }

  private async deletePodNow(rs: KObject, pod: KObject, key: string): Promise<void> {
    try {
      await this.ctx.client.delete(PODS, pod.metadata.namespace, pod.metadata.name);
      void this.events.event(rs, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
    } catch (e) {
      // the informer will never see this deletion
      this.expectations.deletionObserved(key, keyOf(pod));
      if (isStatus(e, 404)) return;
      void this.events.event(rs, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
      throw e;
    }
  }

  /** updateReplicaSetStatus: writes status when it changed (observedGeneration included), retrying once on a conflict. */
  private async updateStatus(rs: KObject, status: KObject): Promise<KObject | undefined> {
    if (replicaSetStatusEqual(rs, status)) return rs;
    let cur = rs;
    for (let i = 0; ; i++) {
      try {
        return await this.ctx.client.update(this.k.gvr, cur.metadata.namespace, { ...cur, status: { ...status, observedGeneration: cur.metadata.generation } }, { subresource: 'status' });
      } catch (e) {
        if (isStatus(e, 404)) return undefined;
        if (!isStatus(e, 409) || i >= 1) throw e;
        cur = await this.ctx.client.get(this.k.gvr, cur.metadata.namespace, cur.metadata.name);
      }
    }
  }
}
