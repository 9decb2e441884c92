// API validation of ValidatingAdmissionPolicy specs as upstream's admissionregistration validation: every CEL
// expression compiled (new ones in the NewExpressions environment, unchanged ones in the stored one), with
// upstream's field paths and messages.
import { type FieldError, duplicate, invalid, notSupported, required } from '../../apimachinery/errors.js';
import { qualifiedNameErrors } from '../../apimachinery/selectors.js';
import { dns1035LabelErrors, dns1123SubdomainErrors } from '../../apimachinery/validation.js';
import type { CompiledExpression } from '../../cel/admission-policy.js';
import { cel } from '../../cel/lazy.js';
import { BOOL, NULL, STRING } from '../../cel/types.js';
import type { KObject } from '../types.js';

const REASONS = ['Forbidden', 'Invalid', 'RequestEntityTooLarge', 'Unauthorized'];
const CEL_IDENT = /^[_a-zA-Z][_a-zA-Z0-9]*$/;
const CEL_RESERVED = new Set(['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if', 'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while']);
const MAX_VALUE_EXPRESSION = 5 * 1024;

/** field.Invalid with the expression as the value, or an internal error, as convertCELErrorToValidationError. */
function celError(path: string, value: string, c: CompiledExpression): FieldError[] {
  if (c.error === undefined) return [];
  if (c.kind === 'internal') return [{ type: 'InternalError', field: path, detail: c.error }];
  return [invalid(path, value, c.error)];
}

const expressions = (list: unknown, key: string): Set<string> => new Set(((list ?? []) as KObject[]).map((x) => x?.[key]).filter((x) => typeof x === 'string'));

