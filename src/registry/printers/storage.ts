import { docCol, nameColumn, ageColumn, col } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, obj, str, translateTimestampSince } from './util.js';

const name = (o: any): string => str(obj(o?.metadata).name);
const age = (o: any, now: number): string => translateTimestampSince(obj(o?.metadata).creationTimestamp, now);
const boolOr = (v: unknown, dflt: boolean): boolean => (typeof v === 'boolean' ? v : dflt);

function isDefaultClass(o: any): boolean {
  const ann = obj(obj(o?.metadata).annotations);
  return ann['storageclass.kubernetes.io/is-default-class'] === 'true' || ann['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
}

export const storageClassPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Provisioner', 'string', 'StorageClass.provisioner'),
    docCol('ReclaimPolicy', 'string', 'StorageClass.reclaimPolicy'),
    docCol('VolumeBindingMode', 'string', 'StorageClass.volumeBindingMode'),
    docCol('AllowVolumeExpansion', 'string', 'StorageClass.allowVolumeExpansion'),
    ageColumn(),
  ],
  row(o, now) {
    return {
      cells: [
        name(o) + (isDefaultClass(o) ? ' (default)' : ''),
        str(o?.provisioner),
        typeof o?.reclaimPolicy === 'string' ? o.reclaimPolicy : 'Delete',
        typeof o?.volumeBindingMode === 'string' ? o.volumeBindingMode : 'Immediate',
        boolOr(o?.allowVolumeExpansion, false),
        age(o, now),
      ],
    };
  },
};

export const csiDriverPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('AttachRequired', 'boolean', 'CSIDriverSpec.attachRequired'),
    docCol('PodInfoOnMount', 'boolean', 'CSIDriverSpec.podInfoOnMount'),
    docCol('StorageCapacity', 'boolean', 'CSIDriverSpec.storageCapacity'),
    docCol('TokenRequests', 'string', 'CSIDriverSpec.tokenRequests'),
    docCol('RequiresRepublish', 'boolean', 'CSIDriverSpec.requiresRepublish'),
    docCol('Modes', 'string', 'CSIDriverSpec.volumeLifecycleModes'),
    ageColumn(),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    // a present-but-empty tokenRequests list prints as an empty string, an absent one as <unset>
    const tokenRequests = Array.isArray(spec.tokenRequests) ? spec.tokenRequests.map((t: any) => str(t?.audience)).join(',') : '<unset>';
    return {
      cells: [
        name(o), boolOr(spec.attachRequired, true), boolOr(spec.podInfoOnMount, false), boolOr(spec.storageCapacity, false),
        tokenRequests, boolOr(spec.requiresRepublish, false), arr(spec.volumeLifecycleModes).map(str).join(',') || '<none>', age(o, now),
      ],
    };
  },
};

export const csiNodePrinter: TablePrinter = {
  columns: [nameColumn(), col('Drivers', 'integer', 'Drivers indicates the number of CSI drivers registered on the node'), ageColumn()],
  row: (o, now) => ({ cells: [name(o), arr(obj(o?.spec).drivers).length, age(o, now)] }),
};

export const volumeAttachmentPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    // upstream marks this column with the name format too
    docCol('Attacher', 'string', 'VolumeAttachmentSpec.attacher', 0, 'name'),
    docCol('PV', 'string', 'VolumeAttachmentSource.persistentVolumeName'),
    docCol('Node', 'string', 'VolumeAttachmentSpec.nodeName'),
    docCol('Attached', 'boolean', 'VolumeAttachmentStatus.attached'),
    ageColumn(),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    return {
      cells: [name(o), str(spec.attacher), str(obj(spec.source).persistentVolumeName), str(spec.nodeName), obj(o?.status).attached === true, age(o, now)],
    };
  },
};
