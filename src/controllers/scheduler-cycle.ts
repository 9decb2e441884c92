// One scheduling cycle over a snapshot, as the default profile runs it: the filters in plugin order (NodeUnschedulable,
// TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit, VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone, PodTopologySpread, InterPodAffinity; the
// first failure per node is its status), then the weighted scores of the feasible nodes and the best of them.
import type { LabelSelector } from '../apimachinery/selectors.js';
import type { KObject } from '../client/types.js';
import { hasRequiredPodAffinity, interPodAffinityProblem, interPodAffinityScores, type AffinityView } from './scheduler-affinity.js';
import { PORTS_REASON, hostPortsConflict, intolerablePreferNoSchedule, nodeUnfit, preferredNodeAffinityScore, wantedHostPorts } from './scheduler-node.js';
import { addUsage, balancedAllocationScore, bestEffortForBalance, insufficient, leastAllocatedScore, podRequests, type Usage } from './scheduler-resources.js';
import { restrictionsFilter, restrictionsPreFilter, type RestrictionsState } from './scheduler-restrictions.js';
import { podPriority, type NodeInfo, type Snapshot } from './scheduler-snapshot.js';
import { spreadFilterState, spreadProblem, spreadScores, type SpreadFilterState } from './scheduler-spread.js';
import { volumeFilter, volumePreFilter, type PodVolumes, type VolumeDecisions, type VolumeListers } from './scheduler-volumes.js';
import { volumeLimitsApply, volumeLimitsFilter } from './scheduler-volume-limits.js';

/** Why a node failed: its reasons (NodeResourcesFit may give several) and whether preemption could not help. */
export interface NodeStatus {
  reasons: string[];
  unresolvable: boolean;
}

/** Score plugin weights of the default profile (ImageLocality's, weight 1, is left out: images are not simulated). */
export const WEIGHTS = { taintToleration: 3, nodeAffinity: 2, podTopologySpread: 2, interPodAffinity: 2, nodeResourcesFit: 1, balancedAllocation: 1 };

interface PreFilter {
  ports: ReturnType<typeof wantedHostPorts>;
  restrictions?: RestrictionsState;
  volumes?: { claims: PodVolumes; listers: VolumeListers };
  /** NodeVolumeLimits runs (the pod has claims or in-tree disks, and listers were given). */
  limits?: VolumeListers;
  spread?: SpreadFilterState;
  affinityView?: AffinityView;
}

function affinityView(snap: Snapshot, allPods = true): AffinityView {
  return { pods: allPods ? snap.nodes.flatMap((ni) => ni.pods) : [], nodeByName: new Map(snap.nodes.map((ni) => [ni.name, ni.node])), namespaceLabels: (ns) => snap.namespaceLabels(ns) };
}

function preFilter(pod: KObject, snap: Snapshot): PreFilter {
  const existingAnti = snap.podsWithAffinity.some((p) => (p.spec.affinity.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).length > 0);
  return { ports: wantedHostPorts(pod), spread: spreadFilterState(pod, snap), affinityView: existingAnti || hasRequiredPodAffinity(pod) ? affinityView(snap) : undefined };
}

/** Resources of higher- or equal-priority pods nominated to the node count as used (upstream's addNominatedPods). */
function usageWithNominated(pod: KObject, ni: NodeInfo, snap: Snapshot): Usage {
  if (snap.nominated.size === 0) return ni.usage;
  const nominated = (snap.nominated.get(ni.name) ?? []).filter((p) => p.metadata.uid !== pod.metadata.uid && podPriority(p) >= podPriority(pod));
  if (nominated.length === 0) return ni.usage;
  const u: Usage = { pods: ni.usage.pods, requests: new Map(ni.usage.requests), nonZero: { ...ni.usage.nonZero } };
  for (const p of nominated) addUsage(u, p);
  return u;
}

function filterNode(pod: KObject, ni: NodeInfo, snap: Snapshot, pre: PreFilter, decided: Map<string, VolumeDecisions>): NodeStatus | undefined {
  const why = nodeUnfit(pod, ni.node);
  if (why) return { reasons: [why], unresolvable: true };
  if (hostPortsConflict(pre.ports, ni.pods)) return { reasons: [PORTS_REASON], unresolvable: false };
  const lacking = insufficient(podRequests(pod), ni.node, usageWithNominated(pod, ni, snap));
  if (lacking.length) return { reasons: lacking, unresolvable: false };
  const restricted = pre.restrictions && restrictionsFilter(pre.restrictions, ni);
  if (restricted) return { reasons: [restricted], unresolvable: false };
  const limited = pre.limits && volumeLimitsFilter(pod, ni, pre.limits);
  if (limited) return { reasons: [limited.reason], unresolvable: limited.unresolvable };
  if (pre.volumes) {
    const v = volumeFilter(pre.volumes.claims, ni.node, pre.volumes.listers);
    if ('reasons' in v) return { reasons: v.reasons, unresolvable: true };
    decided.set(ni.name, v.decisions);
  }
  const spread = pre.spread && spreadProblem(pod, pre.spread, ni);
  if (spread) return { reasons: [spread.reason], unresolvable: spread.unresolvable };
  const affinity = pre.affinityView && interPodAffinityProblem(pod, ni.node, pre.affinityView);
  if (affinity) return { reasons: [affinity.reason], unresolvable: affinity.unresolvable };
  return undefined;
}

