// What one DaemonSet sync does, as pure functions over nodes and the daemon pods on each: the manage step
// (a pod on every node that should run one, none elsewhere, failed and duplicate pods removed), the rolling
// update (maxUnavailable deletes, or maxSurge creates beside old pods), and the status counts.
import type { KObject } from '../client/types.js';
import { nodeShouldRunDaemonPod, podUpdated } from './daemonset-nodes.js';
import { isPodAvailable as podAvailable, isPodReady as podReady } from './replicaset-pods.js';

export interface Plan {
  /** Nodes that get a new daemon pod. */
  create: string[];
  /** Pod names to delete. */
  delete: string[];
}

export interface DaemonView {
  ds: KObject;
  /** The template spec with the daemon tolerations. */
  spec: KObject;
  nodes: KObject[];
  podsByNode: Map<string, KObject[]>;
  hash: string;
  generation: string | undefined;
  now: number;
}

const surge = (ds: KObject) => ds.spec?.updateStrategy?.type === 'RollingUpdate' && scaled(ds.spec.updateStrategy.rollingUpdate?.maxSurge, 1) > 0;
/** podByCreationTimestampAndPhase: scheduled pods first, then oldest, then by name. */
const oldestFirst = (a: KObject, b: KObject) => {
  const bound = (p: KObject) => (p.spec?.nodeName ? 0 : 1);
  const ta = Date.parse(a.metadata.creationTimestamp);
  const tb = Date.parse(b.metadata.creationTimestamp);
  return bound(a) - bound(b) || ta - tb || (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0);
};

/** intstr.GetScaledValueFromIntOrPercent rounding up. */
export function scaled(v: unknown, total: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.endsWith('%')) return Math.ceil((Number(v.slice(0, -1)) * total) / 100);
  return 0;
}

const available = (v: DaemonView, p: KObject) => podAvailable(p, v.ds.spec?.minReadySeconds ?? 0, v.now);

/** podsShouldBeOnNode for every node: creates where a pod is missing, deletes where one should not be. */
export function managePlan(v: DaemonView): Plan {
  const plan: Plan = { create: [], delete: [] };
  const nodeNames = new Set(v.nodes.map((n) => n.metadata.name));
  for (const node of v.nodes) {
    const pods = v.podsByNode.get(node.metadata.name) ?? [];
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, v.spec);
    if (shouldRun && pods.length === 0) plan.create.push(node.metadata.name);
    else if (shouldContinueRunning) {
      const running: KObject[] = [];
      for (const p of pods) {
        if (p.metadata.deletionTimestamp) continue;
        if (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded') plan.delete.push(p.metadata.name);
        else running.push(p);
      }
      if (running.length <= 1) continue;
      running.sort(oldestFirst);
      if (!surge(v.ds)) {
        plan.delete.push(...running.slice(1).map((p) => p.metadata.name));
        continue;
      }
      // surging: one old and one new pod may share a node until the new one is available
      let oldestNew: KObject | undefined;
      let oldestOld: KObject | undefined;
      for (const p of running) {
        if (p.metadata.labels?.['controller-revision-hash'] === v.hash) {
          if (!oldestNew) oldestNew = p;
          else plan.delete.push(p.metadata.name);
        } else if (!oldestOld) oldestOld = p;
        else plan.delete.push(p.metadata.name);
      }
      if (oldestNew && oldestOld && (!podReady(oldestOld) || available(v, oldestNew))) plan.delete.push(oldestOld.metadata.name);
    } else for (const p of pods) if (!p.metadata.deletionTimestamp) plan.delete.push(p.metadata.name);
  }
  // unscheduled pods pinned to nodes that no longer exist (bound ones are the pod garbage collector's)
  for (const [node, pods] of v.podsByNode) if (!nodeNames.has(node)) for (const p of pods) if (!p.spec?.nodeName) plan.delete.push(p.metadata.name);
  return plan;
}

