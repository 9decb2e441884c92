// apps/v1 statefulsets, daemonsets and controllerrevisions.
import { type FieldError, forbiddenField, invalid, notSupported, required } from '../../apimachinery/errors.js';
import { defineResource, SCALE, STATUS } from '../define.js';
import { deepEqual } from '../util.js';
import type { KObject, ResourceDef } from '../types.js';
import { goMap, goSelector, immutable, invalidRaw, nonNegative, oneOf, selectorIsEmpty, selectorMatches, validateLabelSelector, validatePodTemplate } from './common.js';
import { defaultPVC, validatePVCSpec } from './core-extra.js';
import { defaultPodTemplate } from './pod-spec.js';
import { controllerRevisionPrinter, daemonSetPrinter, statefulSetPrinter } from '../printers/apps.js';

/** Selector and template rules DaemonSets and StatefulSets share with Deployments. */
function validateWorkload(spec: KObject, what: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!spec.selector) errs.push(required('spec.selector'));
  else {
    errs.push(...validateLabelSelector(spec.selector, 'spec.selector'));
    if (selectorIsEmpty(spec.selector)) errs.push(invalidRaw('spec.selector', goSelector(spec.selector), `empty selector is invalid for ${what}`));
  }
  const labels = spec.template?.metadata?.labels;
  if (spec.selector && !selectorIsEmpty(spec.selector) && !selectorMatches(spec.selector, labels))
    errs.push(invalidRaw('spec.template.metadata.labels', goMap(labels), '`selector` does not match template `labels`'));
  errs.push(...validatePodTemplate(spec.template, 'spec.template'));
  const rp = spec.template?.spec?.restartPolicy;
  if (rp && rp !== 'Always') errs.push(notSupported('spec.template.spec.restartPolicy', rp, ['Always']));
  if (spec.template?.spec?.activeDeadlineSeconds !== undefined)
    errs.push(forbiddenField('spec.template.spec.activeDeadlineSeconds', `activeDeadlineSeconds in ${what === 'statefulset' ? 'StatefulSet' : 'DaemonSet'} is not Supported`));
  nonNegative(spec.minReadySeconds, 'spec.minReadySeconds', errs);
  nonNegative(spec.revisionHistoryLimit, 'spec.revisionHistoryLimit', errs);
  return errs;
}

function defaultStatefulSet(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.podManagementPolicy ||= 'OrderedReady';
  const us = (spec.updateStrategy ??= {});
  if (!us.type) {
    us.type = 'RollingUpdate';
    us.rollingUpdate ??= {};
  }
  if (us.type === 'RollingUpdate' && us.rollingUpdate) us.rollingUpdate.partition ??= 0;
  const pol = (spec.persistentVolumeClaimRetentionPolicy ??= {});
  pol.whenDeleted ||= 'Retain';
  pol.whenScaled ||= 'Retain';
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate((spec.template ??= {}));
  for (const t of spec.volumeClaimTemplates ?? []) {
    // the apps/v1 conversion stamps the embedded claims' type, and claim defaulting runs on them
    t.apiVersion = 'v1';
    t.kind = 'PersistentVolumeClaim';
    t.metadata ??= {};
    if (t.metadata.creationTimestamp === undefined) t.metadata.creationTimestamp = null;
    defaultPVC(t, true);
  }
}

