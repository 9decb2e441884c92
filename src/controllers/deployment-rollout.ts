// The two rollout strategies of the deployment controller (rolling.go, recreate.go) and the progress
// bookkeeping that follows every step (progress.go: Progressing condition, deadline, ReplicaFailure).
import type { KObject } from '../client/types.js';
import type { DeploymentController } from './deployment.js';
import * as u from './deployment-util.js';

export async function rolloutRolling(dc: DeploymentController, d: KObject, sets: KObject[]): Promise<void> {
  const { newRS, olds } = await dc.newAndOldSets(d, sets, true);
  const all = [...olds, newRS!];
  if (await reconcileNewReplicaSet(dc, all, newRS!, d)) return syncRolloutStatus(dc, all, newRS, d);
  if (await reconcileOldReplicaSets(dc, all, u.activeSets(olds), newRS!, d)) return syncRolloutStatus(dc, all, newRS, d);
  if (u.deploymentComplete(d, d.status ?? {})) await dc.cleanupDeployment(olds, d);
  return syncRolloutStatus(dc, all, newRS, d);
}

async function reconcileNewReplicaSet(dc: DeploymentController, all: KObject[], newRS: KObject, d: KObject): Promise<boolean> {
  const want = u.replicas(d);
  if (u.replicas(newRS) === want) return false;
  if (u.replicas(newRS) > want) return (await dc.scaleAndRecord(newRS, want, d)).scaled;
  return (await dc.scaleAndRecord(newRS, u.newRSNewReplicas(d, all, newRS), d)).scaled;
}

/** Scale old sets down as far as maxUnavailable allows, unhealthy replicas first. */
async function reconcileOldReplicaSets(dc: DeploymentController, all: KObject[], olds: KObject[], newRS: KObject, d: KObject): Promise<boolean> {
  if (u.specReplicaCount(olds) === 0) return false;
  const minAvailable = u.replicas(d) - u.maxUnavailable(d);
  const newUnavailable = u.replicas(newRS) - (newRS.status?.availableReplicas ?? 0);
  const maxScaledDown = u.specReplicaCount(all) - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const { sets, count: cleaned } = await cleanupUnhealthyReplicas(dc, olds, d, maxScaledDown);
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(dc, [...sets, newRS], sets, d);
  return cleaned + scaledDown > 0;
}

async function cleanupUnhealthyReplicas(dc: DeploymentController, olds: KObject[], d: KObject, max: number): Promise<{ sets: KObject[]; count: number }> {
  const sets = [...olds].sort(u.byCreation);
  let total = 0;
  for (const [i, rs] of sets.entries()) {
    if (total >= max) break;
    const available = rs.status?.availableReplicas ?? 0;
    if (u.replicas(rs) === 0 || u.replicas(rs) === available) continue;
    const n = Math.min(max - total, u.replicas(rs) - available);
    sets[i] = (await dc.scaleAndRecord(rs, u.replicas(rs) - n, d)).rs;
    total += n;
  }
  return { sets, count: total };
}

async function scaleDownOldReplicaSetsForRollingUpdate(dc: DeploymentController, all: KObject[], olds: KObject[], d: KObject): Promise<number> {
  const minAvailable = u.replicas(d) - u.maxUnavailable(d);
  const available = u.availableReplicaCount(all);
  if (available <= minAvailable) return 0;
  const toScaleDown = available - minAvailable;
  let total = 0;
  for (const rs of [...olds].sort(u.byCreation)) {
    if (total >= toScaleDown) break;
    if (u.replicas(rs) === 0) continue;
    const n = Math.min(u.replicas(rs), toScaleDown - total);
    await dc.scaleAndRecord(rs, u.replicas(rs) - n, d);
    total += n;
  }
  return total;
}