/** findUpdatedPodsOnNode: at most one new and one old live pod, else not ok. */
function updatedOnNode(v: DaemonView, pods: KObject[]): { newPod?: KObject; oldPod?: KObject; ok: boolean } {
  let newPod: KObject | undefined;
  let oldPod: KObject | undefined;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    if (podUpdated(p, v.hash, v.generation)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok: true };
}

export function desiredNumberScheduled(v: DaemonView): number {
  return v.nodes.filter((n) => nodeShouldRunDaemonPod(n, v.spec).shouldRun).length;
}

/** The rolling update step (update.go rollingUpdate). */
export function rollingUpdatePlan(v: DaemonView): Plan {
  const desired = desiredNumberScheduled(v);
  const ru = v.ds.spec?.updateStrategy?.rollingUpdate ?? {};
  const maxSurge = scaled(ru.maxSurge, desired);
  let maxUnavailable = scaled(ru.maxUnavailable ?? 1, desired);
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  const nodesByName = new Map(v.nodes.map((n) => [n.metadata.name, n]));
  const shouldRun = (name: string) => {
    const n = nodesByName.get(name);
    return !!n && nodeShouldRunDaemonPod(n, v.spec).shouldRun;
  };
  if (maxSurge === 0) {
    let unavailable = 0;
    const replace: string[] = [];
    const candidates: string[] = [];
    for (const pods of v.podsByNode.values()) {
      const { newPod, oldPod, ok } = updatedOnNode(v, pods);
      if (!ok || (!oldPod && !newPod) || (oldPod && newPod)) unavailable++;
      else if (newPod) {
        if (!available(v, newPod)) unavailable++;
      } else if (!available(v, oldPod!)) replace.push(oldPod!.metadata.name);
      else if (unavailable < maxUnavailable) candidates.push(oldPod!.metadata.name);
    }
    const room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.length);
    return { create: [], delete: [...replace, ...candidates.slice(0, room)] };
  }
  const del: string[] = [];
  const notRun: string[] = [];
  const allowed: string[] = [];
  const candidates: string[] = [];
  let numSurge = 0;
  let numAvailable = 0;
  for (const [node, pods] of v.podsByNode) {
    const { newPod, oldPod, ok } = updatedOnNode(v, pods);
    if (!ok) continue;
    if (oldPod ? available(v, oldPod) : newPod && available(v, newPod)) numAvailable++;
    if (!oldPod) continue;
    if (!newPod) {
      if (!available(v, oldPod)) {
        if (!shouldRun(node)) del.push(oldPod.metadata.name);
        else allowed.push(node);
      } else if (!shouldRun(node)) notRun.push(oldPod.metadata.name);
      else if (numSurge < maxSurge) candidates.push(node);
    } else if (!available(v, newPod)) numSurge++;
    else del.push(oldPod.metadata.name);
  }
  const deletable = Math.min(numAvailable - desired, notRun.length);
  if (deletable > 0) del.push(...notRun.slice(0, deletable));
  const room = Math.min(Math.max(0, maxSurge - numSurge), candidates.length);
  return { create: [...allowed, ...candidates.slice(0, room)], delete: del };
}

/** updateDaemonSetStatus's counts, from the oldest pod on each node. */
export function daemonStatus(v: DaemonView): KObject {
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let avail = 0;
  let updated = 0;
  for (const node of v.nodes) {
    const pods = [...(v.podsByNode.get(node.metadata.name) ?? [])].filter((p) => !(p.metadata.deletionTimestamp && (p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded')));
    if (!nodeShouldRunDaemonPod(node, v.spec).shouldRun) {
      if (pods.length) misscheduled++;
      continue;
    }
    desired++;
    if (!pods.length) continue;
    current++;
    const pod = pods.sort(oldestFirst)[0]!;
    if (podReady(pod)) {
      ready++;
      if (available(v, pod)) avail++;
    }
    if (podUpdated(pod, v.hash, v.generation)) updated++;
  }
  return { currentNumberScheduled: current, numberMisscheduled: misscheduled, desiredNumberScheduled: desired, numberReady: ready, observedGeneration: v.ds.metadata.generation, updatedNumberScheduled: updated, numberAvailable: avail, numberUnavailable: desired - avail };
}
