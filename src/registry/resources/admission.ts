// admissionregistration.k8s.io/v1 webhook configurations, validating admission policies and their bindings (stored; evaluation is the admission layer's).
import { type FieldError, duplicate, forbiddenField, invalid, notSupported, required } from '../../apimachinery/errors.js';
import { dns1035LabelErrors, dns1123SubdomainErrors, pathSegmentErrors } from '../../apimachinery/validation.js';
import { mutatingWebhookPrinter, validatingWebhookPrinter } from '../printers/admission.js';
import { defineResource, STATUS } from '../define.js';
import type { KObject, ResourceDef } from '../types.js';
import { goStrings, invalidRaw, oneOf, validateLabelSelector } from './common.js';
import { policyBindingPrinter, validatingAdmissionPolicyPrinter } from '../printers/admission.js';
import { validateParamKind, validatePolicyExpressions } from './admission-policy-validation.js';
import { loadCel } from '../../cel/lazy.js';

const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];

function defaultRule(r: KObject): void {
  r.scope ??= '*';
}

function defaultWebhook(h: KObject, mutating: boolean): void {
  h.failurePolicy ??= 'Fail';
  h.matchPolicy ??= 'Equivalent';
  h.namespaceSelector ??= {};
  h.objectSelector ??= {};
  h.timeoutSeconds ??= 10;
  if (mutating) h.reinvocationPolicy ??= 'Never';
  for (const r of h.rules ?? []) if (r) defaultRule(r);
  if (h.clientConfig?.service) h.clientConfig.service.port ??= 443;
}

function defaultMatchResources(m: KObject | undefined): void {
  if (!m) return;
  m.matchPolicy ??= 'Equivalent';
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  for (const r of [...(m.resourceRules ?? []), ...(m.excludeResourceRules ?? [])]) if (r) defaultRule(r);
}

function validateRule(r: KObject, path: string, errs: FieldError[]): void {
  const ops: unknown[] = r.operations ?? [];
  if (ops.length === 0) errs.push(required(`${path}.operations`));
  if (ops.length > 1 && ops.includes('*')) errs.push(invalid(`${path}.operations`, ops, 'if \'*\' is present, must not specify other operations'));
  ops.forEach((o, i) => {
    if (!OPERATIONS.includes(o as string)) errs.push(notSupported(`${path}.operations[${i}]`, o, OPERATIONS));
  });
  for (const f of ['apiGroups', 'apiVersions', 'resources']) {
    const list: unknown[] = r[f] ?? [];
    if (list.length === 0) errs.push(required(`${path}.${f}`));
    if (list.length > 1 && list.includes('*')) errs.push(invalid(`${path}.${f}`, list, 'if \'*\' is present, must not specify other ' + (f === 'apiGroups' ? 'API groups' : f === 'apiVersions' ? 'API versions' : 'resources')));
  }
  (r.apiVersions ?? []).forEach((v: string, i: number) => {
    if (v === '') errs.push(required(`${path}.apiVersions[${i}]`));
  });
  if (r.scope !== undefined && r.scope !== null) oneOf(r.scope, `${path}.scope`, SCOPES, errs);
}

const URL_FORM = '; desired format: https://host[/path]';

function validateClientConfig(cc: KObject | undefined, path: string, errs: FieldError[]): void {
  const c = cc ?? {};
  const hasURL = typeof c.url === 'string';
  const hasSvc = !!c.service;
  if (hasURL === hasSvc) {
    errs.push(required(path, 'exactly one of url or service is required'));
    return;
  }
  const up = `${path}.url`;
  if (hasURL) {
    let u: URL;
    try {
      u = new URL(c.url);
    } catch {
      errs.push(invalid(up, '', `host must be specified${URL_FORM}`));
      return;
    }
    if (u.protocol !== 'https:') errs.push(invalid(up, u.protocol.replace(/:$/, ''), `'https' is the only allowed URL scheme${URL_FORM}`));
    if (!u.host) errs.push(invalid(up, u.host, `host must be specified${URL_FORM}`));
    if (u.username || u.password) errs.push(invalid(up, u.password ? `${u.username}:xxxxx` : u.username, 'user information is not permitted in the URL'));
    if (u.hash) errs.push(invalid(up, u.hash.slice(1), 'fragments are not permitted in the URL'));
    if (u.search) errs.push(invalid(up, u.search.slice(1), 'query parameters are not permitted in the URL'));
    return;
  }
  const s = c.service;
  const sp = `${path}.service`;
  if (!s.name) errs.push(required(`${sp}.name`, 'service name is required'));
  if (!s.namespace) errs.push(required(`${sp}.namespace`, 'service namespace is required'));
  if (typeof s.port === 'number' && (s.port < 1 || s.port > 65535)) errs.push(invalid(`${sp}.port`, s.port, 'port is not valid: must be between 1 and 65535, inclusive'));
  const p = s.path;
  if (typeof p === 'string' && p !== '' && p !== '/') {
    if (p === '//') errs.push(invalid(`${sp}.path`, p, 'segment[0] may not be empty'));
    else if (!p.startsWith('/')) errs.push(invalid(`${sp}.path`, p, "must start with a '/'"));
  }
}

