// upstream's trackJobStatusAndRemoveFinalizers: finished pods go to status.uncountedTerminatedPods, lose the
// job-tracking finalizer, then move to the succeeded/failed counters (completedIndexes for Indexed jobs); once
// nothing is left to count the interim condition becomes Complete or Failed.
import type { KObject } from '../client/types.js';
import { formatIndexes } from './job-indexes.js';
import { isIndexed, isPodFailed, isTerminal, matchPodFailurePolicy, podIndex } from './job-pods.js';
import { rfc3339 } from '../apimachinery/time.js';

export const jobCondition = (type: string, status: string, reason: string, message: string) => ({ type, status, lastProbeTime: rfc3339(), lastTransitionTime: rfc3339(), reason, message });

export interface Tracking {
  pods: KObject[];
  tracked: (p: KObject) => boolean;
  uncounted: { succeeded: string[]; failed: string[] };
  prevSucceededIdx: Set<number>;
  failedIdx: Set<number>;
  perIndex: boolean;
  finishing?: KObject;
  terminating: number;
}

export interface TrackingOps {
  write(job: KObject, status: KObject): Promise<KObject>;
  /** Removes the tracking finalizer; false when the pod changed meanwhile. */
  strip(pod: KObject): Promise<boolean>;
  event(job: KObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export async function trackJobStatus(job: KObject, status: KObject, t: Tracking, ops: TrackingOps): Promise<void> {
  const spec = job.spec;
  const indexed = isIndexed(job);
  const completions: number = spec.completions ?? 0;
  const strip: KObject[] = [];
  const newSucceededIdx: number[] = [];
  let flush = false;
  for (const p of t.pods) {
    if (!t.tracked(p)) continue;
    const failed = isPodFailed(p, job);
    if (!(isTerminal(p) || failed || t.finishing || p.metadata.deletionTimestamp)) continue;
    strip.push(p);
    const uid = p.metadata.uid as string;
    const ix = podIndex(p);
    if (p.status?.phase === 'Succeeded' && !t.uncounted.failed.includes(uid)) {
      if (indexed) {
        if (ix >= 0 && ix < completions && !t.prevSucceededIdx.has(ix)) newSucceededIdx.push(ix);
      } else if (!t.uncounted.succeeded.includes(uid)) {
        t.uncounted.succeeded.push(uid);
        flush = true;
      }
    } else if (failed || (t.finishing && t.finishing.type !== 'SuccessCriteriaMet')) {
      if (!t.uncounted.failed.includes(uid) && (!indexed || (ix >= 0 && ix < completions)) && matchPodFailurePolicy(spec.podFailurePolicy, p).countFailed) {
        t.uncounted.failed.push(uid);
        flush = true;
      }
    }
  }
  let current = job;
  const compact = (u: { succeeded: string[]; failed: string[] }) => ({ ...(u.succeeded.length ? { succeeded: u.succeeded } : {}), ...(u.failed.length ? { failed: u.failed } : {}) });
  if (flush) {
    current = await ops.write(current, { ...status, uncountedTerminatedPods: compact(t.uncounted) });
  }
  await Promise.all(strip.map((p) => ops.strip(p)));
  // pods whose finalizer is gone are counted for good
  const holding = new Set(t.pods.filter(t.tracked).map((p) => p.metadata.uid));
  const left = { succeeded: [] as string[], failed: [] as string[] };
  for (const uid of t.uncounted.succeeded) if (holding.has(uid)) left.succeeded.push(uid);
  else status.succeeded = (status.succeeded ?? 0) + 1;
  for (const uid of t.uncounted.failed) if (holding.has(uid)) left.failed.push(uid);
  else status.failed = (status.failed ?? 0) + 1;
  if (indexed) {
    const done = new Set([...t.prevSucceededIdx, ...newSucceededIdx]);
    status.completedIndexes = formatIndexes(done);
    status.succeeded = done.size;
  }
  if (t.perIndex) status.failedIndexes = formatIndexes(t.failedIdx);
  status.uncountedTerminatedPods = compact(left);
  let finished: KObject | undefined;
  if (t.finishing && left.succeeded.length + left.failed.length === 0 && t.terminating === 0 && holding.size === 0) {
    finished = jobCondition(t.finishing.type === 'SuccessCriteriaMet' ? 'Complete' : 'Failed', 'True', t.finishing.reason, t.finishing.message);
    status.conditions.push(finished);
    if (finished.type === 'Complete') status.completionTime = finished.lastTransitionTime;
  }
  for (const k of ['active', 'succeeded', 'failed']) if (!status[k]) delete status[k];
  if (!status.conditions.length) delete status.conditions;
  if (JSON.stringify(status) === JSON.stringify(current.status ?? {})) return;
  current = await ops.write(current, status);
  if (finished?.type === 'Complete') {
    if (typeof spec.completions === 'number' && (status.succeeded ?? 0) > spec.completions) ops.event(current, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
    ops.event(current, 'Normal', 'Completed', 'Job completed');
  } else if (finished) ops.event(current, 'Warning', finished.reason, finished.message);
}
