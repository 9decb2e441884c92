// deployment controller: a ReplicaSet per pod template (named `<deployment>-<pod-template-hash>`), rolled
// out with RollingUpdate (maxSurge/maxUnavailable) or Recreate, revisions in annotations for
// `kubectl rollout history/undo`, old ReplicaSets kept up to revisionHistoryLimit, and the status and
// Available/Progressing conditions `kubectl rollout status` reads.
import type { KObject } from '../client/types.js';
import { DEPLOYMENTS, REPLICASETS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';
import { controllerRef } from './replicaset.js';

const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX = 'deployment.kubernetes.io/max-replicas';
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const rfc3339 = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

/** FNV-32a of the template and collision count, printed as upstream's rand.SafeEncodeString of its decimal digits. */
export function podTemplateHash(template: KObject, collisionCount?: number): string {
  let h = 0x811c9dc5;
  const text = JSON.stringify(template) + (collisionCount !== undefined ? String(collisionCount) : '');
  for (const b of Buffer.from(text, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return [...String(h)].map((ch) => ALPHANUMS[ch.charCodeAt(0) % ALPHANUMS.length]).join('');
}

/** An int or a percentage of total, rounded up (surge) or down (unavailable), as intstr.GetScaledValueFromIntOrPercent. */
function scaled(v: unknown, total: number, roundUp: boolean): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(String(v ?? ''));
  if (!m) return 0;
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

export function resolveFenceposts(d: KObject): { surge: number; unavailable: number } {
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const replicas = d.spec?.replicas ?? 1;
  const surge = scaled(ru.maxSurge ?? '25%', replicas, true);
  let unavailable = scaled(ru.maxUnavailable ?? '25%', replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

function withoutHash(template: KObject): KObject {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) delete t.metadata.labels[HASH_LABEL];
  return t;
}

const revisionOf = (rs: KObject) => Number(rs.metadata.annotations?.[REVISION] ?? 0);
const specReplicas = (rs: KObject) => rs.spec?.replicas ?? 0;

export class DeploymentController extends QueueController {
  private deployments!: Informer;
  private sets!: Informer;

  constructor() {
    super('deployment', 4, 10_000);
  }

  protected register(): void {
    const key = (o: KObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    this.deployments = this.ctx.informers.informer(DEPLOYMENTS).on({ add: (d) => this.queue.add(key(d)), update: (_, d) => this.queue.add(key(d)) });
    const owner = (rs: KObject) => {
      const ref = controllerRef(rs);
      if (ref?.kind === 'Deployment') this.queue.add(`${rs.metadata.namespace}/${ref.name}`);
    };
    this.sets = this.ctx.informers.informer(REPLICASETS).on({ add: owner, update: (_, rs) => owner(rs), delete: owner });
  }

  protected async sync(key: string): Promise<void> {
    const d = this.deployments.get(key);
    if (!d || d.metadata.deletionTimestamp) return;
    const ns = d.metadata.namespace;
    const all = this.sets.items().filter((rs) => rs.metadata.namespace === ns && controllerRef(rs)?.uid === d.metadata.uid);
    const template = withoutHash(d.spec.template);
    let newRS = all.find((rs) => JSON.stringify(withoutHash(rs.spec?.template)) === JSON.stringify(template));
    const old = all.filter((rs) => rs !== newRS);
    let created = false;
    if (!newRS && !d.spec.paused) {
      newRS = await this.createNewRS(d, old);
      if (!newRS) return;
      created = true;
    }
    if (d.spec.paused) return this.updateStatus(d, all, newRS, 'paused');
    const replicas = d.spec.replicas ?? 1;
    const maxRevision = Math.max(0, ...old.map(revisionOf));
    if (newRS && revisionOf(newRS) <= maxRevision && old.length) {
      // a rollback to an old template: it becomes the newest revision again
      newRS = await this.scaleRS(newRS, specReplicas(newRS), d, maxRevision + 1);
    }
    if (d.spec.strategy?.type === 'Recreate') {
      for (const rs of old) if (specReplicas(rs) > 0) await this.scaleRS(rs, 0, d);
      const oldRunning = old.some((rs) => (rs.status?.replicas ?? 0) > 0 || specReplicas(rs) > 0);
      if (!oldRunning && newRS && specReplicas(newRS) !== replicas) newRS = await this.scaleRS(newRS, replicas, d);
    } else if (newRS) {
      const { surge, unavailable } = resolveFenceposts(d);
      const total = all.reduce((n, rs) => n + (rs === newRS ? 0 : specReplicas(rs)), 0) + specReplicas(newRS);
      // reconcileNewReplicaSet
      if (specReplicas(newRS) > replicas) newRS = await this.scaleRS(newRS, replicas, d);
      else if (specReplicas(newRS) < replicas) {
        const up = Math.min(replicas + surge - total, replicas - specReplicas(newRS));
        if (up > 0) newRS = await this.scaleRS(newRS, specReplicas(newRS) + up, d);
      }
      // reconcileOldReplicaSets
      const oldCount = old.reduce((n, rs) => n + specReplicas(rs), 0);
      if (oldCount > 0) {
        const allCount = old.reduce((n, rs) => n + specReplicas(rs), 0) + specReplicas(newRS!);
        const minAvailable = replicas - unavailable;
        const newUnavailable = specReplicas(newRS!) - (newRS!.status?.availableReplicas ?? 0);
        const maxScaledDown = allCount - minAvailable - newUnavailable;
        const available = all.reduce((n, rs) => n + (rs.status?.availableReplicas ?? 0), 0);
        let budget = Math.min(maxScaledDown, available - minAvailable);
        // old ReplicaSets with unavailable pods go first, then the oldest
        for (const rs of [...old].sort((a, b) => revisionOf(a) - revisionOf(b))) {
          if (budget <= 0) break;
          const down = Math.min(specReplicas(rs), budget);
          if (down > 0) {
            await this.scaleRS(rs, specReplicas(rs) - down, d);
            budget -= down;
          }
        }
      }
    }
    await this.cleanup(d, old);
    await this.updateStatus(d, [...old, ...(newRS ? [newRS] : [])], newRS, created ? 'created' : 'found');
  }

  private async createNewRS(d: KObject, old: KObject[]): Promise<KObject | undefined> {
    const hash = podTemplateHash(withoutHash(d.spec.template), d.status?.collisionCount);
    const template = structuredClone(d.spec.template);
    template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash } };
    const selector = structuredClone(d.spec.selector);
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
    const replicas = d.spec.replicas ?? 1;
    const { surge } = resolveFenceposts(d);
    const oldTotal = old.reduce((n, rs) => n + specReplicas(rs), 0);
    const initial = d.spec.strategy?.type === 'Recreate' ? (oldTotal > 0 ? 0 : replicas) : Math.max(0, Math.min(replicas, replicas + surge - oldTotal));
    const revision = Math.max(0, ...old.map(revisionOf)) + 1;
    const annotations: Record<string, string> = {};
    for (const [k, v] of Object.entries((d.metadata.annotations ?? {}) as Record<string, string>)) if (k !== REVISION && k !== 'kubectl.kubernetes.io/last-applied-configuration') annotations[k] = v;
    Object.assign(annotations, { [DESIRED]: String(replicas), [MAX]: String(replicas + surge), [REVISION]: String(revision) });
    const rs = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        labels: { ...(d.spec.template?.metadata?.labels ?? {}), [HASH_LABEL]: hash },
        annotations,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas: initial, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
    };
    try {
      const made = await this.ctx.client.create(REPLICASETS, d.metadata.namespace, rs);
      await this.setDeploymentRevision(d, revision);
      return made;
    } catch (e) {
      if (isStatus(e, 409)) {
        // a ReplicaSet of that name with another template: count the collision so the next hash differs
        await this.ctx.client.update(DEPLOYMENTS, d.metadata.namespace, { ...d, status: { ...(d.status ?? {}), collisionCount: (d.status?.collisionCount ?? 0) + 1 } }, { subresource: 'status' }).catch(() => undefined);
        return undefined;
      }
      if (isStatus(e, 403, 404)) return undefined;
      throw e;
    }
  }

  private async setDeploymentRevision(d: KObject, revision: number): Promise<void> {
    if (d.metadata.annotations?.[REVISION] === String(revision)) return;
    await this.ctx.client.patch(DEPLOYMENTS, d.metadata.namespace, d.metadata.name, 'merge', { metadata: { annotations: { [REVISION]: String(revision) } } }).catch((e) => {
      if (!isStatus(e, 404, 409)) throw e;
    });
  }

  private async scaleRS(rs: KObject, replicas: number, d: KObject, revision?: number): Promise<KObject> {
    const { surge } = resolveFenceposts(d);
    const annotations = { ...(rs.metadata.annotations ?? {}), [DESIRED]: String(d.spec.replicas ?? 1), [MAX]: String((d.spec.replicas ?? 1) + surge) };
    if (revision !== undefined) annotations[REVISION] = String(revision);
    if (specReplicas(rs) === replicas && JSON.stringify(annotations) === JSON.stringify(rs.metadata.annotations ?? {})) return rs;
    const next = { ...rs, metadata: { ...rs.metadata, annotations }, spec: { ...rs.spec, replicas } };
    const out = await this.ctx.client.update(REPLICASETS, rs.metadata.namespace, next);
    if (revision !== undefined) await this.setDeploymentRevision(d, revision);
    return out;
  }

  /** Old ReplicaSets scaled to zero beyond revisionHistoryLimit go, oldest first. */
  private async cleanup(d: KObject, old: KObject[]): Promise<void> {
    const limit = d.spec.revisionHistoryLimit ?? 10;
    const idle = old.filter((rs) => specReplicas(rs) === 0 && (rs.status?.replicas ?? 0) === 0 && !rs.metadata.deletionTimestamp).sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) {
      await this.ctx.client.delete(REPLICASETS, rs.metadata.namespace, rs.metadata.name, { preconditions: { uid: rs.metadata.uid } }).catch((e) => {
        if (!isStatus(e, 404, 409)) throw e;
      });
    }
  }

  private async updateStatus(d: KObject, sets: KObject[], newRS: KObject | undefined, how: 'created' | 'found' | 'paused'): Promise<void> {
    const replicas = d.spec.replicas ?? 1;
    const sum = (f: (rs: KObject) => number) => sets.reduce((n, rs) => n + f(rs), 0);
    const available = sum((rs) => rs.status?.availableReplicas ?? 0);
    const status: KObject = {
      observedGeneration: d.metadata.generation,
      replicas: sum((rs) => rs.status?.replicas ?? 0),
      updatedReplicas: newRS?.status?.replicas ?? 0,
      readyReplicas: sum((rs) => rs.status?.readyReplicas ?? 0),
      availableReplicas: available,
      unavailableReplicas: Math.max(0, replicas - available),
    };
    if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
    const now = rfc3339();
    const prev: KObject[] = d.status?.conditions ?? [];
    const cond = (type: string, st: string, reason: string, message: string) => {
      const p = prev.find((c) => c.type === type);
      if (p && p.status === st && p.reason === reason && p.message === message) return p;
      return { type, status: st, lastUpdateTime: now, lastTransitionTime: p && p.status === st ? p.lastTransitionTime : now, reason, message };
    };
    const { unavailable } = resolveFenceposts(d);
    const availableCond = available >= replicas - unavailable ? cond('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.') : cond('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.');
    let progressing: KObject;
    const name = newRS?.metadata.name;
    const complete = newRS && status.updatedReplicas === replicas && status.replicas === replicas && available >= replicas && (newRS.status?.availableReplicas ?? 0) >= replicas;
    if (how === 'paused') progressing = cond('Progressing', 'Unknown', 'DeploymentPaused', 'Deployment is paused');
    else if (complete) progressing = cond('Progressing', 'True', 'NewReplicaSetAvailable', `ReplicaSet "${name}" has successfully progressed.`);
    else if (how === 'created') progressing = cond('Progressing', 'True', 'NewReplicaSetCreated', `Created new replica set "${name}"`);
    else {
      const p = prev.find((c) => c.type === 'Progressing');
      progressing = p && (p.reason === 'NewReplicaSetCreated' || p.reason === 'FoundNewReplicaSet') && p.message.includes(`"${name}"`) && JSON.stringify(d.status?.availableReplicas) === JSON.stringify(available) ? p : cond('Progressing', 'True', 'ReplicaSetUpdated', `ReplicaSet "${name}" is progressing.`);
    }
    status.conditions = [availableCond, progressing];
    const old = d.status ?? {};
    if (JSON.stringify({ ...old, conditions: undefined }) === JSON.stringify({ ...status, conditions: undefined }) && JSON.stringify(old.conditions) === JSON.stringify(status.conditions)) return;
    for (const k of ['readyReplicas', 'availableReplicas', 'unavailableReplicas', 'updatedReplicas', 'replicas']) if (!status[k]) delete status[k];
    try {
      await this.ctx.client.update(DEPLOYMENTS, d.metadata.namespace, { ...d, status }, { subresource: 'status' });
    } catch (e) {
      if (!isStatus(e, 404, 409)) throw e;
    }
  }
}
