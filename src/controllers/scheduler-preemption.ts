// The scheduler's DefaultPreemption PostFilter as a dry run over a snapshot: on each node where preemption
// might help, take off every lower-priority pod, reprieve as many as still let the pod fit (PDB-violating ones
// first, most important first), then pick the node upstream's criteria prefer.
import type { KObject } from '../client/types.js';
import { labelSelectorFromObject } from '../apimachinery/selectors.js';
import { findFeasible, fitErrorMessage, type NodeStatus } from './scheduler-cycle.js';
import { podPriority, withoutPods, type Snapshot } from './scheduler-snapshot.js';
import type { VolumeListers } from './scheduler-volumes.js';

export interface Candidate {
  node: string;
  /** Most important first. */
  victims: KObject[];
  pdbViolations: number;
}

const NOT_HELPFUL: NodeStatus = { reasons: ['Preemption is not helpful for scheduling'], unresolvable: true };
const NO_VICTIMS: NodeStatus = { reasons: ['No preemption victims found for incoming pod'], unresolvable: true };

const startTime = (p: KObject): number => (p.status?.startTime ? Date.parse(p.status.startTime) : Date.now());

const terminatingByPreemption = (p: KObject): boolean => !!p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((c: KObject) => c.type === 'DisruptionTarget' && c.reason === 'PreemptionByScheduler');

/** MoreImportantPod: higher priority, then the earlier start. */
export const moreImportantFirst = (a: KObject, b: KObject): number => podPriority(b) - podPriority(a) || startTime(a) - startTime(b);

/** Splits pods (in order) into those whose eviction would break a PodDisruptionBudget and the rest (filterPodsWithPDBViolation). */
export function splitByPdb(pods: KObject[], pdbs: KObject[]): { violating: KObject[]; nonViolating: KObject[] } {
  const allowed = pdbs.map((b) => b.status?.disruptionsAllowed ?? 0);
  const violating: KObject[] = [];
  const nonViolating: KObject[] = [];
  for (const p of pods) {
    let violated = false;
    const labels: Record<string, string> = p.metadata.labels ?? {};
    if (Object.keys(labels).length) {
      pdbs.forEach((b, i) => {
        if (b.metadata.namespace !== p.metadata.namespace) return;
        const sel = labelSelectorFromObject(b.spec?.selector);
        if (sel.empty || !sel.matches(labels)) return;
        if (b.status?.disruptedPods?.[p.metadata.name] !== undefined) return;
        if (--allowed[i]! < 0) violated = true;
      });
    }
    (violated ? violating : nonViolating).push(p);
  }
  return { violating, nonViolating };
}

/** SelectVictimsOnNode: the fewest lower-priority pods whose removal lets the pod fit, or why there are none. */
export function selectVictims(pod: KObject, snap: Snapshot, nodeName: string, pdbs: KObject[], volumes?: VolumeListers): Candidate | NodeStatus {
  const ni = snap.byName.get(nodeName)!;
  const lower = ni.pods.filter((p) => podPriority(p) < podPriority(pod)).sort(moreImportantFirst);
  if (lower.length === 0) return NO_VICTIMS;
  const gone = new Set(lower.map((p) => p.metadata.uid as string));
  const fitsWithout = () => {
    const s = withoutPods(snap, nodeName, gone);
    const r = findFeasible(pod, s, [s.byName.get(nodeName)!], volumes);
    return r.feasible.length ? undefined : r.statuses.get(nodeName)!;
  };
  const status = fitsWithout();
  if (status) return status;
  const { violating, nonViolating } = splitByPdb(lower, pdbs);
  const victims: KObject[] = [];
  let pdbViolations = 0;
  const reprieve = (p: KObject) => {
    gone.delete(p.metadata.uid);
    if (!fitsWithout()) return true;
    gone.add(p.metadata.uid);
    victims.push(p);
    return false;
  };
  for (const p of violating) if (!reprieve(p)) pdbViolations++;
  for (const p of nonViolating) reprieve(p);
  return { node: nodeName, victims: victims.sort(moreImportantFirst), pdbViolations };
}

/** pickOneNodeForPreemption: fewest PDB violations, lowest top victim priority, lowest priority sum, fewest victims, latest start of the top victims. */
export function pickCandidate(candidates: Candidate[]): Candidate | undefined {
  const criteria: ((c: Candidate) => number)[] = [
    (c) => -c.pdbViolations,
    (c) => -podPriority(c.victims[0]!),
    (c) => -c.victims.reduce((s, v) => s + podPriority(v) + 2 ** 31, 0),
    (c) => -c.victims.length,
    (c) => {
      const top = podPriority(c.victims[0]!);
      return Math.min(...c.victims.filter((v) => podPriority(v) === top).map(startTime));
    },
  ];
  let left = candidates;
  for (const score of criteria) {
    if (left.length <= 1) break;
    const best = Math.max(...left.map(score));
    left = left.filter((c) => score(c) === best);
  }
  return left[0];
}

/** The preemption outcome: a node and its victims, or the "preemption: ..." text for the FailedScheduling message. */
export function preempt(pod: KObject, snap: Snapshot, statuses: Map<string, NodeStatus>, pdbs: KObject[], volumes?: VolumeListers): Candidate | { message: string } {
  if (pod.spec?.preemptionPolicy === 'Never') return { message: 'preemption: not eligible due to preemptionPolicy=Never.' };
  const nominated = snap.byName.get(pod.status?.nominatedNodeName ?? '');
  // a nominated node the filters now rule out for good is no reason to wait
  if (nominated && !statuses.get(nominated.name)?.unresolvable && nominated.pods.some((p) => podPriority(p) < podPriority(pod) && terminatingByPreemption(p))) return { message: 'preemption: not eligible due to a terminating pod on the nominated node.' };
  const results = new Map<string, NodeStatus>();
  const candidates: Candidate[] = [];
  for (const ni of snap.nodes) {
    const s = statuses.get(ni.name);
    if (!s || s.unresolvable) {
      results.set(ni.name, NOT_HELPFUL);
      continue;
    }
    const r = selectVictims(pod, snap, ni.name, pdbs, volumes);
    if ('victims' in r) candidates.push(r);
    else results.set(ni.name, r);
  }
  const best = pickCandidate(candidates);
  return best ?? { message: `preemption: ${fitErrorMessage(snap.nodes.length, results.values())}` };
}
