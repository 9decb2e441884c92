// rbac.authorization.k8s.io/v1 roles, clusterroles, rolebindings, clusterrolebindings.
import { type FieldError, invalid, notSupported, required } from '../../apimachinery/errors.js';
import { dns1123SubdomainErrors, pathSegmentErrors } from '../../apimachinery/validation.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from '../printers/rbac.js';
import { defineResource } from '../define.js';
import type { KObject, ResourceDef } from '../types.js';
import { goStrings, invalidRaw, validateLabelSelector } from './common.js';
import { checkBindingEscalation, checkRoleEscalation } from './rbac-escalation.js';

const RBAC = 'rbac.authorization.k8s.io';

function validateRule(rule: KObject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!Array.isArray(rule.verbs) || rule.verbs.length === 0) errs.push(required(`${path}.verbs`, 'verbs must contain at least one value'));
  const urls: unknown[] = rule.nonResourceURLs ?? [];
  if (urls.length) {
    if (namespaced) errs.push(invalidRaw(`${path}.nonResourceURLs`, goStrings(urls), 'namespaced rules cannot apply to non-resource URLs'));
    if ((rule.apiGroups ?? []).length || (rule.resources ?? []).length || (rule.resourceNames ?? []).length)
      errs.push(invalidRaw(`${path}.nonResourceURLs`, goStrings(urls), 'rules cannot apply to both regular resources and non-resource URLs'));
    return errs;
  }
  if (!Array.isArray(rule.apiGroups) || rule.apiGroups.length === 0) errs.push(required(`${path}.apiGroups`, 'resource rules must supply at least one api group'));
  if (!Array.isArray(rule.resources) || rule.resources.length === 0) errs.push(required(`${path}.resources`, 'resource rules must supply at least one resource'));
  return errs;
}

function validateRules(obj: KObject, namespaced: boolean): FieldError[] {
  return (obj.rules ?? []).flatMap((r: KObject, i: number) => validateRule(r ?? {}, namespaced, `rules[${i}]`));
}

function defaultRole(obj: KObject): void {
  if (obj.rules === undefined) obj.rules = null;
}

export const roles = defineResource({
  group: RBAC,
  resource: 'roles',
  kind: 'Role',
  nameValidation: 'path',
  strategy: {
    prepareForCreate: (obj, ctx) => (defaultRole(obj), checkRoleEscalation('roles', obj, undefined, ctx)),
    prepareForUpdate: (obj, old, ctx) => (defaultRole(obj), checkRoleEscalation('roles', obj, old, ctx)),
    validate: (obj) => validateRules(obj, true),
  },
});

function validateClusterRole(obj: KObject): FieldError[] {
  const errs = validateRules(obj, false);
  const agg = obj.aggregationRule;
  if (agg) {
    const sels: KObject[] = agg.clusterRoleSelectors ?? [];
    if (sels.length === 0) errs.push(required('aggregationRule.clusterRoleSelectors', 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
    sels.forEach((s, i) => errs.push(...validateLabelSelector(s, `aggregationRule.clusterRoleSelectors[${i}]`)));
  }
  return errs;
}

export const clusterroles = defineResource({
  group: RBAC,
  resource: 'clusterroles',
  kind: 'ClusterRole',
  namespaced: false,
  nameValidation: 'path',
  strategy: {
    prepareForCreate: (obj, ctx) => (defaultRole(obj), checkRoleEscalation('clusterroles', obj, undefined, ctx)),
    prepareForUpdate: (obj, old, ctx) => (defaultRole(obj), checkRoleEscalation('clusterroles', obj, old, ctx)),
    validate: validateClusterRole,
  },
});

/** SetDefaults_RoleBinding / _ClusterRoleBinding / _Subject. */
function defaultBinding(obj: KObject): void {
  obj.roleRef ??= {};
  obj.roleRef.apiGroup ||= RBAC;
  for (const s of obj.subjects ?? []) {
    if (!s || s.apiGroup) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC;
  }
}

function validateSubject(s: KObject, namespaced: boolean, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.name) errs.push(required(`${path}.name`));
  switch (s.kind) {
    case 'ServiceAccount':
      if (s.name) for (const m of dns1123SubdomainErrors(s.name)) errs.push(invalid(`${path}.name`, s.name, m));
      if (s.apiGroup) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup, ['']));
      if (!namespaced && !s.namespace) errs.push(required(`${path}.namespace`));
      break;
    case 'User':
    case 'Group':
      if (s.apiGroup !== RBAC) errs.push(notSupported(`${path}.apiGroup`, s.apiGroup ?? '', [RBAC]));
      break;
    default:
      errs.push(notSupported(`${path}.kind`, s.kind ?? '', ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

function validateBinding(obj: KObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = obj.roleRef ?? {};
  if (ref.apiGroup !== RBAC) errs.push(notSupported('roleRef.apiGroup', ref.apiGroup ?? '', [RBAC]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(ref.kind)) errs.push(notSupported('roleRef.kind', ref.kind ?? '', kinds));
  if (!ref.name) errs.push(required('roleRef.name'));
  else for (const m of pathSegmentErrors(ref.name)) errs.push(invalid('roleRef.name', ref.name, m));
  (obj.subjects ?? []).forEach((s: KObject, i: number) => errs.push(...validateSubject(s ?? {}, namespaced, `subjects[${i}]`)));
  return errs;
}

/** Go's %#v of the internal RoleRef, as upstream prints it in "cannot change roleRef". */
function goRoleRef(r: KObject | undefined): string {
  return `rbac.RoleRef{APIGroup:${JSON.stringify(r?.apiGroup ?? '')}, Kind:${JSON.stringify(r?.kind ?? '')}, Name:${JSON.stringify(r?.name ?? '')}}`;
}

function roleRefUnchanged(obj: KObject, old: KObject): FieldError[] {
  const a = obj.roleRef ?? {};
  const b = old.roleRef ?? {};
  if (a.apiGroup !== b.apiGroup || a.kind !== b.kind || a.name !== b.name) return [invalidRaw('roleRef', goRoleRef(a), 'cannot change roleRef')];
  return [];
}

export const rolebindings = defineResource({
  group: RBAC,
  resource: 'rolebindings',
  kind: 'RoleBinding',
  printer: roleBindingPrinter,
  nameValidation: 'path',
  strategy: {
    prepareForCreate: (obj, ctx) => (defaultBinding(obj), checkBindingEscalation('rolebindings', obj, undefined, ctx)),
    prepareForUpdate: (obj, old, ctx) => (defaultBinding(obj), checkBindingEscalation('rolebindings', obj, old, ctx)),
    validate: (obj) => validateBinding(obj, true),
    validateUpdate: (obj, old) => [...validateBinding(obj, true), ...roleRefUnchanged(obj, old)],
  },
});

export const clusterrolebindings = defineResource({
  group: RBAC,
  resource: 'clusterrolebindings',
  kind: 'ClusterRoleBinding',
  printer: clusterRoleBindingPrinter,
  namespaced: false,
  nameValidation: 'path',
  strategy: {
    prepareForCreate: (obj, ctx) => (defaultBinding(obj), checkBindingEscalation('clusterrolebindings', obj, undefined, ctx)),
    prepareForUpdate: (obj, old, ctx) => (defaultBinding(obj), checkBindingEscalation('clusterrolebindings', obj, old, ctx)),
    validate: (obj) => validateBinding(obj, false),
    validateUpdate: (obj, old) => [...validateBinding(obj, false), ...roleRefUnchanged(obj, old)],
  },
});

export const rbacResources: ResourceDef[] = [clusterrolebindings, clusterroles, rolebindings, roles];
