// apiextensions.k8s.io/v1 customresourcedefinitions: stored with upstream defaults, validation and the status the
// naming and establishing controllers would set (serving the custom resources is the CRD layer's job).
import { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate } from '../../apiextensions/index.js';
import { validateNames } from '../../apiextensions/crd-validation.js';
import { celRuleCompiler } from '../../apiextensions/cel-rule-compiler.js';
import { hasValidationRules, loadCel } from '../../cel/lazy.js';
import { defineResource, STATUS } from '../define.js';
import { nowRFC3339 } from '../util.js';
import type { KObject, ResourceDef } from '../types.js';

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

export const CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

/** What the strategy keeps of status on create: storedVersions; names and conditions come from the naming controller. */
function initialStatus(obj: KObject): void {
  const sv = storageVersion(obj);
  obj.status = { conditions: [], acceptedNames: { plural: '', kind: '' }, storedVersions: sv ? [sv] : [] };
}

/** storedVersions always lists the current storage version (the strategy adds it on update, as upstream). */
function keepStoredVersions(obj: KObject, old: KObject): void {
  const sv = storageVersion(obj);
  const stored: string[] = [...(old.status?.storedVersions ?? [])];
  if (sv && !stored.includes(sv)) stored.push(sv);
  obj.status = { ...(obj.status ?? {}), storedVersions: stored };
}

function setCondition(obj: KObject, cond: KObject): void {
  const conds: KObject[] = (obj.status ??= {}).conditions ?? [];
  const i = conds.findIndex((c) => c.type === cond.type);
  if (i >= 0 && conds[i]!.status === cond.status) cond.lastTransitionTime = conds[i]!.lastTransitionTime;
  if (i >= 0) conds[i] = cond;
  else conds.push(cond);
  obj.status.conditions = conds;
}

export function crdCondition(obj: KObject, type: string, status: string, reason: string, message: string): void {
  setCondition(obj, { type, status, lastTransitionTime: nowRFC3339(), reason, message });
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
    // validation compiles x-kubernetes-validations rules: the CEL library loads with the first CRD that has some
    async prepareForCreate(obj) {
      defaultCRD(obj);
      initialStatus(obj);
      if (hasValidationRules(obj.spec)) await loadCel();
    },
    async prepareForUpdate(obj, old) {
      defaultCRD(obj);
      keepStoredVersions(obj, old);
      if (hasValidationRules(obj.spec) || hasValidationRules(old.spec)) await loadCel();
    },
    validate: (obj) => validateCustomResourceDefinition(obj, { ruleCompiler: celRuleCompiler }),
    // a status write is checked as upstream's status strategy does: the accepted names only
    validateUpdate: (obj, old, ctx) => (ctx.subresource === 'status' ? validateNames(obj.status?.acceptedNames ?? {}, 'status.acceptedNames') : validateCustomResourceDefinitionUpdate(obj, old, { ruleCompiler: celRuleCompiler })),
    // deleting a CRD first removes its custom resources: the cleanup finalizer holds it until then
    pendingFinalizers: (obj) => (obj.metadata.deletionTimestamp ? [] : [CLEANUP_FINALIZER]),
    prepareForDelete(obj) {
      if (!(obj.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) obj.metadata.finalizers = [...(obj.metadata.finalizers ?? []), CLEANUP_FINALIZER];
      if (!(obj.status?.conditions ?? []).some((c: KObject) => c.type === 'Terminating'))
        crdCondition(obj, 'Terminating', 'True', 'InstanceDeletionPending', 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon');
    },
  },
});

export const apiextensionsResources: ResourceDef[] = [customresourcedefinitions];
