// apps/v1 deployments and replicasets, coordination.k8s.io/v1 leases.
import { type FieldError, invalid, required } from '../../apimachinery/errors.js';
import { labelSelectorFromObject } from '../../apimachinery/selectors.js';
import { deepEqual } from '../util.js';
import { defineResource, SCALE, STATUS } from '../define.js';
import type { KObject, ResourceDef } from '../types.js';
import { goMap, goSelector, invalidRaw } from './common.js';
import { defaultPodTemplate, validatePodSpec } from './pod-spec.js';
import { deploymentPrinter, replicaSetPrinter } from '../printers/apps.js';
import { leasePrinter } from '../printers/misc.js';

/** Validation shared by workload kinds with a selector and a pod template. */
export function validateSelectorAndTemplate(spec: KObject | undefined, templateRequired = true): FieldError[] {
  const errs: FieldError[] = [];
  const s = spec ?? {};
  const sel = s.selector;
  if (!sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0)) {
    errs.push(required('spec.selector'));
    if (sel) errs.push(invalidRaw('spec.selector', goSelector(sel), 'empty selector is invalid for deployment'));
  }
  if (!s.template) {
    if (templateRequired) errs.push(required('spec.template'));
    return errs;
  }
  const labels = s.template.metadata?.labels;
  if (sel && (Object.keys(sel.matchLabels ?? {}).length || (sel.matchExpressions ?? []).length) && !labelSelectorFromObject(sel).matches(labels ?? {}))
    errs.push(invalidRaw('spec.template.metadata.labels', goMap(labels), '`selector` does not match template `labels`'));
  errs.push(...validatePodSpec(s.template.spec, 'spec.template.spec'));
  if (s.template.spec?.restartPolicy && s.template.spec.restartPolicy !== 'Always')
    errs.push({ type: 'FieldValueNotSupported', field: 'spec.template.spec.restartPolicy', badValue: s.template.spec.restartPolicy, detail: 'supported values: "Always"' });
  if (s.replicas !== undefined && (typeof s.replicas !== 'number' || s.replicas < 0)) errs.push(invalid('spec.replicas', s.replicas, 'must be greater than or equal to 0'));
  return errs;
}

function selectorImmutable(obj: KObject, old: KObject): FieldError[] {
  if (!deepEqual(obj.spec?.selector, old.spec?.selector)) return [invalidRaw('spec.selector', goSelector(obj.spec?.selector), 'field is immutable')];
  return [];
}

/** SetDefaults for a Deployment: the same on create and on update, as upstream's defaulting runs on every decode. */
function defaultDeployment(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.replicas ??= 1;
  spec.strategy ??= {};
  spec.strategy.type ??= 'RollingUpdate';
  if (spec.strategy.type === 'RollingUpdate') {
    spec.strategy.rollingUpdate ??= {};
    spec.strategy.rollingUpdate.maxUnavailable ??= '25%';
    spec.strategy.rollingUpdate.maxSurge ??= '25%';
  }
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  defaultPodTemplate(spec.template);
}

export const deployments = defineResource({
  group: 'apps',
  resource: 'deployments',
  kind: 'Deployment',
  printer: deploymentPrinter,
  shortNames: ['deploy'],
  categories: ['all'],
  generation: true,
  subresources: [SCALE, STATUS],
  strategy: {
    prepareForCreate(obj) {
      defaultDeployment(obj);
      obj.status = {};
    },
    prepareForUpdate: defaultDeployment,
    validate: (obj) => validateSelectorAndTemplate(obj.spec),
    validateUpdate: (obj, old) => [...validateSelectorAndTemplate(obj.spec), ...selectorImmutable(obj, old)],
  },
});

export const replicasets = defineResource({
  group: 'apps',
  resource: 'replicasets',
  kind: 'ReplicaSet',
  printer: replicaSetPrinter,
  shortNames: ['rs'],
  categories: ['all'],
  generation: true,
  subresources: [SCALE, STATUS],
  strategy: {
    prepareForCreate(obj) {
      const spec = (obj.spec ??= {});
      spec.replicas ??= 1;
      defaultPodTemplate(spec.template);
      obj.status = { replicas: 0 };
    },
    prepareForUpdate(obj) {
      obj.spec ??= {};
      obj.spec.replicas ??= 1;
      defaultPodTemplate(obj.spec.template);
    },
    validate: (obj) => validateSelectorAndTemplate(obj.spec, false),
    validateUpdate: (obj, old) => [...validateSelectorAndTemplate(obj.spec, false), ...selectorImmutable(obj, old)],
    // apps/v1 registers no field label conversion: status.replicas is refused as on kube-apiserver
  },
});

export const leases = defineResource({
  group: 'coordination.k8s.io',
  resource: 'leases',
  kind: 'Lease',
  printer: leasePrinter,
  allowCreateOnUpdate: false,
});

export const appsResources: ResourceDef[] = [deployments, replicasets, leases];
