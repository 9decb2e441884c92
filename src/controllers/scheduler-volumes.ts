// The scheduler's VolumeBinding and VolumeZone plugins: PreFilter checks the pod's claims (missing, lost, being
// deleted, unbound with immediate binding, a bound volume that is gone), Filter checks each node (bound volumes'
// node affinity; for WaitForFirstConsumer claims a free volume that fits the node or a class that can provision
// there; bound volumes' zone and region labels), and PreBind's decisions: volumes to bind to claims, claims to
// provision on the chosen node.
import type { KObject } from '../client/types.js';
import { volumeNodeAffinityMatches } from './scheduler-node.js';
import { BIND_COMPLETED, NO_PROVISIONER, SELECTED_NODE, claimClass, quantity, volumeClass, volumeFits } from './volume-matching.js';

export const NODE_CONFLICT = 'node(s) had volume node affinity conflict';
export const BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
const PV_NOT_EXIST = 'node(s) unavailable due to one or more pvc(s) bound to non-existent pv(s)';
export const ZONE_CONFLICT = 'node(s) had no available volume zone';
const UNBOUND_IMMEDIATE = 'pod has unbound immediate PersistentVolumeClaims';
const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';
const BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
const BETA_REGION = 'failure-domain.beta.kubernetes.io/region';
/** VolumeZone's labels, beta ones first, and the GA label a beta one falls back to on the node. */
const TOPOLOGY_LABELS: [string, string][] = [[BETA_ZONE, ZONE], [BETA_REGION, REGION], [ZONE, ZONE], [REGION, REGION]];

export interface VolumeListers {
  claim(ns: string, name: string): KObject | undefined;
  volume(name: string): KObject | undefined;
  volumes(): KObject[];
  storageClass(name: string): KObject | undefined;
  /** The node's CSINode (NodeVolumeLimits reads its drivers' attach limits); absent: no CSI limits. */
  csiNode?(name: string): KObject | undefined;
}

/** The pod's claims once PreFilter passed: those bound, and the WaitForFirstConsumer ones still to bind. */
export interface PodVolumes {
  bound: KObject[];
  delayed: KObject[];
  /** VolumeZone: the bound volumes' topology labels, each with the values it allows (split on `__`). */
  zones: { key: string; ga: string; values: Set<string> }[];
}

/** What PreBind does for the chosen node: volumes to bind to claims, claims to provision there. */
export interface VolumeDecisions {
  bindings: { pv: KObject; pvc: KObject }[];
  provisions: KObject[];
}

const isDelayBinding = (pvc: KObject, l: VolumeListers) => {
  const cls = claimClass(pvc);
  return cls !== '' && l.storageClass(cls)?.volumeBindingMode === 'WaitForFirstConsumer';
};

/**
 * PreFilter: the pod's claims, or the message that makes the pod unschedulable on every node (upstream's texts);
 * undefined when the pod uses no claim.
 */
