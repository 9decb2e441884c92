import { col, docCol, nameColumn, ageColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, obj, quantity, str, translateTimestampSince } from './util.js';

const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** Access modes as the RWO,ROX,RWX,RWOP short list (fixed order, duplicates dropped). */
export function accessModes(modes: unknown): string {
  const set = new Set(arr(modes));
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

function storageClass(o: any, fromSpec: unknown): string {
  const ann = obj(obj(o?.metadata).annotations);
  if (Object.prototype.hasOwnProperty.call(ann, BETA_STORAGE_CLASS)) return str(ann[BETA_STORAGE_CLASS]);
  return str(fromSpec);
}

export const persistentVolumePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Capacity', 'string', 'PersistentVolumeSpec.capacity'),
    docCol('Access Modes', 'string', 'PersistentVolumeSpec.accessModes'),
    docCol('Reclaim Policy', 'string', 'PersistentVolumeSpec.persistentVolumeReclaimPolicy'),
    docCol('Status', 'string', 'PersistentVolumeStatus.phase'),
    docCol('Claim', 'string', 'PersistentVolumeSpec.claimRef'),
    col('StorageClass', 'string', 'StorageClass of the pv'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pv'),
    docCol('Reason', 'string', 'PersistentVolumeStatus.reason'),
    ageColumn(),
    docCol('VolumeMode', 'string', 'PersistentVolumeSpec.volumeMode', 1),
  ],
  row(o, now) {
    const meta = obj(o?.metadata);
    const spec = obj(o?.spec);
    const status = obj(o?.status);
    const claimRef = spec.claimRef ? `${str(spec.claimRef.namespace)}/${str(spec.claimRef.name)}` : '';
    const phase = meta.deletionTimestamp != null ? 'Terminating' : str(status.phase);
    return {
      cells: [
        str(meta.name),
        quantity(obj(spec.capacity).storage),
        accessModes(spec.accessModes),
        str(spec.persistentVolumeReclaimPolicy),
        phase,
        claimRef,
        storageClass(o, spec.storageClassName),
        typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
        str(status.reason),
        translateTimestampSince(meta.creationTimestamp, now),
        typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>',
      ],
    };
  },
};

export const persistentVolumeClaimPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Status', 'string', 'PersistentVolumeClaimStatus.phase'),
    docCol('Volume', 'string', 'PersistentVolumeClaimSpec.volumeName'),
    docCol('Capacity', 'string', 'PersistentVolumeClaimStatus.capacity'),
    docCol('Access Modes', 'string', 'PersistentVolumeClaimStatus.accessModes'),
    col('StorageClass', 'string', 'StorageClass of the pvc'),
    col('VolumeAttributesClass', 'string', 'VolumeAttributesClass of the pvc'),
    ageColumn(),
    docCol('VolumeMode', 'string', 'PersistentVolumeClaimSpec.volumeMode', 1),
  ],
  row(o, now) {
    const meta = obj(o?.metadata);
    const spec = obj(o?.spec);
    const status = obj(o?.status);
    const phase = meta.deletionTimestamp != null ? 'Terminating' : str(status.phase);
    // capacity and access modes are only shown once the claim is bound to a volume
    const bound = str(spec.volumeName) !== '';
    return {
      cells: [
        str(meta.name),
        phase,
        str(spec.volumeName),
        bound ? quantity(obj(status.capacity).storage) : '',
        bound ? accessModes(status.accessModes) : '',
        storageClass(o, spec.storageClassName),
        typeof spec.volumeAttributesClassName === 'string' ? spec.volumeAttributesClassName : '<unset>',
        translateTimestampSince(meta.creationTimestamp, now),
        typeof spec.volumeMode === 'string' ? spec.volumeMode : '<unset>',
      ],
    };
  },
};
