// disruption controller: each PodDisruptionBudget's status — expected pods (the owning controllers' scale for
// percentages and maxUnavailable), desired and current healthy, disruptions allowed, disrupted pods still
// awaited and the DisruptionAllowed condition — as kube-controller-manager's disruption controller keeps it.
import type { GVR, KObject } from '../client/types.js';
import { labelSelectorFromObject } from '../apimachinery/selectors.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { rfc3339 } from '../apimachinery/time.js';

export const PDBS: GVR = { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', namespaced: true };
const STATEFULSETS: GVR = { group: 'apps', version: 'v1', resource: 'statefulsets', namespaced: true };
const RCS: GVR = { group: '', version: 'v1', resource: 'replicationcontrollers', namespaced: true };
/** How long an evicted pod counts as on its way out (upstream's DeletionTimeout). */
export const DELETION_TIMEOUT_MS = 2 * 60_000;

const controllerOf = (o: KObject): KObject | undefined => (o.metadata.ownerReferences ?? []).find((r: KObject) => r.controller);
const ready = (p: KObject) => (p.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True');

/** GetScaledValueFromIntOrPercent rounding up. */
export function scaled(v: number | string, total: number): number {
  if (typeof v === 'number') return v;
  const m = /^(\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or percentage (e.g "5%")`);
  return Math.ceil((Number(m[1]) * total) / 100);
}

export interface Budget {
  expectedPods: number;
  desiredHealthy: number;
  currentHealthy: number;
  disruptionsAllowed: number;
  disruptedPods: Record<string, string>;
  recheckMs?: number;
}

/** The status numbers for a PDB over its pods, given the summed scale of their controllers. */
export function computeBudget(pdb: KObject, pods: KObject[], scale: () => Promise<number>, now = Date.now()): Promise<Budget> {
  return (async () => {
    const spec = pdb.spec ?? {};
    let expectedPods = 0;
    let desiredHealthy = 0;
    if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
      expectedPods = await scale();
      desiredHealthy = Math.max(0, expectedPods - scaled(spec.maxUnavailable, expectedPods));
    } else if (typeof spec.minAvailable === 'number') {
      desiredHealthy = spec.minAvailable;
      expectedPods = pods.length;
    } else if (spec.minAvailable !== undefined && spec.minAvailable !== null) {
      expectedPods = await scale();
      desiredHealthy = scaled(spec.minAvailable, expectedPods);
    }
    const disruptedPods: Record<string, string> = {};
    let recheck: number | undefined;
    for (const p of pods) {
      const at = pdb.status?.disruptedPods?.[p.metadata.name];
      if (p.metadata.deletionTimestamp || !at) continue;
      const due = Date.parse(at) + DELETION_TIMEOUT_MS;
      if (due < now) continue;
      disruptedPods[p.metadata.name] = at;
      recheck = Math.min(recheck ?? Infinity, due - now);
    }
    const currentHealthy = pods.filter((p) => !p.metadata.deletionTimestamp && !disruptedPods[p.metadata.name] && ready(p)).length;
    let disruptionsAllowed = currentHealthy - desiredHealthy;
    if (expectedPods <= 0 || disruptionsAllowed <= 0) disruptionsAllowed = 0;
    return { expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, disruptedPods, recheckMs: recheck };
  })();
}

/** SetStatusCondition for DisruptionAllowed: the transition time moves only when the status changes. */
export function withCondition(conditions: KObject[] | undefined, status: 'True' | 'False', reason: string, message: string, observedGeneration: number): KObject[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === 'DisruptionAllowed');
  const prev = i >= 0 ? list[i] : undefined;
  const next = { type: 'DisruptionAllowed', status, observedGeneration, lastTransitionTime: prev && prev.status === status ? prev.lastTransitionTime : rfc3339(), reason, message };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export class DisruptionController extends QueueController {
  private pdbs!: Informer;
  private pods!: Informer;

  constructor() {
    super('disruption', 2, 10_000);
  }

  protected register(): void {
    const enqueue = (o: KObject) => this.queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    this.pdbs = this.ctx.informers.informer(PDBS).on({ add: enqueue, update: (_, p) => enqueue(p), delete: enqueue });
    const podChanged = (p: KObject) => {
      for (const pdb of this.pdbs.items()) if (pdb.metadata.namespace === p.metadata.namespace && labelSelectorFromObject(pdb.spec?.selector).matches(p.metadata.labels)) enqueue(pdb);
    };
    this.pods = this.ctx.informers.informer(PODS).on({ add: podChanged, update: (_, p) => podChanged(p), delete: podChanged });
  }

  /** getExpectedScale: the sum of the scale of each distinct controller of the pods (Deployment over its ReplicaSet). */
  private async scale(pods: KObject[]): Promise<number> {
    const scales = new Map<string, number>();
    for (const p of pods) {
      const ref = controllerOf(p);
      if (!ref || scales.has(ref.uid)) continue;
      const found = await this.controllerScale(p.metadata.namespace, ref);
      if (!found) throw new Error(`found no controllers for pod "${p.metadata.name}"`);
      scales.set(found.uid, found.scale);
    }
    return [...scales.values()].reduce((a, b) => a + b, 0);
  }

  private async controllerScale(ns: string, ref: KObject): Promise<{ uid: string; scale: number } | undefined> {
    const get = (r: GVR, name: string) => this.ctx.client.get(r, ns, name).catch((e) => (isStatus(e, 404) ? undefined : Promise.reject(e)));
    const kinds: Record<string, GVR> = { ReplicationController: RCS, StatefulSet: STATEFULSETS, ReplicaSet: REPLICASETS, Deployment: DEPLOYMENTS };
    const r = kinds[ref.kind];
    if (!r) return undefined;
    const owner = await get(r, ref.name);
    if (!owner || owner.metadata.uid !== ref.uid) return undefined;
    const up = controllerOf(owner);
    if (ref.kind === 'ReplicaSet' && up?.kind === 'Deployment') {
      const d = await get(DEPLOYMENTS, up.name);
      if (d && d.metadata.uid === up.uid) return { uid: d.metadata.uid, scale: d.spec?.replicas ?? 1 };
    }
    return { uid: owner.metadata.uid, scale: owner.spec?.replicas ?? 1 };
  }

  protected async sync(key: string): Promise<void> {
    const pdb = this.pdbs.get(key);
    if (!pdb) return;
    const sel = labelSelectorFromObject(pdb.spec?.selector);
    const pods = this.pods.items().filter((p) => p.metadata.namespace === pdb.metadata.namespace && sel.matches(p.metadata.labels));
    const generation = pdb.metadata.generation ?? 0;
    let status: KObject;
    let recheckMs: number | undefined;
    try {
      const b = await computeBudget(pdb, pods, () => this.scale(pods));
      recheckMs = b.recheckMs;
      const s = pdb.status ?? {};
      const allowed = b.disruptionsAllowed > 0;
      const cond = (s.conditions ?? []).find((c: KObject) => c.type === 'DisruptionAllowed');
      const upToDate = cond && cond.status === (allowed ? 'True' : 'False') && cond.reason === (allowed ? 'SufficientPods' : 'InsufficientPods');
      if (
        s.currentHealthy === b.currentHealthy && s.desiredHealthy === b.desiredHealthy && s.expectedPods === b.expectedPods && s.disruptionsAllowed === b.disruptionsAllowed &&
        JSON.stringify(s.disruptedPods ?? {}) === JSON.stringify(b.disruptedPods) && s.observedGeneration === generation && upToDate
      ) {
        if (recheckMs !== undefined) this.queue.addAfter(key, recheckMs);
        return;
      }
      status = {
        currentHealthy: b.currentHealthy,
        desiredHealthy: b.desiredHealthy,
        expectedPods: b.expectedPods,
        disruptionsAllowed: b.disruptionsAllowed,
        observedGeneration: generation,
        conditions: withCondition(s.conditions, allowed ? 'True' : 'False', allowed ? 'SufficientPods' : 'InsufficientPods', '', generation),
      };
      if (Object.keys(b.disruptedPods).length) status.disruptedPods = b.disruptedPods;
    } catch (e) {
      // failSafe: no disruptions when the budget cannot be computed
      const s = pdb.status ?? {};
      status = { ...s, disruptionsAllowed: 0, conditions: withCondition(s.conditions, 'False', 'SyncFailed', (e as Error).message, s.observedGeneration ?? 0) };
    }
    try {
      await this.ctx.client.update(PDBS, pdb.metadata.namespace, { ...pdb, status }, { subresource: 'status' });
    } catch (e) {
      if (isStatus(e, 404)) return;
      if (isStatus(e, 409)) throw new Requeue(`pdb ${key}: conflict`);
      throw e;
    }
    if (recheckMs !== undefined) this.queue.addAfter(key, recheckMs);
  }
}
