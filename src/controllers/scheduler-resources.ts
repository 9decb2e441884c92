// The scheduler's NodeResourcesFit filter: a pod's requests (containers summed, init containers at their
// largest, plus overhead) against a node's allocatable less what the pods already on it request, and the
// node's pod count; failures in the scheduler's words (`Too many pods`, `Insufficient cpu`, ...).
import type { KObject } from '../client/types.js';
import { quantityValue } from '../registry/resources/common.js';

export type Resources = Map<string, number>;

function add(into: Resources, from: Record<string, unknown> | undefined, scale = 1): void {
  for (const [k, v] of Object.entries(from ?? {})) into.set(k, (into.get(k) ?? 0) + quantityValue(v) * scale);
}

// informer objects are replaced, never changed, on update: a pod's requests are worked out once per version
// (the scheduler sums every placed pod's on each attempt)
const computed = new WeakMap<KObject, Resources>();

/** What a pod asks of a node (upstream's computePodResourceRequest). */
export function podRequests(pod: KObject): Resources {
  let sum = computed.get(pod);
  if (sum) return sum;
  sum = new Map();
  computed.set(pod, sum);
  for (const c of pod.spec?.containers ?? []) add(sum, c.resources?.requests);
  for (const c of pod.spec?.initContainers ?? []) {
    const one: Resources = new Map();
    add(one, c.resources?.requests);
    for (const [k, v] of one) if (v > (sum.get(k) ?? 0)) sum.set(k, v);
  }
  add(sum, pod.spec?.overhead);
  return sum;
}

const terminal = (p: KObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';

/** Requests of the pods on each node (terminal pods free what they held). */
export function nodeUsage(pods: KObject[]): Map<string, { pods: number; requests: Resources }> {
  const out = new Map<string, { pods: number; requests: Resources }>();
  for (const p of pods) {
    const node = p.spec?.nodeName;
    if (!node || terminal(p)) continue;
    let u = out.get(node);
    if (!u) out.set(node, (u = { pods: 0, requests: new Map() }));
    u.pods++;
    for (const [k, v] of podRequests(p)) u.requests.set(k, (u.requests.get(k) ?? 0) + v);
  }
  return out;
}

/** The reasons a node cannot take the pod for lack of room, in upstream's order; empty when it fits. */
export function insufficient(requests: Resources, node: KObject, used: { pods: number; requests: Resources } | undefined): string[] {
  const alloc: Record<string, unknown> = node.status?.allocatable ?? {};
  const reasons: string[] = [];
  if (alloc.pods !== undefined && (used?.pods ?? 0) + 1 > quantityValue(alloc.pods)) reasons.push('Too many pods');
  const order = ['cpu', 'memory', 'ephemeral-storage', ...[...requests.keys()].filter((k) => k !== 'cpu' && k !== 'memory' && k !== 'ephemeral-storage' && k !== 'pods').sort()];
  for (const r of order) {
    const want = requests.get(r) ?? 0;
    if (want <= 0) continue;
    const have = alloc[r] === undefined ? 0 : quantityValue(alloc[r]);
    // a small slack: quantities are compared as floating-point numbers
    if ((used?.requests.get(r) ?? 0) + want > have * (1 + 1e-12)) reasons.push(`Insufficient ${r}`);
  }
  return reasons;
}
