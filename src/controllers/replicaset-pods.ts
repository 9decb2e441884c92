// Pod facts the workload controllers share (active, ready, available, owner) and upstream's ranking of
// which pods a ReplicaSet deletes first when it scales down (controller.ActivePodsWithRanks).
import type { KObject } from '../client/types.js';

export const DELETION_COST_ANNOTATION = 'controller.kubernetes.io/pod-deletion-cost';

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/** Not finished (Succeeded/Failed) and not being deleted. */
export function isPodActive(pod: KObject): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

function readyCondition(pod: KObject): KObject | undefined {
  return (pod.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready');
}

export function isPodReady(pod: KObject): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** Milliseconds since the epoch of an RFC 3339 time; 0 for the zero time. */
export function timeMs(t: unknown): number {
  if (typeof t !== 'string' || !t) return 0;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? 0 : ms;
}

/** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
export function isPodAvailable(pod: KObject, minReadySeconds: number, nowMs: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = timeMs(readyCondition(pod)?.lastTransitionTime);
  return since !== 0 && since + minReadySeconds * 1000 < nowMs;
}

/** The ownerReference with controller: true, if any. */
export function controllerOf(obj: KObject): KObject | undefined {
  return (obj.metadata?.ownerReferences ?? []).find((r: KObject) => r.controller === true);
}

/** The pod-deletion-cost annotation as an int32; anything else counts as 0. */
export function deletionCost(pod: KObject): number {
  const v = pod.metadata?.annotations?.[DELETION_COST_ANNOTATION];
  if (typeof v !== 'string' || !/^[+-]?\d+$/.test(v.trim())) return 0;
  const n = Number(v.trim());
  return n >= -2147483648 && n <= 2147483647 ? n : 0;
}

function maxRestarts(pod: KObject): number {
  return Math.max(0, ...(pod.status?.containerStatuses ?? []).map((c: KObject) => c.restartCount ?? 0));
}

function readyTime(pod: KObject): number {
  return isPodReady(pod) ? timeMs(readyCondition(pod)?.lastTransitionTime) : 0;
}

/** afterOrZero: a zero time first, then the later one. */
function afterOrZero(a: number, b: number): boolean {
  if (a === 0 || b === 0) return a === 0;
  return a > b;
}

/** LogarithmicScaleDown: times compare by floor(log2(age in ns)), ties broken by UID. */
function logRankDiff(a: number, b: number, now: number): number {
  const rank = (t: number) => (now - t > 0 ? Math.floor(Math.log2((now - t) * 1e6)) : -1);
  return rank(a) - rank(b);
}

interface Ranked {
  pod: KObject;
  rank: number;
}

/** ActivePodsWithRanks.Less: true when a should be deleted before b. */
function deleteFirst(a: Ranked, b: Ranked, now: number): boolean {
  const [pa, pb] = [a.pod, b.pod];
  const na = pa.spec?.nodeName ?? '';
  const nb = pb.spec?.nodeName ?? '';
  if (na !== nb && (!na || !nb)) return !na;
  const oa = PHASE_ORDINAL[pa.status?.phase] ?? 0;
  const ob = PHASE_ORDINAL[pb.status?.phase] ?? 0;
  if (oa !== ob) return oa < ob;
  if (isPodReady(pa) !== isPodReady(pb)) return !isPodReady(pa);
  const ca = deletionCost(pa);
  const cb = deletionCost(pb);
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  const uidLess = () => (pa.metadata?.uid ?? '') < (pb.metadata?.uid ?? '');
  if (isPodReady(pa) && isPodReady(pb)) {
    const [ra, rb] = [readyTime(pa), readyTime(pb)];
    if (ra !== rb) {
      if (!ra || !rb) return afterOrZero(ra, rb);
      const d = logRankDiff(ra, rb, now);
      return d === 0 ? uidLess() : d < 0;
    }
  }
  const [xa, xb] = [maxRestarts(pa), maxRestarts(pb)];
  if (xa !== xb) return xa > xb;
  const [ta, tb] = [timeMs(pa.metadata?.creationTimestamp), timeMs(pb.metadata?.creationTimestamp)];
  if (ta !== tb) {
    if (!ta || !tb) return afterOrZero(ta, tb);
    const d = logRankDiff(ta, tb, now);
    return d === 0 ? uidLess() : d < 0;
  }
  return false;
}

/**
 * getPodsToDelete: the `diff` pods to delete, ranked as upstream (unscheduled, pending, not ready, lower
 * deletion cost, more related pods on the same node, ready for less time, more restarts, newer).
 */
export function podsToDelete(pods: KObject[], related: KObject[], diff: number, nowMs = Date.now()): KObject[] {
  if (diff >= pods.length) return pods.slice();
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(p.spec?.nodeName ?? '', (onNode.get(p.spec?.nodeName ?? '') ?? 0) + 1);
  const ranked = pods.map((pod) => ({ pod, rank: onNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((a, b) => (deleteFirst(a, b, nowMs) ? -1 : deleteFirst(b, a, nowMs) ? 1 : 0));
  return ranked.slice(0, diff).map((r) => r.pod);
}