function validateStatefulSet(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy;
  if (!pmp) errs.push(required('spec.podManagementPolicy'));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(invalid('spec.podManagementPolicy', pmp, `must be 'OrderedReady' or 'Parallel'`));
  const us = spec.updateStrategy ?? {};
  if (us.type === 'OnDelete') {
    if (us.rollingUpdate) errs.push(invalid('spec.updateStrategy.rollingUpdate', us.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
  } else if (us.type === 'RollingUpdate') {
    nonNegative(us.rollingUpdate?.partition, 'spec.updateStrategy.rollingUpdate.partition', errs);
  } else if (!us.type) errs.push(required('spec.updateStrategy'));
  else errs.push(invalid('spec.updateStrategy', us, "must be 'RollingUpdate' or 'OnDelete'"));
  const pol = spec.persistentVolumeClaimRetentionPolicy ?? {};
  oneOf(pol.whenDeleted, 'spec.persistentVolumeClaimRetentionPolicy.whenDeleted', ['Retain', 'Delete'], errs);
  oneOf(pol.whenScaled, 'spec.persistentVolumeClaimRetentionPolicy.whenScaled', ['Retain', 'Delete'], errs);
  nonNegative(spec.replicas, 'spec.replicas', errs);
  nonNegative(spec.ordinals?.start, 'spec.ordinals.start', errs);
  errs.push(...validateWorkload(spec, 'statefulset'));
  (spec.volumeClaimTemplates ?? []).forEach((t: KObject, i: number) => {
    if (!t.metadata?.name) errs.push(required(`spec.volumeClaimTemplates[${i}].metadata.name`));
    errs.push(...validatePVCSpec(t.spec, `spec.volumeClaimTemplates[${i}].spec`));
  });
  return errs;
}

/** The MaxUnavailableStatefulSet gate is off in v1.33: the field is dropped unless the stored object already uses it. */
function dropMaxUnavailable(obj: KObject, old: KObject | undefined): void {
  const ru = obj.spec?.updateStrategy?.rollingUpdate;
  if (ru && old?.spec?.updateStrategy?.rollingUpdate?.maxUnavailable === undefined) delete ru.maxUnavailable;
}

const STS_MUTABLE = ['replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy', 'minReadySeconds'];

export const statefulsets = defineResource({
  group: 'apps',
  resource: 'statefulsets',
  kind: 'StatefulSet',
  printer: statefulSetPrinter,
  shortNames: ['sts'],
  categories: ['all'],
  generation: true,
  subresources: [SCALE, STATUS],
  strategy: {
    prepareForCreate(obj) {
      defaultStatefulSet(obj);
      dropMaxUnavailable(obj, undefined);
      obj.status = { replicas: 0, availableReplicas: 0 };
    },
    prepareForUpdate(obj, old) {
      defaultStatefulSet(obj);
      dropMaxUnavailable(obj, old);
    },
    validate: validateStatefulSet,
    validateUpdate(obj, old) {
      const errs = validateStatefulSet(obj);
      const strip = (s: KObject | undefined) => {
        const c = structuredClone(s ?? {});
        for (const k of STS_MUTABLE) delete c[k];
        return c;
      };
      if (!deepEqual(strip(obj.spec), strip(old.spec)))
        errs.push(forbiddenField('spec', "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'revisionHistoryLimit', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden"));
      return errs;
    },
  },
});

function defaultDaemonSet(obj: KObject): void {
  const spec = (obj.spec ??= {});
  const us = (spec.updateStrategy ??= {});
  us.type ||= 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    us.rollingUpdate ??= {};
    us.rollingUpdate.maxUnavailable ??= 1;
    us.rollingUpdate.maxSurge ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  defaultPodTemplate((spec.template ??= {}));
}

const TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

/** spec.templateGeneration of the internal type, which apps/v1 carries as this annotation (clients cannot set it). */
function templateGeneration(obj: KObject, n: number): void {
  obj.metadata ??= {};
  obj.metadata.annotations = { ...(obj.metadata.annotations ?? {}), [TEMPLATE_GENERATION]: String(n) };
}

const percentRe = /^[0-9]+%$/;

function intOrPercent(v: unknown, path: string, errs: FieldError[]): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number') {
    nonNegative(v, path, errs);
    return v;
  }
  if (typeof v === 'string') {
    if (!percentRe.test(v)) {
      errs.push(invalid(path, v, "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"));
      return undefined;
    }
    const n = Number(v.slice(0, -1));
    if (n > 100) errs.push(invalid(path, v, 'must not be greater than 100%'));
    return n;
  }
  return undefined;
}

function validateDaemonSet(obj: KObject): FieldError[] {
  const spec = obj.spec ?? {};
  const errs = validateWorkload(spec, 'daemonset');
  const us = spec.updateStrategy ?? {};
  if (us.type === 'RollingUpdate') {
    const p = 'spec.updateStrategy.rollingUpdate';
    const mu = intOrPercent(us.rollingUpdate?.maxUnavailable, `${p}.maxUnavailable`, errs);
    const ms = intOrPercent(us.rollingUpdate?.maxSurge, `${p}.maxSurge`, errs);
    if (mu === 0 && ms === 0) errs.push(invalid(`${p}.maxUnavailable`, us.rollingUpdate.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
    if (mu !== undefined && ms !== undefined && mu !== 0 && ms !== 0)
      errs.push(invalid(`${p}.maxSurge`, us.rollingUpdate.maxSurge, 'may not be set when maxUnavailable is non-zero'));
  } else if (us.type !== 'OnDelete') errs.push(notSupported('spec.updateStrategy.type', us.type ?? '', ['RollingUpdate', 'OnDelete']));
  return errs;
}

export const daemonsets = defineResource({
  group: 'apps',
  resource: 'daemonsets',
  kind: 'DaemonSet',
  printer: daemonSetPrinter,
  shortNames: ['ds'],
  categories: ['all'],
  generation: true,
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      defaultDaemonSet(obj);
      templateGeneration(obj, 1);
      obj.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    },
    prepareForUpdate(obj, old) {
      defaultDaemonSet(obj);
      const prev = Number(old.metadata?.annotations?.[TEMPLATE_GENERATION] ?? 0) || 0;
      templateGeneration(obj, deepEqual(obj.spec?.template, old.spec?.template) ? prev : prev + 1);
    },
    validate: validateDaemonSet,
    validateUpdate(obj, old) {
      const errs = validateDaemonSet(obj);
      if (!deepEqual(obj.spec?.selector, old.spec?.selector)) errs.push(invalidRaw('spec.selector', goSelector(obj.spec?.selector), 'field is immutable'));
      return errs;
    },
  },
});

function validateRevision(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  if (obj.data === undefined || obj.data === null) errs.push(required('data', 'data is mandatory'));
  nonNegative(obj.revision, 'revision', errs);
  return errs;
}

export const controllerrevisions = defineResource({
  group: 'apps',
  resource: 'controllerrevisions',
  kind: 'ControllerRevision',
  printer: controllerRevisionPrinter,
  strategy: {
    validate: validateRevision,
    validateUpdate(obj, old) {
      const errs = validateRevision(obj);
      immutable(obj.data, old.data, 'data', errs);
      return errs;
    },
  },
});

export const appsWorkloadResources: ResourceDef[] = [controllerrevisions, daemonsets, statefulsets];
