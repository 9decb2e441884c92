// flowcontrol.apiserver.k8s.io/v1 flowschemas and prioritylevelconfigurations (stored; no request queuing),
// with the two mandatory objects of each kind upstream keeps in every cluster.
import { type FieldError, forbiddenField, invalid, notSupported, required } from '../../apimachinery/errors.js';
import { defineResource, STATUS } from '../define.js';
import type { KObject, ResourceDef } from '../types.js';
import { subdomain } from './common.js';
import { flowSchemaPrinter, priorityLevelConfigurationPrinter } from '../printers/flowcontrol.js';

function defaultFlowSchema(obj: KObject): void {
  const spec = (obj.spec ??= {});
  if (!spec.matchingPrecedence) spec.matchingPrecedence = 1000;
}

const SUBJECT_KINDS = ['Group', 'ServiceAccount', 'User'];
const VERB_ANY = '*';

function validateFlowSchema(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  const mp = spec.matchingPrecedence;
  if (typeof mp === 'number' && (mp < 1 || mp > 10000)) errs.push(invalid('spec.matchingPrecedence', mp, 'must be a positive value no more than 10000'));
  if (mp === 1 && obj.metadata?.name !== 'exempt') errs.push(invalid('spec.matchingPrecedence', mp, 'only the schema named \'exempt\' may have matchingPrecedence 1'));
  if (!spec.priorityLevelConfiguration?.name) errs.push(required('spec.priorityLevelConfiguration.name', 'must reference a priority level'));
  else subdomain(spec.priorityLevelConfiguration.name, 'spec.priorityLevelConfiguration.name', errs);
  const dm = spec.distinguisherMethod;
  if (dm && dm.type !== 'ByUser' && dm.type !== 'ByNamespace') errs.push(notSupported('spec.distinguisherMethod.type', dm.type ?? '', ['ByNamespace', 'ByUser']));
  (spec.rules ?? []).forEach((r: KObject, i: number) => {
    const p = `spec.rules[${i}]`;
    const subjects: KObject[] = r?.subjects ?? [];
    if (subjects.length === 0) errs.push(required(`${p}.subjects`, 'subjects must contain at least one value'));
    subjects.forEach((s, j) => {
      const sp = `${p}.subjects[${j}]`;
      if (!SUBJECT_KINDS.includes(s?.kind)) {
        errs.push(notSupported(`${sp}.kind`, s?.kind ?? '', SUBJECT_KINDS));
        return;
      }
      const key = s.kind === 'User' ? 'user' : s.kind === 'Group' ? 'group' : 'serviceAccount';
      if (!s[key]) errs.push(required(`${sp}.${key}`, `${key} is required when subject kind is '${s.kind}'`));
      else if (!s[key].name) errs.push(required(`${sp}.${key}.name`));
      if (key === 'serviceAccount' && s.serviceAccount && !s.serviceAccount.namespace) errs.push(required(`${sp}.serviceAccount.namespace`));
      for (const other of ['user', 'group', 'serviceAccount']) if (other !== key && s[other]) errs.push(forbiddenField(`${sp}.${other}`, `${other} is forbidden when subject kind is not '${other === 'user' ? 'User' : other === 'group' ? 'Group' : 'ServiceAccount'}'`));
    });
    const rr: KObject[] = r?.resourceRules ?? [];
    const nr: KObject[] = r?.nonResourceRules ?? [];
    if (rr.length === 0 && nr.length === 0) errs.push(required(p, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
    rr.forEach((rule, j) => {
      const rp = `${p}.resourceRules[${j}]`;
      for (const f of ['verbs', 'apiGroups', 'resources'])
        if (!(rule?.[f] ?? []).length) errs.push(required(`${rp}.${f}`, `${f === 'apiGroups' ? 'resource rules must supply at least one api group' : f === 'verbs' ? 'verbs must contain at least one value' : 'resource rules must supply at least one resource'}`));
      if (!(rule?.namespaces ?? []).length && !rule?.clusterScope)
        errs.push(required(`${rp}.namespaces`, 'resource rules that are not cluster scoped must supply at least one namespace'));
      if ((rule?.verbs ?? []).length > 1 && rule.verbs.includes(VERB_ANY)) errs.push(invalid(`${rp}.verbs`, rule.verbs, "if '*' is present, must not specify other verbs"));
    });
    nr.forEach((rule, j) => {
      const rp = `${p}.nonResourceRules[${j}]`;
      if (!(rule?.verbs ?? []).length) errs.push(required(`${rp}.verbs`, 'verbs must contain at least one value'));
      if (!(rule?.nonResourceURLs ?? []).length) errs.push(required(`${rp}.nonResourceURLs`, 'nonResourceURLs must contain at least one value'));
    });
  });
  return errs;
}

function defaultPLC(obj: KObject): void {
  const spec = (obj.spec ??= {});
  if (spec.exempt) {
    spec.exempt.nominalConcurrencyShares ??= 0;
    spec.exempt.lendablePercent ??= 0;
  }
  if (spec.limited) {
    spec.limited.nominalConcurrencyShares ??= 30;
    spec.limited.lendablePercent ??= 0;
    const q = spec.limited.limitResponse?.queuing;
    if (q) {
      q.handSize ||= 8;
      q.queues ||= 64;
      q.queueLengthLimit ||= 50;
    }
  }
}

function validatePLC(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  const name = obj.metadata?.name;
  if (spec.type !== 'Exempt' && spec.type !== 'Limited') {
    errs.push(notSupported('spec.type', spec.type ?? '', ['Exempt', 'Limited']));
    return errs;
  }
  if (name === 'exempt' && spec.type !== 'Exempt') errs.push(invalid('spec.type', spec.type, "type must be 'Exempt' if and only if name is 'exempt'"));
  if (name !== 'exempt' && spec.type === 'Exempt') errs.push(invalid('spec.type', spec.type, "type must be 'Exempt' if and only if name is 'exempt'"));
  if (spec.type === 'Exempt') {
    if (spec.limited) errs.push(forbiddenField('spec.limited', 'must be nil if the type is not Limited'));
    const e = spec.exempt ?? {};
    if (typeof e.nominalConcurrencyShares === 'number' && e.nominalConcurrencyShares < 0) errs.push(invalid('spec.exempt.nominalConcurrencyShares', e.nominalConcurrencyShares, 'must be a non-negative integer'));
    if (typeof e.lendablePercent === 'number' && (e.lendablePercent < 0 || e.lendablePercent > 100)) errs.push(invalid('spec.exempt.lendablePercent', e.lendablePercent, 'must be between 0 and 100, inclusive'));
    return errs;
  }
  if (spec.exempt) errs.push(forbiddenField('spec.exempt', 'must be nil if the type is Limited'));
  const l = spec.limited;
  if (!l) {
    errs.push(required('spec.limited', 'must not be empty when type is Limited'));
    return errs;
  }
  if (typeof l.nominalConcurrencyShares === 'number' && l.nominalConcurrencyShares < 0) errs.push(invalid('spec.limited.nominalConcurrencyShares', l.nominalConcurrencyShares, 'must be a non-negative integer'));
  if (typeof l.lendablePercent === 'number' && (l.lendablePercent < 0 || l.lendablePercent > 100)) errs.push(invalid('spec.limited.lendablePercent', l.lendablePercent, 'must be between 0 and 100, inclusive'));
  const lr = l.limitResponse ?? {};
  if (lr.type !== 'Queue' && lr.type !== 'Reject') errs.push(notSupported('spec.limited.limitResponse.type', lr.type ?? '', ['Queue', 'Reject']));
  else if (lr.type === 'Queue') {
    if (!lr.queuing) errs.push(required('spec.limited.limitResponse.queuing', 'must not be empty if type is Queue'));
    else {
      const q = lr.queuing;
      if (q.queueLengthLimit <= 0) errs.push(invalid('spec.limited.limitResponse.queuing.queueLengthLimit', q.queueLengthLimit, 'must be positive'));
      if (q.queues <= 0 || q.queues > 512) errs.push(invalid('spec.limited.limitResponse.queuing.queues', q.queues, 'must be positive and no more than 512'));
      if (q.handSize > q.queues) errs.push(invalid('spec.limited.limitResponse.queuing.handSize', q.handSize, `should not be greater than queues (${q.queues})`));
    }
  } else if (lr.queuing) errs.push(forbiddenField('spec.limited.limitResponse.queuing', 'must be nil if limited.limitResponse.type is not Limited'));
  return errs;
}

export const flowschemas = defineResource({
  group: 'flowcontrol.apiserver.k8s.io',
  resource: 'flowschemas',
  kind: 'FlowSchema',
  printer: flowSchemaPrinter,
  namespaced: false,
  generation: true,
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      defaultFlowSchema(obj);
      obj.status = {};
    },
    prepareForUpdate: defaultFlowSchema,
    validate: validateFlowSchema,
  },
});

export const prioritylevelconfigurations = defineResource({
  group: 'flowcontrol.apiserver.k8s.io',
  resource: 'prioritylevelconfigurations',
  kind: 'PriorityLevelConfiguration',
  printer: priorityLevelConfigurationPrinter,
  namespaced: false,
  generation: true,
  subresources: [STATUS],
  strategy: {
    prepareForCreate(obj) {
      defaultPLC(obj);
      obj.status = {};
    },
    prepareForUpdate: defaultPLC,
    validate: validatePLC,
  },
});

export const flowcontrolResources: ResourceDef[] = [flowschemas, prioritylevelconfigurations];
