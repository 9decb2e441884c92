// The scheduler's cache (upstream's internal/cache): NodeInfos kept up to date from pod and node events, so
// an attempt reads what each node holds instead of summing every pod again. Attempts run synchronously
// between awaits, so the live cache serves as the attempt's snapshot.
import type { KObject } from '../client/types.js';
import { addUsage, emptyUsage, nonZeroRequests, podRequests } from './scheduler-resources.js';
import type { NodeInfo, Snapshot } from './scheduler-snapshot.js';

const terminal = (p: KObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const hasPodAffinity = (p: KObject) => !!(p.spec?.affinity?.podAffinity || p.spec?.affinity?.podAntiAffinity);

function sameRequests(a: KObject, b: KObject): boolean {
  const ra = podRequests(a);
  const rb = podRequests(b);
  if (ra.size !== rb.size) return false;
  for (const [k, v] of ra) if (rb.get(k) !== v) return false;
  const na = nonZeroRequests(a);
  const nb = nonZeroRequests(b);
  return na.milliCpu === nb.milliCpu && na.memory === nb.memory;
}

interface Slot extends Omit<NodeInfo, 'node'> {
  node?: KObject;
}

export class SchedulerCache {
  private readonly slots = new Map<string, Slot>();
  /** Where each counted pod is, by uid. */
  private readonly placed = new Map<string, { slot: Slot; pod: KObject }>();
  private readonly withAffinity = new Map<string, KObject>();
  private readonly nominated = new Map<string, KObject>();
  private nodeList?: NodeInfo[];
  private nodeByName?: Map<string, NodeInfo>;
  private affinityList?: KObject[];

  constructor(private readonly namespaceLabels: (ns: string) => Record<string, string> | undefined) {}

  private slot(name: string): Slot {
    let s = this.slots.get(name);
    if (!s) this.slots.set(name, (s = { name, labels: {}, pods: [], usage: emptyUsage() }));
    return s;
  }

  setNode(node: KObject): void {
    const s = this.slot(node.metadata.name);
    s.node = node;
    s.labels = node.metadata.labels ?? {};
    this.nodeList = undefined;
    this.nodeByName = undefined;
  }

  removeNode(name: string): void {
    const s = this.slots.get(name);
    if (!s) return;
    s.node = undefined;
    if (s.pods.length === 0) this.slots.delete(name);
    this.nodeList = undefined;
    this.nodeByName = undefined;
  }

  /** A pod as the informer (or a binding just made) shows it. */
  setPod(pod: KObject): void {
    const uid: string = pod.metadata.uid;
    const name: string | undefined = pod.spec?.nodeName;
    const at = this.placed.get(uid);
    // a status update of a pod that stays on its node and asks the same leaves the node's sums as they are
    if (at && at.slot.name === name && !terminal(pod) && sameRequests(at.pod, pod)) return this.replace(at, pod);
    this.removePod(pod);
    if (terminal(pod)) return;
    if (!name) {
      if (pod.status?.nominatedNodeName && !pod.metadata.deletionTimestamp) this.nominated.set(uid, pod);
      return;
    }
    const s = this.slot(name);
    s.pods.push(pod);
    addUsage(s.usage, pod);
    s.memo?.forEach((m) => m.counts(pod) && m.count++);
    this.placed.set(uid, { slot: s, pod });
    if (hasPodAffinity(pod)) {
      this.withAffinity.set(uid, pod);
      this.affinityList = undefined;
    }
  }

  private replace(at: { slot: Slot; pod: KObject }, pod: KObject): void {
    const s = at.slot;
    s.pods[s.pods.indexOf(at.pod)] = pod;
    s.memo?.forEach((m) => (m.count += (m.counts(pod) ? 1 : 0) - (m.counts(at.pod) ? 1 : 0)));
    const uid: string = pod.metadata.uid;
    const had = this.withAffinity.delete(uid);
    if (hasPodAffinity(pod)) this.withAffinity.set(uid, pod);
    if (had || hasPodAffinity(pod)) this.affinityList = undefined;
    at.pod = pod;
  }

  removePod(pod: KObject): void {
    const uid: string = pod.metadata.uid;
    this.nominated.delete(uid);
    if (this.withAffinity.delete(uid)) this.affinityList = undefined;
    const at = this.placed.get(uid);
    if (!at) return;
    this.placed.delete(uid);
    const s = at.slot;
    s.pods.splice(s.pods.indexOf(at.pod), 1);
    // summed afresh rather than subtracted, so that floating-point sums do not drift
    s.usage = emptyUsage();
    for (const p of s.pods) addUsage(s.usage, p);
    s.memo?.forEach((m) => m.counts(at.pod) && m.count--);
    if (!s.node && s.pods.length === 0) this.slots.delete(s.name);
  }


  /** Whether the pod is counted on a node (bound, or assumed bound). */
  isPlaced(pod: KObject): boolean {
    return this.placed.has(pod.metadata.uid);
  }

  snapshot(): Snapshot {
    if (!this.nodeList || !this.nodeByName) {
      this.nodeList = [...this.slots.values()].filter((s): s is NodeInfo => s.node !== undefined).sort((a, b) => (a.name < b.name ? -1 : 1));
      this.nodeByName = new Map(this.nodeList.map((ni) => [ni.name, ni]));
    }
    this.affinityList ??= [...this.withAffinity.values()];
    const nominated = new Map<string, KObject[]>();
    for (const p of this.nominated.values()) nominated.set(p.status.nominatedNodeName, [...(nominated.get(p.status.nominatedNodeName) ?? []), p]);
    return { nodes: this.nodeList, byName: this.nodeByName, podsWithAffinity: this.affinityList, nominated, namespaceLabels: this.namespaceLabels };
  }
}
