// The scheduler's PodTopologySpread plugin: the DoNotSchedule constraints as a filter (maxSkew against the
// global minimum, minDomains, node inclusion policies, matchLabelKeys) and the ScheduleAnyway ones — or the
// system default constraints for pods that declare none — as a score.
import { labelSelectorFromObject, type LabelSelector } from '../apimachinery/selectors.js';
import type { KObject } from '../client/types.js';
import { requiredNodeAffinityMatches, untoleratedTaint } from './scheduler-node.js';
import type { NodeInfo, Snapshot } from './scheduler-snapshot.js';

const HOSTNAME = 'kubernetes.io/hostname';
export const SPREAD_REASON = "node(s) didn't match pod topology spread constraints";
export const SPREAD_LABEL_REASON = `${SPREAD_REASON} (missing required label)`;

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: LabelSelector;
  minDomains: number;
  honorAffinity: boolean;
  honorTaints: boolean;
}

const nothing: LabelSelector = { requirements: [], empty: true, matches: () => false };

/** The pod's own constraints for one whenUnsatisfiable, the matchLabelKeys' values added to the selector. */
export function podConstraints(pod: KObject, action: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const labels: Record<string, string> = pod.metadata.labels ?? {};
  return ((pod.spec?.topologySpreadConstraints ?? []) as KObject[])
    .filter((c) => c.whenUnsatisfiable === action)
    .map((c) => {
      const keys = ((c.matchLabelKeys ?? []) as string[]).filter((k) => labels[k] !== undefined);
      const sel = c.labelSelector;
      const selector = !sel ? nothing : labelSelectorFromObject(keys.length ? { matchLabels: sel.matchLabels, matchExpressions: [...(sel.matchExpressions ?? []), ...keys.map((k) => ({ key: k, operator: 'In', values: [labels[k]!] }))] } : sel);
      return { maxSkew: c.maxSkew, topologyKey: c.topologyKey, selector, minDomains: c.minDomains ?? 1, honorAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor', honorTaints: c.nodeTaintsPolicy === 'Honor' };
    });
}

/** What the system default constraints select: the pod's Services, and its ReplicaSet/StatefulSet/RC (upstream's DefaultSelector). */
export interface OwnerListers {
  services(ns: string): KObject[];
  controller(ns: string, kind: string, name: string): KObject | undefined;
}

export function defaultSpreadSelector(pod: KObject, listers: OwnerListers): LabelSelector {
  const labels: Record<string, string> = pod.metadata.labels ?? {};
  const matchLabels: Record<string, string> = {};
  for (const s of listers.services(pod.metadata.namespace)) {
    const sel: Record<string, string> | undefined = s.spec?.selector;
    if (!sel || Object.keys(sel).length === 0) continue;
    if (Object.entries(sel).every(([k, v]) => labels[k] === v)) Object.assign(matchLabels, sel);
  }
  let matchExpressions: KObject[] = [];
  const owner = ((pod.metadata.ownerReferences ?? []) as KObject[]).find((r) => r.controller);
  const group = owner?.apiVersion?.includes('/') ? owner.apiVersion.split('/')[0] : '';
  const kind = owner && ((owner.kind === 'ReplicationController' && group === '') || ((owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet') && group === 'apps')) ? owner.kind : undefined;
  const ctl = kind ? listers.controller(pod.metadata.namespace, kind, owner!.name) : undefined;
  if (ctl && kind === 'ReplicationController') Object.assign(matchLabels, ctl.spec?.selector ?? {});
  else if (ctl?.spec?.selector) {
    Object.assign(matchLabels, ctl.spec.selector.matchLabels ?? {});
    matchExpressions = ctl.spec.selector.matchExpressions ?? [];
  }
  return labelSelectorFromObject({ matchLabels, matchExpressions: matchExpressions as never });
}

/** kube-scheduler's system defaults: hostname maxSkew 3 and zone maxSkew 5, ScheduleAnyway. */
export function defaultConstraints(selector: LabelSelector): Constraint[] {
  if (selector.empty) return [];
  const c = (maxSkew: number, topologyKey: string): Constraint => ({ maxSkew, topologyKey, selector, minDomains: 1, honorAffinity: true, honorTaints: false });
  return [c(3, HOSTNAME), c(5, 'topology.kubernetes.io/zone')];
}

const counted = (p: KObject, selector: LabelSelector, ns: string) => !p.metadata.deletionTimestamp && p.metadata.namespace === ns && selector.matches(p.metadata.labels ?? {});

function countMatching(pods: KObject[], selector: LabelSelector, ns: string): number {
  let n = 0;
  for (const p of pods) if (counted(p, selector, ns)) n++;
  return n;
}

const signatures = new WeakMap<LabelSelector, string>();
const signature = (s: LabelSelector) => {
  let sig = signatures.get(s);
  if (sig === undefined) signatures.set(s, (sig = JSON.stringify(s.requirements)));
  return sig;
};

/** Selectors a node keeps counts for; past this many (old revisions' selectors) it starts afresh. */
const MEMO_LIMIT = 64;

/** A selector's memo key in a namespace, or undefined for a selector that matches nothing. */
const memoKey = (selector: LabelSelector, ns: string) => (selector.empty && !selector.matches({}) ? undefined : `${ns}\n${signature(selector)}`);

/** Matching pods on a node, counted once and then kept up to date by the scheduler's cache. */
function countOn(ni: NodeInfo, selector: LabelSelector, ns: string, key = memoKey(selector, ns)): number {
  if (key === undefined) return 0;
  ni.memo ??= new Map();
  const m = ni.memo.get(key);
  if (m) return m.count;
  if (ni.memo.size >= MEMO_LIMIT) ni.memo.clear();
  const count = countMatching(ni.pods, selector, ns);
  ni.memo.set(key, { count, counts: (p) => counted(p, selector, ns) });
  return count;
}

const hasKeys = (labels: Record<string, string>, cs: Constraint[]) => cs.every((c) => labels[c.topologyKey] !== undefined);
const included = (c: Constraint, pod: KObject, node: KObject) => (!c.honorAffinity || requiredNodeAffinityMatches(pod, node)) && (!c.honorTaints || !untoleratedTaint(pod, node));

export interface SpreadFilterState {
  constraints: Constraint[];
  counts: Map<string, number>[];
  min: number[];
}

/** PreFilter: matching pods per topology value over every node that has all the keys and passes the inclusion policies. */
export function spreadFilterState(pod: KObject, snap: Snapshot): SpreadFilterState | undefined {
  const constraints = podConstraints(pod, 'DoNotSchedule');
  if (constraints.length === 0) return undefined;
  const counts = constraints.map(() => new Map<string, number>());
  for (const ni of snap.nodes) {
    if (!hasKeys(ni.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!included(c, pod, ni.node)) return;
      const v = ni.labels[c.topologyKey]!;
      counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + countOn(ni, c.selector, pod.metadata.namespace));
    });
  }
  return { constraints, counts, min: counts.map((m) => Math.min(...m.values())) };
}

/** Filter: the skew a pod here would make, against each constraint's maxSkew. */
export function spreadProblem(pod: KObject, state: SpreadFilterState, ni: NodeInfo): { reason: string; unresolvable: boolean } | undefined {
  const labels = pod.metadata.labels ?? {};
  for (const [i, c] of state.constraints.entries()) {
    const value = ni.labels[c.topologyKey];
    if (value === undefined) return { reason: SPREAD_LABEL_REASON, unresolvable: true };
    const counts = state.counts[i]!;
    const min = counts.size < c.minDomains ? 0 : state.min[i]!;
    const skew = (counts.get(value) ?? 0) + (c.selector.matches(labels) ? 1 : 0) - min;
    if (skew > c.maxSkew) return { reason: SPREAD_REASON, unresolvable: false };
  }
  return undefined;
}

/** PreScore + Score + NormalizeScore over the feasible nodes (0–100 each, fewer matching pods scoring higher); undefined when skipped. */
export function spreadScores(pod: KObject, feasible: NodeInfo[], snap: Snapshot, defaults: () => LabelSelector): number[] | undefined {
  const own = (pod.spec?.topologySpreadConstraints ?? []).length > 0;
  const constraints = own ? podConstraints(pod, 'ScheduleAnyway') : defaultConstraints(defaults());
  if (constraints.length === 0) return undefined;
  const ns = pod.metadata.namespace;
  const keys = constraints.map((c) => memoKey(c.selector, ns));
  const count = (i: number, ni: NodeInfo) => countOn(ni, constraints[i]!.selector, ns, keys[i]);
  const ignored = new Set<string>();
  const counts = constraints.map(() => new Map<string, number>());
  // values only a node lacking the key would map to are never read by Score: they need no counting
  const read = constraints.map(() => new Set<string>());
  for (const ni of feasible) {
    if (own && !hasKeys(ni.labels, constraints)) {
      ignored.add(ni.name);
      continue;
    }
    constraints.forEach((c, i) => {
      if (c.topologyKey === HOSTNAME) return;
      const v = ni.labels[c.topologyKey];
      counts[i]!.set(v ?? '', 0);
      if (v !== undefined) read[i]!.add(v);
    });
  }
  const weights = constraints.map((c, i) => Math.log((c.topologyKey === HOSTNAME ? feasible.length - ignored.size : counts[i]!.size) + 2));
  const affinityOk = new Map<NodeInfo, boolean>();
  for (const ni of snap.nodes) {
    if (own && !hasKeys(ni.labels, constraints)) continue;
    constraints.forEach((c, i) => {
      const v = ni.labels[c.topologyKey] ?? '';
      if (!read[i]!.has(v)) return;
      if (c.honorAffinity) {
        let ok = affinityOk.get(ni);
        if (ok === undefined) affinityOk.set(ni, (ok = requiredNodeAffinityMatches(pod, ni.node)));
        if (!ok) return;
      }
      if (c.honorTaints && untoleratedTaint(pod, ni.node)) return;
      counts[i]!.set(v, counts[i]!.get(v)! + count(i, ni));
    });
  }
  const raw = feasible.map((ni) => {
    if (ignored.has(ni.name)) return -1;
    let score = 0;
    constraints.forEach((c, i) => {
      const v = ni.labels[c.topologyKey];
      if (v === undefined) return;
      const cnt = c.topologyKey === HOSTNAME ? count(i, ni) : counts[i]!.get(v)!;
      score += cnt * weights[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  });
  let min = Infinity;
  let max = 0;
  for (const s of raw) {
    if (s < 0) continue;
    min = Math.min(min, s);
    max = Math.max(max, s);
  }
  return raw.map((s) => (s < 0 ? 0 : max === 0 ? 100 : Math.floor((100 * (max + min - s)) / max)));
}
