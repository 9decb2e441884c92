// The remaining core/v1 kinds: bindings, componentstatuses, limitranges, PVCs, PVs, podtemplates,
// replicationcontrollers, resourcequotas.
import { type FieldError, StatusError, conflict, duplicate, forbiddenField, invalid, invalidError, notSupported, required } from '../../apimachinery/errors.js';
import { defineResource, fieldLabelNotSupported, SCALE, STATUS } from '../define.js';
import { nowRFC3339 } from '../util.js';
import type { Store } from '../store.js';
import { deepEqual } from '../util.js';
import type { KObject, RequestContext, ResourceDef, StrategyContext } from '../types.js';
import { checkQuantities, goMap, invalidRaw, isQuantity, nonNegative, oneOf, quantityValue, selectorMatches, validatePodTemplate } from './common.js';
import { defaultPodTemplate } from './pod-spec.js';
import { podTemplatePrinter, replicationControllerPrinter, resourceQuotaPrinter } from '../printers/core.js';
import { persistentVolumeClaimPrinter, persistentVolumePrinter } from '../printers/core-volumes.js';
import { componentStatusPrinter } from '../printers/extras.js';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];

/** Binding: what `POST bindings` and `pods/<name>/binding` do to the pod (the handler supplies the pod store). */
export async function bindPod(pods: Store, ns: string, binding: KObject, ctx: RequestContext, podName = binding.metadata?.name): Promise<KObject> {
  const errs: FieldError[] = [];
  if (!binding.target?.name) errs.push(required('target.name'));
  if (binding.target?.kind && binding.target.kind !== 'Node') errs.push(invalid('target.kind', binding.target.kind, 'must be empty or \'Node\''));
  if (errs.length) throw invalidError({ group: '', kind: 'Binding' }, podName ?? '', errs);
  const node = binding.target.name;
  await pods.update(
    ns,
    podName,
    (pod) => {
      if (!pod) return null;
      if (pod.metadata.deletionTimestamp) throw conflict(pods.gr, podName, `pod ${podName} is being deleted, cannot be assigned to a host`);
      if (pod.spec?.nodeName) throw conflict(pods.gr, podName, `pod ${podName} is already assigned to node "${pod.spec.nodeName}"`);
      if ((pod.spec?.schedulingGates ?? []).length) throw conflict(pods.gr, podName, `pod ${podName} has non-empty .spec.schedulingGates`);
      if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata.uid)
        throw conflict(pods.gr, podName, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${pod.metadata.uid}`);
      pod.spec.nodeName = node;
      if (binding.metadata?.annotations) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), ...binding.metadata.annotations };
      const conds: KObject[] = (pod.status ??= {}).conditions ?? [];
      const scheduled = { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowRFC3339() };
      const i = conds.findIndex((c) => c.type === 'PodScheduled');
      if (i >= 0) conds[i] = scheduled;
      else conds.push(scheduled);
      pod.status.conditions = conds;
      return pod;
    },
    ctx,
    { raw: true },
  );
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

export const bindings = defineResource({
  resource: 'bindings',
  kind: 'Binding',
  createOnly: () => {
    throw new StatusError(500, 'InternalError', 'Internal error occurred: bindings are served by the handler through bindPod');
  },
});

export const componentstatuses = defineResource({
  resource: 'componentstatuses',
  kind: 'ComponentStatus',
  printer: componentStatusPrinter,
  namespaced: false,
  shortNames: ['cs'],
  verbs: ['get', 'list'],
});

/** SetDefaults_LimitRangeItem: containers get default limits from max and default requests from default or min. */
function defaultLimitRange(obj: KObject): void {
  for (const item of obj.spec?.limits ?? []) {
    if (item.type !== 'Container') continue;
    const def: KObject = { ...(item.default ?? {}) };
    const req: KObject = { ...(item.defaultRequest ?? {}) };
    for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in req)) req[k] = v;
    for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in req)) req[k] = v;
    if (Object.keys(def).length) item.default = def;
    if (Object.keys(req).length) item.defaultRequest = req;
  }
}

function validateLimitRange(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  (obj.spec?.limits ?? []).forEach((item: KObject, i: number) => {
    const p = `spec.limits[${i}]`;
    if (seen.has(item.type)) errs.push(duplicate(`${p}.type`, item.type));
    seen.add(item.type);
    if (item.type === 'Pod') {
      if (item.default && Object.keys(item.default).length) errs.push(forbiddenField(`${p}.default`, 'may not be specified when `type` is \'Pod\''));
      if (item.defaultRequest && Object.keys(item.defaultRequest).length) errs.push(forbiddenField(`${p}.defaultRequest`, 'may not be specified when `type` is \'Pod\''));
    }
    for (const [k, min] of Object.entries(item.min ?? {})) {
      const max = item.max?.[k];
      if (max !== undefined && quantityValue(min) > quantityValue(max)) errs.push(invalid(`${p}.min[${k}]`, min, `min value ${min} is greater than max value ${max}`));
    }
    for (const [k, dr] of Object.entries(item.defaultRequest ?? {})) {
      const d = item.default?.[k];
      const max = item.max?.[k];
      const min = item.min?.[k];
      if (min !== undefined && quantityValue(min) > quantityValue(dr)) errs.push(invalid(`${p}.defaultRequest[${k}]`, dr, `min value ${min} is greater than default request value ${dr}`));
      if (d !== undefined && quantityValue(dr) > quantityValue(d)) errs.push(invalid(`${p}.defaultRequest[${k}]`, dr, `default request value ${dr} is greater than default limit value ${d}`));
      if (max !== undefined && quantityValue(dr) > quantityValue(max)) errs.push(invalid(`${p}.defaultRequest[${k}]`, dr, `default request value ${dr} is greater than max value ${max}`));
    }
    for (const [k, d] of Object.entries(item.default ?? {})) {
      const max = item.max?.[k];
      const min = item.min?.[k];
      if (min !== undefined && quantityValue(min) > quantityValue(d)) errs.push(invalid(`${p}.default[${k}]`, d, `min value ${min} is greater than default value ${d}`));
      if (max !== undefined && quantityValue(d) > quantityValue(max)) errs.push(invalid(`${p}.default[${k}]`, d, `default value ${d} is greater than max value ${max}`));
    }
  });
  return errs;
}

function limitRangeQuantities(obj: KObject): void {
  for (const item of obj.spec?.limits ?? [])
    checkQuantities('LimitRange', 'v1', [item.max, item.min, item.default, item.defaultRequest, item.maxLimitRequestRatio]);
}

export const limitranges = defineResource({
  resource: 'limitranges',
  kind: 'LimitRange',
  shortNames: ['limits'],
  strategy: {
    prepareForCreate(obj) {
      limitRangeQuantities(obj);
      defaultLimitRange(obj);
    },
    prepareForUpdate(obj) {
      limitRangeQuantities(obj);
      defaultLimitRange(obj);
    },
    validate: validateLimitRange,
  },
});

/** SetDefaults_PersistentVolumeClaim(Spec) plus the dataSource/dataSourceRef mirroring upstream's strategy does. */
export function defaultPVC(pvc: KObject, setPhase: boolean): void {
  const spec = (pvc.spec ??= {});
  spec.volumeMode ??= 'Filesystem';
  if (spec.dataSource && !spec.dataSourceRef) spec.dataSourceRef = { ...spec.dataSource };
  else if (spec.dataSourceRef && !spec.dataSource && !spec.dataSourceRef.namespace) spec.dataSource = { ...spec.dataSourceRef };
  if (setPhase) {
    pvc.status ??= {};
    pvc.status.phase ||= 'Pending';
  }
}

/** ValidatePersistentVolumeClaimSpec: shared by PVCs and statefulset claim templates. */
export function validatePVCSpec(spec: KObject | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const s = spec ?? {};
  const modes: unknown[] = s.accessModes ?? [];
  if (modes.length === 0) errs.push(required(`${path}.accessModes`, 'at least 1 access mode is required'));
  for (const m of modes) if (!ACCESS_MODES.includes(m as string)) errs.push(notSupported(`${path}.accessModes`, m, ACCESS_MODES));
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) errs.push(forbiddenField(`${path}.accessModes`, 'may not use ReadWriteOncePod with other access modes'));
  const storage = s.resources?.requests?.storage;
  if (storage === undefined) errs.push(required(`${path}.resources[storage]`));
  else if (quantityValue(storage) <= 0) errs.push(invalid(`${path}.resources[storage]`, storage, 'must be greater than zero'));
  if (s.volumeMode !== undefined) oneOf(s.volumeMode, `${path}.volumeMode`, VOLUME_MODES, errs);
  if (s.storageClassName) for (const m of subdomainMsgs(s.storageClassName)) errs.push(invalid(`${path}.storageClassName`, s.storageClassName, m));
  return errs;
}

function subdomainMsgs(v: string): string[] {
  return /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(v) && v.length <= 253
    ? []
    : ["a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"];
}

function pvcQuantities(obj: KObject): void {
  checkQuantities('PersistentVolumeClaim', 'v1', [obj.spec?.resources?.requests, obj.spec?.resources?.limits]);
}

export const persistentvolumeclaims = defineResource({
  resource: 'persistentvolumeclaims',
  kind: 'PersistentVolumeClaim',
  printer: persistentVolumeClaimPrinter,
  shortNames: ['pvc'],
  returnDeletedObject: true,
  subresources: [STATUS],
  strategy: {
    async prepareForCreate(obj, ctx) {
      pvcQuantities(obj);
      defaultPVC(obj, true);
      // DefaultStorageClass admission: only an unset class (not "") gets the default
      if (obj.spec.storageClassName == null && (ctx.services.admissionPlugins?.has('DefaultStorageClass') ?? true)) {
        const name = await ctx.services.defaultStorageClass?.();
        if (name) obj.spec.storageClassName = name;
      }
    },
    prepareForUpdate(obj) {
      pvcQuantities(obj);
      defaultPVC(obj, false);
    },
    validate: (obj) => validatePVCSpec(obj.spec, 'spec'),
    validateUpdate(obj, old) {
      const errs = validatePVCSpec(obj.spec, 'spec');
      const strip = (s: KObject | undefined) => {
        const c = structuredClone(s ?? {});
        if (c.resources) delete c.resources.requests;
        delete c.volumeAttributesClassName;
        return c;
      };
      // volumeName may be set once (binding); an unset class may be set (retroactive default class)
      const oldSpec = { ...old.spec };
      if (!oldSpec.volumeName && obj.spec?.volumeName) oldSpec.volumeName = obj.spec.volumeName;
      if (oldSpec.storageClassName == null && obj.spec?.storageClassName != null) oldSpec.storageClassName = obj.spec.storageClassName;
      old = { ...old, spec: oldSpec };
      const bound = old.status?.phase === 'Bound';
      const oldStorage = old.spec?.resources?.requests?.storage;
      const newStorage = obj.spec?.resources?.requests?.storage;
      if (!deepEqual(strip(obj.spec), strip(old.spec)) || (!bound && !deepEqual(obj.spec?.resources?.requests, old.spec?.resources?.requests)))
        errs.push(forbiddenField('spec', 'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims'));
      else if (bound && quantityValue(newStorage) < quantityValue(oldStorage))
        errs.push(forbiddenField('spec.resources.requests.storage', 'field can not be less than status.capacity'));
      return errs;
    },
  },
});

const PV_SOURCES = [
  'gcePersistentDisk', 'awsElasticBlockStore', 'hostPath', 'glusterfs', 'nfs', 'rbd', 'iscsi', 'cinder', 'cephfs', 'fc', 'flocker', 'flexVolume',
  'azureFile', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'portworxVolume', 'scaleIO', 'local', 'storageos', 'csi',
];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];

function defaultPV(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.persistentVolumeReclaimPolicy ||= 'Retain';
  spec.volumeMode ??= 'Filesystem';
  if (spec.hostPath) spec.hostPath.type ??= '';
  if (spec.rbd) {
    spec.rbd.pool ??= 'rbd';
    spec.rbd.user ??= 'admin';
    spec.rbd.keyring ??= '/etc/ceph/keyring';
  }
  if (spec.iscsi) spec.iscsi.iscsiInterface ??= 'default';
  if (spec.azureDisk) {
    spec.azureDisk.cachingMode ??= 'ReadWrite';
    spec.azureDisk.fsType ??= 'ext4';
    spec.azureDisk.readOnly ??= false;
    spec.azureDisk.kind ??= 'Shared';
  }
  if (spec.scaleIO) {
    spec.scaleIO.storageMode ??= 'ThinProvisioned';
    spec.scaleIO.fsType ??= 'xfs';
  }
}

function validatePV(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  const modes: unknown[] = spec.accessModes ?? [];
  if (modes.length === 0) errs.push(required('spec.accessModes'));
  for (const m of modes) if (!ACCESS_MODES.includes(m as string)) errs.push(notSupported('spec.accessModes', m, ACCESS_MODES));
  const cap = spec.capacity ?? {};
  if (Object.keys(cap).length === 0) errs.push(required('spec.capacity'));
  for (const k of Object.keys(cap)) if (k !== 'storage') errs.push(notSupported('spec.capacity', k, ['storage']));
  if (cap.storage !== undefined && quantityValue(cap.storage) <= 0) errs.push(invalid('spec.capacity[storage]', cap.storage, 'must be greater than zero'));
  oneOf(spec.persistentVolumeReclaimPolicy, 'spec.persistentVolumeReclaimPolicy', RECLAIM_POLICIES, errs);
  if (spec.volumeMode !== undefined) oneOf(spec.volumeMode, 'spec.volumeMode', VOLUME_MODES, errs);
  const sources = PV_SOURCES.filter((s) => spec[s]);
  if (sources.length === 0) errs.push(required('spec', 'must specify a volume type'));
  else if (sources.length > 1) errs.push(forbiddenField(`spec.${sources[1]}`, 'may not specify more than 1 volume type'));
  if (spec.hostPath && !spec.hostPath.path) errs.push(required('spec.hostPath.path'));
  if (spec.nfs) {
    if (!spec.nfs.server) errs.push(required('spec.nfs.server'));
    if (!spec.nfs.path) errs.push(required('spec.nfs.path'));
  }
  if (spec.local) {
    if (!spec.local.path) errs.push(required('spec.local.path'));
    if (!spec.nodeAffinity) errs.push(required('spec.nodeAffinity', 'Local volume requires node affinity'));
  }
  if (spec.csi) {
    if (!spec.csi.driver) errs.push(required('spec.csi.driver'));
    if (!spec.csi.volumeHandle) errs.push(required('spec.csi.volumeHandle'));
  }
  if (spec.persistentVolumeReclaimPolicy === 'Recycle' && spec.hostPath && !/^\/.+/.test(spec.hostPath.path ?? ''))
    errs.push(forbiddenField('spec.persistentVolumeReclaimPolicy', 'may not be \'recycle\' for a hostPath mount of \'/\''));
  return errs;
}

export const persistentvolumes = defineResource({
  resource: 'persistentvolumes',
  kind: 'PersistentVolume',
  printer: persistentVolumePrinter,
  namespaced: false,
  shortNames: ['pv'],
  returnDeletedObject: true,
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      checkQuantities('PersistentVolume', 'v1', [obj.spec?.capacity]);
      defaultPV(obj);
      obj.status = { phase: 'Pending', lastPhaseTransitionTime: nowRFC3339() };
    },
    prepareForUpdate(obj) {
      checkQuantities('PersistentVolume', 'v1', [obj.spec?.capacity]);
      defaultPV(obj);
    },
    validate: validatePV,
    validateUpdate(obj, old) {
      const errs = validatePV(obj);
      const src = (s: KObject | undefined) => Object.fromEntries(PV_SOURCES.filter((k) => s?.[k]).map((k) => [k, s![k]]));
      if (!deepEqual(src(obj.spec), src(old.spec))) errs.push(forbiddenField('spec.persistentvolumesource', 'spec.persistentvolumesource is immutable after creation'));
      if (old.spec?.volumeMode !== obj.spec?.volumeMode) errs.push(invalid('spec.volumeMode', obj.spec?.volumeMode, 'field is immutable'));
      if (old.spec?.nodeAffinity && !deepEqual(old.spec.nodeAffinity, obj.spec?.nodeAffinity))
        errs.push(invalid('spec.nodeAffinity', obj.spec?.nodeAffinity ?? null, 'field is immutable'));
      return errs;
    },
  },
});

export const podtemplates = defineResource({
  resource: 'podtemplates',
  kind: 'PodTemplate',
  printer: podTemplatePrinter,
  strategy: {
    prepareForCreate: (obj) => defaultPodTemplate((obj.template ??= {})),
    prepareForUpdate: (obj) => defaultPodTemplate((obj.template ??= {})),
    validate: (obj) => validatePodTemplate(obj.template, 'template'),
  },
});

function defaultRC(obj: KObject): void {
  const spec = (obj.spec ??= {});
  const labels = spec.template?.metadata?.labels;
  if (labels) {
    if (Object.keys(spec.selector ?? {}).length === 0) spec.selector = { ...labels };
    if (Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...labels };
  }
  spec.replicas ??= 1;
  if (spec.template) defaultPodTemplate(spec.template);
}

function validateRC(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  const sel: Record<string, string> = spec.selector ?? {};
  if (Object.keys(sel).length === 0) errs.push(required('spec.selector'));
  nonNegative(spec.replicas, 'spec.replicas', errs);
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errs);
  if (!spec.template) {
    errs.push(required('spec.template'));
    return errs;
  }
  const labels = spec.template.metadata?.labels;
  if (Object.keys(sel).length && !selectorMatches({ matchLabels: sel }, labels))
    errs.push(invalidRaw('spec.template.metadata.labels', goMap(labels), '`selector` does not match template `labels`'));
  errs.push(...validatePodTemplate(spec.template, 'spec.template'));
  const rp = spec.template.spec?.restartPolicy;
  if (rp && rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (spec.template.spec?.activeDeadlineSeconds !== undefined)
    errs.push(forbiddenField('spec.template.spec.activeDeadlineSeconds', 'activeDeadlineSeconds in ReplicationController is not Supported'));
  return errs;
}

export const replicationcontrollers = defineResource({
  resource: 'replicationcontrollers',
  kind: 'ReplicationController',
  printer: replicationControllerPrinter,
  shortNames: ['rc'],
  categories: ['all'],
  generation: true,
  subresources: [SCALE, STATUS],
  strategy: {
    prepareForCreate(obj) {
      defaultRC(obj);
      obj.status = { replicas: 0 };
    },
    prepareForUpdate: (obj) => defaultRC(obj),
    validate: validateRC,
    selectableFields: (o) => ({ 'status.replicas': String(o.status?.replicas ?? 0) }),
    unknownFieldLabel: fieldLabelNotSupported,
  },
});

const QUOTA_SCOPES = ['BestEffort', 'CrossNamespacePodAffinity', 'NotBestEffort', 'NotTerminating', 'PriorityClass', 'Terminating', 'VolumeAttributesClass'];
const resourceNameRe = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$/;

function validateQuota(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  for (const [k, v] of Object.entries(spec.hard ?? {})) {
    if (!resourceNameRe.test(k)) errs.push(invalid(`spec.hard[${k}]`, k, 'must be a standard resource for quota'));
    if (isQuantity(v) && quantityValue(v) < 0) errs.push(invalid(`spec.hard[${k}]`, v, 'must be greater than or equal to 0'));
  }
  (spec.scopes ?? []).forEach((s: string) => {
    if (!QUOTA_SCOPES.includes(s)) errs.push(notSupported('spec.scopes', s, QUOTA_SCOPES));
  });
  (spec.scopeSelector?.matchExpressions ?? []).forEach((r: KObject, i: number) => {
    const p = `spec.scopeSelector.matchExpressions[${i}]`;
    if (!QUOTA_SCOPES.includes(r.scopeName)) errs.push(notSupported(`${p}.scopeName`, r.scopeName, QUOTA_SCOPES));
    oneOf(r.operator, `${p}.operator`, ['In', 'NotIn', 'Exists', 'DoesNotExist'], errs, true);
  });
  return errs;
}

export const resourcequotas = defineResource({
  resource: 'resourcequotas',
  kind: 'ResourceQuota',
  printer: resourceQuotaPrinter,
  shortNames: ['quota'],
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      checkQuantities('ResourceQuota', 'v1', [obj.spec?.hard]);
      obj.status = {};
    },
    prepareForUpdate: (obj) => checkQuantities('ResourceQuota', 'v1', [obj.spec?.hard]),
    validate: validateQuota,
  },
});

export const coreExtraResources: ResourceDef[] = [
  bindings,
  componentstatuses,
  limitranges,
  persistentvolumeclaims,
  persistentvolumes,
  podtemplates,
  replicationcontrollers,
  resourcequotas,
];
