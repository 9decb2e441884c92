// deployment controller (kube-controller-manager's pkg/controller/deployment): each Deployment owns ReplicaSets
// named <deployment>-<pod-template-hash>; a template change rolls out a new one (RollingUpdate within
// maxSurge/maxUnavailable, or Recreate), scaling resizes them proportionally, old ones beyond
// revisionHistoryLimit go, and status carries counts and the Progressing/Available conditions.
import { labelSelectorFromObject } from '../apimachinery/selectors.js';
import type { KObject } from '../client/types.js';
import { PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { EventRecorder } from './event-recorder.js';
import { DEPLOYMENTS, REPLICASETS } from './gvr.js';
import { controllerOf } from './replicaset-pods.js';
import { computeHash } from './pod-template-hash.js';
import * as u from './deployment-util.js';
import { rolloutRecreate, rolloutRolling, syncRolloutStatus } from './deployment-rollout.js';

const keyOf = (o: KObject) => `${o.metadata.namespace}/${o.metadata.name}`;

export class DeploymentController extends QueueController {
  deployments!: Informer;
  sets!: Informer;
  pods!: Informer;
  events!: EventRecorder;

  constructor() {
    super('deployment', 5);
  }

  protected register(): void {
    this.events = new EventRecorder(this.ctx.client, 'deployment-controller', { kind: 'Deployment', apiVersion: 'apps/v1' });
    const enqueue = (d: KObject) => this.queue.add(keyOf(d));
    this.deployments = this.ctx.informers.informer(DEPLOYMENTS).on({ add: enqueue, update: (_, d) => enqueue(d), delete: enqueue });
    this.sets = this.ctx.informers.informer(REPLICASETS).on({ add: (rs) => this.addSet(rs), update: (o, rs) => this.updateSet(o, rs), delete: (rs) => this.ownerOf(rs) && enqueue(this.ownerOf(rs)!) });
    this.pods = this.ctx.informers.informer(PODS).on({ delete: (p) => this.deletePod(p) });
  }

  /** The deployment that controls rs, if it is one with the same UID. */
  private ownerOf(rs: KObject): KObject | undefined {
    const ref = controllerOf(rs);
    if (!ref || ref.kind !== 'Deployment' || ref.apiVersion?.split('/')[0] !== 'apps') return undefined;
    const d = this.deployments.get(`${rs.metadata.namespace}/${ref.name}`);
    return d && d.metadata.uid === ref.uid ? d : undefined;
  }

  private matchingDeployments(rs: KObject): KObject[] {
    return this.deployments.items().filter((d) => {
      if (d.metadata.namespace !== rs.metadata.namespace) return false;
      const sel = labelSelectorFromObject(d.spec?.selector);
      return !sel.empty && sel.matches(rs.metadata.labels ?? {});
    });
  }

  private addSet(rs: KObject): void {
    const owner = this.ownerOf(rs);
    if (owner) return this.queue.add(keyOf(owner));
    if (controllerOf(rs) || rs.metadata.deletionTimestamp) return;
    for (const d of this.matchingDeployments(rs)) this.queue.add(keyOf(d));
  }

  private updateSet(old: KObject, cur: KObject): void {
    if (old.metadata.resourceVersion === cur.metadata.resourceVersion) return;
    const oldRef = controllerOf(old);
    const refChanged = JSON.stringify(oldRef) !== JSON.stringify(controllerOf(cur));
    if (refChanged && oldRef) {
      const d = this.ownerOf(old);
      if (d) this.queue.add(keyOf(d));
    }
    if (controllerOf(cur)) {
      const d = this.ownerOf(cur);
      if (d) this.queue.add(keyOf(d));
      return;
    }
    const labelsChanged = JSON.stringify(old.metadata.labels ?? {}) !== JSON.stringify(cur.metadata.labels ?? {});
    if (labelsChanged || refChanged) for (const d of this.matchingDeployments(cur)) this.queue.add(keyOf(d));
  }

  /** A Recreate rollout waits for the old pods to be gone: look again when the last one goes. */
  private deletePod(pod: KObject): void {
    const rs = this.sets.get(`${pod.metadata.namespace}/${controllerOf(pod)?.name}`);
    if (!rs || rs.metadata.uid !== controllerOf(pod)?.uid) return;
    const d = this.ownerOf(rs);
    if (!d || d.spec?.strategy?.type !== 'Recreate') return;
    const podMap = this.podMap(d, this.ownedSets(d));
    if ([...podMap.values()].every((l) => l.length === 0)) this.queue.add(keyOf(d));
  }

  private ownedSets(d: KObject): KObject[] {
    return this.sets.items().filter((rs) => rs.metadata.namespace === d.metadata.namespace && controllerOf(rs)?.uid === d.metadata.uid);
  }

  /** getPodMapForDeployment: the pods matching the selector, by the UID of the set that owns them. */
  podMap(d: KObject, sets: KObject[]): Map<string, KObject[]> {
    const m = new Map<string, KObject[]>(sets.map((rs) => [rs.metadata.uid, []]));
    const sel = labelSelectorFromObject(d.spec?.selector);
    for (const p of this.pods.items()) {
      if (p.metadata.namespace !== d.metadata.namespace || !sel.matches(p.metadata.labels ?? {})) continue;
      m.get(controllerOf(p)?.uid)?.push(p);
    }
    return m;
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.deployments.get(key);
    if (!cached) return;
    const d = structuredClone(cached);
    const sel = d.spec?.selector;
    if (!sel || (!Object.keys(sel.matchLabels ?? {}).length && !(sel.matchExpressions ?? []).length)) {
      void this.events.event(d, 'Warning', 'SelectingAll', 'This deployment is selecting all pods. A non-empty selector is required.');
      if ((d.status?.observedGeneration ?? 0) < d.metadata.generation) await this.updateStatus(d, { ...d.status, observedGeneration: d.metadata.generation });
      return;
    }
    try {
      const sets = await this.claimSets(d);
      const podMap = this.podMap(d, sets);
      if (d.metadata.deletionTimestamp) return await this.syncStatusOnly(d, sets);
      await this.checkPausedConditions(d);
      if (d.spec.paused) return await this.syncScale(d, sets);
      if (await this.isScalingEvent(d, sets)) return await this.syncScale(d, sets);
      if (d.spec.strategy?.type === 'Recreate') return await rolloutRecreate(this, d, sets, podMap);
      return await rolloutRolling(this, d, sets);
    } catch (e) {
      // a stale cache lost a race: look again with fresh objects
      if (isStatus(e, 409)) throw new Requeue(`deployment ${key}: conflict`);
      throw e;
    }
  }

  /** ClaimReplicaSets: owned sets that still match, plus adopted orphans; owned ones that stopped matching are released. */
  private async claimSets(d: KObject): Promise<KObject[]> {
    const sel = labelSelectorFromObject(d.spec.selector);
    const uid = d.metadata.uid;
    const claimed: KObject[] = [];
    let adoptable: boolean | undefined;
    for (const rs of this.sets.items()) {
      if (rs.metadata.namespace !== d.metadata.namespace) continue;
      const ref = controllerOf(rs);
      const matches = sel.matches(rs.metadata.labels ?? {});
      if (ref) {
        if (ref.uid !== uid) continue;
        if (matches) claimed.push(rs);
        else if (!d.metadata.deletionTimestamp) await this.patchSet(rs, { metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: rs.metadata.uid } });
        continue;
      }
      if (d.metadata.deletionTimestamp || !matches || rs.metadata.deletionTimestamp) continue;
      adoptable ??= await this.ctx.client.get(DEPLOYMENTS, d.metadata.namespace, d.metadata.name).then(
        (fresh) => fresh.metadata.uid === uid && !fresh.metadata.deletionTimestamp,
        () => false,
      );
      if (!adoptable) continue;
      const ownerRef = { apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid, controller: true, blockOwnerDeletion: true };
      const adopted = await this.patchSet(rs, { metadata: { ownerReferences: [ownerRef], uid: rs.metadata.uid } });
      if (adopted) claimed.push(adopted);
    }
    return claimed;
  }

  private async patchSet(rs: KObject, patch: KObject): Promise<KObject | undefined> {
    try {
      return await this.ctx.client.patch(REPLICASETS, rs.metadata.namespace, rs.metadata.name, 'strategic', patch);
    } catch (e) {
      if (isStatus(e, 404, 409, 422)) return undefined;
      throw e;
    }
  }

  /** Writes the deployment's status, keeping d's resourceVersion current for the writes that follow. */
  async updateStatus(d: KObject, status: KObject): Promise<void> {
    const out = await this.ctx.client.update(DEPLOYMENTS, d.metadata.namespace, { ...d, status }, { subresource: 'status' });
    d.status = status;
    d.metadata.resourceVersion = out.metadata.resourceVersion;
  }

  /** checkPausedConditions: Progressing Unknown with DeploymentPaused / DeploymentResumed. */
  private async checkPausedConditions(d: KObject): Promise<void> {
    if (!u.hasProgressDeadline(d)) return;
    const cond = u.getCondition(d.status, 'Progressing');
    if (cond?.reason === 'ProgressDeadlineExceeded') return;
    const pausedCond = cond?.reason === 'DeploymentPaused';
    const status = structuredClone(d.status ?? {});
    if (d.spec.paused && !pausedCond) u.setCondition(status, u.newCondition('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused'));
    else if (!d.spec.paused && pausedCond) u.setCondition(status, u.newCondition('Progressing', 'Unknown', 'DeploymentResumed', 'Deployment is resumed'));
    else return;
    await this.updateStatus(d, status);
  }

  /** getAllReplicaSetsAndSyncRevision: the new set (created when asked) with its revision synced, and the old ones. */
  async newAndOldSets(d: KObject, sets: KObject[], create: boolean): Promise<{ newRS?: KObject; olds: KObject[] }> {
    const olds = u.findOldReplicaSets(d, sets);
    const newRS = await this.getNewReplicaSet(d, sets, olds, create);
    return { newRS, olds };
  }

  private async getNewReplicaSet(d: KObject, sets: KObject[], olds: KObject[], create: boolean): Promise<KObject | undefined> {
    const existing = u.findNewReplicaSet(d, sets);
    const newRevision = String(u.maxRevision(olds) + 1);
    if (existing) {
      const rs = structuredClone(existing);
      const annotationsUpdated = u.setNewReplicaSetAnnotations(d, rs, newRevision, true);
      const minReady = d.spec.minReadySeconds ?? 0;
      if (annotationsUpdated || (rs.spec.minReadySeconds ?? 0) !== minReady) {
        rs.spec.minReadySeconds = minReady;
        return await this.ctx.client.update(REPLICASETS, rs.metadata.namespace, rs);
      }
      let needsUpdate = u.setDeploymentRevision(d, rs.metadata.annotations?.[u.REVISION] ?? '');
      const status = structuredClone(d.status ?? {});
      if (u.hasProgressDeadline(d) && !u.getCondition(d.status, 'Progressing')) {
        u.setCondition(status, u.newCondition('Progressing', 'True', 'FoundNewReplicaSet', `Found new replica set "${rs.metadata.name}"`));
        needsUpdate = true;
      }
      // the revision annotation travels with the status update, as upstream's status strategy keeps annotations
      if (needsUpdate) await this.updateStatus(d, status);
      return rs;
    }
    if (!create) return undefined;
    const template = structuredClone(d.spec.template ?? {});
    const hash = computeHash(template, d.status?.collisionCount);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(d.spec.template?.metadata?.labels ?? {}), [u.HASH_LABEL]: hash } };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [u.HASH_LABEL]: hash };
    const rs: KObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: template.metadata.labels,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    const count = u.newRSNewReplicas(d, [...olds, rs], rs);
    rs.spec.replicas = count;
    u.setNewReplicaSetAnnotations(d, rs, newRevision, false);
    let created: KObject;
    let alreadyExists = false;
    try {
      created = await this.ctx.client.create(REPLICASETS, d.metadata.namespace, rs);
    } catch (e) {
      const causes = (e as { details?: { causes?: { reason?: string }[] } }).details?.causes ?? [];
      if (isStatus(e, 409) && (e as { reason?: string }).reason === 'AlreadyExists') {
        const found = this.sets.get(`${d.metadata.namespace}/${rs.metadata.name}`);
        if (!found) throw e;
        if (controllerOf(found)?.uid === d.metadata.uid && u.equalIgnoreHash(d.spec.template, found.spec?.template)) {
          created = found;
          alreadyExists = true;
        } else {
          // a hash collision: bump collisionCount so that the next sync picks another name
          await this.updateStatus(d, { ...d.status, collisionCount: (d.status?.collisionCount ?? 0) + 1 });
          throw new Requeue(`deployment ${keyOf(d)}: hash collision`);
        }
      } else if (isStatus(e, 403) && causes.some((c) => c.reason === 'NamespaceTerminating')) {
        throw e;
      } else {
        const msg = `Failed to create new replica set "${rs.metadata.name}": ${(e as Error).message}`;
        if (u.hasProgressDeadline(d)) {
          const status = structuredClone(d.status ?? {});
          u.setCondition(status, u.newCondition('Progressing', 'False', 'ReplicaSetCreateError', msg));
          await this.updateStatus(d, status).catch(() => undefined);
        }
        void this.events.event(d, 'Warning', 'ReplicaSetCreateError', msg);
        throw e;
      }
    }
    if (!alreadyExists && count > 0) void this.events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled up replica set ${created.metadata.name} from 0 to ${count}`);
    let needsUpdate = u.setDeploymentRevision(d, newRevision);
    const status = structuredClone(d.status ?? {});
    if (!alreadyExists && u.hasProgressDeadline(d)) {
      u.setCondition(status, u.newCondition('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${created.metadata.name}"`));
      needsUpdate = true;
    }
    if (needsUpdate) await this.updateStatus(d, status);
    return created;
  }

  /** syncStatusOnly: a deployment being deleted only gets its status written. */
  private async syncStatusOnly(d: KObject, sets: KObject[]): Promise<void> {
    const { newRS, olds } = await this.newAndOldSets(d, sets, false);
    await this.syncDeploymentStatus([...olds, newRS], newRS, d);
  }

  /** sync: scaling events and paused deployments: resize without rolling anything out. */
  private async syncScale(d: KObject, sets: KObject[]): Promise<void> {
    const { newRS, olds } = await this.newAndOldSets(d, sets, false);
    await this.scale(d, newRS, olds);
    if (d.spec.paused) await this.cleanupDeployment(olds, d);
    await this.syncDeploymentStatus([...olds, newRS], newRS, d);
  }

  async syncDeploymentStatus(all: (KObject | undefined)[], newRS: KObject | undefined, d: KObject): Promise<void> {
    const status = u.calculateStatus(all, newRS, d);
    if (u.sameStatus(status, d.status)) return;
    await this.updateStatus(d, status);
  }

  /** isScalingEvent: an active set was sized for another replica count than the deployment's. */
  private async isScalingEvent(d: KObject, sets: KObject[]): Promise<boolean> {
    const { newRS, olds } = await this.newAndOldSets(d, sets, false);
    return u.activeSets([...olds, newRS]).some((rs) => {
      const desired = u.desiredReplicasAnnotation(rs);
      return desired !== undefined && desired !== u.replicas(d);
    });
  }

  /** scale: the one active set takes every replica, or all active sets share the change in proportion. */
  async scale(d: KObject, newRS: KObject | undefined, olds: KObject[]): Promise<void> {
    const want = u.replicas(d);
    const single = u.findActiveOrLatest(newRS, olds);
    if (single) {
      if (u.replicas(single) !== want) await this.scaleAndRecord(single, want, d);
      return;
    }
    if (u.isSaturated(d, newRS)) {
      for (const old of u.activeSets(olds)) await this.scaleAndRecord(old, 0, d);
      return;
    }
    if (d.spec.strategy?.type !== 'RollingUpdate') return;
    const active = u.activeSets([...olds, newRS]);
    const allowed = want > 0 ? want + u.maxSurge(d) : 0;
    const toAdd = allowed - u.specReplicaCount(active);
    let op = '';
    if (toAdd > 0) {
      active.sort(u.bySizeNewer);
      op = 'up';
    } else if (toAdd < 0) {
      active.sort(u.bySizeOlder);
      op = 'down';
    }
    let added = 0;
    const sizes = new Map<string, number>();
    for (const rs of active) {
      const p = toAdd !== 0 ? u.getProportion(rs, d, toAdd, added) : 0;
      sizes.set(rs.metadata.name, u.replicas(rs) + p);
      added += p;
    }
    for (const [i, rs] of active.entries()) {
      if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name, Math.max(0, sizes.get(rs.metadata.name)! + toAdd - added));
      await this.scaleSet(rs, sizes.get(rs.metadata.name)!, d, op);
    }
  }

  /** scaleReplicaSetAndRecordEvent: true when the size changed. */
  async scaleAndRecord(rs: KObject, size: number, d: KObject): Promise<{ scaled: boolean; rs: KObject }> {
    if (u.replicas(rs) === size) return { scaled: false, rs };
    return this.scaleSet(rs, size, d, u.replicas(rs) > size ? 'down' : 'up');
  }

  /** scaleReplicaSet: new size and the desired/max replica annotations in one update, with a ScalingReplicaSet event. */
  async scaleSet(rs: KObject, size: number, d: KObject, op: string): Promise<{ scaled: boolean; rs: KObject }> {
    const sizeChanged = u.replicas(rs) !== size;
    const want = u.replicas(d);
    const max = want + u.maxSurge(d);
    if (!sizeChanged && !u.replicasAnnotationsNeedUpdate(rs, want, max)) return { scaled: false, rs };
    const copy = structuredClone(rs);
    copy.spec.replicas = size;
    u.setReplicasAnnotations(copy, want, max);
    const out = await this.ctx.client.update(REPLICASETS, rs.metadata.namespace, copy);
    if (sizeChanged) void this.events.event(d, 'Normal', 'ScalingReplicaSet', `Scaled ${op} replica set ${rs.metadata.name} from ${u.replicas(rs)} to ${size}`);
    return { scaled: sizeChanged, rs: out };
  }

  /** cleanupDeployment: delete the oldest empty old sets beyond revisionHistoryLimit. */
  async cleanupDeployment(olds: KObject[], d: KObject): Promise<void> {
    if (!u.hasRevisionHistoryLimit(d)) return;
    const alive = olds.filter((rs) => !rs.metadata.deletionTimestamp);
    const diff = alive.length - d.spec.revisionHistoryLimit;
    if (diff <= 0) return;
    const byRevision = alive.sort((a, b) => u.revisionOf(a) - u.revisionOf(b) || u.byCreation(a, b));
    for (const rs of byRevision.slice(0, diff)) {
      if ((rs.status?.replicas ?? 0) !== 0 || u.replicas(rs) !== 0 || (rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
      try {
        await this.ctx.client.delete(REPLICASETS, rs.metadata.namespace, rs.metadata.name);
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
    }
  }

  /** Deployment progress checks after a delay (requeueStuckDeployment). */
  requeueAfter(d: KObject, ms: number): void {
    if (ms < 1000) this.queue.addRateLimited(keyOf(d));
    else this.queue.addAfter(keyOf(d), ms + 1000);
  }

  syncRolloutStatus(all: (KObject | undefined)[], newRS: KObject | undefined, d: KObject): Promise<void> {
    return syncRolloutStatus(this, all, newRS, d);
  }
}