export interface Feasibility {
  feasible: NodeInfo[];
  statuses: Map<string, NodeStatus>;
  /** A PreFilter's refusal: every node has it as its status, and the FitError shows it instead of the counts. */
  preFilterMessage?: string;
  /** VolumeBinding's decisions for each feasible node (claims to bind or provision there). */
  volumeDecisions: Map<string, VolumeDecisions>;
}

/**
 * Runs the filters on the given nodes (all by default): the feasible ones and each failed node's status. With
 * listers of claims, volumes and classes, VolumeBinding runs too.
 */
export function findFeasible(pod: KObject, snap: Snapshot, only?: NodeInfo[], volumes?: VolumeListers): Feasibility {
  const pre = preFilter(pod, snap);
  const feasible: NodeInfo[] = [];
  const statuses = new Map<string, NodeStatus>();
  const volumeDecisions = new Map<string, VolumeDecisions>();
  const nodes = only ?? snap.nodes;
  const refuse = (message: string): Feasibility => {
    for (const ni of nodes) statuses.set(ni.name, { reasons: [message], unresolvable: true });
    return { feasible, statuses, preFilterMessage: message, volumeDecisions };
  };
  const r = restrictionsPreFilter(pod, snap, volumes && ((ns, name) => volumes.claim(ns, name)));
  if (r && 'message' in r) return refuse(r.message);
  pre.restrictions = r;
  if (volumes && volumeLimitsApply(pod)) pre.limits = volumes;
  if (volumes) {
    const v = volumePreFilter(pod, volumes);
    if (v && 'message' in v) return refuse(v.message);
    if (v) pre.volumes = { claims: v.volumes, listers: volumes };
  }
  for (const ni of nodes) {
    const s = filterNode(pod, ni, snap, pre, volumeDecisions);
    if (s) statuses.set(ni.name, s);
    else feasible.push(ni);
  }
  return { feasible, statuses, volumeDecisions };
}

/** DefaultNormalizeScore: scaled to the highest raw score, reversed for scores where less is better. */
export function normalize(raw: number[], reverse: boolean): number[] {
  const max = Math.max(0, ...raw);
  if (max === 0) return raw.map(() => (reverse ? 100 : 0));
  return raw.map((s) => (reverse ? 100 - Math.floor((100 * s) / max) : Math.floor((100 * s) / max)));
}

/** The weighted total of every score plugin for each feasible node. */
export function scoreNodes(pod: KObject, feasible: NodeInfo[], snap: Snapshot, defaultSpreadSelector: () => LabelSelector): number[] {
  const total = feasible.map(() => 0);
  const addAll = (scores: number[] | undefined, weight: number) => scores?.forEach((s, i) => (total[i]! += s * weight));
  addAll(normalize(feasible.map((ni) => intolerablePreferNoSchedule(pod, ni.node)), true), WEIGHTS.taintToleration);
  if ((pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length) addAll(normalize(feasible.map((ni) => preferredNodeAffinityScore(pod, ni.node)), false), WEIGHTS.nodeAffinity);
  addAll(spreadScores(pod, feasible, snap, defaultSpreadSelector), WEIGHTS.podTopologySpread);
  const preferredPodAffinity = pod.spec?.affinity?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length || pod.spec?.affinity?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length;
  if (preferredPodAffinity || snap.podsWithAffinity.length) {
    const view = affinityView(snap, !!preferredPodAffinity);
    addAll(interPodAffinityScores(pod, feasible.map((ni) => ni.node), preferredPodAffinity ? view.pods : snap.podsWithAffinity, view), WEIGHTS.interPodAffinity);
  }
  addAll(feasible.map((ni) => leastAllocatedScore(pod, ni.node, ni.usage)), WEIGHTS.nodeResourcesFit);
  if (!bestEffortForBalance(pod)) addAll(feasible.map((ni) => balancedAllocationScore(pod, ni.node, ni.usage)), WEIGHTS.balancedAllocation);
  return total;
}

/** selectHost: the highest total, ties broken at random as upstream's reservoir sampling does. */
export function selectHost(feasible: NodeInfo[], scores: number[], random: () => number = Math.random): NodeInfo {
  let best = 0;
  let ties = 1;
  for (let i = 1; i < feasible.length; i++) {
    if (scores[i]! > scores[best]!) {
      best = i;
      ties = 1;
    } else if (scores[i] === scores[best] && random() < 1 / ++ties) best = i;
  }
  return feasible[best]!;
}

/**
 * upstream's FitError text: "0/N nodes are available: <count> <reason>, ...." sorted as strings, counts included;
 * after a PreFilter's refusal, its message alone.
 */
export function fitErrorMessage(total: number, statuses: Iterable<NodeStatus>, preFilterMessage?: string): string {
  if (preFilterMessage !== undefined) return `0/${total} nodes are available: ${preFilterMessage}.`;
  const counts = new Map<string, number>();
  for (const s of statuses) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const detail = [...counts].map(([r, n]) => `${n} ${r}`).sort();
  return `0/${total} nodes are available:${detail.length ? ` ${detail.join(', ')}.` : ''}`;
}
