// The scheduler's NodeResourcesFit filter: a pod's requests (containers summed, init containers at their
// largest, plus overhead) against a node's allocatable less what the pods already on it request, and the
// node's pod count; failures in the scheduler's words (`Too many pods`, `Insufficient cpu`, ...). Also the
// scores: NodeResourcesFit's LeastAllocated and NodeResourcesBalancedAllocation over cpu and memory.
import type { KObject } from '../client/types.js';
import { quantityValue } from '../registry/resources/common.js';

export type Resources = Map<string, number>;

function add(into: Resources, from: Record<string, unknown> | undefined, scale = 1): void {
  for (const [k, v] of Object.entries(from ?? {})) into.set(k, (into.get(k) ?? 0) + quantityValue(v) * scale);
}

// informer objects are replaced, never changed, on update: a pod's requests are worked out once per version
// (the scheduler sums every placed pod's on each attempt)
const computed = new WeakMap<KObject, Resources>();

/**
 * A container's requests with in-place resize: the larger of spec and status (what it runs with), or only
 * the status while the resize is Infeasible (upstream's determineContainerReqs).
 */
function containerRequests(pod: KObject, c: KObject): Record<string, unknown> | undefined {
  const st = ((pod.status?.containerStatuses ?? []) as KObject[]).find((s) => s.name === c.name)?.resources?.requests;
  if (!st) return c.resources?.requests;
  if (((pod.status?.conditions ?? []) as KObject[]).some((x) => x.type === 'PodResizePending' && x.reason === 'Infeasible')) return st;
  const out: Record<string, unknown> = { ...(c.resources?.requests ?? {}) };
  for (const [k, v] of Object.entries(st)) if (out[k] === undefined || quantityValue(v) > quantityValue(out[k])) out[k] = v;
  return out;
}

/** What a pod asks of a node (upstream's computePodResourceRequest). */
export function podRequests(pod: KObject): Resources {
  let sum = computed.get(pod);
  if (sum) return sum;
  sum = new Map();
  computed.set(pod, sum);
  for (const c of pod.spec?.containers ?? []) add(sum, containerRequests(pod, c));
  for (const c of pod.spec?.initContainers ?? []) {
    const one: Resources = new Map();
    add(one, c.resources?.requests);
    for (const [k, v] of one) if (v > (sum.get(k) ?? 0)) sum.set(k, v);
  }
  add(sum, pod.spec?.overhead);
  return sum;
}

/** Upstream's defaults for a container that requests no cpu or memory, used only when scoring. */
const DEFAULT_MILLI_CPU = 100;
const DEFAULT_MEMORY = 200 * 1024 * 1024;

export interface NonZero {
  milliCpu: number;
  memory: number;
}

const nonZeroComputed = new WeakMap<KObject, NonZero>();

/** The pod's cpu (millicores) and memory with upstream's non-zero defaults per container (GetNonzeroRequests). */
export function nonZeroRequests(pod: KObject): NonZero {
  let r = nonZeroComputed.get(pod);
  if (r) return r;
  const one = (c: KObject): NonZero => {
    const req = c.resources?.requests ?? {};
    return { milliCpu: req.cpu === undefined ? DEFAULT_MILLI_CPU : Math.round(quantityValue(req.cpu) * 1000), memory: req.memory === undefined ? DEFAULT_MEMORY : quantityValue(req.memory) };
  };
  r = { milliCpu: 0, memory: 0 };
  for (const c of pod.spec?.containers ?? []) {
    const x = one(c);
    r.milliCpu += x.milliCpu;
    r.memory += x.memory;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    const x = one(c);
    r.milliCpu = Math.max(r.milliCpu, x.milliCpu);
    r.memory = Math.max(r.memory, x.memory);
  }
  const overhead = pod.spec?.overhead ?? {};
  if (overhead.cpu !== undefined) r.milliCpu += Math.round(quantityValue(overhead.cpu) * 1000);
  if (overhead.memory !== undefined) r.memory += quantityValue(overhead.memory);
  nonZeroComputed.set(pod, r);
  return r;
}

const terminal = (p: KObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** Requests of the pods on each node (terminal pods free what they held). */
export interface Usage {
  pods: number;
  requests: Resources;
  nonZero: NonZero;
}

export function emptyUsage(): Usage {
  return { pods: 0, requests: new Map(), nonZero: { milliCpu: 0, memory: 0 } };
}

/** Counts one more (sign 1) or one fewer (sign -1) pod into a node's usage. */
export function addUsage(u: Usage, p: KObject, sign = 1): void {
  u.pods += sign;
  for (const [k, v] of podRequests(p)) u.requests.set(k, (u.requests.get(k) ?? 0) + v * sign);
  const nz = nonZeroRequests(p);
  u.nonZero.milliCpu += nz.milliCpu * sign;
  u.nonZero.memory += nz.memory * sign;
}

export function nodeUsage(pods: KObject[]): Map<string, Usage> {
  const out = new Map<string, Usage>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || terminal(p)) continue;
    let u = out.get(node);
    if (!u) out.set(node, (u = emptyUsage()));
    addUsage(u, p);
  }
  return out;
}

