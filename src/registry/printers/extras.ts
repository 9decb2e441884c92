import { col, docCol, nameColumn, ageColumn } from './columns.js';
import type { TablePrinter } from './types.js';
import { arr, listWithMore, obj, quantity, str, translateTimestampSince } from './util.js';

// Printers for less common kinds: component statuses, alpha/beta APIs and networking IP management.
const name = (o: any): string => str(obj(o?.metadata).name);
const age = (o: any, now: number): string => translateTimestampSince(obj(o?.metadata).creationTimestamp, now);

export const componentStatusPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    col('Status', 'string', 'Status of the component conditions'),
    col('Message', 'string', 'Message of the component conditions'),
    col('Error', 'string', 'Error of the component conditions'),
  ],
  row(o) {
    const c = arr(o?.conditions).find((x) => x?.type === 'Healthy');
    const status = c ? (c.status === 'True' ? 'Healthy' : 'Unhealthy') : 'Unknown';
    return { cells: [name(o), status, c ? str(c.message) : '', c ? str(c.error) : ''] };
  },
};

export const serviceCIDRPrinter: TablePrinter = {
  columns: [nameColumn(), docCol('CIDRs', 'string', 'ServiceCIDRSpec.cidrs'), ageColumn()],
  row: (o, now) => ({ cells: [name(o), arr(obj(o?.spec).cidrs).map(str).join(','), age(o, now)] }),
};

export const ipAddressPrinter: TablePrinter = {
  // upstream declares no Age column here but still emits the age cell; kubectl ignores the surplus cell
  columns: [nameColumn(), docCol('ParentRef', 'string', 'IPAddressSpec.parentRef')],
  row(o, now) {
    const ref = obj(o?.spec).parentRef;
    let parent = '<none>';
    if (ref != null) {
      const gr = str(ref.group) ? `${str(ref.resource)}.${str(ref.group)}` : str(ref.resource);
      parent = gr.toLowerCase() + (str(ref.namespace) ? `/${str(ref.namespace)}` : '') + `/${str(ref.name)}`;
    }
    return { cells: [name(o), parent, age(o, now)] };
  },
};

export const csiStorageCapacityPrinter: TablePrinter = {
  columns: [nameColumn(), docCol('StorageClassName', 'string', 'CSIStorageCapacity.storageClassName'), docCol('Capacity', 'string', 'CSIStorageCapacity.capacity')],
  row: (o) => ({ cells: [name(o), str(o?.storageClassName), quantity(o?.capacity, '<unset>')] }),
};

export const volumeAttributesClassPrinter: TablePrinter = {
  columns: [nameColumn(), docCol('DriverName', 'string', 'VolumeAttributesClass.driverName'), ageColumn()],
  row(o, now) {
    const isDefault = obj(obj(o?.metadata).annotations)['volumeattributesclass.alpha.kubernetes.io/is-default-class'] === 'true';
    return { cells: [name(o) + (isDefault ? ' (default)' : ''), str(o?.driverName), age(o, now)] };
  },
};

const nameAgePrinter: TablePrinter = {
  columns: [nameColumn(), ageColumn()],
  row: (o, now) => ({ cells: [name(o), age(o, now)] }),
};
export const deviceClassPrinter = nameAgePrinter;
export const resourceClaimTemplatePrinter = nameAgePrinter;

export const resourceClaimPrinter: TablePrinter = {
  columns: [nameColumn(), col('State', 'string', 'A summary of the current state (allocated, pending, reserved, etc.).'), ageColumn()],
  row(o, now) {
    const deleted = obj(o?.metadata).deletionTimestamp != null;
    const status = obj(o?.status);
    const states: string[] = [];
    if (deleted) states.push('deleted');
    if (status.allocation == null) {
      if (!deleted) states.push('pending');
    } else {
      states.push('allocated');
      if (arr(status.reservedFor).length > 0) states.push('reserved');
    }
    return { cells: [name(o), states.join(','), age(o, now)] };
  },
};

export const resourceSlicePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('Node', 'string', 'ResourceSliceSpec.nodeName'),
    docCol('Driver', 'string', 'ResourceSliceSpec.driver'),
    docCol('Pool', 'string', 'ResourcePool.name'),
    ageColumn(),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    return { cells: [name(o), str(spec.nodeName), str(spec.driver), str(obj(spec.pool).name), age(o, now)] };
  },
};

export const leaseCandidatePrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('LeaseName', 'string', 'LeaseCandidateSpec.leaseName'),
    // upstream looks these descriptions up in ObjectMeta's docs, which have no such keys
    col('BinaryVersion', 'string', ''),
    col('EmulationVersion', 'string', ''),
    ageColumn(),
  ],
  row(o, now) {
    const spec = obj(o?.spec);
    return { cells: [name(o), str(spec.leaseName), str(spec.binaryVersion), str(spec.emulationVersion), age(o, now)] };
  },
};

export const clusterTrustBundlePrinter: TablePrinter = {
  columns: [nameColumn(), docCol('SignerName', 'string', 'ClusterTrustBundleSpec.signerName')],
  row: (o) => ({ cells: [name(o), str(obj(o?.spec).signerName) || '<none>'] }),
};

export const storageVersionPrinter: TablePrinter = {
  columns: [
    nameColumn(),
    docCol('CommonEncodingVersion', 'string', 'StorageVersionStatus.commonEncodingVersion'),
    docCol('StorageVersions', 'string', 'StorageVersionStatus.storageVersions'),
    ageColumn(),
  ],
  row(o, now) {
    const status = obj(o?.status);
    const all = arr(status.storageVersions).map((sv) => `${str(sv?.apiServerID)}=${str(sv?.encodingVersion)}`);
    const common = typeof status.commonEncodingVersion === 'string' ? status.commonEncodingVersion : '<unset>';
    return { cells: [name(o), common, listWithMore(all.slice(0, 3), all.length > 3, all.length, 3), age(o, now)] };
  },
};

export const storageVersionMigrationPrinter: TablePrinter = {
  // upstream gives this Name column no "name" format
  columns: [col('Name', 'string', nameColumn().description), col('Resource', 'string', 'Fully qualified resource to migrate')],
  row(o) {
    const r = obj(obj(o?.spec).resource);
    return { cells: [name(o), `${str(r.resource)}.${str(r.version)}.${str(r.group)}`] };
  },
};
