// storage.k8s.io/v1 csidrivers, csinodes, csistoragecapacities, storageclasses, volumeattachments.
import { type FieldError, duplicate, forbiddenField, invalid, notSupported, required, tooLong } from '../../apimachinery/errors.js';
import { qualifiedNameErrors } from '../../apimachinery/validation.js';
import { defineResource, STATUS } from '../define.js';
import { deepEqual } from '../util.js';
import type { KObject, ResourceDef } from '../types.js';
import { checkQuantities, immutable, nonNegative, oneOf, quantityValue, subdomain, validateLabelSelector } from './common.js';
import { csiStorageCapacityPrinter } from '../printers/extras.js';
import { csiDriverPrinter, csiNodePrinter, storageClassPrinter, volumeAttachmentPrinter } from '../printers/storage.js';

function defaultStorageClass(obj: KObject): void {
  obj.reclaimPolicy ||= 'Delete';
  obj.volumeBindingMode ||= 'Immediate';
}

function validateStorageClass(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const prov: string = obj.provisioner ?? '';
  if (!prov) errs.push(required('provisioner'));
  else {
    if (prov.length > 63) errs.push(tooLong('provisioner', 63));
    for (const m of qualifiedNameErrors(prov.toLowerCase())) errs.push(invalid('provisioner', prov, m));
  }
  let size = 0;
  for (const [k, v] of Object.entries(obj.parameters ?? {})) {
    if (k === '') errs.push(invalid('parameters', k, 'field can not be empty.'));
    size += k.length + String(v).length;
  }
  if (size > 256 * 1024) errs.push(tooLong('parameters', 256 * 1024));
  oneOf(obj.reclaimPolicy, 'reclaimPolicy', ['Delete', 'Retain'], errs);
  oneOf(obj.volumeBindingMode, 'volumeBindingMode', ['Immediate', 'WaitForFirstConsumer'], errs, true);
  return errs;
}

export const storageclasses = defineResource({
  group: 'storage.k8s.io',
  resource: 'storageclasses',
  kind: 'StorageClass',
  printer: storageClassPrinter,
  namespaced: false,
  shortNames: ['sc'],
  returnDeletedObject: true,
  strategy: {
    prepareForCreate: defaultStorageClass,
    prepareForUpdate: defaultStorageClass,
    validate: validateStorageClass,
    validateUpdate(obj, old) {
      const errs = validateStorageClass(obj);
      if (!deepEqual(obj.parameters ?? {}, old.parameters ?? {})) errs.push(forbiddenField('parameters', 'updates to parameters are forbidden.'));
      if (obj.provisioner !== old.provisioner) errs.push(forbiddenField('provisioner', 'updates to provisioner are forbidden.'));
      if (obj.reclaimPolicy !== old.reclaimPolicy) errs.push(forbiddenField('reclaimPolicy', 'updates to reclaimPolicy are forbidden.'));
      immutable(obj.volumeBindingMode, old.volumeBindingMode, 'volumeBindingMode', errs);
      return errs;
    },
  },
});

function defaultCSIDriver(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.attachRequired ??= true;
  spec.podInfoOnMount ??= false;
  spec.storageCapacity ??= false;
  spec.fsGroupPolicy ??= 'ReadWriteOnceWithFSType';
  spec.requiresRepublish ??= false;
  if (!Array.isArray(spec.volumeLifecycleModes) || spec.volumeLifecycleModes.length === 0) spec.volumeLifecycleModes = ['Persistent'];
  spec.seLinuxMount ??= false;
}

