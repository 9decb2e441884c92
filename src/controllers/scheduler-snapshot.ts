// One scheduling attempt's view of the cluster (upstream's Snapshot of NodeInfos): each node with the pods
// assigned to it and what they request, built once per attempt so that filters and scores stay O(pods).
import type { KObject } from '../client/types.js';
import { SchedulerCache } from './scheduler-cache.js';
import { addUsage, emptyUsage, type Usage } from './scheduler-resources.js';

export interface PodCount {
  count: number;
  counts(p: KObject): boolean;
}

export interface NodeInfo {
  node: KObject;
  name: string;
  labels: Record<string, string>;
  /** Non-terminal pods assigned to the node, terminating ones included. */
  pods: KObject[];
  usage: Usage;
  /** Counts of the node's pods that some selector matches, kept up to date as pods come and go. */
  memo?: Map<string, PodCount>;
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


export function nodeInfo(node: KObject, pods: KObject[] = []): NodeInfo {
  const ni: NodeInfo = { node, name: node.metadata.name, labels: node.metadata.labels ?? {}, pods: [], usage: emptyUsage() };
  for (const p of pods) {
    ni.pods.push(p);
    addUsage(ni.usage, p);
  }
  return ni;
}

/** A snapshot of the given nodes and pods, as the scheduler's cache would hold them. */
export function buildSnapshot(nodes: KObject[], pods: KObject[], namespaceLabels: (ns: string) => Record<string, string> | undefined): Snapshot {
  const cache = new SchedulerCache(namespaceLabels);
  for (const n of nodes) cache.setNode(n);
  for (const p of pods) cache.setPod(p);
  return cache.snapshot();
}

/** The snapshot with some pods taken off one node (preemption's dry run). */
export function withoutPods(snap: Snapshot, nodeName: string, gone: Set<string>): Snapshot {
  const nodes = snap.nodes.map((ni) => (ni.name === nodeName ? nodeInfo(ni.node, ni.pods.filter((p) => !gone.has(p.metadata.uid))) : ni));
  return { ...snap, nodes, byName: new Map(nodes.map((ni) => [ni.name, ni])), podsWithAffinity: snap.podsWithAffinity.filter((p) => !gone.has(p.metadata.uid)) };
}

export const podPriority = (p: KObject): number => (typeof p.spec?.priority === 'number' ? p.spec.priority : 0);
