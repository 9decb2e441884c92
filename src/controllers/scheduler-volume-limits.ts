// The scheduler's NodeVolumeLimits plugin: the CSI volumes a pod would add to a node must stay within each driver's
// attach limit (the node's CSINode `spec.drivers[].allocatable.count`, or a legacy `attachable-volumes-csi-<driver>`
// in the node's allocatable). Claims bound to CSI volumes count by driver and handle, unbound ones by their class's
// provisioner, and in-tree disks (inline or as volumes) by the CSI driver they migrate to.
import { createHash, randomBytes } from 'node:crypto';
import type { KObject } from '../client/types.js';
import type { NodeInfo } from './scheduler-snapshot.js';
import type { VolumeListers } from './scheduler-volumes.js';
import { MIGRATED_PLUGINS, claimClass } from './volume-matching.js';

export const MAX_VOLUME_COUNT = 'node(s) exceed max volume count';

/** In-tree volume sources that migrate to CSI: their plugin name, CSI driver and volume handle. */
const IN_TREE: { field: string; plugin: string; driver: string; handle(source: KObject, zone?: string): string | undefined }[] = [
  { field: 'awsElasticBlockStore', plugin: 'kubernetes.io/aws-ebs', driver: 'ebs.csi.aws.com', handle: (s) => ebsVolumeID(s.volumeID) },
  { field: 'gcePersistentDisk', plugin: 'kubernetes.io/gce-pd', driver: 'pd.csi.storage.gke.io', handle: (s, zone) => (s.pdName ? `projects/UNSPECIFIED/zones/${zone || 'UNSPECIFIED'}/disks/${s.pdName}` : undefined) },
  { field: 'azureDisk', plugin: 'kubernetes.io/azure-disk', driver: 'disk.csi.azure.com', handle: (s) => s.diskURI },
  { field: 'cinder', plugin: 'kubernetes.io/cinder', driver: 'cinder.csi.openstack.org', handle: (s) => s.volumeID },
  { field: 'vsphereVolume', plugin: 'kubernetes.io/vsphere-volume', driver: 'csi.vsphere.vmware.com', handle: (s) => s.volumePath },
  { field: 'portworxVolume', plugin: 'kubernetes.io/portworx-volume', driver: 'pxd.portworx.com', handle: (s) => s.volumeID },
];

/** `aws://<zone>/<id>` or `<id>`: the EBS volume id the CSI driver knows. */
function ebsVolumeID(id: unknown): string | undefined {
  if (typeof id !== 'string' || !id) return undefined;
  return id.startsWith('aws://') ? id.slice(id.lastIndexOf('/') + 1) : id;
}

/** Migration is on for every GA plugin with a CSINode; Portworx's only where the node's CSINode names it. */
function migrationOn(csiNode: KObject | undefined, plugin: string): boolean {
  if (!csiNode) return false;
  if (plugin !== 'kubernetes.io/portworx-volume') return true;
  return (csiNode.metadata?.annotations?.[MIGRATED_PLUGINS] ?? '').split(',').includes(plugin);
}

/** The resource name a driver's limit goes by (a hash keeps a long driver name within 63 characters, as upstream's). */
export function attachLimitKey(driver: string): string {
  const prefix = 'attachable-volumes-csi-';
  if (prefix.length + driver.length < 63) return prefix + driver;
  return prefix + driver.slice(0, 23) + createHash('sha1').update(driver).digest('hex').slice(0, 16);
}

/** Whether the plugin has anything to check for this pod (upstream's PreFilter, which otherwise skips it). */
export function volumeLimitsApply(pod: KObject): boolean {
  return ((pod.spec?.volumes ?? []) as KObject[]).some((v) => v.persistentVolumeClaim || v.ephemeral || IN_TREE.some((t) => v[t.field]));
}

/** Unbound claims count under a handle no bound volume can have, random per scheduler as upstream's. */
const UNBOUND_PREFIX = randomBytes(16).toString('hex');

class Refusal extends Error {}