function validateCSIDriver(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  if (typeof spec.attachRequired !== 'boolean') errs.push(required('spec.attachedRequired'));
  if (typeof spec.podInfoOnMount !== 'boolean') errs.push(required('spec.podInfoOnMount'));
  if (typeof spec.storageCapacity !== 'boolean') errs.push(required('spec.storageCapacity'));
  oneOf(spec.fsGroupPolicy, 'spec.fsGroupPolicy', ['File', 'None', 'ReadWriteOnceWithFSType'], errs);
  (spec.volumeLifecycleModes ?? []).forEach((m: string) => {
    if (m !== 'Persistent' && m !== 'Ephemeral') errs.push(notSupported('spec.volumeLifecycleModes', m, ['Ephemeral', 'Persistent']));
  });
  const audiences = new Set<string>();
  (spec.tokenRequests ?? []).forEach((t: KObject, i: number) => {
    const a = t.audience ?? '';
    if (audiences.has(a)) errs.push(duplicate(`spec.tokenRequests[${i}].audience`, a));
    audiences.add(a);
    if (t.expirationSeconds !== undefined && t.expirationSeconds < 600) errs.push(invalid(`spec.tokenRequests[${i}].expirationSeconds`, t.expirationSeconds, 'may not specify a duration less than 10 minutes'));
    if (t.expirationSeconds !== undefined && t.expirationSeconds > 2 ** 32) errs.push(invalid(`spec.tokenRequests[${i}].expirationSeconds`, t.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  });
  return errs;
}

export const csidrivers = defineResource({
  group: 'storage.k8s.io',
  resource: 'csidrivers',
  kind: 'CSIDriver',
  printer: csiDriverPrinter,
  namespaced: false,
  strategy: {
    prepareForCreate: defaultCSIDriver,
    prepareForUpdate: defaultCSIDriver,
    validate: validateCSIDriver,
    validateUpdate(obj, old) {
      const errs = validateCSIDriver(obj);
      immutable(obj.spec?.attachRequired, old.spec?.attachRequired, 'spec.attachedRequired', errs);
      immutable(obj.spec?.fsGroupPolicy, old.spec?.fsGroupPolicy, 'spec.fsGroupPolicy', errs);
      immutable(obj.spec?.volumeLifecycleModes, old.spec?.volumeLifecycleModes, 'spec.volumeLifecycleModes', errs);
      return errs;
    },
  },
});

function validateCSINode(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (obj.spec?.drivers ?? []).forEach((d: KObject, i: number) => {
    const p = `spec.drivers[${i}]`;
    if (!d.name) errs.push(required(`${p}.name`));
    else {
      if (d.name.length > 63) errs.push(tooLong(`${p}.name`, 63));
      subdomain(String(d.name).toLowerCase(), `${p}.name`, errs);
      if (names.has(d.name)) errs.push(duplicate(`${p}.name`, d.name));
      names.add(d.name);
    }
    if (!d.nodeID) errs.push(required(`${p}.nodeID`, 'nodeID must be provided'));
    else if (d.nodeID.length > 192) errs.push(tooLong(`${p}.nodeID`, 192));
    nonNegative(d.allocatable?.count, `${p}.allocatable.count`, errs);
  });
  return errs;
}

export const csinodes = defineResource({
  group: 'storage.k8s.io',
  resource: 'csinodes',
  kind: 'CSINode',
  printer: csiNodePrinter,
  namespaced: false,
  strategy: {
    prepareForCreate(obj) {
      obj.spec ??= {};
      if (obj.spec.drivers === undefined) obj.spec.drivers = null;
    },
    validate: validateCSINode,
    validateUpdate(obj, old) {
      const errs = validateCSINode(obj);
      for (const d of old.spec?.drivers ?? []) {
        const now = (obj.spec?.drivers ?? []).find((x: KObject) => x.name === d.name);
        if (now && now.nodeID !== d.nodeID) errs.push(invalid(`spec.drivers`, now.nodeID, 'field is immutable'));
      }
      return errs;
    },
  },
});

function validateCapacity(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  subdomain(obj.storageClassName, 'storageClassName', errs);
  errs.push(...validateLabelSelector(obj.nodeTopology, 'nodeTopology'));
  for (const f of ['capacity', 'maximumVolumeSize'])
    if (obj[f] !== undefined && quantityValue(obj[f]) < 0) errs.push(invalid(f, obj[f], 'must be greater than or equal to 0'));
  return errs;
}

export const csistoragecapacities = defineResource({
  group: 'storage.k8s.io',
  resource: 'csistoragecapacities',
  kind: 'CSIStorageCapacity',
  printer: csiStorageCapacityPrinter,
  strategy: {
    prepareForCreate(obj) {
      const q: Record<string, unknown> = {};
      for (const f of ['capacity', 'maximumVolumeSize']) if (obj[f] !== undefined) q[f] = obj[f];
      checkQuantities('CSIStorageCapacity', 'v1', [q]);
    },
    validate: validateCapacity,
    validateUpdate(obj, old) {
      const errs = validateCapacity(obj);
      immutable(obj.storageClassName, old.storageClassName, 'storageClassName', errs);
      immutable(obj.nodeTopology, old.nodeTopology, 'nodeTopology', errs);
      return errs;
    },
  },
});

function validateVolumeAttachment(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  if (!spec.attacher) errs.push(required('spec.attacher'));
  else {
    if (spec.attacher.length > 63) errs.push(tooLong('spec.attacher', 63));
    subdomain(String(spec.attacher).toLowerCase(), 'spec.attacher', errs);
  }
  const src = spec.source ?? {};
  const pv = src.persistentVolumeName !== undefined && src.persistentVolumeName !== null;
  const inline = src.inlineVolumeSpec !== undefined && src.inlineVolumeSpec !== null;
  if (!pv && !inline) errs.push(required('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (pv && inline) errs.push(forbiddenField('spec.source', 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (pv && !src.persistentVolumeName) errs.push(required('spec.source.persistentVolumeName', 'must specify non empty persistentVolumeName'));
  if (!spec.nodeName) errs.push(required('spec.nodeName'));
  else subdomain(spec.nodeName, 'spec.nodeName', errs);
  return errs;
}

export const volumeattachments = defineResource({
  group: 'storage.k8s.io',
  resource: 'volumeattachments',
  kind: 'VolumeAttachment',
  printer: volumeAttachmentPrinter,
  namespaced: false,
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      obj.status = { attached: false };
    },
    validate: validateVolumeAttachment,
    validateUpdate(obj, old) {
      const errs = validateVolumeAttachment(obj);
      if (!deepEqual(obj.spec, old.spec)) errs.push(invalid('spec', obj.spec, 'field is immutable'));
      return errs;
    },
  },
});

export const storageResources: ResourceDef[] = [csidrivers, csinodes, csistoragecapacities, storageclasses, volumeattachments];
