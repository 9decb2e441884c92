// Which PersistentVolume suits a claim (upstream's findMatchingVolume), and the quantities it compares.
import type { GVR, KObject } from '../client/types.js';
import { labelSelectorFromObject } from '../apimachinery/selectors.js';

export const PVS: GVR = { group: '', version: 'v1', resource: 'persistentvolumes', namespaced: false };
export const PVCS: GVR = { group: '', version: 'v1', resource: 'persistentvolumeclaims', namespaced: true };
export const STORAGECLASSES: GVR = { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', namespaced: false };

// the volume annotations the PV controller, the provisioners and the scheduler share
export const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
export const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
export const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
export const NO_PROVISIONER = 'kubernetes.io/no-provisioner';
/** On a CSINode: the in-tree volume plugins the node's kubelet hands to CSI drivers. */
export const MIGRATED_PLUGINS = 'storage.alpha.kubernetes.io/migrated-plugins';

const SUFFIXES: Record<string, number> = {
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
  n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
};

/** A resource.Quantity as a number of units (bytes for storage). */
export function quantity(q: string | number | undefined): number {
  if (q === undefined) return 0;
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+)(?:[eE]([+-]?\d+))?([a-zA-Z]*)$/.exec(q.trim());
  if (!m) return 0;
  return Number(m[1]) * 10 ** Number(m[2] ?? 0) * (SUFFIXES[m[3]!] ?? 1);
}

export const claimClass = (pvc: KObject): string => pvc.spec?.storageClassName ?? '';
export const volumeClass = (pv: KObject): string => pv.spec?.storageClassName ?? '';

/** Whether a volume could serve this claim: class, volume mode, access modes, size, selector and node. */
export function volumeFits(pv: KObject, pvc: KObject): boolean {
  if (volumeClass(pv) !== claimClass(pvc)) return false;
  if ((pv.spec?.volumeMode ?? 'Filesystem') !== (pvc.spec?.volumeMode ?? 'Filesystem')) return false;
  const modes: string[] = pv.spec?.accessModes ?? [];
  if (!(pvc.spec?.accessModes ?? []).every((m: string) => modes.includes(m))) return false;
  if (quantity(pv.spec?.capacity?.storage) < quantity(pvc.spec?.resources?.requests?.storage)) return false;
  if (pvc.spec?.selector && !labelSelectorFromObject(pvc.spec.selector).matches(pv.metadata.labels)) return false;
  return true;
}

/** The smallest fitting volume that is free (or pre-bound to this claim, which wins). */
export function findMatchingVolume(pvc: KObject, volumes: KObject[]): KObject | undefined {
  let best: KObject | undefined;
  for (const pv of volumes) {
    if (pv.metadata.deletionTimestamp) continue;
    const ref = pv.spec?.claimRef;
    const preBound = ref && ref.name === pvc.metadata.name && ref.namespace === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid);
    if (ref && !preBound) continue;
    if (!volumeFits(pv, pvc)) continue;
    if (preBound) return pv;
    if (pv.status?.phase && pv.status.phase !== 'Available' && pv.status.phase !== 'Pending') continue;
    if (!best || quantity(pv.spec?.capacity?.storage) < quantity(best.spec?.capacity?.storage)) best = pv;
  }
  return best;
}