/** The CSI volumes (unique name → limit key) a pod uses; a new pod's missing or foreign claim refuses the node. */
function attachable(pod: KObject, csiNode: KObject | undefined, listers: VolumeListers, isNew: boolean, out: Map<string, string>): void {
  const ns: string = pod.metadata.namespace;
  for (const v of (pod.spec?.volumes ?? []) as KObject[]) {
    let claimName: string;
    if (v.persistentVolumeClaim) claimName = v.persistentVolumeClaim.claimName;
    else if (v.ephemeral) claimName = `${pod.metadata.name}-${v.name}`;
    else {
      const t = IN_TREE.find((x) => v[x.field]);
      const handle = t && migrationOn(csiNode, t.plugin) && t.handle(v[t.field]);
      if (t && handle) out.set(`${t.driver}/${handle}`, attachLimitKey(t.driver));
      continue;
    }
    const pvc = listers.claim(ns, claimName);
    if (!pvc) {
      if (isNew) throw new Refusal(`looking up PVC ${ns}/${claimName}: persistentvolumeclaim "${claimName}" not found`);
      continue;
    }
    if (v.ephemeral && !((pvc.metadata.ownerReferences ?? []) as KObject[]).some((o) => o.controller && o.uid === pod.metadata.uid)) {
      if (isNew) throw new Refusal(`PVC ${ns}/${claimName} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`);
      continue;
    }
    const found = driverOf(pvc, csiNode, listers);
    if (found) out.set(`${found.driver}/${found.handle}`, attachLimitKey(found.driver));
  }
}

/** A claim's CSI driver and volume handle: its bound volume's, else its class's provisioner with a placeholder handle. */
function driverOf(pvc: KObject, csiNode: KObject | undefined, listers: VolumeListers): { driver: string; handle: string } | undefined {
  const pvName: string = pvc.spec?.volumeName ?? '';
  const pv = pvName ? listers.volume(pvName) : undefined;
  if (pv) {
    const csi = pv.spec?.csi;
    if (csi) return csi.driver && csi.volumeHandle ? { driver: csi.driver, handle: csi.volumeHandle } : undefined;
    const t = IN_TREE.find((x) => pv.spec?.[x.field]);
    if (!t || !migrationOn(csiNode, t.plugin)) return undefined;
    const handle = t.handle(pv.spec[t.field], pv.metadata.labels?.['topology.kubernetes.io/zone']);
    return handle ? { driver: t.driver, handle } : undefined;
  }
  const className = claimClass(pvc);
  const sc = className ? listers.storageClass(className) : undefined;
  if (!sc) return undefined;
  const handle = `${UNBOUND_PREFIX}-${pvc.metadata.namespace}/${pvc.metadata.name}`;
  const t = IN_TREE.find((x) => x.plugin === sc.provisioner);
  if (t) return migrationOn(csiNode, t.plugin) ? { driver: t.driver, handle } : undefined;
  return { driver: sc.provisioner, handle };
}

/** Each driver's limit on the node: legacy `attachable-volumes-*` allocatable entries, then its CSINode's counts. */
function limitsOf(node: KObject, csiNode: KObject | undefined): Map<string, number> {
  const limits = new Map<string, number>();
  for (const [k, v] of Object.entries((node.status?.allocatable ?? {}) as Record<string, string>)) if (k.startsWith('attachable-volumes-')) limits.set(k, Number.parseInt(v, 10));
  for (const d of (csiNode?.spec?.drivers ?? []) as KObject[]) if (typeof d.allocatable?.count === 'number') limits.set(attachLimitKey(d.name), d.allocatable.count);
  return limits;
}

/**
 * Filter: the node's reason, if any — MAX_VOLUME_COUNT when a driver's volumes would pass its limit (Unschedulable, so
 * preemption may help), or the claim problem of the new pod (unresolvable).
 */
export function volumeLimitsFilter(pod: KObject, ni: NodeInfo, listers: VolumeListers): { reason: string; unresolvable: boolean } | undefined {
  const csiNode = listers.csiNode?.(ni.name);
  const wanted = new Map<string, string>();
  try {
    attachable(pod, csiNode, listers, true, wanted);
  } catch (e) {
    if (e instanceof Refusal) return { reason: e.message, unresolvable: true };
    throw e;
  }
  if (wanted.size === 0) return undefined;
  const limits = limitsOf(ni.node, csiNode);
  if (limits.size === 0) return undefined;
  const attached = new Map<string, string>();
  for (const p of ni.pods) attachable(p, csiNode, listers, false, attached);
  const count = (m: Map<string, string>) => {
    const n = new Map<string, number>();
    for (const key of m.values()) n.set(key, (n.get(key) ?? 0) + 1);
    return n;
  };
  // a volume another pod on the node already uses is attached once
  for (const name of attached.keys()) wanted.delete(name);
  const used = count(attached);
  for (const [key, n] of count(wanted)) {
    const limit = limits.get(key);
    if (limit !== undefined && (used.get(key) ?? 0) + n > limit) return { reason: MAX_VOLUME_COUNT, unresolvable: false };
  }
  return undefined;
}
