// The scheduler's InterPodAffinity filter for required terms: the pod's own podAffinity (some matching pod
// in the node's topology domain) and podAntiAffinity (none there), and the anti-affinity of pods already
// placed against the incoming one; reasons in the scheduler's words. Also its score: the pod's preferred
// terms, and existing pods' preferred terms and required affinity (hard weight 1) towards the pod.
import { labelSelectorFromObject } from '../apimachinery/selectors.js';
import type { KObject } from '../client/types.js';

export interface AffinityView {
  /** Non-terminal pods assigned to nodes. */
  pods: KObject[];
  nodeByName: Map<string, KObject>;
  /** Namespace labels, for terms with a namespaceSelector. */
  namespaceLabels(ns: string): Record<string, string> | undefined;
}

const required = (pod: KObject, kind: 'podAffinity' | 'podAntiAffinity'): KObject[] => pod.spec?.affinity?.[kind]?.requiredDuringSchedulingIgnoredDuringExecution ?? [];

/** Whether `other` is what a term of `owner` selects (namespaces, namespaceSelector, labelSelector). */
function termMatches(term: KObject, owner: KObject, other: KObject, view: AffinityView): boolean {
  const ns = other.metadata.namespace;
  const names: string[] = term.namespaces ?? [];
  const nsSel = term.namespaceSelector;
  const inNamespaces = names.includes(ns) || (nsSel ? labelSelectorFromObject(nsSel).matches(view.namespaceLabels(ns) ?? {}) : names.length === 0 && ns === owner.metadata.namespace);
  return inNamespaces && labelSelectorFromObject(term.labelSelector).matches(other.metadata.labels ?? {});
}

const topology = (node: KObject | undefined, key: string): string | undefined => node?.metadata?.labels?.[key];

/** The first InterPodAffinity reason the node fails for, or undefined; `unresolvable` for affinity (preemption cannot help). */
export function interPodAffinityProblem(pod: KObject, node: KObject, view: AffinityView): { reason: string; unresolvable: boolean } | undefined {
  const others = view.pods.filter((p) => p.metadata.uid !== pod.metadata.uid);
  const affinity = required(pod, 'podAffinity');
  if (affinity.length) {
    const satisfied = affinity.every((t) => {
      const here = topology(node, t.topologyKey);
      return here !== undefined && others.some((o) => termMatches(t, pod, o, view) && topology(view.nodeByName.get(o.spec.nodeName), t.topologyKey) === here);
    });
    // the first pod of a group may go anywhere its own terms would select it, when nothing else matches
    const noneAnywhere = affinity.every((t) => !others.some((o) => termMatches(t, pod, o, view)));
    const selfMatch = affinity.every((t) => termMatches(t, pod, pod, view) && topology(node, t.topologyKey) !== undefined);
    if (!satisfied && !(noneAnywhere && selfMatch)) return { reason: "node(s) didn't match pod affinity rules", unresolvable: true };
  }
  for (const t of required(pod, 'podAntiAffinity')) {
    const here = topology(node, t.topologyKey);
    if (here !== undefined && others.some((o) => termMatches(t, pod, o, view) && topology(view.nodeByName.get(o.spec.nodeName), t.topologyKey) === here))
      return { reason: "node(s) didn't match pod anti-affinity rules", unresolvable: false };
  }
  for (const o of others) {
    for (const t of required(o, 'podAntiAffinity')) {
      const theirs = topology(view.nodeByName.get(o.spec.nodeName), t.topologyKey);
      if (theirs !== undefined && theirs === topology(node, t.topologyKey) && termMatches(t, o, pod, view))
        return { reason: "node(s) didn't satisfy existing pods anti-affinity rules", unresolvable: false };
    }
  }
  return undefined;
}

/** Whether the pod has required pod (anti-)affinity, so that the filter has anything to check for it. */
export const hasRequiredPodAffinity = (pod: KObject): boolean => required(pod, 'podAffinity').length > 0 || required(pod, 'podAntiAffinity').length > 0;

const preferred = (pod: KObject, kind: 'podAffinity' | 'podAntiAffinity'): KObject[] => pod.spec?.affinity?.[kind]?.preferredDuringSchedulingIgnoredDuringExecution ?? [];

/** Upstream's hardPodAffinityWeight default: existing pods' required affinity counts this much towards a match. */
const HARD_POD_AFFINITY_WEIGHT = 1;

/**
 * InterPodAffinity's PreScore, Score and NormalizeScore over the feasible nodes (0–100 each), or undefined
 * when skipped. `pods` are the existing pods to weigh: all assigned pods when the incoming pod has preferred
 * terms, else only those with (anti-)affinity of their own.
 */
export function interPodAffinityScores(pod: KObject, feasible: KObject[], pods: KObject[], view: AffinityView): number[] | undefined {
  const affinity = preferred(pod, 'podAffinity');
  const anti = preferred(pod, 'podAntiAffinity');
  const topo = new Map<string, Map<string, number>>();
  const add = (node: KObject | undefined, key: string, w: number) => {
    const v = topology(node, key);
    if (v === undefined || w === 0) return;
    let m = topo.get(key);
    if (!m) topo.set(key, (m = new Map()));
    m.set(v, (m.get(v) ?? 0) + w);
  };
  for (const o of pods) {
    if (o.metadata.uid === pod.metadata.uid) continue;
    const node = view.nodeByName.get(o.spec.nodeName);
    for (const t of affinity) if (termMatches(t.podAffinityTerm, pod, o, view)) add(node, t.podAffinityTerm.topologyKey, t.weight);
    for (const t of anti) if (termMatches(t.podAffinityTerm, pod, o, view)) add(node, t.podAffinityTerm.topologyKey, -t.weight);
    for (const t of required(o, 'podAffinity')) if (termMatches(t, o, pod, view)) add(node, t.topologyKey, HARD_POD_AFFINITY_WEIGHT);
    for (const t of preferred(o, 'podAffinity')) if (termMatches(t.podAffinityTerm, o, pod, view)) add(node, t.podAffinityTerm.topologyKey, t.weight);
    for (const t of preferred(o, 'podAntiAffinity')) if (termMatches(t.podAffinityTerm, o, pod, view)) add(node, t.podAffinityTerm.topologyKey, -t.weight);
  }
  if (topo.size === 0) return undefined;
  const raw = feasible.map((n) => {
    let s = 0;
    for (const [key, values] of topo) {
      const v = topology(n, key);
      if (v !== undefined) s += values.get(v) ?? 0;
    }
    return s;
  });
  const min = Math.min(...raw);
  const diff = Math.max(...raw) - min;
  return raw.map((s) => (diff > 0 ? Math.trunc(100 * ((s - min) / diff)) : 0));
}
