// The scheduler's VolumeRestrictions plugin: a ReadWriteOncePod claim that a scheduled pod already uses makes
// every node unfit (preemption may evict the holder), and an inline GCE PD, AWS EBS, RBD or iSCSI disk that a
// pod on the node already mounts read-write makes that node unfit.
import type { KObject } from '../client/types.js';
import type { NodeInfo, Snapshot } from './scheduler-snapshot.js';

export const DISK_CONFLICT = 'node(s) had no available disk';
export const RWOP_CONFLICT = 'node has pod using PersistentVolumeClaim with the same name and ReadWriteOncePod access mode';

export interface RestrictionsState {
  /** The pod's inline volumes that may conflict with another pod's on the same node. */
  disks: KObject[];
  /** How many of the pod's ReadWriteOncePod claims scheduled pods use. */
  conflicts: number;
}

const isDisk = (v: KObject) => !!(v.gcePersistentDisk || v.awsElasticBlockStore || v.rbd || v.iscsi);

/**
 * PreFilter: the state Filter uses, the message that makes every node unfit (a claim that does not exist), or
 * undefined when the plugin has nothing to check (upstream's Skip). Without a claim lister only disks are checked.
 */
export function restrictionsPreFilter(pod: KObject, snap: Snapshot, claim?: (ns: string, name: string) => KObject | undefined): RestrictionsState | { message: string } | undefined {
  const ns: string = pod.metadata.namespace;
  const volumes = (pod.spec?.volumes ?? []) as KObject[];
  const rwop = new Set<string>();
  if (claim) {
    for (const v of volumes) {
      const name: string | undefined = v.persistentVolumeClaim?.claimName;
      if (name === undefined) continue;
      const pvc = claim(ns, name);
      if (!pvc) return { message: `persistentvolumeclaim "${name}" not found` };
      if ((pvc.spec?.accessModes ?? []).includes('ReadWriteOncePod')) rwop.add(name);
    }
  }
  let conflicts = 0;
  if (rwop.size) {
    const used = new Set<string>();
    for (const ni of snap.nodes) {
      for (const p of ni.pods) {
        if (p.metadata.namespace !== ns) continue;
        for (const v of (p.spec?.volumes ?? []) as KObject[]) if (v.persistentVolumeClaim && rwop.has(v.persistentVolumeClaim.claimName)) used.add(v.persistentVolumeClaim.claimName);
      }
    }
    conflicts = used.size;
  }
  const disks = volumes.filter(isDisk);
  return disks.length || conflicts ? { disks, conflicts } : undefined;
}

/** Filter: the node's reason, if any (both are Unschedulable, so preemption may help). */
export function restrictionsFilter(state: RestrictionsState, ni: NodeInfo): string | undefined {
  for (const v of state.disks) for (const p of ni.pods) if (diskConflict(v, p)) return DISK_CONFLICT;
  return state.conflicts > 0 ? RWOP_CONFLICT : undefined;
}

/** Whether the volume conflicts with one of the existing pod's: the same disk, unless both mount it read-only (EBS: always). */
export function diskConflict(v: KObject, existing: KObject): boolean {
  for (const e of (existing.spec?.volumes ?? []) as KObject[]) {
    if (v.gcePersistentDisk && e.gcePersistentDisk && v.gcePersistentDisk.pdName === e.gcePersistentDisk.pdName && !(v.gcePersistentDisk.readOnly && e.gcePersistentDisk.readOnly)) return true;
    if (v.awsElasticBlockStore && e.awsElasticBlockStore && v.awsElasticBlockStore.volumeID === e.awsElasticBlockStore.volumeID) return true;
    if (v.iscsi && e.iscsi && v.iscsi.iqn === e.iscsi.iqn && !(v.iscsi.readOnly && e.iscsi.readOnly)) return true;
    if (v.rbd && e.rbd) {
      const monitors = new Set<string>(v.rbd.monitors ?? []);
      const overlap = ((e.rbd.monitors ?? []) as string[]).some((m) => monitors.has(m));
      if (overlap && (v.rbd.pool ?? 'rbd') === (e.rbd.pool ?? 'rbd') && v.rbd.image === e.rbd.image && !(v.rbd.readOnly && e.rbd.readOnly)) return true;
    }
  }
  return false;
}
