// StorageObjectInUseProtection: new PersistentVolumeClaims and PersistentVolumes get the finalizer that
// the pvc-protection and pv-protection controllers take off once nothing uses them.
import type { AdmissionAttributes, KObject } from '../../registry/types.js';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export function storageProtectionHandles(a: AdmissionAttributes): boolean {
  return a.operation === 'CREATE' && !a.subresource && a.def.group === '' && (a.def.resource === 'persistentvolumeclaims' || a.def.resource === 'persistentvolumes');
}

/** Adds the resource's protection finalizer unless it is there; true when it did. */
export function addProtectionFinalizer(a: AdmissionAttributes, obj: KObject): boolean {
  const finalizer = a.def.resource === 'persistentvolumes' ? PV_PROTECTION_FINALIZER : PVC_PROTECTION_FINALIZER;
  const meta = (obj.metadata ??= {});
  const finalizers: string[] = meta.finalizers ?? [];
  if (finalizers.includes(finalizer)) return false;
  meta.finalizers = [...finalizers, finalizer];
  return true;
}