export async function rolloutRecreate(dc: DeploymentController, d: KObject, sets: KObject[], podMap: Map<string, KObject[]>): Promise<void> {
  let { newRS, olds } = await dc.newAndOldSets(d, sets, false);
  let all = [...olds, newRS];
  let scaledDown = false;
  for (const rs of u.activeSets(olds)) if ((await dc.scaleAndRecord(rs, 0, d)).scaled) scaledDown = true;
  if (scaledDown) return syncRolloutStatus(dc, all, newRS, d);
  if (oldPodsRunning(newRS, olds, podMap)) return syncRolloutStatus(dc, all, newRS, d);
  if (!newRS) {
    ({ newRS, olds } = await dc.newAndOldSets(d, sets, true));
    all = [...olds, newRS];
  }
  await dc.scaleAndRecord(newRS!, u.replicas(d), d);
  if (u.deploymentComplete(d, d.status ?? {})) await dc.cleanupDeployment(olds, d);
  return syncRolloutStatus(dc, all, newRS, d);
}

/** Old sets still report replicas, or some pod of theirs is not in a terminal phase. */
function oldPodsRunning(newRS: KObject | undefined, olds: KObject[], podMap: Map<string, KObject[]>): boolean {
  if (u.actualReplicaCount(olds) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    if (pods.some((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded')) return true;
  }
  return false;
}

/** ReplicaFailure of the new set first, else of any set, as a deployment condition. */
function replicaFailure(all: (KObject | undefined)[], newRS: KObject | undefined): u.DeploymentCondition | undefined {
  for (const rs of [newRS, ...all]) {
    const c = (rs?.status?.conditions ?? []).find((x: KObject) => x.type === 'ReplicaFailure');
    if (c) return { type: 'ReplicaFailure', status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime, reason: c.reason, message: c.message };
  }
  return undefined;
}

export async function syncRolloutStatus(dc: DeploymentController, all: (KObject | undefined)[], newRS: KObject | undefined, d: KObject, nowMs = Date.now()): Promise<void> {
  const status = u.calculateStatus(all, newRS, d, nowMs);
  if (!u.hasProgressDeadline(d)) u.removeCondition(status, 'Progressing');
  const current = u.getCondition(d.status, 'Progressing');
  const complete = status.replicas === status.updatedReplicas && current?.reason === 'NewReplicaSetAvailable';
  if (u.hasProgressDeadline(d) && !complete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (u.deploymentComplete(d, status)) {
      u.setCondition(status, u.newCondition('Progressing', 'True', 'NewReplicaSetAvailable', `${subject} has successfully progressed.`, nowMs));
    } else if (u.deploymentProgressing(d, status)) {
      // progress refreshes lastUpdateTime even with the same reason
      const c = u.newCondition('Progressing', 'True', 'ReplicaSetUpdated', `${subject} is progressing.`, nowMs);
      if (current) {
        if (current.status === 'True') c.lastTransitionTime = current.lastTransitionTime;
        u.removeCondition(status, 'Progressing');
      }
      u.setCondition(status, c);
    } else if (u.deploymentTimedOut(d, status, nowMs)) {
      u.setCondition(status, u.newCondition('Progressing', 'False', 'ProgressDeadlineExceeded', `${subject} has timed out progressing.`, nowMs));
    }
  }
  const failure = replicaFailure(all, newRS);
  if (failure) u.setCondition(status, failure);
  else if (u.getCondition(status, 'ReplicaFailure')) u.removeCondition(status, 'ReplicaFailure');
  if (u.sameStatus(status, d.status)) {
    requeueStuckDeployment(dc, d, status, nowMs);
    return;
  }
  await dc.updateStatus(d, status);
}

/** A rollout without progress is looked at again when its deadline passes. */
function requeueStuckDeployment(dc: DeploymentController, d: KObject, status: KObject, nowMs: number): void {
  const current = u.getCondition(d.status, 'Progressing');
  if (!u.hasProgressDeadline(d) || !current) return;
  if (u.deploymentComplete(d, status) || current.reason === 'ProgressDeadlineExceeded') return;
  dc.requeueAfter(d, Date.parse(current.lastUpdateTime) + d.spec.progressDeadlineSeconds * 1000 - nowMs);
}