/** The CEL-related checks of a policy spec: matchConditions, variables, validations, auditAnnotations. */
export function validatePolicyExpressions(policy: KObject, old?: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = policy.spec ?? {};
  const oldSpec = old?.spec ?? {};
  const hasParams = !!spec.paramKind;
  // expressions already stored keep compiling in the environment they were stored under
  const envFor = (set: Set<string>, e: string) => (set.has(e) ? ('stored' as const) : ('new' as const));
  const oldValidations = expressions(oldSpec.validations, 'expression');
  const oldMessages = expressions(oldSpec.validations, 'messageExpression');
  const oldConditions = expressions(oldSpec.matchConditions, 'expression');
  const oldAudit = expressions(oldSpec.auditAnnotations, 'valueExpression');
  const compiler = new (cel().PolicyCompiler)(hasParams);
  // match conditions are checked without variables (upstream's stateless compiler)
  const conditions = new (cel().PolicyCompiler)(hasParams);

  const names = new Set<string>();
  ((spec.matchConditions ?? []) as KObject[]).forEach((c, i) => {
    const p = `spec.matchConditions[${i}]`;
    const expr = String(c?.expression ?? '').trim();
    if (!expr) errs.push(required(`${p}.expression`));
    else errs.push(...celError(`${p}.expression`, expr, conditions.compile(expr, { resultTypes: [BOOL], composition: false, envType: envFor(oldConditions, expr) })));
    if (!c?.name) errs.push(required(`${p}.name`));
    else for (const m of qualifiedNameErrors(c.name)) errs.push(invalid(`${p}.name`, c.name, m));
    if (c?.name) {
      if (names.has(c.name)) errs.push(duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
  });

  ((spec.variables ?? []) as KObject[]).forEach((v, i) => {
    const p = `spec.variables[${i}]`;
    const name = String(v?.name ?? '');
    if (!name.trim()) errs.push(required(`${p}.name`, 'name is not specified'));
    else if (!CEL_IDENT.test(name) || CEL_RESERVED.has(name)) errs.push(invalid(`${p}.name`, name, 'name is not a valid CEL identifier'));
    const expr = String(v?.expression ?? '');
    if (!expr.trim()) errs.push(required(`${p}.expression`, 'expression is not specified'));
    else errs.push(...celError(`${p}.expression`, expr, compiler.variable(name, expr, envFor(oldValidations, expr))));
  });

  const validations = (spec.validations ?? []) as KObject[];
  const audits = (spec.auditAnnotations ?? []) as KObject[];
  if (validations.length === 0 && audits.length === 0) {
    errs.push(required('spec.validations', 'validations or auditAnnotations must contain at least one item'));
    errs.push(required('spec.auditAnnotations', 'validations or auditAnnotations must contain at least one item'));
    return errs;
  }
  validations.forEach((v, i) => {
    const p = `spec.validations[${i}]`;
    const expr = String(v?.expression ?? '');
    if (!expr.trim()) errs.push(required(`${p}.expression`, 'expression is not specified'));
    else errs.push(...celError(`${p}.expression`, expr, compiler.compile(expr, { resultTypes: [BOOL], envType: envFor(oldValidations, expr) })));
    const me = typeof v?.messageExpression === 'string' ? v.messageExpression : '';
    if (me && !me.trim()) errs.push(invalid(`${p}.messageExpression`, me, 'must be non-empty if specified'));
    else if (me) errs.push(...celError(`${p}.messageExpression`, me, compiler.compile(me, { resultTypes: [STRING], authorizer: false, envType: envFor(oldMessages, me) })));
    const msg = typeof v?.message === 'string' ? v.message : '';
    if (msg && !msg.trim()) errs.push(invalid(`${p}.message`, msg, 'message must be non-empty if specified'));
    else if (/[\n\r]/.test(msg.trim())) errs.push(invalid(`${p}.message`, msg, 'message must not contain line breaks'));
    if (v?.reason !== undefined && v?.reason !== null && !REASONS.includes(v.reason)) errs.push(notSupported(`${p}.reason`, v.reason, REASONS));
  });
  const keys = new Set<string>();
  audits.forEach((a, i) => {
    const p = `spec.auditAnnotations[${i}]`;
    const name = policy.metadata?.name;
    const key = String(a?.key ?? '');
    if (name) for (const m of qualifiedNameErrors(`${name}/${key}`)) errs.push(invalid(`${p}.key`, `${name}/${key}`, m));
    else errs.push(invalid(`${p}.key`, key, 'requires metadata.name be non-empty'));
    const ve = String(a?.valueExpression ?? '');
    const trimmed = ve.trim();
    if (!trimmed) errs.push(required(`${p}.valueExpression`, 'valueExpression is not specified'));
    else if (trimmed.length > MAX_VALUE_EXPRESSION) errs.push(required(`${p}.valueExpression`, `must not exceed ${MAX_VALUE_EXPRESSION} bytes in length`));
    else errs.push(...celError(`${p}.valueExpression`, ve, compiler.compile(trimmed, { resultTypes: [STRING, NULL], envType: envFor(oldAudit, ve) })));
    if (keys.has(key)) errs.push(duplicate(`${p}.key`, key));
    keys.add(key);
  });
  return errs;
}

/** spec.paramKind: a parseable group/version with a DNS subdomain group and DNS-1035 version, and a kind. */
export function validateParamKind(pk: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const path = 'spec.paramKind';
  const av = typeof pk.apiVersion === 'string' ? pk.apiVersion : '';
  if (!av) errs.push(required(`${path}.apiVersion`));
  else if (av.split('/').length > 2) errs.push(invalid(`${path}.apiVersion`, av, `unexpected GroupVersion string: ${av}`));
  else {
    const [group, version] = av === '/' ? ['', ''] : av.includes('/') ? av.split('/') : ['', av];
    const groupErrs = group ? dns1123SubdomainErrors(group) : [];
    if (groupErrs.length) errs.push(invalid(`${path}.apiVersion`, group, groupErrs.join(',')));
    if (!version) errs.push(invalid(`${path}.apiVersion`, av, 'version must be specified'));
    else {
      const versionErrs = dns1035LabelErrors(version);
      if (versionErrs.length) errs.push(invalid(`${path}.apiVersion`, version, versionErrs.join(',')));
    }
  }
  const kind = typeof pk.kind === 'string' ? pk.kind : '';
  if (!kind) errs.push(required(`${path}.kind`));
  else {
    const kindErrs = dns1035LabelErrors(kind.toLowerCase());
    if (kindErrs.length) errs.push(invalid(`${path}.kind`, kind, `may have mixed case, but should otherwise match: ${kindErrs.join(',')}`));
  }
  return errs;
}

