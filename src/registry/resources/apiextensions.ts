// apiextensions.k8s.io/v1 customresourcedefinitions: stored with upstream defaults, validation and the status the
// naming and establishing controllers would set (serving the custom resources is the CRD layer's job).
import { type FieldError, invalid, notSupported, required } from '../../apimachinery/errors.js';
import { dns1035LabelErrors, dns1123SubdomainErrors } from '../../apimachinery/validation.js';
import { defineResource, STATUS } from '../define.js';
import { nowRFC3339 } from '../util.js';
import type { KObject, ResourceDef } from '../types.js';
import { immutable } from './common.js';

function defaultCRD(obj: KObject): void {
  const spec = (obj.spec ??= {});
  const names = (spec.names ??= {});
  if (!names.singular && typeof names.kind === 'string') names.singular = names.kind.toLowerCase();
  if (!names.listKind && names.kind) names.listKind = `${names.kind}List`;
  spec.conversion ??= { strategy: 'None' };
  if (spec.conversion.webhook?.clientConfig?.service) spec.conversion.webhook.clientConfig.service.port ??= 443;
}

function storageVersion(obj: KObject): string | undefined {
  return (obj.spec?.versions ?? []).find((v: KObject) => v?.storage === true)?.name;
}

/** The names the naming controller accepts and the conditions it and the establishing controller set. */
function acceptedStatus(obj: KObject, old?: KObject): void {
  const status = (obj.status ??= {});
  const n = obj.spec?.names ?? {};
  const accepted: KObject = { plural: n.plural ?? '', kind: n.kind ?? '' };
  if (n.singular) accepted.singular = n.singular;
  if (n.shortNames?.length) accepted.shortNames = [...n.shortNames];
  if (n.listKind) accepted.listKind = n.listKind;
  if (n.categories?.length) accepted.categories = [...n.categories];
  status.acceptedNames = accepted;
  const now = nowRFC3339();
  const prev = (type: string) => (old?.status?.conditions ?? []).find((c: KObject) => c.type === type && c.status === 'True');
  const conds: KObject[] = (status.conditions ?? []).filter((c: KObject) => c.type !== 'NamesAccepted' && c.type !== 'Established');
  status.conditions = [
    { type: 'NamesAccepted', status: 'True', lastTransitionTime: prev('NamesAccepted')?.lastTransitionTime ?? now, reason: 'NoConflicts', message: 'no conflicts found' },
    { type: 'Established', status: 'True', lastTransitionTime: prev('Established')?.lastTransitionTime ?? now, reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' },
    ...conds,
  ];
  const sv = storageVersion(obj);
  const stored: string[] = status.storedVersions ?? [];
  if (sv && !stored.includes(sv)) stored.push(sv);
  status.storedVersions = stored;
}

function validateNames(names: KObject, path: string, errs: FieldError[]): void {
  const label = (v: unknown, p: string, prefix = '') => {
    const msgs = dns1035LabelErrors(prefix ? String(v).toLowerCase() : String(v));
    if (msgs.length) errs.push(invalid(p, v, prefix + msgs.join(',')));
  };
  if (!names.plural) errs.push(required(`${path}.plural`));
  else label(names.plural, `${path}.plural`);
  if (names.singular) label(names.singular, `${path}.singular`);
  if (!names.kind) errs.push(required(`${path}.kind`));
  else label(names.kind, `${path}.kind`, 'may have mixed case, but should otherwise match: ');
  if (!names.listKind) errs.push(required(`${path}.listKind`));
  else label(names.listKind, `${path}.listKind`, 'may have mixed case, but should otherwise match: ');
  if (names.kind && names.listKind && names.kind === names.listKind) errs.push(invalid(`${path}.listKind`, names.listKind, 'kind and listKind may not be the same'));
  (names.shortNames ?? []).forEach((s: string, i: number) => label(s, `${path}.shortNames[${i}]`));
  (names.categories ?? []).forEach((c: string, i: number) => label(c, `${path}.categories[${i}]`));
}

function validateCRD(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  const names = spec.names ?? {};
  if (obj.metadata?.name !== `${names.plural ?? ''}.${spec.group ?? ''}`)
    errs.push(invalid('metadata.name', obj.metadata?.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  if (!spec.group) errs.push(required('spec.group'));
  else {
    for (const m of dns1123SubdomainErrors(spec.group)) errs.push(invalid('spec.group', spec.group, m));
    if (spec.group.split('.').length < 2) errs.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  }
  if (!spec.scope) errs.push(required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') errs.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  validateNames(names, 'spec.names', errs);
  const versions: KObject[] = spec.versions ?? [];
  const seen = new Set<string>();
  let storage = 0;
  versions.forEach((v, i) => {
    const p = `spec.versions[${i}]`;
    if (!v?.name) errs.push(required(`${p}.name`));
    else for (const m of dns1035LabelErrors(v.name)) errs.push(invalid(`${p}.name`, v.name, m));
    if (v?.name && seen.has(v.name)) errs.push(invalid('spec.versions', versions, 'must contain unique version names'));
    seen.add(v?.name);
    if (v?.storage) storage++;
    if (!v?.schema?.openAPIV3Schema) errs.push(required(`${p}.schema.openAPIV3Schema`, 'schemas are required'));
    if (typeof v?.served !== 'boolean') errs.push(required(`${p}.served`));
    if (typeof v?.storage !== 'boolean') errs.push(required(`${p}.storage`));
  });
  if (storage !== 1) errs.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  if (versions.length && !versions.some((v) => v?.served)) errs.push(invalid('spec.versions', versions, 'must have at least one version marked as served'));
  const strategy = spec.conversion?.strategy;
  if (strategy !== 'None' && strategy !== 'Webhook') errs.push(notSupported('spec.conversion.strategy', strategy ?? '', ['None', 'Webhook']));
  if (strategy === 'Webhook' && !spec.conversion.webhook?.clientConfig) errs.push(required('spec.conversion.webhook', 'required when strategy is set to Webhook'));
  if (strategy === 'Webhook' && !(spec.conversion.webhook?.conversionReviewVersions ?? []).length)
    errs.push(required('spec.conversion.webhook.conversionReviewVersions', 'must specify one of v1, v1beta1'));
  return errs;
}

export const customresourcedefinitions = defineResource({
  group: 'apiextensions.k8s.io',
  resource: 'customresourcedefinitions',
  kind: 'CustomResourceDefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  generation: true,
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      defaultCRD(obj);
      obj.status = {};
      acceptedStatus(obj);
    },
    prepareForUpdate(obj, old) {
      defaultCRD(obj);
      acceptedStatus(obj, old);
    },
    validate: validateCRD,
    validateUpdate(obj, old) {
      const errs = validateCRD(obj);
      immutable(obj.spec?.group, old.spec?.group, 'spec.group', errs);
      immutable(obj.spec?.names?.plural, old.spec?.names?.plural, 'spec.names.plural', errs);
      const sv = storageVersion(obj);
      const stored: string[] = obj.status?.storedVersions ?? [];
      if (sv && !stored.includes(sv)) errs.push(invalid('status.storedVersions', stored, `must have the storage version ${sv}`));
      for (const s of stored)
        if (!(obj.spec?.versions ?? []).some((v: KObject) => v?.name === s))
          errs.push(invalid('status.storedVersions', stored, `must appear in spec.versions`));
      return errs;
    },
  },
});

export const apiextensionsResources: ResourceDef[] = [customresourcedefinitions];
