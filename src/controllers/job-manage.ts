// upstream's manageJob: how many pods a job should be running now, which to create (indexes, backoff after
// failures) and which to remove (suspension, duplicates, above parallelism or the remaining completions).
import type { KObject } from '../client/types.js';
import { isIndexed, isPodFailed, isTerminating, matchPodFailurePolicy, podForJob, podIndex } from './job-pods.js';
import { isPodReady as podReady } from './replicaset-pods.js';

const INITIAL_BACKOFF_MS = 10_000;
const MAX_BACKOFF_MS = 360_000;

export interface ManageContext {
  job: KObject;
  pods: KObject[];
  active: KObject[];
  succeeded: number;
  succeededIdx: Set<number>;
  failedIdx: Set<number>;
  terminating: number;
}

export interface ManageOps {
  create(count: number, make: (i: number) => KObject): Promise<KObject[]>;
  remove(pods: KObject[]): Promise<KObject[]>;
  later(ms: number): void;
}

const finishedAt = (p: KObject): number => {
  const times = [...(p.status?.containerStatuses ?? []), ...(p.status?.initContainerStatuses ?? [])].map((c: KObject) => Date.parse(c.state?.terminated?.finishedAt ?? '')).filter((t) => !Number.isNaN(t));
  return times.length ? Math.max(...times) : Date.parse(p.metadata.deletionTimestamp ?? p.metadata.creationTimestamp);
};

/** Time left before replacing failed pods: 10 s doubling per failure since the last success, at most 6 min. */
export function backoffRemainingMs(job: KObject, pods: KObject[], now = Date.now()): number {
  const lastSuccess = Math.max(-Infinity, ...pods.filter((p) => p.status?.phase === 'Succeeded').map(finishedAt));
  const failures = pods.filter((p) => p.status?.phase === 'Failed' && isPodFailed(p, job) && matchPodFailurePolicy(job.spec.podFailurePolicy, p).countFailed).map(finishedAt).filter((t) => t > lastSuccess);
  if (failures.length === 0) return 0;
  const delay = Math.min(INITIAL_BACKOFF_MS * 2 ** (failures.length - 1), MAX_BACKOFF_MS);
  return Math.max(...failures) + delay - now;
}

/** Least valuable first, as upstream's controller.ActivePods ordering. */
function removalOrder(a: KObject, b: KObject): number {
  const rank = (p: KObject) => [p.spec?.nodeName ? 1 : 0, ({ Pending: 0, Unknown: 1, Running: 2 } as Record<string, number>)[p.status?.phase] ?? 0, podReady(p) ? 1 : 0];
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp);
}

const onlyReplaceFailed = (job: KObject) => job.spec.podReplacementPolicy === 'Failed' || !!job.spec.podFailurePolicy;

export async function manageJob(c: ManageContext, ops: ManageOps): Promise<{ active: KObject[] }> {
  const { job } = c;
  const spec = job.spec;
  if (spec.suspend === true) {
    const gone = await ops.remove(c.active);
    return { active: c.active.filter((p) => !gone.includes(p)) };
  }
  const parallelism: number = spec.parallelism ?? 1;
  let active = c.active;
  const rm: KObject[] = [];
  let want: number;
  if (isIndexed(job)) {
    const completions: number = spec.completions;
    const byIndex = new Map<number, KObject[]>();
    for (const p of active) {
      const ix = podIndex(p);
      if (ix < 0 || ix >= completions || c.succeededIdx.has(ix) || c.failedIdx.has(ix)) rm.push(p);
      else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
    }
    for (const same of byIndex.values()) if (same.length > 1) rm.push(...[...same].sort(removalOrder).slice(0, -1));
    const left = active.filter((p) => !rm.includes(p));
    if (left.length > parallelism) rm.push(...[...left].sort(removalOrder).slice(0, left.length - parallelism));
    want = Math.min(parallelism, completions - c.succeededIdx.size - c.failedIdx.size);
  } else {
    const completions: number | null = spec.completions ?? null;
    want = completions === null ? (c.succeeded > 0 ? active.length : parallelism) : Math.max(0, Math.min(completions - c.succeeded, parallelism));
    if (active.length > want) rm.push(...[...active].sort(removalOrder).slice(0, active.length - want));
  }
  if (rm.length) {
    const gone = await ops.remove(rm);
    active = active.filter((p) => !gone.includes(p));
  }
  let diff = want - active.length;
  if (onlyReplaceFailed(job)) diff -= c.terminating;
  if (diff <= 0) return { active };
  const wait = backoffRemainingMs(job, c.pods);
  if (wait > 0) {
    ops.later(wait);
    return { active };
  }
  if (!isIndexed(job)) return { active: [...active, ...(await ops.create(diff, () => podForJob(job)))] };
  const busy = new Set(active.map(podIndex));
  if (onlyReplaceFailed(job)) for (const p of c.pods.filter(isTerminating)) busy.add(podIndex(p));
  const free: number[] = [];
  for (let i = 0; i < spec.completions && free.length < diff; i++) if (!busy.has(i) && !c.succeededIdx.has(i) && !c.failedIdx.has(i)) free.push(i);
  // the newest failed pod of an index carries its failure count forward (backoffLimitPerIndex)
  const lastFailed = (ix: number) => c.pods.filter((p) => podIndex(p) === ix && isPodFailed(p, job)).sort((a, b) => finishedAt(b) - finishedAt(a))[0];
  return { active: [...active, ...(await ops.create(free.length, (i) => podForJob(job, free[i], lastFailed(free[i]!))))] };
}
