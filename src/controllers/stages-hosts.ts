// The per-object template functions kwok binds for Pods (NodeIPWith, PodIPWith, …) and Nodes (NodeIP,
// NodeName, NodePort), answered from the simulated nodes' addresses and pod CIDRs.
import type { KObject } from '../client/types.js';
import type { TemplateFunc } from './go-template.js';
import { NODES, PODS } from './gvr.js';
import type { StageHost } from './stages-player.js';

/** The InternalIP the simulator gives node `index` (kind's 172.18.0.0/16 network). */
export const simulatedNodeIP = (index: number) => `172.18.0.${index + 2}`;

/** Pods on the simulated nodes; a pod keeps the IP it was first given. */
export function podStageHost(nodeIndex: Map<string, number>, allocate: (node: string) => string): StageHost {
  const ips = new Map<string, string>();
  const nodeIP = (node: unknown) => (nodeIndex.has(String(node)) ? simulatedNodeIP(nodeIndex.get(String(node))!) : '');
  const podIP = (pod: KObject, node: unknown, hostNetwork: unknown, uid: unknown): string => {
    if (hostNetwork === true) return nodeIP(node);
    const key = String(uid ?? '');
    const known = ips.get(key) ?? (key === pod.metadata.uid ? pod.status?.podIP : undefined);
    if (known) return known;
    if (!nodeIndex.has(String(node))) return '';
    const ip = allocate(String(node));
    if (key) ips.set(key, ip);
    return ip;
  };
  return {
    kind: 'Pod',
    resource: PODS,
    manages: (pod) => nodeIndex.has(pod.spec?.nodeName),
    funcs: (pod): Record<string, TemplateFunc> => ({
      NodeIP: () => nodeIP(pod.spec?.nodeName),
      PodIP: () => podIP(pod, pod.spec?.nodeName, pod.spec?.hostNetwork, pod.metadata.uid),
      NodeIPWith: (node) => nodeIP(node),
      NodeIPsWith: (node) => [nodeIP(node)],
      PodIPWith: (node, hostNetwork, uid) => podIP(pod, node, hostNetwork, uid),
      PodIPsWith: (node, hostNetwork, uid) => [podIP(pod, node, hostNetwork, uid)],
    }),
    forget: (pod) => ips.delete(pod.metadata.uid),
  };
}

/** The simulated nodes themselves. */
export function nodeStageHost(names: string[]): StageHost {
  return {
    kind: 'Node',
    resource: NODES,
    manages: (node) => names.includes(node.metadata?.name),
    funcs: (node): Record<string, TemplateFunc> => ({
      NodeIP: () => simulatedNodeIP(names.indexOf(node.metadata.name)),
      NodeName: () => node.metadata.name,
      NodePort: () => 10250,
    }),
  };
}
