// statefulset controller (kube-controller-manager v1.33): pods `<set>-<ordinal>` with stable identity and
// claims, created in order and each Running and Ready before the next (OrderedReady) or all at once
// (Parallel), removed from the highest ordinal down, rolled from the highest ordinal down to the partition
// (RollingUpdate) or left for the user to delete (OnDelete), with ControllerRevisions recording templates.
import type { KObject } from '../client/types.js';
import { byRevision, templateOf } from './controller-history.js';
import { claimObjects, matchingParents } from './controller-ref-claim.js';
import { CONTROLLERREVISIONS, PODS, PVCS, STATEFULSETS } from './gvr.js';
import { EventRecorder } from './event-recorder.js';
import { controllerOf as controllerRef } from './replicaset-pods.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';
import { getOrdinal, identityMatches, inOrdinalRange, newStatefulSetPod, parentName, startOrdinal } from './statefulset-pods.js';
import { StatefulPodControl } from './statefulset-pod-control.js';
import { statefulSetRevisions } from './statefulset-revisions.js';
import { available, finished, healthy, revisionOf, runningAndReady, statefulSetStatus, terminating } from './statefulset-status.js';

/** Thrown inside one pass to stop it (monotonic mode waits for the pod it met). */
class Stop extends Error {}

export class StatefulSetController extends QueueController {
  private sets!: Informer;
  private pods!: Informer;
  private revisions!: Informer;
  private control!: StatefulPodControl;

  constructor() {
    super('statefulset', 2, 10_000);
  }

  protected register(): void {
    const enqueue = (o: KObject) => this.queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    const enqueueOwner = (o: KObject) => {
      const ref = controllerRef(o);
      if (ref?.kind === 'StatefulSet') this.queue.add(`${o.metadata.namespace}/${ref.name}`);
      // an orphan may be adopted by a set whose selector matches it
      else if (!ref) for (const s of matchingParents(this.sets, o)) enqueue(s);
    };
    this.sets = this.ctx.informers.informer(STATEFULSETS).on({ add: enqueue, update: (_, s) => enqueue(s) });
    this.pods = this.ctx.informers.informer(PODS).on({ add: enqueueOwner, update: (_, p) => enqueueOwner(p), delete: enqueueOwner });
    this.revisions = this.ctx.informers.informer(CONTROLLERREVISIONS).on({ delete: enqueueOwner });
    this.control = new StatefulPodControl(this.ctx.client, this.ctx.informers.informer(PVCS), new EventRecorder(this.ctx.client, 'statefulset-controller', { kind: 'StatefulSet', apiVersion: 'apps/v1' }));
  }

  protected async sync(key: string): Promise<void> {
    const set = this.sets.get(key);
    if (!set) return;
    const ns = set.metadata.namespace;
    const owned = (inf: Informer) => inf.items().filter((o) => o.metadata.namespace === ns && controllerRef(o)?.uid === set.metadata.uid);
    const inNamespace = (inf: Informer) => inf.items().filter((o) => o.metadata.namespace === ns);
    const claim = { client: this.ctx.client, parentGVR: STATEFULSETS, kind: 'StatefulSet' };
    const pods = await claimObjects(set, inNamespace(this.pods), { ...claim, gvr: PODS, filter: (p) => parentName(p) === set.metadata.name });
    const revisions = (await claimObjects(set, inNamespace(this.revisions), { ...claim, gvr: CONTROLLERREVISIONS })).sort(byRevision);
    const { current, update, collisionCount, all } = await statefulSetRevisions(this.ctx.client, set, revisions);
    const status = set.metadata.deletionTimestamp ? this.statusOf(set, pods, current.metadata.name, update.metadata.name) : await this.reconcile(set, pods, current, update);
    status.collisionCount = collisionCount;
    if (set.spec?.updateStrategy?.type !== 'OnDelete' && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
      status.currentReplicas = status.updatedReplicas;
      status.currentRevision = status.updateRevision;
    }
    await this.writeStatus(set, status);
    await this.truncateHistory(set, owned(this.pods), all, status.currentRevision, status.updateRevision);
  }

