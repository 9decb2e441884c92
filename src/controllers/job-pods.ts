// What the job controller knows about its pods: how it makes them from the template (tracking finalizer,
// completion index annotation/label/env/hostname), how it classifies them, and podFailurePolicy matching.
import type { KObject } from '../client/types.js';

export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';
export const INDEX_FAILURE_COUNT = 'batch.kubernetes.io/job-index-failure-count';
export const INDEX_IGNORED_FAILURE_COUNT = 'batch.kubernetes.io/job-index-ignored-failure-count';
const MAX_GENERATED_NAME = 63 - 5;

export const isTerminal = (p: KObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
export const isActive = (p: KObject) => !p.metadata.deletionTimestamp && !isTerminal(p);
export const isTerminating = (p: KObject) => !!p.metadata.deletionTimestamp && !isTerminal(p);
export const hasFinalizer = (p: KObject) => (p.metadata.finalizers ?? []).includes(TRACKING_FINALIZER);
export const isIndexed = (job: KObject) => job.spec?.completionMode === 'Indexed';

/** upstream's isPodFailed: a deleted pod that never succeeded counts as failed unless only Failed pods are replaced. */
export function isPodFailed(p: KObject, job: KObject): boolean {
  if (p.status?.phase === 'Failed') return true;
  if (job.spec?.podReplacementPolicy === 'Failed' || job.spec?.podFailurePolicy) return false;
  return !!p.metadata.deletionTimestamp && p.status?.phase !== 'Succeeded';
}

/** The completion index in the pod's annotation, or -1. */
export function podIndex(p: KObject): number {
  const v = p.metadata.annotations?.[COMPLETION_INDEX];
  return typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : -1;
}

export function indexFailureCounts(p: KObject): { failed: number; ignored: number } {
  const n = (k: string) => {
    const v = Number(p.metadata.annotations?.[k] ?? 0);
    return Number.isInteger(v) && v >= 0 && v <= 2147483647 ? v : 0;
  };
  return { failed: n(INDEX_FAILURE_COUNT), ignored: n(INDEX_IGNORED_FAILURE_COUNT) };
}

/** The pod a job creates, for an index (Indexed jobs) and replacing a failed pod of that index (backoffLimitPerIndex). */
export function podForJob(job: KObject, index?: number, replacing?: KObject): KObject {
  const tpl = structuredClone(job.spec.template ?? {});
  const meta = tpl.metadata ?? {};
  const spec = tpl.spec ?? {};
  const labels = { ...(meta.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}) };
  let generateName = `${job.metadata.name}-`;
  if (index !== undefined) {
    annotations[COMPLETION_INDEX] = String(index);
    labels[COMPLETION_INDEX] = String(index);
    const suffix = `-${index}-`;
    generateName = `${job.metadata.name}${suffix}`;
    if (generateName.length > MAX_GENERATED_NAME) generateName = job.metadata.name.slice(0, MAX_GENERATED_NAME - suffix.length) + suffix;
    spec.hostname ||= `${job.metadata.name}-${index}`;
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      if ((c.env ?? []).some((e: KObject) => e.name === 'JOB_COMPLETION_INDEX')) continue;
      c.env = [...(c.env ?? []), { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.labels['${COMPLETION_INDEX}']` } } }];
    }
    if (job.spec.backoffLimitPerIndex !== undefined && job.spec.backoffLimitPerIndex !== null) {
      let { failed, ignored } = replacing ? indexFailureCounts(replacing) : { failed: 0, ignored: 0 };
      if (replacing) {
        if (matchPodFailurePolicy(job.spec.podFailurePolicy, replacing).countFailed) failed++;
        else ignored++;
      }
      annotations[INDEX_FAILURE_COUNT] = String(failed);
      if (ignored > 0) annotations[INDEX_IGNORED_FAILURE_COUNT] = String(ignored);
    }
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: job.metadata.namespace,
      labels,
      annotations,
      finalizers: [TRACKING_FINALIZER],
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec,
  };
}

export interface PolicyMatch {
  /** Counts towards backoffLimit (false for Ignore). */
  countFailed: boolean;
  action?: 'FailJob' | 'FailIndex' | 'Ignore' | 'Count';
  /** The FailJob message. */
  message?: string;
}

/** upstream's matchPodFailurePolicy for a failed pod: the first rule whose exit codes or pod conditions match. */
export function matchPodFailurePolicy(policy: KObject | undefined, pod: KObject): PolicyMatch {
  for (const [i, rule] of (policy?.rules ?? []).entries()) {
    let failJobMessage: string | undefined;
    if (rule.onExitCodes) {
      const req = rule.onExitCodes;
      const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
      const c = statuses.find((s: KObject) => {
        const code = s.state?.terminated?.exitCode;
        if (code === undefined || code === 0 || (req.containerName && req.containerName !== s.name)) return false;
        const listed = (req.values ?? []).includes(code);
        return req.operator === 'In' ? listed : req.operator === 'NotIn' ? !listed : false;
      });
      if (!c) continue;
      failJobMessage = `Container ${c.name} for pod ${pod.metadata.namespace}/${pod.metadata.name} failed with exit code ${c.state.terminated.exitCode} matching FailJob rule at index ${i}`;
    } else if (rule.onPodConditions) {
      const cond = (pod.status?.conditions ?? []).find((c: KObject) => (rule.onPodConditions as KObject[]).some((p) => p.type === c.type && (p.status ?? 'True') === c.status));
      if (!cond) continue;
      failJobMessage = `Pod ${pod.metadata.namespace}/${pod.metadata.name} has condition ${cond.type} matching FailJob rule at index ${i}`;
    } else continue;
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'FailIndex':
        return { countFailed: true, action: 'FailIndex' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailJob':
        return { countFailed: true, action: 'FailJob', message: failJobMessage };
    }
  }
  return { countFailed: true };
}
