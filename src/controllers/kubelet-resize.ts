// What a v1.33 kubelet does with an accepted pods/resize: allocate it when the node has room (PodResizeInProgress
// until the containers run with it), else report PodResizePending (Infeasible: never fits; Deferred: not now).
import type { KObject } from '../client/types.js';
import { parseQty } from '../apimachinery/quantity-math.js';

/** The resources a running container reports in its status: what it was given (cpu and memory, and any other request). */
export function statusResources(c: KObject): KObject {
  const r = c.resources ?? {};
  const out: KObject = {};
  if (r.limits && Object.keys(r.limits).length) out.limits = { ...r.limits };
  if (r.requests && Object.keys(r.requests).length) out.requests = { ...r.requests };
  return out;
}

const RESIZE_CONDITIONS = new Set(['PodResizePending', 'PodResizeInProgress']);

const canon = (v: unknown) => (v === undefined ? undefined : parseQty(v)?.nano);

/** Whether a container's spec asks for another request or limit of resource r than its status shows it has. */
function resourceChanged(spec: KObject | undefined, status: KObject | undefined, r: string): boolean {
  return canon(spec?.requests?.[r]) !== canon(status?.requests?.[r]) || canon(spec?.limits?.[r]) !== canon(status?.limits?.[r]);
}

/** Whether a running container's spec asks for other cpu/memory than its status shows it has. */
function differs(c: KObject, st: KObject | undefined): boolean {
  if (!st?.state?.running) return false;
  return resourceChanged(c.resources, st.resources, 'cpu') || resourceChanged(c.resources, st.resources, 'memory');
}

/** The pod's containers whose resize the kubelet has not actuated yet. */
export function resizeWanted(pod: KObject): boolean {
  if (pod.status?.phase !== 'Running') return false;
  if (((pod.status.conditions ?? []) as KObject[]).some((c) => RESIZE_CONDITIONS.has(c.type))) return true;
  const st = new Map(((pod.status.containerStatuses ?? []) as KObject[]).map((s) => [s.name, s]));
  return ((pod.spec?.containers ?? []) as KObject[]).some((c) => differs(c, st.get(c.name)));
}

/** A pod's request of one resource as the kubelet's admission sums it (containers, the largest init container, overhead). */
function podRequest(pod: KObject, r: 'cpu' | 'memory'): bigint {
  const of = (c: KObject) => parseQty(c.resources?.requests?.[r])?.nano ?? 0n;
  let sum = 0n;
  for (const c of pod.spec?.containers ?? []) sum += of(c);
  for (const c of pod.spec?.initContainers ?? []) if (c.restartPolicy === 'Always') sum += of(c);
  let init = 0n;
  for (const c of pod.spec?.initContainers ?? []) if (c.restartPolicy !== 'Always' && of(c) > init) init = of(c);
  if (init > sum) sum = init;
  return sum + (parseQty(pod.spec?.overhead?.[r])?.nano ?? 0n);
}

// cpu in millicores, memory in bytes: the units of the kubelet's messages
const units = (r: 'cpu' | 'memory', nano: bigint) => (r === 'cpu' ? (nano + 999_999n) / 1_000_000n : (nano + 999_999_999n) / 1_000_000_000n);

export type ResizeVerdict = { fits: true } | { fits: false; reason: 'Infeasible' | 'Deferred'; message: string };

/** canResizePod: against the node's allocatable (Infeasible), then against what the other pods on it request (Deferred). */
export function canResize(pod: KObject, node: KObject, others: KObject[]): ResizeVerdict {
  const alloc = node.status?.allocatable ?? {};
  const cap = { cpu: units('cpu', parseQty(alloc.cpu)?.nano ?? 0n), memory: units('memory', parseQty(alloc.memory)?.nano ?? 0n) };
  const req = { cpu: units('cpu', podRequest(pod, 'cpu')), memory: units('memory', podRequest(pod, 'memory')) };
  if (req.memory > cap.memory) return { fits: false, reason: 'Infeasible', message: `Node didn't have enough capacity: memory, requested: ${req.memory}, capacity: ${cap.memory}` };
  if (req.cpu > cap.cpu) return { fits: false, reason: 'Infeasible', message: `Node didn't have enough capacity: cpu, requested: ${req.cpu}, capacity: ${cap.cpu}` };
  for (const r of ['cpu', 'memory'] as const) {
    let used = 0n;
    for (const o of others) used += units(r, podRequest(o, r));
    if (req[r] + used > cap[r]) return { fits: false, reason: 'Deferred', message: `Node didn't have enough resource: ${r}, requested: ${req[r]}, used: ${used}, capacity: ${cap[r]}` };
  }
  return { fits: true };
}

/** The status once the resize is actuated: new resources, restarts where resizePolicy asks, no resize conditions. */
export function actuatedStatus(pod: KObject, now: string): KObject {
  const specs = new Map(((pod.spec.containers ?? []) as KObject[]).map((c) => [c.name, c]));
  const containerStatuses = ((pod.status.containerStatuses ?? []) as KObject[]).map((st) => {
    const c = specs.get(st.name);
    if (!c || !differs(c, st)) return st;
    const next = { ...st, resources: statusResources(c) };
    const restart = ((c.resizePolicy ?? []) as KObject[]).some((p) => p.restartPolicy === 'RestartContainer' && resourceChanged(c.resources, st.resources, p.resourceName));
    if (!restart) return next;
    const started = st.state?.running?.startedAt ?? now;
    return { ...next, state: { running: { startedAt: now } }, lastState: { terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: now, containerID: st.containerID } }, restartCount: (st.restartCount ?? 0) + 1 };
  });
  return { ...pod.status, conditions: (pod.status.conditions ?? []).filter((c: KObject) => !RESIZE_CONDITIONS.has(c.type)), containerStatuses };
}

/** The status once the kubelet has allocated the resize and is applying it: PodResizeInProgress, no longer pending. */
export function inProgressStatus(pod: KObject, now: string): KObject {
  const conditions = ((pod.status.conditions ?? []) as KObject[]).filter((c) => !RESIZE_CONDITIONS.has(c.type));
  return { ...pod.status, conditions: [...conditions, { type: 'PodResizeInProgress', status: 'True', lastProbeTime: null, lastTransitionTime: now }] };
}

/** The status with PodResizePending set to the verdict (its transition time kept while reason and message stay). */
export function pendingStatus(pod: KObject, reason: string, message: string, now: string): KObject {
  const conditions = ((pod.status.conditions ?? []) as KObject[]).filter((c) => c.type !== 'PodResizeInProgress');
  const prev = conditions.find((c) => c.type === 'PodResizePending');
  const cond = { type: 'PodResizePending', status: 'True', lastProbeTime: null, lastTransitionTime: prev && prev.reason === reason && prev.message === message ? prev.lastTransitionTime : now, reason, message };
  return { ...pod.status, conditions: [...conditions.filter((c) => c.type !== 'PodResizePending'), cond] };
}