  /** One pass over the replicas, the condemned pods, and the rolling update; returns the status it saw. */
  private async reconcile(set: KObject, pods: KObject[], current: KObject, update: KObject): Promise<KObject> {
    const minReady = set.spec?.minReadySeconds ?? 0;
    const monotonic = set.spec?.podManagementPolicy !== 'Parallel';
    const count = set.spec?.replicas ?? 1;
    const start = startOrdinal(set);
    const replicas: (KObject | undefined)[] = new Array(count).fill(undefined);
    const condemned: KObject[] = [];
    for (const p of pods) {
      const ord = getOrdinal(p);
      if (inOrdinalRange(set, ord)) replicas[ord - start] = p;
      else if (ord >= 0) condemned.push(p);
    }
    condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a));
    const status = this.statusOf(set, pods, current.metadata.name, update.metadata.name);
    const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    const rolling = set.spec?.updateStrategy?.type !== 'OnDelete';
    // below the partition (RollingUpdate) new pods keep the current revision; OnDelete creates the update revision
    const wanted = (i: number) => (rolling && i < partition ? current : update);
    const firstUnhealthy = [...replicas, ...condemned].find((p) => p && (!runningAndReady(p) || terminating(p)));
    const created = new Set<string>();

    const processReplica = async (i: number): Promise<void> => {
      const pod = replicas[i];
      if (!pod) {
        const rev = wanted(i);
        const fresh = newStatefulSetPod(set, templateOf(rev, set.spec.template), start + i, rev.metadata.name);
        await this.control.createClaims(set, start + i, fresh.metadata.name);
        await this.control.createPod(set, fresh);
        created.add(fresh.metadata.name);
        status.replicas++;
        if (rev === current) status.currentReplicas++;
        if (rev === update) status.updatedReplicas++;
        if (monotonic) throw new Stop();
        return;
      }
      if (finished(pod)) {
        if (!terminating(pod)) await this.control.deletePod(set, pod);
        throw new Stop();
      }
      if (pod.status?.phase === 'Pending' || !pod.status?.phase) await this.control.createClaims(set, start + i, pod.metadata.name);
      if (monotonic && (terminating(pod) || !available(pod, minReady))) throw new Stop();
      if (!identityMatches(set, pod)) await this.control.fixIdentity(pod);
      await this.control.fixClaimRefs(set, start + i, pod);
    };

    const processCondemned = async (pod: KObject): Promise<void> => {
      if (terminating(pod)) {
        if (monotonic) throw new Stop();
        return;
      }
      if (monotonic && pod !== firstUnhealthy && !available(pod, minReady)) throw new Stop();
      await this.control.fixClaimRefs(set, getOrdinal(pod), pod);
      await this.control.deletePod(set, pod);
      if (monotonic) throw new Stop();
    };

    try {
      await this.runForAll(replicas.map((_, i) => () => processReplica(i)), monotonic);
      await this.runForAll(condemned.map((p) => () => processCondemned(p)), monotonic);
      if (!rolling) return status;
      // the highest ordinal not at the update revision goes first, once all above it are healthy
      for (let target = replicas.length - 1; target >= partition; target--) {
        const pod = replicas[target];
        if (!pod || created.has(pod.metadata.name)) return status;
        if (revisionOf(pod) !== update.metadata.name && !terminating(pod)) {
          await this.control.deletePod(set, pod);
          status.currentReplicas--;
          return status;
        }
        if (!healthy(pod, minReady)) return status;
      }
    } catch (e) {
      if (!(e instanceof Stop)) throw e;
    }
    return status;
  }

  /** Monotonic: one after another, stopping at the first Stop; Parallel: all at once, Stops ignored. */
  private async runForAll(tasks: (() => Promise<void>)[], monotonic: boolean): Promise<void> {
    if (monotonic) {
      for (const t of tasks) await t();
      return;
    }
    const results = await Promise.allSettled(tasks.map((t) => t()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected' && !(r.reason instanceof Stop));
    if (failed) throw failed.reason;
  }

  private statusOf(set: KObject, pods: KObject[], currentRevision: string, updateRevision: string): KObject {
    const { status, waiting } = statefulSetStatus(set, pods, currentRevision, updateRevision, Date.now());
    // pods ready but not yet for minReadySeconds become available later: look again then
    if (waiting) this.queue.addAfter(`${set.metadata.namespace}/${set.metadata.name}`, (set.spec?.minReadySeconds ?? 0) * 1000);
    return status;
  }

  private async writeStatus(set: KObject, status: KObject): Promise<void> {
    const next: KObject = { ...(set.status ?? {}), ...status };
    for (const k of ['readyReplicas', 'currentReplicas', 'updatedReplicas', 'observedGeneration']) if (!next[k]) delete next[k];
    if (JSON.stringify(Object.entries(next).sort()) === JSON.stringify(Object.entries(set.status ?? {}).sort())) return;
    await this.ctx.client.update(STATEFULSETS, set.metadata.namespace, { ...set, status: next }, { subresource: 'status' }).catch((e) => {
      if (!isStatus(e, 404, 409)) throw e;
    });
  }

  /** Keeps revisionHistoryLimit revisions besides the live ones (current, update, and any a pod runs). */
  private async truncateHistory(set: KObject, pods: KObject[], revisions: KObject[], current: string, update: string): Promise<void> {
    const live = new Set([current, update, ...pods.map(revisionOf)]);
    const history = revisions.filter((r) => !live.has(r.metadata.name));
    const limit = set.spec?.revisionHistoryLimit ?? 10;
    for (const r of history.slice(0, Math.max(0, history.length - limit))) {
      await this.ctx.client.delete(CONTROLLERREVISIONS, r.metadata.namespace, r.metadata.name).catch((e) => {
        if (!isStatus(e, 404, 409)) throw e;
      });
    }
  }
}

