// The scheduler's per-node filters that need no other pods (NodeUnschedulable, TaintToleration, NodeAffinity),
// in the default profile's order, and the scores built on the same matching (preferred node affinity,
// PreferNoSchedule taints).
import type { KObject } from '../client/types.js';

function matchExpression(labels: Record<string, string>, e: KObject): boolean {
  const v = labels[e.key];
  switch (e.operator) {
    case 'In':
      return v !== undefined && (e.values ?? []).includes(v);
    case 'NotIn':
      return v === undefined || !(e.values ?? []).includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
      return v !== undefined && Number(v) > Number(e.values?.[0]);
    case 'Lt':
      return v !== undefined && Number(v) < Number(e.values?.[0]);
    default:
      return false;
  }
}

/** A NodeSelectorTerm: every expression and field matches; a term with neither matches nothing. */
function termMatches(t: KObject, node: KObject): boolean {
  const exprs: KObject[] = t.matchExpressions ?? [];
  const fields: KObject[] = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels: Record<string, string> = node.metadata.labels ?? {};
  return exprs.every((e) => matchExpression(labels, e)) && fields.every((f) => matchExpression({ 'metadata.name': node.metadata.name }, f));
}

/** A volume's required node affinity, matched on the node's labels alone as upstream's CheckNodeAffinity does. */
export function volumeNodeAffinityMatches(pv: KObject, node: KObject): boolean {
  const required = pv.spec?.nodeAffinity?.required;
  if (!required) return true;
  const byLabels = { metadata: { labels: node.metadata.labels ?? {} } };
  return ((required.nodeSelectorTerms ?? []) as KObject[]).some((t) => termMatches(t, byLabels));
}

/** The pod's nodeSelector and required node affinity (upstream's GetRequiredNodeAffinity().Match). */
export function requiredNodeAffinityMatches(pod: KObject, node: KObject): boolean {
  const labels: Record<string, string> = node.metadata.labels ?? {};
  const selector: Record<string, string> | undefined = pod.spec?.nodeSelector;
  if (selector) for (const k in selector) if (labels[k] !== selector[k]) return false;
  const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return ((required.nodeSelectorTerms ?? []) as KObject[]).some((t) => termMatches(t, node));
}

export function tolerates(tolerations: KObject[], taint: KObject): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** The first NoSchedule/NoExecute taint the pod does not tolerate. */
export function untoleratedTaint(pod: KObject, node: KObject): KObject | undefined {
  const taints: KObject[] | undefined = node.spec?.taints;
  if (!taints?.length) return undefined;
  const tolerations: KObject[] = pod.spec?.tolerations ?? [];
  return taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tolerations, t));
}

const readiness = new WeakMap<KObject, boolean>();
const isReady = (node: KObject): boolean => {
  let r = readiness.get(node);
  if (r === undefined) readiness.set(node, (r = (node.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready')?.status === 'True'));
  return r;
};

/** Why a node does not fit regardless of its pods, in the scheduler's words, or undefined when it fits. */
export function nodeUnfit(pod: KObject, node: KObject): string | undefined {
  const tolerations: KObject[] = pod.spec?.tolerations ?? [];
  if (node.spec?.unschedulable && !tolerates(tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) return 'node(s) were unschedulable';
  const taint = untoleratedTaint(pod, node);
  if (taint) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  // the node lifecycle controller taints a node that is not Ready; a simulated node may lack the taint for a moment
  if (!isReady(node)) return 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }';
  if (!requiredNodeAffinityMatches(pod, node)) return "node(s) didn't match Pod's node affinity/selector";
  return undefined;
}

/** NodeAffinity's raw score: the summed weights of the preferred terms the node matches. */
export function preferredNodeAffinityScore(pod: KObject, node: KObject): number {
  let score = 0;
  for (const p of (pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) as KObject[]) {
    if (p.weight && p.preference && termMatches(p.preference, node)) score += p.weight;
  }
  return score;
}

/** TaintToleration's raw score: PreferNoSchedule taints not tolerated by the pod's tolerations for that effect. */
export function intolerablePreferNoSchedule(pod: KObject, node: KObject): number {
  if (!node.spec?.taints?.length) return 0;
  const tolerations = ((pod.spec?.tolerations ?? []) as KObject[]).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  return ((node.spec?.taints ?? []) as KObject[]).filter((t) => t.effect === 'PreferNoSchedule' && !tolerates(tolerations, t)).length;
}

export const PORTS_REASON = "node(s) didn't have free ports for the requested pod ports";

interface HostPort {
  ip: string;
  protocol: string;
  port: number;
}

/** The host ports a pod's containers ask for (upstream's GetContainerPorts), hostIP defaulting to 0.0.0.0. */
export function wantedHostPorts(pod: KObject): HostPort[] {
  const out: HostPort[] = [];
  for (const c of (pod.spec?.containers ?? []) as KObject[]) {
    for (const p of (c.ports ?? []) as KObject[]) if (p.hostPort > 0) out.push({ ip: p.hostIP || '0.0.0.0', protocol: p.protocol || 'TCP', port: p.hostPort });
  }
  return out;
}

/** NodePorts: a wanted port clashes with one a pod on the node holds, on the same protocol and an overlapping IP. */
export function hostPortsConflict(want: HostPort[], pods: KObject[]): boolean {
  if (want.length === 0) return false;
  for (const p of pods) {
    for (const used of wantedHostPorts(p)) {
      if (want.some((w) => w.port === used.port && w.protocol === used.protocol && (w.ip === used.ip || w.ip === '0.0.0.0' || used.ip === '0.0.0.0'))) return true;
    }
  }
  return false;
}
