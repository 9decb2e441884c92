// One scheduling attempt's view of the cluster (upstream's Snapshot of NodeInfos): each node with the pods
// assigned to it and what they request, built once per attempt so that filters and scores stay O(pods).
import type { KObject } from '../client/types.js';
import { addUsage, emptyUsage, type Usage } from './scheduler-resources.js';

export interface NodeInfo {
  node: KObject;
  name: string;
  labels: Record<string, string>;
  /** Non-terminal pods assigned to the node, terminating ones included. */
  pods: KObject[];
  usage: Usage;
}

export interface Snapshot {
  nodes: NodeInfo[];
  byName: Map<string, NodeInfo>;
  /** Assigned pods with any pod (anti-)affinity (upstream's PodsWithAffinity). */
  podsWithAffinity: KObject[];
  /** Pending pods nominated to a node by an earlier preemption. */
  nominated: Map<string, KObject[]>;
  namespaceLabels(ns: string): Record<string, string> | undefined;
}

const terminal = (p: KObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
const hasPodAffinity = (p: KObject) => !!(p.spec?.affinity?.podAffinity || p.spec?.affinity?.podAntiAffinity);

export function nodeInfo(node: KObject, pods: KObject[] = []): NodeInfo {
  const ni: NodeInfo = { node, name: node.metadata.name, labels: node.metadata.labels ?? {}, pods: [], usage: emptyUsage() };
  for (const p of pods) {
    ni.pods.push(p);
    addUsage(ni.usage, p);
  }
  return ni;
}

export function buildSnapshot(nodes: KObject[], pods: KObject[], namespaceLabels: (ns: string) => Record<string, string> | undefined): Snapshot {
  const infos = nodes.map((n) => nodeInfo(n));
  const byName = new Map(infos.map((ni) => [ni.name, ni]));
  const podsWithAffinity: KObject[] = [];
  const nominated = new Map<string, KObject[]>();
  for (const p of pods) {
    if (terminal(p)) continue;
    const name: string | undefined = p.spec?.nodeName;
    if (!name) {
      const nom: string | undefined = p.status?.nominatedNodeName;
      if (nom && !p.metadata.deletionTimestamp) nominated.set(nom, [...(nominated.get(nom) ?? []), p]);
      continue;
    }
    const ni = byName.get(name);
    if (!ni) continue;
    ni.pods.push(p);
    addUsage(ni.usage, p);
    if (hasPodAffinity(p)) podsWithAffinity.push(p);
  }
  return { nodes: infos, byName, podsWithAffinity, nominated, namespaceLabels };
}

/** The snapshot with some pods taken off one node (preemption's dry run). */
export function withoutPods(snap: Snapshot, nodeName: string, gone: Set<string>): Snapshot {
  const nodes = snap.nodes.map((ni) => (ni.name === nodeName ? nodeInfo(ni.node, ni.pods.filter((p) => !gone.has(p.metadata.uid))) : ni));
  return { ...snap, nodes, byName: new Map(nodes.map((ni) => [ni.name, ni])), podsWithAffinity: snap.podsWithAffinity.filter((p) => !gone.has(p.metadata.uid)) };
}

export const podPriority = (p: KObject): number => (typeof p.spec?.priority === 'number' ? p.spec.priority : 0);
