// The pure half of upstream's syncJob: from a job and its pods, the counts (including pods not yet counted),
// the succeeded and failed indexes, and whether the job now meets a success or failure criterion.
import type { KObject } from '../client/types.js';
import { matchSuccessPolicy, parseIndexes } from './job-indexes.js';
import { indexFailureCounts, isIndexed, isPodFailed, matchPodFailurePolicy, podIndex } from './job-pods.js';
import { jobCondition } from './job-tracking.js';
import { rfc3339 } from '../apimachinery/time.js';

export const hasCond = (job: KObject, type: string) => (job.status?.conditions ?? []).find((c: KObject) => c.type === type && c.status === 'True');

/** upstream's pastBackoffLimitOnFailure: container restarts of running pods count against backoffLimit. */
function pastBackoffLimitOnFailure(job: KObject, pods: KObject[]): boolean {
  if (job.spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods)
    if (p.status?.phase === 'Running' || p.status?.phase === 'Pending')
      for (const c of [...(p.status?.initContainerStatuses ?? []), ...(p.status?.containerStatuses ?? [])]) restarts += c.restartCount ?? 0;
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

export interface Evaluation {
  /** A copy of job.status with startTime set and any new interim condition appended. */
  status: KObject;
  uncounted: { succeeded: string[]; failed: string[] };
  succeeded: number;
  failed: number;
  succeededIdx: Set<number>;
  prevSucceededIdx: Set<number>;
  failedIdx: Set<number>;
  perIndex: boolean;
  /** SuccessCriteriaMet or FailureTarget, already there or new. */
  finishing?: KObject;
  /** Look again then (activeDeadlineSeconds). */
  requeueMs?: number;
}

/** `tracked` says whether a pod still holds the tracking finalizer as far as the controller knows. */
export function evaluateJob(job: KObject, pods: KObject[], tracked: (p: KObject) => boolean, now = Date.now()): Evaluation {
  const spec = job.spec;
  let requeueMs: number | undefined;
  const status: KObject = structuredClone(job.status ?? {});
  const uncounted = { succeeded: [...(status.uncountedTerminatedPods?.succeeded ?? [])] as string[], failed: [...(status.uncountedTerminatedPods?.failed ?? [])] as string[] };
  const inUncounted = new Set([...uncounted.succeeded, ...uncounted.failed]);
  const suspended = spec.suspend === true;
  const indexed = isIndexed(job);
  const completions: number | null = spec.completions ?? null;
  const perIndex = indexed && spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null;
  const fresh = pods.filter((p) => tracked(p) && !inUncounted.has(p.metadata.uid));
  const newFailed = fresh.filter((p) => p.status?.phase !== 'Succeeded' && isPodFailed(p, job));
  let succeeded = (status.succeeded ?? 0) + fresh.filter((p) => p.status?.phase === 'Succeeded').length + uncounted.succeeded.length;
  const failed = (status.failed ?? 0) + newFailed.filter((p) => matchPodFailurePolicy(spec.podFailurePolicy, p).countFailed).length + uncounted.failed.length;
  if (!status.startTime && !suspended) status.startTime = rfc3339(now);
  const conditions: KObject[] = (status.conditions ??= []);
  let finishing: KObject | undefined = hasCond(job, 'SuccessCriteriaMet') ?? hasCond(job, 'FailureTarget');
  const finish = (c: KObject) => {
    finishing = c;
    conditions.push(c);
  };
  if (!finishing) {
    const failJob = spec.podFailurePolicy && pods.filter((p) => isPodFailed(p, job)).map((p) => matchPodFailurePolicy(spec.podFailurePolicy, p)).find((m) => m.action === 'FailJob');
    const startedMs = Date.parse(status.startTime);
    if (failJob) finish(jobCondition('FailureTarget', 'True', 'PodFailurePolicy', failJob.message!));
    else if (failed > (spec.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) finish(jobCondition('FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'));
    else if (typeof spec.activeDeadlineSeconds === 'number' && status.startTime && !suspended) {
      const left = startedMs + spec.activeDeadlineSeconds * 1000 - now;
      if (left <= 0) finish(jobCondition('FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline'));
      else requeueMs = left;
    }
  }
  const prevSucceededIdx = indexed ? parseIndexes(status.completedIndexes, completions ?? 0) : new Set<number>();
  const succeededIdx = new Set(prevSucceededIdx);
  const failedIdx = perIndex ? parseIndexes(status.failedIndexes, completions ?? 0) : new Set<number>();
  if (indexed) {
    for (const p of pods) {
      const ix = podIndex(p);
      if (ix < 0 || ix >= completions!) continue;
      if (p.status?.phase === 'Succeeded' && (tracked(p) || inUncounted.has(p.metadata.uid))) succeededIdx.add(ix);
      else if (perIndex && tracked(p) && isPodFailed(p, job)) {
        const m = matchPodFailurePolicy(spec.podFailurePolicy, p);
        if (m.action === 'FailIndex' || (m.countFailed && indexFailureCounts(p).failed >= spec.backoffLimitPerIndex)) failedIdx.add(ix);
      }
    }
    for (const ix of succeededIdx) failedIdx.delete(ix);
    succeeded = succeededIdx.size;
    if (!finishing && perIndex) {
      if (typeof spec.maxFailedIndexes === 'number' && failedIdx.size > spec.maxFailedIndexes) finish(jobCondition('FailureTarget', 'True', 'MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes'));
      else if (failedIdx.size > 0 && failedIdx.size + succeededIdx.size >= completions!) finish(jobCondition('FailureTarget', 'True', 'FailedIndexes', 'Job has failed indexes'));
    }
    const msg = !finishing ? matchSuccessPolicy(spec.successPolicy, completions!, succeededIdx) : undefined;
    if (msg) finish(jobCondition('SuccessCriteriaMet', 'True', 'SuccessPolicy', msg));
  }
  return { status, uncounted, succeeded, failed, succeededIdx, prevSucceededIdx, failedIdx, perIndex, finishing, requeueMs };
}
