// The identity of a StatefulSet's pods and claims as upstream's stateful_set_utils: `<set>-<ordinal>`,
// hostname and subdomain, the pod-name / pod-index / controller-revision-hash labels, one volume per
// volumeClaimTemplate bound to the claim `<template>-<set>-<ordinal>`, and the retention policy's ownerReferences.
import type { KObject } from '../client/types.js';
import { controllerRefTo } from './controller-history.js';

export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

const ordinalRe = /^(.*)-(\d+)$/;

/** The ordinal in a pod's name, or -1 when the name has none. */
export function getOrdinal(pod: KObject): number {
  const m = ordinalRe.exec(pod.metadata?.name ?? '');
  if (!m) return -1;
  const n = Number(m[2]);
  return Number.isSafeInteger(n) && n <= 0x7fffffff ? n : -1;
}

/** The set a pod's name says it belongs to (getParentName): the name without its ordinal. */
export function parentName(pod: KObject): string | undefined {
  return ordinalRe.exec(pod.metadata?.name ?? '')?.[1];
}

export const startOrdinal = (set: KObject): number => set.spec?.ordinals?.start ?? 0;
export const endOrdinal = (set: KObject): number => startOrdinal(set) + (set.spec?.replicas ?? 1) - 1;
export const inOrdinalRange = (set: KObject, ord: number): boolean => ord >= startOrdinal(set) && ord <= endOrdinal(set);
export const podName = (set: KObject, ord: number): string => `${set.metadata.name}-${ord}`;
export const claimName = (set: KObject, template: string, ord: number): string => `${template}-${set.metadata.name}-${ord}`;

/** A new pod for `ordinal` from `template` (the template of the revision it belongs to). */
export function newStatefulSetPod(set: KObject, template: KObject, ord: number, revision: string): KObject {
  const name = podName(set, ord);
  const t = structuredClone(template);
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}), [POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ord), [REVISION_LABEL]: revision };
  const metadata: KObject = { name, generateName: `${set.metadata.name}-`, namespace: set.metadata.namespace, labels };
  if (t.metadata?.annotations) metadata.annotations = t.metadata.annotations;
  if (t.metadata?.finalizers) metadata.finalizers = t.metadata.finalizers;
  metadata.ownerReferences = [controllerRefTo(set, 'StatefulSet')];
  const spec: KObject = t.spec ?? {};
  spec.hostname = name;
  if (set.spec?.serviceName) spec.subdomain = set.spec.serviceName;
  const claims = (set.spec?.volumeClaimTemplates ?? []) as KObject[];
  if (claims.length) {
    const names = new Set(claims.map((c) => c.metadata?.name));
    const volumes = ((spec.volumes ?? []) as KObject[]).filter((v) => !names.has(v.name));
    spec.volumes = [...claims.map((c) => ({ name: c.metadata.name, persistentVolumeClaim: { claimName: claimName(set, c.metadata.name, ord) } })), ...volumes];
  }
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}

/** The pod has the labels and hostname its ordinal gives it (identityMatches). */
export function identityMatches(set: KObject, pod: KObject): boolean {
  const ord = getOrdinal(pod);
  const labels = pod.metadata.labels ?? {};
  return ord >= 0 && pod.metadata.name === podName(set, ord) && labels[POD_NAME_LABEL] === pod.metadata.name && labels[POD_INDEX_LABEL] === String(ord);
}

/** The claims a pod of `ordinal` uses, as created from the volumeClaimTemplates. */
export function claimsFor(set: KObject, ord: number, pod?: KObject): KObject[] {
  const selectorLabels: Record<string, string> = set.spec?.selector?.matchLabels ?? {};
  return ((set.spec?.volumeClaimTemplates ?? []) as KObject[]).map((t) => {
    const c = structuredClone(t);
    const metadata: KObject = { ...c.metadata, name: claimName(set, t.metadata.name, ord), namespace: set.metadata.namespace, labels: { ...(c.metadata?.labels ?? {}), ...selectorLabels } };
    delete metadata.creationTimestamp;
    const refs = claimOwnerRefs(set, ord, pod, []);
    if (refs.length) metadata.ownerReferences = refs;
    return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: c.spec };
  });
}

const plainRef = (o: KObject, apiVersion: string, kind: string): KObject => ({ apiVersion, kind, name: o.metadata.name, uid: o.metadata.uid });

/**
 * The ownerReferences a claim should carry under persistentVolumeClaimRetentionPolicy: the set when
 * whenDeleted=Delete (while the ordinal is in range), the pod once scaled away when whenScaled=Delete.
 */
export function claimOwnerRefs(set: KObject, ord: number, pod: KObject | undefined, current: KObject[]): KObject[] {
  const policy = set.spec?.persistentVolumeClaimRetentionPolicy ?? {};
  const scaledDown = !inOrdinalRange(set, ord);
  const others = current.filter((r) => r.uid !== set.metadata.uid && (!pod || r.uid !== pod.metadata.uid));
  const refs = [...others];
  const ownedBySet = policy.whenDeleted === 'Delete' && !(scaledDown && policy.whenScaled === 'Delete');
  const ownedByPod = policy.whenScaled === 'Delete' && scaledDown && pod?.metadata.uid;
  if (ownedBySet) refs.push(current.find((r) => r.uid === set.metadata.uid) ?? plainRef(set, 'apps/v1', 'StatefulSet'));
  if (ownedByPod) refs.push(current.find((r) => r.uid === pod!.metadata.uid) ?? plainRef(pod!, 'v1', 'Pod'));
  return refs;
}
