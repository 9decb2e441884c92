// The arithmetic and bookkeeping of kube-controller-manager's deployment controller (deployment/util): surge and
// unavailability fenceposts, proportional scaling, revisions and replica annotations, conditions and status.
import type { KObject } from '../client/types.js';
import { spewPodTemplate } from './pod-template-hash.js';
import { rfc3339 } from '../apimachinery/time.js';

export const HASH_LABEL = 'pod-template-hash';
export const REVISION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history';
export const DESIRED_REPLICAS = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';
const ANNOTATIONS_TO_SKIP = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, 'deprecated.deployment.rollback.to']);
/** Longest revision-history annotation the controller writes (maxRevHistoryLengthInChars). */
const MAX_REV_HISTORY_CHARS = 2000;
const MAX_INT32 = 2147483647;

export const replicas = (o: KObject | undefined): number => o?.spec?.replicas ?? (o ? 1 : 0);
const isRolling = (d: KObject) => d.spec?.strategy?.type === 'RollingUpdate';

/** intstr.GetScaledValueFromIntOrPercent: an int as is, a percentage of total rounded up or down. */
export function scaledValue(v: number | string | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or percentage (e.g '5%')`);
  const x = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/** ResolveFenceposts: maxSurge rounds up, maxUnavailable down; both zero means one unavailable. */
export function resolveFenceposts(maxSurge: number | string | undefined, maxUnavailable: number | string | undefined, desired: number): [surge: number, unavailable: number] {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return [surge, unavailable];
}

export function maxSurge(d: KObject): number {
  if (!isRolling(d)) return 0;
  const ru = d.spec.strategy.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge, ru.maxUnavailable, replicas(d))[0];
}

export function maxUnavailable(d: KObject): number {
  const want = replicas(d);
  if (!isRolling(d) || want === 0) return 0;
  const ru = d.spec.strategy.rollingUpdate ?? {};
  return Math.min(resolveFenceposts(ru.maxSurge, ru.maxUnavailable, want)[1], want);
}

const sum = (sets: (KObject | undefined)[], f: (rs: KObject) => number) => sets.reduce((n, rs) => n + (rs ? f(rs) : 0), 0);
export const specReplicaCount = (sets: (KObject | undefined)[]) => sum(sets, (rs) => replicas(rs));
export const actualReplicaCount = (sets: (KObject | undefined)[]) => sum(sets, (rs) => rs.status?.replicas ?? 0);
export const readyReplicaCount = (sets: (KObject | undefined)[]) => sum(sets, (rs) => rs.status?.readyReplicas ?? 0);
export const availableReplicaCount = (sets: (KObject | undefined)[]) => sum(sets, (rs) => rs.status?.availableReplicas ?? 0);
export const activeSets = (sets: (KObject | undefined)[]) => sets.filter((rs): rs is KObject => !!rs && replicas(rs) > 0);

const created = (o: KObject) => Date.parse(o.metadata?.creationTimestamp ?? '') || 0;
/** ReplicaSetsByCreationTimestamp: oldest first, names breaking ties. */
export const byCreation = (a: KObject, b: KObject) => created(a) - created(b) || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
/** ReplicaSetsBySizeNewer / BySizeOlder: larger first, then newer (or older) first. */
export const bySizeNewer = (a: KObject, b: KObject) => replicas(b) - replicas(a) || byCreation(b, a);
export const bySizeOlder = (a: KObject, b: KObject) => replicas(b) - replicas(a) || byCreation(a, b);

/** Semantic equality of two pod templates ignoring the pod-template-hash label (empty and nil lists alike). */
export function equalIgnoreHash(a: KObject | undefined, b: KObject | undefined): boolean {
  const strip = (t: KObject | undefined) => {
    const c = structuredClone(t ?? {});
    if (c.metadata?.labels) delete c.metadata.labels[HASH_LABEL];
    return spewPodTemplate(c);
  };
  return strip(a) === strip(b);
}

/** FindNewReplicaSet: the oldest set whose template equals the deployment's. */
export function findNewReplicaSet(d: KObject, sets: KObject[]): KObject | undefined {
  return [...sets].sort(byCreation).find((rs) => equalIgnoreHash(rs.spec?.template, d.spec?.template));
}

/** FindOldReplicaSets: every set but the new one. */
export function findOldReplicaSets(d: KObject, sets: KObject[]): KObject[] {
  const n = findNewReplicaSet(d, sets);
  return sets.filter((rs) => rs.metadata.uid !== n?.metadata.uid);
}

export function revisionOf(o: KObject | undefined): number {
  const v = o?.metadata?.annotations?.[REVISION];
  if (v === undefined) return 0;
  return /^[+-]?\d+$/.test(v) ? Number(v) : NaN;
}

export function maxRevision(sets: KObject[]): number {
  return sets.reduce((m, rs) => (Number.isNaN(revisionOf(rs)) ? m : Math.max(m, revisionOf(rs))), 0);
}

/** SetReplicasAnnotations: desired-replicas and max-replicas; true when one changed. */
export function setReplicasAnnotations(rs: KObject, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS] !== String(desired)) [a[DESIRED_REPLICAS], changed] = [String(desired), true];
  if (a[MAX_REPLICAS] !== String(max)) [a[MAX_REPLICAS], changed] = [String(max), true];
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: KObject, desired: number, max: number): boolean {
  const a = rs.metadata.annotations;
  return !a || a[DESIRED_REPLICAS] !== String(desired) || a[MAX_REPLICAS] !== String(max);
}

/** SetNewReplicaSetAnnotations: the deployment's annotations, the new revision (keeping a history on rollbacks), replica annotations on creation. */
export function setNewReplicaSetAnnotations(d: KObject, rs: KObject, newRevision: string, exists: boolean): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries<string>(d.metadata.annotations ?? {})) {
    if (ANNOTATIONS_TO_SKIP.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  const had = REVISION in a;
  const oldRevision: string = a[REVISION] ?? '';
  let oldInt = 0;
  if (oldRevision !== '') {
    if (!/^[+-]?\d+$/.test(oldRevision)) return false;
    oldInt = Number(oldRevision);
  }
  const newInt = Number(newRevision);
  if (oldInt < newInt) {
    a[REVISION] = newRevision;
    changed = true;
    if (had) {
      const history: string = a[REVISION_HISTORY] ?? '';
      if (!history) a[REVISION_HISTORY] = oldRevision;
      else {
        const olds = history.split(',');
        let total = history.length + oldRevision.length + 1;
        let start = 0;
        while (total > MAX_REV_HISTORY_CHARS && start < olds.length) total -= olds[start++]!.length + 1;
        if (total <= MAX_REV_HISTORY_CHARS) a[REVISION_HISTORY] = [...olds.slice(start), oldRevision].join(',');
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, replicas(d), replicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** SetDeploymentRevision: true when the deployment's revision annotation changed. */
export function setDeploymentRevision(d: KObject, revision: string): boolean {
  const a = (d.metadata.annotations ??= {});
  if (a[REVISION] === revision) return false;
  a[REVISION] = revision;
  return true;
}

/** NewRSNewReplicas: how big the new set may be now. */
export function newRSNewReplicas(d: KObject, all: KObject[], newRS: KObject): number {
  const want = replicas(d);
  if (d.spec?.strategy?.type === 'Recreate') return want;
  const surge = scaledValue(d.spec?.strategy?.rollingUpdate?.maxSurge, want, true);
  const current = specReplicaCount(all);
  const maxTotal = want + surge;
  if (current >= maxTotal) return replicas(newRS);
  return replicas(newRS) + Math.min(maxTotal - current, want - replicas(newRS));
}

/** IsSaturated: the new set holds all the deployment's replicas and they are available. */
export function isSaturated(d: KObject, rs: KObject | undefined): boolean {
  if (!rs) return false;
  const desired = rs.metadata.annotations?.[DESIRED_REPLICAS];
  if (desired === undefined || !/^[+-]?\d+$/.test(desired)) return false;
  const want = replicas(d);
  return replicas(rs) === want && Number(desired) === want && (rs.status?.availableReplicas ?? 0) === want;
}

/** FindActiveOrLatest: the one set with replicas (or the newest, when none has any); none when several do. */
export function findActiveOrLatest(newRS: KObject | undefined, olds: KObject[]): KObject | undefined {
  if (!newRS && !olds.length) return undefined;
  const sortedOlds = [...olds].sort((a, b) => byCreation(b, a));
  const active = activeSets([...sortedOlds, newRS]);
  if (active.length === 0) return newRS ?? sortedOlds[0];
  return active.length === 1 ? active[0] : undefined;
}

function intAnnotation(rs: KObject, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined || !/^[+-]?\d+$/.test(v)) return undefined;
  const n = Number(v);
  return n >= -2147483648 && n <= MAX_INT32 ? n : undefined;
}

export const desiredReplicasAnnotation = (rs: KObject) => intAnnotation(rs, DESIRED_REPLICAS);

/** integer.RoundToInt32: half away from zero. */
const roundToInt32 = (x: number) => (x < 0 ? Math.trunc(x - 0.5) : Math.trunc(x + 0.5));

/** getReplicaSetFraction: this set's share of a resize, from the max-replicas it was sized for. */
function fraction(rs: KObject, d: KObject): number {
  if (replicas(d) === 0) return -replicas(rs);
  const maxNow = replicas(d) + maxSurge(d);
  let before = intAnnotation(rs, MAX_REPLICAS);
  if (!before) before = d.status?.replicas ?? 0;
  if (!before) return 0;
  return roundToInt32((replicas(rs) * maxNow) / before) - replicas(rs);
}

/** GetProportion: how many replicas this set gains (or loses) in a proportional scale. */
export function getProportion(rs: KObject | undefined, d: KObject, toAdd: number, added: number): number {
  if (!rs || replicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const f = fraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(f, allowed) : Math.max(f, allowed);
}

export const hasProgressDeadline = (d: KObject) => d.spec?.progressDeadlineSeconds !== undefined && d.spec.progressDeadlineSeconds !== null && d.spec.progressDeadlineSeconds !== MAX_INT32;
export const hasRevisionHistoryLimit = (d: KObject) => d.spec?.revisionHistoryLimit !== undefined && d.spec.revisionHistoryLimit !== null && d.spec.revisionHistoryLimit !== MAX_INT32;

export interface DeploymentCondition {
  type: string;
  status: string;
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}


export function newCondition(type: string, status: string, reason: string, message: string, nowMs = Date.now()): DeploymentCondition {
  return { type, status, lastUpdateTime: rfc3339(nowMs), lastTransitionTime: rfc3339(nowMs), reason, message };
}

export function getCondition(status: KObject | undefined, type: string): DeploymentCondition | undefined {
  return (status?.conditions ?? []).find((c: DeploymentCondition) => c.type === type);
}

/** SetDeploymentCondition: no change for the same status and reason; the transition time kept while the status holds. */
export function setCondition(status: KObject, c: DeploymentCondition): void {
  const cur = getCondition(status, c.type);
  if (cur && cur.status === c.status && cur.reason === c.reason) return;
  if (cur && cur.status === c.status) c.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((x: DeploymentCondition) => x.type !== c.type), c];
}

export function removeCondition(status: KObject, type: string): void {
  const rest = (status.conditions ?? []).filter((x: DeploymentCondition) => x.type !== type);
  if (rest.length) status.conditions = rest;
  else delete status.conditions;
}

/** calculateStatus: counts over every set, and the Available condition. */
export function calculateStatus(all: (KObject | undefined)[], newRS: KObject | undefined, d: KObject, nowMs = Date.now()): KObject {
  const available = availableReplicaCount(all);
  const status: KObject = {
    observedGeneration: d.metadata.generation,
    replicas: actualReplicaCount(all),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(all),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicaCount(all) - available),
  };
  if (d.status?.conditions?.length) status.conditions = structuredClone(d.status.conditions);
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= replicas(d) - maxUnavailable(d)) setCondition(status, newCondition('Available', 'True', 'MinimumReplicasAvailable', 'Deployment has minimum availability.', nowMs));
  else setCondition(status, newCondition('Available', 'False', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.', nowMs));
  return status;
}

/** DeploymentComplete: every replica updated and available, and the latest generation observed. */
export function deploymentComplete(d: KObject, s: KObject): boolean {
  const want = replicas(d);
  return (s.updatedReplicas ?? 0) === want && (s.replicas ?? 0) === want && (s.availableReplicas ?? 0) === want && (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0);
}

/** DeploymentProgressing: more updated, fewer old, more ready or more available replicas than before. */
export function deploymentProgressing(d: KObject, s: KObject): boolean {
  const o = d.status ?? {};
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return n(s.updatedReplicas) > n(o.updatedReplicas) || n(s.replicas) - n(s.updatedReplicas) < n(o.replicas) - n(o.updatedReplicas) || n(s.readyReplicas) > n(o.readyReplicas) || n(s.availableReplicas) > n(o.availableReplicas);
}

/** DeploymentTimedOut: no progress recorded for progressDeadlineSeconds. */
export function deploymentTimedOut(d: KObject, s: KObject, nowMs = Date.now()): boolean {
  if (!hasProgressDeadline(d)) return false;
  const c = getCondition(s, 'Progressing');
  if (!c || c.reason === 'NewReplicaSetAvailable') return false;
  if (c.reason === 'ProgressDeadlineExceeded') return true;
  return Date.parse(c.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 < nowMs;
}

/** reflect.DeepEqual of two statuses as the controller decodes them: zero values and absent fields alike. */
export function sameStatus(a: KObject | undefined, b: KObject | undefined): boolean {
  const norm = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.length ? v.map(norm) : undefined;
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) {
        const x = norm((v as Record<string, unknown>)[k]);
        if (x !== undefined) out[k] = x;
      }
      return Object.keys(out).length ? out : undefined;
    }
    return v === 0 || v === '' || v === false || v === null ? undefined : v;
  };
  return JSON.stringify(norm(a ?? {})) === JSON.stringify(norm(b ?? {}));
}