function validateWebhook(h: KObject, path: string, mutating: boolean, errs: FieldError[]): void {
  const name: string = h.name ?? '';
  if (!name) errs.push(required(`${path}.name`));
  else {
    const msgs = dns1123SubdomainErrors(name);
    if (msgs.length) errs.push(invalid(`${path}.name`, name, msgs.join(',')));
    else if (name.split('.').length < 3) errs.push(invalid(`${path}.name`, name, 'should be a domain with at least three segments separated by dots'));
  }
  (h.rules ?? []).forEach((r: KObject, i: number) => validateRule(r ?? {}, `${path}.rules[${i}]`, errs));
  oneOf(h.failurePolicy, `${path}.failurePolicy`, ['Fail', 'Ignore'], errs);
  oneOf(h.matchPolicy, `${path}.matchPolicy`, ['Equivalent', 'Exact'], errs);
  if (!h.sideEffects) errs.push(required(`${path}.sideEffects`, 'must specify one of None, NoneOnDryRun'));
  else if (!['None', 'NoneOnDryRun'].includes(h.sideEffects)) errs.push(notSupported(`${path}.sideEffects`, h.sideEffects, ['None', 'NoneOnDryRun']));
  if (typeof h.timeoutSeconds === 'number' && (h.timeoutSeconds < 1 || h.timeoutSeconds > 30))
    errs.push(invalid(`${path}.timeoutSeconds`, h.timeoutSeconds, 'the timeout value must be between 1 and 30 seconds'));
  errs.push(...validateLabelSelector(h.namespaceSelector, `${path}.namespaceSelector`));
  errs.push(...validateLabelSelector(h.objectSelector, `${path}.objectSelector`));
  if (mutating) oneOf(h.reinvocationPolicy, `${path}.reinvocationPolicy`, ['IfNeeded', 'Never'], errs);
  validateClientConfig(h.clientConfig, `${path}.clientConfig`, errs);
  const condNames = new Set<string>();
  (h.matchConditions ?? []).forEach((c: KObject, i: number) => {
    const cp = `${path}.matchConditions[${i}]`;
    if (!c.name) errs.push(required(`${cp}.name`));
    else if (condNames.has(c.name)) errs.push(duplicate(`${cp}.name`, c.name));
    condNames.add(c.name);
    if (!c.expression) errs.push(required(`${cp}.expression`));
  });
}

function validateReviewVersions(versions: unknown[], path: string, errs: FieldError[]): void {
  if (versions.length === 0) {
    errs.push(required(path, 'must specify one of v1, v1beta1'));
    return;
  }
  const seen = new Set<unknown>();
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(invalid(`${path}[${i}]`, v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const m of dns1035LabelErrors(String(v))) errs.push(invalid(`${path}[${i}]`, v, m));
  });
  if (!versions.some((v) => v === 'v1' || v === 'v1beta1')) errs.push(invalidRaw(path, goStrings(versions), 'must include at least one of v1, v1beta1'));
}

function webhookConfiguration(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration'): ResourceDef {
  const mutating = kind === 'MutatingWebhookConfiguration';
  const defaults = (obj: KObject) => {
    for (const h of obj.webhooks ?? []) if (h) defaultWebhook(h, mutating);
  };
  return defineResource({
    group: 'admissionregistration.k8s.io',
    resource: mutating ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations',
    kind,
    printer: mutating ? mutatingWebhookPrinter : validatingWebhookPrinter,
    namespaced: false,
    categories: ['api-extensions'],
    generation: true,
    strategy: {
      prepareForCreate: defaults,
      prepareForUpdate: defaults,
      validate(obj) {
        const errs: FieldError[] = [];
        const names = new Set<string>();
        (obj.webhooks ?? []).forEach((h: KObject, i: number) => {
          const p = `webhooks[${i}]`;
          validateWebhook(h ?? {}, p, mutating, errs);
          validateReviewVersions(h?.admissionReviewVersions ?? [], `${p}.admissionReviewVersions`, errs);
          if (h?.name) {
            if (names.has(h.name)) errs.push(duplicate(`${p}.name`, h.name));
            names.add(h.name);
          }
        });
        return errs;
      },
    },
  });
}

export const mutatingwebhookconfigurations = webhookConfiguration('MutatingWebhookConfiguration');
export const validatingwebhookconfigurations = webhookConfiguration('ValidatingWebhookConfiguration');

