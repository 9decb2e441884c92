// calculateStatus of the replicaset controller: replica counts from the owned active pods and the
// ReplicaFailure condition while creating or deleting pods fails.
import { labelSelectorFromObject } from '../apimachinery/selectors.js';
import type { KObject } from '../client/types.js';
import { isPodAvailable, isPodReady } from './replicaset-pods.js';

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');

export function calculateReplicaSetStatus(rs: KObject, pods: KObject[], manageError: unknown, nowMs = Date.now()): KObject {
  const status: KObject = structuredClone(rs.status ?? {});
  const templateLabels = rs.spec?.template?.metadata?.labels ?? {};
  const fullyLabeled = labelSelectorFromObject({ matchLabels: templateLabels });
  const minReady = rs.spec?.minReadySeconds ?? 0;
  let full = 0;
  let ready = 0;
  let available = 0;
  for (const p of pods) {
    if (fullyLabeled.matches(p.metadata?.labels ?? {})) full++;
    if (isPodReady(p)) {
      ready++;
      if (isPodAvailable(p, minReady, nowMs)) available++;
    }
  }
  const conditions: KObject[] = status.conditions ?? [];
  const failure = conditions.find((c) => c.type === 'ReplicaFailure');
  if (manageError && !failure) {
    const diff = pods.length - (rs.spec?.replicas ?? 1);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    conditions.push({ type: 'ReplicaFailure', status: 'True', lastTransitionTime: rfc3339(new Date(nowMs)), reason, message: (manageError as Error).message ?? String(manageError) });
    status.conditions = conditions;
  } else if (!manageError && failure) {
    const rest = conditions.filter((c) => c.type !== 'ReplicaFailure');
    if (rest.length) status.conditions = rest;
    else delete status.conditions;
  }
  status.replicas = pods.length;
  status.fullyLabeledReplicas = full;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  return status;
}

/** Nothing to write: same counts, same conditions, and the current generation already observed. */
export function replicaSetStatusEqual(rs: KObject, status: KObject): boolean {
  const s = rs.status ?? {};
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return (
    n(s.replicas) === n(status.replicas) &&
    n(s.fullyLabeledReplicas) === n(status.fullyLabeledReplicas) &&
    n(s.readyReplicas) === n(status.readyReplicas) &&
    n(s.availableReplicas) === n(status.availableReplicas) &&
    n(rs.metadata?.generation) === n(s.observedGeneration) &&
    JSON.stringify(s.conditions ?? []) === JSON.stringify(status.conditions ?? [])
  );
}
