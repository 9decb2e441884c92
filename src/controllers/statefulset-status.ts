// What the statefulset controller counts about its pods (stateful_set_utils upstream): running and ready,
// available after minReadySeconds, healthy, and the status made of those counts per revision.
import type { KObject } from '../client/types.js';
import { isPodAvailable, isPodReady } from './replicaset-pods.js';
import { REVISION_LABEL } from './statefulset-pods.js';

export const terminating = (p: KObject): boolean => !!p.metadata.deletionTimestamp;
export const runningAndReady = (p: KObject): boolean => p.status?.phase === 'Running' && isPodReady(p);
export const available = (p: KObject, minReady: number, now = Date.now()): boolean => runningAndReady(p) && isPodAvailable(p, minReady, now);
export const healthy = (p: KObject, minReady: number): boolean => available(p, minReady) && !terminating(p);
export const finished = (p: KObject): boolean => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';
export const revisionOf = (p: KObject): string => p.metadata.labels?.[REVISION_LABEL] ?? '';

/** The status counts of `pods`; `waiting` when a ready pod has yet to be ready for minReadySeconds. */
export function statefulSetStatus(set: KObject, pods: KObject[], currentRevision: string, updateRevision: string, now: number): { status: KObject; waiting: boolean } {
  const minReady = set.spec?.minReadySeconds ?? 0;
  const status: KObject = { observedGeneration: set.metadata.generation, replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0, currentRevision, updateRevision };
  let waiting = false;
  for (const p of pods) {
    status.replicas++;
    if (runningAndReady(p)) {
      status.readyReplicas++;
      if (available(p, minReady, now)) status.availableReplicas++;
      else waiting = true;
    }
    if (!terminating(p)) {
      if (revisionOf(p) === currentRevision) status.currentReplicas++;
      if (revisionOf(p) === updateRevision) status.updatedReplicas++;
    }
  }
  return { status, waiting };
}