function validateMatchResources(m: KObject | undefined, path: string, errs: FieldError[], requireRules: boolean): void {
  if (!m) return;
  oneOf(m.matchPolicy, `${path}.matchPolicy`, ['Equivalent', 'Exact'], errs);
  errs.push(...validateLabelSelector(m.namespaceSelector, `${path}.namespaceSelector`));
  errs.push(...validateLabelSelector(m.objectSelector, `${path}.objectSelector`));
  const rules: KObject[] = m.resourceRules ?? [];
  if (requireRules && rules.length === 0) errs.push(required(`${path}.resourceRules`));
  rules.forEach((r, i) => validateRule(r ?? {}, `${path}.resourceRules[${i}]`, errs));
  (m.excludeResourceRules ?? []).forEach((r: KObject, i: number) => validateRule(r ?? {}, `${path}.excludeResourceRules[${i}]`, errs));
}

function defaultPolicy(obj: KObject): void {
  const spec = (obj.spec ??= {});
  spec.failurePolicy ??= 'Fail';
  defaultMatchResources(spec.matchConstraints);
}

function validatePolicy(obj: KObject, old?: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  oneOf(spec.failurePolicy, 'spec.failurePolicy', ['Fail', 'Ignore'], errs);
  if (spec.paramKind) errs.push(...validateParamKind(spec.paramKind));
  if (!spec.matchConstraints) errs.push(required('spec.matchConstraints'));
  else validateMatchResources(spec.matchConstraints, 'spec.matchConstraints', errs, true);
  errs.push(...validatePolicyExpressions(obj, old));
  return errs;
}

export const validatingadmissionpolicies = defineResource({
  group: 'admissionregistration.k8s.io',
  resource: 'validatingadmissionpolicies',
  kind: 'ValidatingAdmissionPolicy',
  printer: validatingAdmissionPolicyPrinter,
  namespaced: false,
  categories: ['api-extensions'],
  generation: true,
  subresources: [STATUS],
  strategy: {
    // validation compiles the expressions: the CEL library loads with the first policy written
    async prepareForCreate(obj) {
      defaultPolicy(obj);
      obj.status = {};
      await loadCel();
    },
    async prepareForUpdate(obj) {
      defaultPolicy(obj);
      await loadCel();
    },
    validate: (obj) => validatePolicy(obj),
    // a status write changes no expression: its spec is the stored one
    validateUpdate: (obj, old, ctx) => (ctx.subresource === 'status' ? [] : validatePolicy(obj, old)),
  },
});

const ACTIONS = ['Audit', 'Deny', 'Warn'];

function defaultBinding(obj: KObject): void {
  const spec = (obj.spec ??= {});
  defaultMatchResources(spec.matchResources);
}

function validateBinding(obj: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  if (!spec.policyName) errs.push(required('spec.policyName'));
  else for (const m of dns1123SubdomainErrors(spec.policyName)) errs.push(invalid('spec.policyName', spec.policyName, m));
  const pr = spec.paramRef;
  if (pr) {
    if (pr.name) {
      for (const m of pathSegmentErrors(pr.name)) errs.push(invalid('spec.paramRef.name', pr.name, m));
      if (pr.selector) errs.push(forbiddenField('spec.paramRef.name', 'name and selector are mutually exclusive'));
    }
    if (pr.selector) {
      errs.push(...validateLabelSelector(pr.selector, 'spec.paramRef.selector'));
      if (pr.name) errs.push(forbiddenField('spec.paramRef.selector', 'name and selector are mutually exclusive'));
    }
    if (!pr.name && !pr.selector) errs.push(required('spec.paramRef', 'one of name or selector must be specified'));
    if (!pr.parameterNotFoundAction) errs.push(required('spec.paramRef.parameterNotFoundAction'));
    else oneOf(pr.parameterNotFoundAction, 'spec.paramRef.parameterNotFoundAction', ['Deny', 'Allow'], errs);
  }
  validateMatchResources(spec.matchResources, 'spec.matchResources', errs, false);
  const actions: unknown[] = spec.validationActions ?? [];
  if (actions.length === 0) errs.push(required('spec.validationActions', 'at least one validation action is required'));
  const seen = new Set<unknown>();
  actions.forEach((a, i) => {
    if (!ACTIONS.includes(a as string)) errs.push(notSupported(`spec.validationActions[${i}]`, a, ACTIONS));
    if (seen.has(a)) errs.push(duplicate(`spec.validationActions[${i}]`, a));
    seen.add(a);
  });
  if (seen.has('Deny') && seen.has('Warn')) errs.push(invalidRaw('spec.validationActions', goStrings(actions, 'admissionregistration.ValidationAction'), 'must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)'));
  return errs;
}

export const validatingadmissionpolicybindings = defineResource({
  group: 'admissionregistration.k8s.io',
  resource: 'validatingadmissionpolicybindings',
  kind: 'ValidatingAdmissionPolicyBinding',
  printer: policyBindingPrinter,
  namespaced: false,
  categories: ['api-extensions'],
  generation: true,
  strategy: {
    prepareForCreate: defaultBinding,
    prepareForUpdate: defaultBinding,
    validate: validateBinding,
  },
});

export const admissionResources: ResourceDef[] = [
  mutatingwebhookconfigurations,
  validatingadmissionpolicies,
  validatingadmissionpolicybindings,
  validatingwebhookconfigurations,
];