const allocatables = new WeakMap<object, NonZero>();
const allocatable = (node: KObject): NonZero => {
  const a: Record<string, unknown> = node.status?.allocatable ?? {};
  let r = allocatables.get(a);
  if (!r) allocatables.set(a, (r = { milliCpu: a.cpu === undefined ? 0 : Math.round(quantityValue(a.cpu) * 1000), memory: a.memory === undefined ? 0 : quantityValue(a.memory) }));
  return r;
};

/** Upstream's leastRequestedScore, integer maths as int64. */
function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * 100) / capacity);
}

/** NodeResourcesFit's LeastAllocated score (cpu and memory, weight 1 each) with the incoming pod counted. */
export function leastAllocatedScore(pod: KObject, node: KObject, used: Usage | undefined): number {
  const cap = allocatable(node);
  const nz = nonZeroRequests(pod);
  const weights = (cap.milliCpu ? 1 : 0) + (cap.memory ? 1 : 0);
  const score = (cap.milliCpu ? leastRequested((used?.nonZero.milliCpu ?? 0) + nz.milliCpu, cap.milliCpu) : 0) + (cap.memory ? leastRequested((used?.nonZero.memory ?? 0) + nz.memory, cap.memory) : 0);
  return weights ? Math.floor(score / weights) : 0;
}

/** Whether NodeResourcesBalancedAllocation skips the pod: it requests neither cpu nor memory. */
export function bestEffortForBalance(pod: KObject): boolean {
  const r = podRequests(pod);
  return !(r.get('cpu') ?? 0) && !(r.get('memory') ?? 0);
}

/** NodeResourcesBalancedAllocation: 100 × (1 − the spread of the cpu and memory fractions), requests as asked. */
export function balancedAllocationScore(pod: KObject, node: KObject, used: Usage | undefined): number {
  const cap = allocatable(node);
  const r = podRequests(pod);
  const cpu = Math.round(((used?.requests.get('cpu') ?? 0) + (r.get('cpu') ?? 0)) * 1000);
  const mem = (used?.requests.get('memory') ?? 0) + (r.get('memory') ?? 0);
  const fractions: number[] = [];
  if (cap.milliCpu) fractions.push(Math.min(1, cpu / cap.milliCpu));
  if (cap.memory) fractions.push(Math.min(1, mem / cap.memory));
  const std = fractions.length === 2 ? Math.abs((fractions[0]! - fractions[1]!) / 2) : 0;
  return Math.trunc((1 - std) * 100);
}

/** The reasons a node cannot take the pod for lack of room, in upstream's order; empty when it fits. */
const parsedAllocatable = new WeakMap<object, Map<string, number>>();
function allocatableOf(node: KObject): Map<string, number> {
  const alloc: Record<string, unknown> = node.status?.allocatable ?? {};
  let m = parsedAllocatable.get(alloc);
  if (!m) parsedAllocatable.set(alloc, (m = new Map(Object.entries(alloc).map(([k, v]) => [k, quantityValue(v)]))));
  return m;
}

const ORDER = ['cpu', 'memory', 'ephemeral-storage'];
const orders = new WeakMap<Resources, string[]>();
/** The resources in the order upstream checks them: cpu, memory, ephemeral-storage, then the rest by name. */
function orderOf(requests: Resources): string[] {
  let o = orders.get(requests);
  if (!o) orders.set(requests, (o = [...ORDER, ...[...requests.keys()].filter((k) => !ORDER.includes(k) && k !== 'pods').sort()]));
  return o;
}

export function insufficient(requests: Resources, node: KObject, used: Usage | undefined): string[] {
  const alloc = allocatableOf(node);
  const reasons: string[] = [];
  const pods = alloc.get('pods');
  if (pods !== undefined && (used?.pods ?? 0) + 1 > pods) reasons.push('Too many pods');
  for (const r of orderOf(requests)) {
    const want = requests.get(r) ?? 0;
    if (want <= 0) continue;
    const have = alloc.get(r) ?? 0;
    // a small slack: quantities are compared as floating-point numbers
    if ((used?.requests.get(r) ?? 0) + want > have * (1 + 1e-12)) reasons.push(`Insufficient ${r}`);
  }
  return reasons;
}
