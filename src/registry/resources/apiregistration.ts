// apiregistration.k8s.io/v1 apiservices, and the local APIServices upstream registers for every built-in group version.
import { type FieldError, forbiddenField, invalid, required } from '../../apimachinery/errors.js';
import { dns1035LabelErrors, dns1123LabelErrors, dns1123SubdomainErrors } from '../../apimachinery/validation.js';
import { defineResource, STATUS } from '../define.js';
import { nowRFC3339 } from '../util.js';
import type { KObject, ResourceDef } from '../types.js';
import { apiServicePrinter } from '../printers/misc.js';

/** groupPriorityMinimum/versionPriority of kube-apiserver's built-in group versions. */
const PRIORITIES: Record<string, [number, number]> = {
  '/v1': [18000, 1],
  'apiregistration.k8s.io/v1': [18000, 15],
  'apps/v1': [17800, 15],
  'events.k8s.io/v1': [17750, 15],
  'authentication.k8s.io/v1': [17700, 15],
  'authorization.k8s.io/v1': [17600, 15],
  'autoscaling/v2': [17500, 30],
  'autoscaling/v1': [17500, 15],
  'batch/v1': [17400, 15],
  'certificates.k8s.io/v1': [17300, 15],
  'networking.k8s.io/v1': [17200, 15],
  'policy/v1': [17100, 15],
  'rbac.authorization.k8s.io/v1': [17000, 15],
  'storage.k8s.io/v1': [16800, 15],
  'admissionregistration.k8s.io/v1': [16700, 15],
  'apiextensions.k8s.io/v1': [16700, 15],
  'scheduling.k8s.io/v1': [16600, 15],
  'coordination.k8s.io/v1': [16500, 15],
  'node.k8s.io/v1': [16300, 15],
  'discovery.k8s.io/v1': [16200, 15],
  'flowcontrol.apiserver.k8s.io/v1': [16100, 21],
};

/** The group order of /apis: by groupPriorityMinimum, highest first, then by name. */
export function groupPriority(group: string): number {
  let best = 0;
  for (const [gv, [p]] of Object.entries(PRIORITIES)) if (gv.slice(0, gv.lastIndexOf('/')) === group) best = Math.max(best, p);
  return best;
}

export function versionPriority(group: string, version: string): number {
  return PRIORITIES[`${group}/${version}`]?.[1] ?? 0;
}

function localCondition(): KObject[] {
  return [{ type: 'Available', status: 'True', lastTransitionTime: nowRFC3339(), reason: 'Local', message: 'Local APIServices are always available' }];
}

/** The APIService objects the aggregator syncs on start for each local group version. */
export function localAPIServices(groupVersions: { group: string; version: string }[]): KObject[] {
  return groupVersions.map(({ group, version }) => {
    const [gp, vp] = PRIORITIES[`${group}/${version}`] ?? [1000, 15];
    const spec: KObject = { version, groupPriorityMinimum: gp, versionPriority: vp };
    if (group) spec.group = group;
    return {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: `${version}.${group}`, labels: { 'kube-aggregator.kubernetes.io/automanaged': 'onstart' } },
      spec,
    };
  });
}

function validateAPIService(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const name: string = obj.metadata?.name ?? '';
  const dot = name.indexOf('.');
  if (name && dot < 0) errs.push(invalid('metadata.name', name, 'must have at least one "."'));
  else if (name) {
    for (const m of dns1035LabelErrors(name.slice(0, dot))) errs.push(invalid('metadata.name', name, m));
    if (dot + 1 < name.length) for (const m of dns1123SubdomainErrors(name.slice(dot + 1))) errs.push(invalid('metadata.name', name, m));
  }
  const spec = obj.spec ?? {};
  const expected = `${spec.version ?? ''}.${spec.group ?? ''}`;
  if (name && name !== expected) errs.push(invalid('metadata.name', name, `must be \`spec.version+"."+spec.group\`: ${JSON.stringify(expected)}`));
  if (!spec.version) errs.push(required('spec.version'));
  else for (const m of dns1035LabelErrors(spec.version)) errs.push(invalid('spec.version', spec.version, m));
  if (spec.group) for (const m of dns1123SubdomainErrors(spec.group)) errs.push(invalid('spec.group', spec.group, m));
  const gp = spec.groupPriorityMinimum ?? 0;
  if (gp <= 0 || gp > 20000) errs.push(invalid('spec.groupPriorityMinimum', gp, 'must be positive and less than 20000'));
  const vp = spec.versionPriority ?? 0;
  if (vp <= 0 || vp > 1000) errs.push(invalid('spec.versionPriority', vp, 'must be positive and less than 1000'));
  if (!spec.service) {
    if (spec.caBundle) errs.push(forbiddenField('spec.caBundle', 'local APIServices may not have a caBundle'));
    if (spec.insecureSkipTLSVerify) errs.push(forbiddenField('spec.insecureSkipTLSVerify', 'local APIServices may not have insecureSkipTLSVerify'));
  } else {
    const s = spec.service;
    if (!s.namespace) errs.push(required('spec.service.namespace'));
    else for (const m of dns1123LabelErrors(s.namespace)) errs.push(invalid('spec.service.namespace', s.namespace, m));
    if (!s.name) errs.push(required('spec.service.name'));
    else for (const m of dns1035LabelErrors(s.name)) errs.push(invalid('spec.service.name', s.name, m));
    if (s.port !== undefined && (s.port < 1 || s.port > 65535)) errs.push(invalid('spec.service.port', s.port, 'port is not valid: must be between 1 and 65535, inclusive'));
    if (spec.insecureSkipTLSVerify && spec.caBundle) errs.push(invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  }
  return errs;
}

export const apiservices = defineResource({
  group: 'apiregistration.k8s.io',
  resource: 'apiservices',
  kind: 'APIService',
  printer: apiServicePrinter,
  namespaced: false,
  categories: ['api-extensions'],
  nameValidation: 'path',
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      obj.spec ??= {};
      if (obj.spec.service) obj.spec.service.port ??= 443;
      // the availability controller marks local (service-less) APIServices available at once
      obj.status = obj.spec.service ? {} : { conditions: localCondition() };
    },
    prepareForUpdate(obj) {
      if (obj.spec?.service) obj.spec.service.port ??= 443;
    },
    validate: validateAPIService,
  },
});

export const apiregistrationResources: ResourceDef[] = [apiservices];