export function volumePreFilter(pod: KObject, l: VolumeListers): { volumes: PodVolumes } | { message: string } | undefined {
  const claims: KObject[] = [];
  for (const v of (pod.spec?.volumes ?? []) as KObject[]) {
    const ephemeral = !!v.ephemeral;
    const name: string | undefined = v.persistentVolumeClaim?.claimName ?? (ephemeral ? `${pod.metadata.name}-${v.name}` : undefined);
    if (name === undefined) continue;
    const pvc = l.claim(pod.metadata.namespace, name);
    if (!pvc) return { message: ephemeral ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"` : `persistentvolumeclaim "${name}" not found` };
    if (pvc.status?.phase === 'Lost') return { message: `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${pvc.spec?.volumeName ?? ''}"` };
    if (pvc.metadata.deletionTimestamp) return { message: `persistentvolumeclaim "${name}" is being deleted` };
    if (ephemeral && !(pvc.metadata.ownerReferences ?? []).some((r: KObject) => r.controller && r.uid === pod.metadata.uid))
      return { message: `PVC ${pvc.metadata.namespace}/${name} was not created for pod ${pod.metadata.namespace}/${pod.metadata.name} (pod is not owner)` };
    claims.push(pvc);
  }
  if (claims.length === 0) return undefined;
  const volumes: PodVolumes = { bound: [], delayed: [], zones: [] };
  let unboundImmediate = false;
  for (const pvc of claims) {
    if (pvc.spec?.volumeName && pvc.metadata.annotations?.[BIND_COMPLETED] !== undefined) volumes.bound.push(pvc);
    else if (isDelayBinding(pvc, l) && !pvc.spec?.volumeName) volumes.delayed.push(pvc);
    else unboundImmediate = true;
  }
  if (unboundImmediate) return { message: UNBOUND_IMMEDIATE };
  // VolumeZone's PreFilter, next in the profile: the volumes of the pod's claims (ephemeral ones aside)
  for (const v of (pod.spec?.volumes ?? []) as KObject[]) {
    const pvc = v.persistentVolumeClaim && l.claim(pod.metadata.namespace, v.persistentVolumeClaim.claimName);
    if (!pvc?.spec?.volumeName) continue;
    const pv = l.volume(pvc.spec.volumeName);
    if (!pv) return { message: `persistentvolume "${pvc.spec.volumeName}" not found` };
    for (const [key, ga] of TOPOLOGY_LABELS) {
      const value: string | undefined = pv.metadata.labels?.[key];
      if (value !== undefined) volumes.zones.push({ key, ga, values: new Set(value.split('__')) });
    }
  }
  return { volumes };
}

/** VolumeZone's Filter: a node with topology labels must carry each zone or region its volumes allow. */
function zoneConflict(vols: PodVolumes, node: KObject): boolean {
  if (vols.zones.length === 0) return false;
  const labels: Record<string, string> = node.metadata.labels ?? {};
  if (!TOPOLOGY_LABELS.some(([key]) => labels[key] !== undefined)) return false;
  return vols.zones.some((z) => {
    const v = labels[z.key] ?? labels[z.ga];
    return v === undefined || !z.values.has(v);
  });
}

/** A provisioner for the claim's class that may provision on this node (allowedTopologies). */
function canProvision(pvc: KObject, node: KObject, l: VolumeListers): boolean {
  const sc = l.storageClass(claimClass(pvc));
  if (!sc?.provisioner || sc.provisioner === NO_PROVISIONER) return false;
  const terms = (sc.allowedTopologies ?? []) as KObject[];
  const labels: Record<string, string> = node.metadata.labels ?? {};
  return terms.length === 0 || terms.some((t) => ((t.matchLabelExpressions ?? []) as KObject[]).every((e) => (e.values ?? []).includes(labels[e.key])));
}

/** Filter (FindPodVolumes): the node's failure reasons, or the decisions PreBind would carry out there. */
export function volumeFilter(vols: PodVolumes, node: KObject, l: VolumeListers): { reasons: string[] } | { decisions: VolumeDecisions } {
  const reasons: string[] = [];
  for (const pvc of vols.bound) {
    const pv = l.volume(pvc.spec.volumeName);
    if (!pv) return { reasons: [PV_NOT_EXIST] };
    if (!volumeNodeAffinityMatches(pv, node)) {
      reasons.push(NODE_CONFLICT);
      break;
    }
  }
  const decisions: VolumeDecisions = { bindings: [], provisions: [] };
  const toProvision: KObject[] = [];
  const toMatch: KObject[] = [];
  for (const pvc of vols.delayed) {
    const selected = pvc.metadata.annotations?.[SELECTED_NODE];
    if (selected === undefined) toMatch.push(pvc);
    else if (selected !== node.metadata.name) return { reasons: [...reasons, BIND_CONFLICT] };
    else toProvision.push(pvc);
  }
  // the smallest free volume of the class that fits each claim and the node, smallest claims first
  const chosen = new Set<string>();
  const free = l.volumes().filter((pv) => !pv.spec?.claimRef && !pv.metadata.deletionTimestamp && (!pv.status?.phase || pv.status.phase === 'Available'));
  for (const pvc of [...toMatch].sort((a, b) => quantity(a.spec?.resources?.requests?.storage) - quantity(b.spec?.resources?.requests?.storage))) {
    let best: KObject | undefined;
    for (const pv of free) {
      if (chosen.has(pv.metadata.name) || volumeClass(pv) !== claimClass(pvc) || !volumeFits(pv, pvc) || !volumeNodeAffinityMatches(pv, node)) continue;
      if (!best || quantity(pv.spec?.capacity?.storage) < quantity(best.spec?.capacity?.storage)) best = pv;
    }
    if (best) {
      chosen.add(best.metadata.name);
      decisions.bindings.push({ pv: best, pvc });
    } else toProvision.push(pvc);
  }
  for (const pvc of toProvision) {
    if (!canProvision(pvc, node, l)) {
      reasons.push(BIND_CONFLICT);
      break;
    }
    if (pvc.metadata.annotations?.[SELECTED_NODE] === undefined) decisions.provisions.push(pvc);
  }
  if (reasons.length) return { reasons };
  return zoneConflict(vols, node) ? { reasons: [ZONE_CONFLICT] } : { decisions };
}

/** Whether every claim of the pod is bound (volumeName and the bind-completed annotation), as PreBind waits for. */
export function claimsBound(pod: KObject, l: VolumeListers): boolean {
  for (const v of (pod.spec?.volumes ?? []) as KObject[]) {
    const name: string | undefined = v.persistentVolumeClaim?.claimName ?? (v.ephemeral ? `${pod.metadata.name}-${v.name}` : undefined);
    if (name === undefined) continue;
    const pvc = l.claim(pod.metadata.namespace, name);
    if (!pvc?.spec?.volumeName || pvc.metadata.annotations?.[BIND_COMPLETED] === undefined) return false;
  }
  return true;
}
