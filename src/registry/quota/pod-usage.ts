// The pod evaluator of upstream's quota: what a pod charges (object count, and compute resources while it
// is not terminal), the scopes it falls in, and the requests or limits a quota forces each container to set.
import { qty } from '../../apimachinery/quantity-math.js';
import type { KObject } from '../types.js';
import { addLists, fromJSON, maxLists, type ResourceList } from './resource-list.js';

const STANDARD = new Set(['cpu', 'memory', 'ephemeral-storage', 'storage', 'pods']);
// quota on these makes every container state them (a mistake upstream keeps for compatibility)
const VALIDATION_SET = ['cpu', 'memory', 'requests.cpu', 'requests.memory', 'limits.cpu', 'limits.memory'];

export const POD_RESOURCES = new Set(['pods', 'count/pods', 'cpu', 'memory', 'ephemeral-storage', 'requests.cpu', 'requests.memory', 'requests.ephemeral-storage', 'limits.cpu', 'limits.memory', 'limits.ephemeral-storage']);

/** Quota names the pod evaluator charges: the standard ones, hugepages, and extended resources' requests. */
export function isPodResource(name: string): boolean {
  if (POD_RESOURCES.has(name) || name.startsWith('hugepages-') || name.startsWith('requests.hugepages-')) return true;
  return name.startsWith('requests.') && name.includes('/') && !name.includes('.storageclass.storage.k8s.io/');
}

const isExtended = (name: string) => !STANDARD.has(name) && !name.startsWith('hugepages-') && name.includes('/') && !name.startsWith('kubernetes.io/') && !name.startsWith('requests.');

/** Upstream's podComputeUsageHelper: requests and limits named as quota names them. */
export function computeUsage(requests: ResourceList, limits: ResourceList): ResourceList {
  const out: ResourceList = new Map([['pods', qty(1)]]);
  for (const r of ['cpu', 'memory', 'ephemeral-storage']) {
    const req = requests.get(r);
    if (req) {
      out.set(r, req);
      out.set(`requests.${r}`, req);
    }
    const lim = limits.get(r);
    if (lim) out.set(`limits.${r}`, lim);
  }
  for (const [r, q] of requests) {
    if (r.startsWith('hugepages-')) {
      out.set(r, q);
      out.set(`requests.${r}`, q);
    } else if (isExtended(r)) out.set(`requests.${r}`, q);
  }
  return out;
}

interface Container {
  name: string;
  restartPolicy?: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

/**
 * A container's requests with in-place resize (UseStatusResources): the larger of spec and what its status says it
 * runs with, or only the latter while the resize is Infeasible.
 */
function requestsWithStatus(pod: KObject, c: Container): ResourceList {
  const spec = fromJSON(c.resources?.requests);
  const st = ((pod.status?.containerStatuses ?? []) as KObject[]).find((s) => s.name === c.name)?.resources?.requests;
  if (!st) return spec;
  if (((pod.status?.conditions ?? []) as KObject[]).some((x) => x.type === 'PodResizePending' && x.reason === 'Infeasible')) return fromJSON(st);
  return maxLists(spec, fromJSON(st));
}

/** resourcehelper.PodRequests/PodLimits: containers summed, init containers as a maximum, sidecars added, overhead on top. */
export function podTotal(pod: KObject, which: 'requests' | 'limits', overhead = true, withStatus = false): ResourceList {
  let sum: ResourceList = new Map();
  for (const c of (pod.spec?.containers ?? []) as Container[]) sum = addLists(sum, withStatus && which === 'requests' ? requestsWithStatus(pod, c) : fromJSON(c.resources?.[which]));
  let sidecars: ResourceList = new Map();
  let init: ResourceList = new Map();
  for (const c of (pod.spec?.initContainers ?? []) as Container[]) {
    const own = fromJSON(c.resources?.[which]);
    if (c.restartPolicy === 'Always') {
      sum = addLists(sum, own);
      sidecars = addLists(sidecars, own);
      init = maxLists(init, sidecars);
    } else init = maxLists(init, addLists(own, sidecars));
  }
  sum = maxLists(sum, init);
  if (overhead && pod.spec?.overhead) sum = addLists(sum, fromJSON(pod.spec.overhead));
  return sum;
}

/** Whether the pod's compute resources count (upstream's QuotaV1Pod): not terminal, not past its grace period. */
export function podCountsCompute(pod: KObject, now = Date.now()): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  const ts = pod.metadata?.deletionTimestamp;
  if (ts && pod.metadata.deletionGracePeriodSeconds !== undefined) {
    if (now > Date.parse(ts) + pod.metadata.deletionGracePeriodSeconds * 1000) return false;
  }
  return true;
}

export function podUsage(pod: KObject, now = Date.now()): ResourceList {
  const out: ResourceList = new Map([['count/pods', qty(1)]]);
  if (!podCountsCompute(pod, now)) return out;
  return addLists(out, computeUsage(podTotal(pod, 'requests', true, true), podTotal(pod, 'limits')));
}

export function isBestEffort(pod: KObject): boolean {
  const all = [...((pod.spec?.containers ?? []) as Container[]), ...((pod.spec?.initContainers ?? []) as Container[])];
  for (const c of all) {
    for (const which of ['requests', 'limits'] as const) {
      for (const [r, q] of fromJSON(c.resources?.[which])) if ((r === 'cpu' || r === 'memory') && q.nano !== 0n) return false;
    }
  }
  return true;
}

/** The `must specify …` error of the pod evaluator's Constraints, or undefined when every container complies. */
export function podConstraints(required: Iterable<string>, pod: KObject): string | undefined {
  const requiredSet = new Set([...required].filter((r) => VALIDATION_SET.includes(r)));
  if (requiredSet.size === 0) return undefined;
  const missing = new Map<string, Set<string>>();
  for (const c of [...((pod.spec?.containers ?? []) as Container[]), ...((pod.spec?.initContainers ?? []) as Container[])]) {
    const has = computeUsage(fromJSON(c.resources?.requests), fromJSON(c.resources?.limits));
    for (const r of requiredSet) if (!has.has(r)) missing.set(r, (missing.get(r) ?? new Set()).add(c.name));
  }
  if (missing.size === 0) return undefined;
  const parts = [...missing.keys()].sort().map((r) => `${r} for: ${[...missing.get(r)!].sort().join(',')}`);
  return `must specify ${parts.join('; ')}`;
}
