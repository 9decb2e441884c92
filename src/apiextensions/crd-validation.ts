// ValidateCustomResourceDefinition(Update) for apiextensions.k8s.io/v1 objects, validated in the internal
// shape upstream uses (see crd-internal.ts), with upstream's messages and field paths.
import { type FieldError, duplicate, forbiddenField, invalid, notSupported, required } from '../apimachinery/errors.js';
import { dns1035LabelErrors, dns1123SubdomainErrors } from '../apimachinery/validation.js';
import { child, index, key } from './field-path.js';
import { validFieldPath } from './field-path-jsonpath.js';
import { hasInvalidMapListKeysMapSet, hasNonAtomicSetType, type RuleCompiler, schemaHas, validateOpenAPISchema } from './crd-schema-validation.js';
import { TotalCost } from './cel-cost.js';
import { type InternalSpec, type InternalVersion, semanticEqual, toInternalSpec } from './crd-internal.js';
import { validateDefaults } from './default-validation.js';
import { newStructural } from './structural.js';
import { validateStructural } from './structural-validation.js';
import { validateCABundle, validateWebhookService, validateWebhookURL } from './webhook-client-config.js';
import type { JSONSchemaProps, Structural } from './types.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type { RuleCompiler };
export interface CRDValidationOptions {
  /** Compiles x-kubernetes-validations rules (the CEL module); without it rules are checked for shape only. */
  ruleCompiler?: RuleCompiler;
}

interface Opts {
  requireRecognizedConversionReviewVersion: boolean;
  requireImmutableNames: boolean;
  requireOpenAPISchema: boolean;
  requireValidPropertyType: boolean;
  requireStructuralSchema: boolean;
  requirePrunedDefaults: boolean;
  requireAtomicSetType: boolean;
  requireMapListKeysMapSetValidation: boolean;
  allowInvalidCABundle: boolean;
  ruleCompiler?: RuleCompiler;
  /** Versions whose schema an update leaves as it was: their rules' per-expression costs are not checked again. */
  unchangedSchemaVersions?: Set<string>;
}

const PRINTER_TYPES = ['boolean', 'date', 'integer', 'number', 'string'];
const PRINTER_FORMATS = ['byte', 'date', 'date-time', 'double', 'float', 'int32', 'int64', 'password'];
const OPENAPI_TYPES = ['array', 'boolean', 'integer', 'number', 'object', 'string'];
const ROOT_ALLOWED_WITH_STATUS = new Set(['description', 'type', 'format', 'title', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'uniqueItems', 'multipleOf', 'required', 'items', 'properties', 'externalDocs', 'example', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-validations']);
const ROOT_ALLOWED_NAMES = '[Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example XPreserveUnknownFields XValidations]';
const MAX_SELECTABLE_FIELDS = 8;

const label1035 = (v: string) => dns1035LabelErrors(v).join(',');

function enumStrings(p: string, value: string, accepted: string[]): FieldError[] {
  if (!value) return [required(p)];
  return accepted.includes(value) ? [] : [notSupported(p, value, accepted)];
}

/** ValidateCustomResourceDefinitionNames (spec.names and status.acceptedNames). */
export function validateNames(names: Obj, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const lbl = (v: unknown, f: string, mixed = false) => {
    if (typeof v !== 'string' || !v) return;
    const msg = label1035(mixed ? v.toLowerCase() : v);
    if (msg) errs.push(invalid(child(p, f), v, (mixed ? 'may have mixed case, but should otherwise match: ' : '') + msg));
  };
  lbl(names.plural, 'plural');
  lbl(names.singular, 'singular');
  lbl(names.kind, 'kind', true);
  lbl(names.listKind, 'listKind', true);
  (names.shortNames ?? []).forEach((s: string, i: number) => {
    const msg = label1035(s);
    if (msg) errs.push(invalid(index(child(p, 'shortNames'), i), s, msg));
  });
  if (names.kind && names.kind === names.listKind) errs.push(invalid(child(p, 'listKind'), names.listKind, 'kind and listKind may not be the same'));
  (names.categories ?? []).forEach((c: string, i: number) => {
    const msg = label1035(c);
    if (msg) errs.push(invalid(index(child(p, 'categories'), i), c, msg));
  });
  return errs;
}

function simpleJSONPath(s: string, p: string): FieldError[] {
  if (!s) return [invalid(p, s, 'must not be empty')];
  if (s[0] !== '.') return [invalid(p, s, 'must be a simple json path starting with .')];
  return [];
}

function validateColumn(col: Obj, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!col.name) errs.push(required(child(p, 'name')));
  if (!col.type) errs.push(required(child(p, 'type'), `must be one of ${PRINTER_TYPES.join(',')}`));
  else if (!PRINTER_TYPES.includes(col.type)) errs.push(invalid(child(p, 'type'), col.type, `must be one of ${PRINTER_TYPES.join(',')}`));
  if (col.format && !PRINTER_FORMATS.includes(col.format)) errs.push(invalid(child(p, 'format'), col.format, `must be one of ${PRINTER_FORMATS.join(',')}`));
  if (!col.jsonPath) errs.push(required(child(p, 'JSONPath')));
  else errs.push(...simpleJSONPath(col.jsonPath, child(p, 'JSONPath')));
  return errs;
}

function validateSubresources(sub: Obj | undefined, p: string): FieldError[] {
  const scale = sub?.scale;
  if (!scale) return [];
  const errs: FieldError[] = [];
  const check = (v: string | undefined, f: string, prefixes: string[], msg: string) => {
    const fp = child(p, `scale.${f}`);
    if (!v) return void errs.push(required(fp));
    const e = simpleJSONPath(v, fp);
    if (e.length) errs.push(...e);
    else if (!prefixes.some((pre) => v.startsWith(pre))) errs.push(invalid(fp, v, msg));
  };
  check(scale.specReplicasPath, 'specReplicasPath', ['.spec.'], 'should be a json path under .spec');
  check(scale.statusReplicasPath, 'statusReplicasPath', ['.status.'], 'should be a json path under .status');
  if (scale.labelSelectorPath) check(scale.labelSelectorPath, 'labelSelectorPath', ['.spec.', '.status.'], 'should be a json path under either .spec or .status');
  return errs;
}

/** ValidateCustomResourceSelectableFields (1.33: at most 8, string/integer/boolean, not under metadata). */
export function validateSelectableFields(fields: Obj[], schema: Structural | undefined, p: string): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Set<string>();
  fields.forEach((f, i) => {
    const ip = child(index(p, i), 'jsonPath');
    if (!f.jsonPath) return void errs.push(required(ip));
    const r = validFieldPath(f.jsonPath, schema, false);
    if ('error' in r) return void errs.push(invalid(ip, f.jsonPath, `is an invalid path: ${r.error}`));
    if (r.root === 'metadata') errs.push(invalid(ip, f.jsonPath, 'must not point to fields in metadata'));
    if (!r.schema || !['string', 'boolean', 'integer'].includes(r.schema.type ?? ''))
      errs.push(invalid(ip, f.jsonPath, 'must point to a field of type string, boolean or integer. Enum string fields and strings with formats are allowed.'));
    if (unique.has(r.path)) errs.push(duplicate(ip, f.jsonPath));
    else unique.add(r.path);
  });
  if (unique.size > MAX_SELECTABLE_FIELDS) errs.push({ type: 'FieldValueTooMany', field: p, badValue: unique.size, detail: `must have at most ${MAX_SELECTABLE_FIELDS} items` });
  return errs;
}

function deprecationWarningErrors(deprecated: boolean, w: string | undefined): string[] {
  if (!deprecated && w !== undefined) return ['can only be set for deprecated versions'];
  if (w === undefined) return [];
  const errs: string[] = [];
  if (Buffer.byteLength(w) > 256) errs.push('must be <= 256 characters long');
  if (!w) errs.push('must not be an empty string');
  let i = 0;
  for (const ch of w) {
    if (/\p{Cc}/u.test(ch)) {
      errs.push(`must only contain printable UTF-8 characters; non-printable character found at index ${i}`);
      break;
    }
    if (!/[\p{L}\p{M}\p{N}\p{P}\p{S} ]/u.test(ch)) {
      errs.push(`must only contain printable UTF-8 characters; non-printable character found at index ${i}`);
      break;
    }
    i += Buffer.byteLength(ch);
  }
  return errs;
}

function structuralOrError(s: JSONSchemaProps): Structural | string {
  try {
    return newStructural(s);
  } catch (e) {
    return (e as Error).message;
  }
}

function validateSchema(validation: InternalSpec['validation'], statusEnabled: boolean, opts: Opts, p: string, version: string): FieldError[] {
  const schema = validation?.openAPIV3Schema;
  if (!schema) return [];
  const errs: FieldError[] = [];
  const sp = child(p, 'openAPIV3Schema');
  if (statusEnabled) {
    for (const [k, v] of Object.entries(schema)) {
      if (v === undefined || v === null || v === false || v === '' || (typeof v === 'number' && v === 0 && k !== 'maximum' && k !== 'minimum')) continue;
      if (k === 'type') {
        if (v !== 'object') {
          errs.push(invalid(child(p, 'openAPIV3Schema.type'), v, 'only "object" is allowed as the type at the root of the schema if the status subresource is enabled'));
          break;
        }
        continue;
      }
      if (!ROOT_ALLOWED_WITH_STATUS.has(k)) {
        errs.push(invalid(sp, schema, `only ${ROOT_ALLOWED_NAMES} fields are allowed at the root of the schema if the status subresource is enabled`));
        break;
      }
    }
  }
  if (schema.nullable) errs.push(forbiddenField(child(p, 'openAPIV3Schema.nullable'), 'nullable cannot be true at the root'));
  let celEnabled = false;
  const initErrs: FieldError[] = [];
  if (opts.requireStructuralSchema) {
    const ss = structuralOrError(schema);
    if (typeof ss === 'string') initErrs.push(invalid(sp, '', ss));
    else {
      const se = validateStructural(sp, ss);
      if (se.length) errs.push(...se);
      else {
        const de = validateDefaults(sp, ss, true, opts.requirePrunedDefaults);
        if (de.length) errs.push(...de);
        else celEnabled = true;
      }
    }
  }
  const totalCost = celEnabled ? new TotalCost() : undefined;
  errs.push(
    ...validateOpenAPISchema(schema, sp, {
      allowDefaults: true,
      requireValidPropertyType: opts.requireValidPropertyType,
      requireAtomicSetType: opts.requireAtomicSetType,
      requireMapListKeysMapSetValidation: opts.requireMapListKeysMapSetValidation,
      ruleCompiler: opts.ruleCompiler,
      celEnabled,
      suppressPerExpressionCost: !!opts.unchangedSchemaVersions?.has(version),
      totalCost,
    }),
  );
  if (!errs.length && initErrs.length) errs.push(...initErrs);
  if (totalCost) errs.push(...totalCost.errors(sp));
  return errs;
}

function validateVersion(v: InternalVersion, p: string, statusEnabled: boolean, opts: Opts): FieldError[] {
  const errs: FieldError[] = [];
  for (const e of deprecationWarningErrors(v.deprecated, v.deprecationWarning)) errs.push(invalid(child(p, 'deprecationWarning'), v.deprecationWarning ?? null, e));
  errs.push(...validateSchema(v.schema, statusEnabled, opts, child(p, 'schema'), v.name));
  errs.push(...validateSubresources(v.subresources, child(p, 'subresources')));
  (v.additionalPrinterColumns ?? []).forEach((c, i) => errs.push(...validateColumn(c, index(child(p, 'additionalPrinterColumns'), i))));
  if (v.selectableFields?.length) {
    const schema = v.schema?.openAPIV3Schema;
    if (!schema) errs.push(invalid(child(p, 'selectableFields'), '', 'selectableFields may only be set when version.schema.openAPIV3Schema is not included'));
    else {
      const ss = structuralOrError(schema);
      if (typeof ss === 'string') errs.push(invalid(child(p, 'schema.openAPIV3Schema'), '', ss));
      errs.push(...validateSelectableFields(v.selectableFields, typeof ss === 'string' ? undefined : ss, child(p, 'selectableFields')));
    }
  }
  return errs;
}

const allSchemas = (spec: InternalSpec): JSONSchemaProps[] =>
  [spec.validation?.openAPIV3Schema, ...spec.versions.map((v) => v.schema?.openAPIV3Schema)].filter((s): s is JSONSchemaProps => !!s);
const hasSchemaWith = (spec: InternalSpec, pred: (s: JSONSchemaProps) => boolean) => allSchemas(spec).some(pred);
const hasStatus = (sub: Obj | undefined) => !!sub && sub.status !== undefined && sub.status !== null;

function validateConversion(conv: InternalSpec['conversion'], p: string, opts: Opts): FieldError[] {
  if (!conv) return [];
  const errs = enumStrings(child(p, 'strategy'), conv.strategy, ['None', 'Webhook']);
  if (conv.strategy === 'Webhook') {
    const cc = conv.webhookClientConfig;
    const cp = child(p, 'webhookClientConfig');
    if (!cc) errs.push(required(cp, 'required when strategy is set to Webhook'));
    else {
      const hasURL = cc.url !== undefined && cc.url !== null;
      const hasSvc = cc.service !== undefined && cc.service !== null;
      if (hasURL === hasSvc) errs.push(required(cp, 'exactly one of url or service is required'));
      else if (hasURL) errs.push(...validateWebhookURL(child(cp, 'url'), cc.url));
      else errs.push(...validateWebhookService(child(cp, 'service'), cc.service));
      if (cc.caBundle && !opts.allowInvalidCABundle) errs.push(...validateCABundle(child(cp, 'caBundle'), cc.caBundle));
    }
    const versions = conv.conversionReviewVersions ?? [];
    const vp = child(p, 'conversionReviewVersions');
    if (!versions.length) errs.push(required(vp));
    else {
      const seen = new Set<string>();
      let accepted = false;
      versions.forEach((v, i) => {
        if (seen.has(v)) return void errs.push(invalid(index(vp, i), v, 'duplicate version'));
        seen.add(v);
        for (const m of dns1035LabelErrors(v)) errs.push(invalid(index(vp, i), v, m));
        if (v === 'v1' || v === 'v1beta1') accepted = true;
      });
      if (opts.requireRecognizedConversionReviewVersion && !accepted) errs.push(invalid(vp, versions, 'must include at least one of v1, v1beta1'));
    }
  } else {
    if (conv.webhookClientConfig) errs.push(forbiddenField(child(p, 'webhookClientConfig'), 'should not be set when strategy is not set to Webhook'));
    if (conv.conversionReviewVersions?.length) errs.push(forbiddenField(child(p, 'conversionReviewVersions'), 'should not be set when strategy is not set to Webhook'));
  }
  return errs;
}

function validateSpec(spec: InternalSpec, opts: Opts): FieldError[] {
  const p = 'spec';
  const errs: FieldError[] = [];
  if (!spec.group) errs.push(required('spec.group'));
  else {
    const msgs = dns1123SubdomainErrors(spec.group);
    if (msgs.length) errs.push(invalid('spec.group', spec.group, msgs.join(',')));
    else if (spec.group.split('.').length < 2) errs.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  }
  errs.push(...enumStrings('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  opts = { ...opts };
  if (!spec.preserveUnknownFields) opts.requireStructuralSchema = true;
  if (opts.requireOpenAPISchema && !spec.validation?.openAPIV3Schema)
    spec.versions.forEach((v, i) => {
      if (!v.schema?.openAPIV3Schema) errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    });
  else if (!spec.preserveUnknownFields && !spec.validation?.openAPIV3Schema)
    spec.versions.forEach((v, i) => {
      if (v.served && !v.schema?.openAPIV3Schema) errs.push(required(`spec.versions[${i}].schema.openAPIV3Schema`, 'because otherwise all fields are pruned'));
    });
  if (hasSchemaWith(spec, (s) => schemaHas(s, (n) => n.default !== undefined && n.default !== null))) {
    opts.requireStructuralSchema = true;
    if (spec.preserveUnknownFields !== false) errs.push(invalid('spec.preserveUnknownFields', true, 'must be false in order to use defaults in the schema'));
  }
  let storage = 0;
  const names = new Set<string>();
  let uniqueNames = true;
  const perVersionSub = spec.versions.some((v) => v.subresources !== undefined);
  spec.versions.forEach((v, i) => {
    if (v.storage) storage++;
    if (names.has(v.name)) uniqueNames = false;
    names.add(v.name);
    const msg = label1035(v.name);
    if (msg) errs.push(invalid(`spec.versions[${i}].name`, v.name, msg));
    const sub = perVersionSub ? v.subresources : spec.subresources;
    errs.push(...validateVersion(v, `spec.versions[${i}]`, hasStatus(sub), opts));
  });
  if (!uniqueNames) errs.push(invalid('spec.versions', spec.versions, 'must contain unique version names'));
  if (storage !== 1) errs.push(invalid('spec.versions', spec.versions, 'must have exactly one version marked as storage version'));
  const n = spec.names;
  for (const f of ['plural', 'singular', 'kind', 'listKind']) if (!n[f]) errs.push(required(`spec.names.${f}`));
  errs.push(...validateNames(n, 'spec.names'));
  const anyStatus = hasStatus(spec.subresources) || spec.versions.some((v) => hasStatus(v.subresources));
  errs.push(...validateSchema(spec.validation, anyStatus, opts, child(p, 'validation'), spec.version));
  errs.push(...validateSubresources(spec.subresources, 'spec.subresources'));
  (spec.additionalPrinterColumns ?? []).forEach((c, i) => errs.push(...validateColumn(c, `spec.additionalPrinterColumns[${i}]`)));
  if (spec.selectableFields?.length) {
    if (!spec.validation) errs.push(invalid('spec.selectableFields', '', 'selectableFields may only be set when validations.schema is included'));
    else {
      const ss = spec.validation.openAPIV3Schema ? structuralOrError(spec.validation.openAPIV3Schema) : undefined;
      if (typeof ss === 'string') errs.push(invalid('spec.schema.openAPIV3Schema', '', ss));
      errs.push(...validateSelectableFields(spec.selectableFields, typeof ss === 'string' ? undefined : ss, 'spec.selectableFields'));
    }
  }
  if (spec.conversion && spec.conversion.strategy !== 'None' && spec.preserveUnknownFields !== false)
    errs.push(invalid('spec.conversion.strategy', spec.conversion.strategy, 'must be None if spec.preserveUnknownFields is true'));
  errs.push(...validateConversion(spec.conversion, 'spec.conversion', opts));
  return errs;
}

function storedVersionsErrors(stored: string[] | undefined, versions: InternalVersion[]): FieldError[] {
  const p = 'status.storedVersions';
  if (!stored?.length) return [invalid(p, stored ?? [], 'must have at least one stored version')];
  const errs: FieldError[] = [];
  const remaining = new Map(stored.map((v, i) => [v, i]));
  for (const v of versions) {
    const has = remaining.has(v.name);
    if (v.storage && !has) errs.push(invalid(p, stored, `must have the storage version ${v.name}`));
    if (has) remaining.delete(v.name);
  }
  for (const [v, i] of remaining)
    errs.push(invalid(index(p, i), v, `missing from spec.versions; ${v} was previously a storage version, and must remain in spec.versions until a storage migration ensures no data remains persisted in ${v} and removes ${v} from status.storedVersions`));
  return errs;
}

const APPROVAL = 'api-approved.kubernetes.io';
function approvalState(ann: Obj | undefined): [string, string] {
  const a: string = ann?.[APPROVAL] ?? '';
  if (!a) return ['missing', `protected groups must have approval annotation "${APPROVAL}", see https://github.com/kubernetes/enhancements/pull/1111`];
  if (a.startsWith('unapproved')) return ['bypassed', ''];
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#\s]+/.test(a)) return ['approved', ''];
  return ['invalid', `protected groups must have approval annotation "${APPROVAL}" with either a URL or a reason starting with "unapproved", see https://github.com/kubernetes/enhancements/pull/1111`];
}

function apiApprovalErrors(crd: Obj, old?: Obj): FieldError[] {
  const g: string = crd.spec?.group ?? '';
  if (!(g === 'k8s.io' || g.endsWith('.k8s.io') || g === 'kubernetes.io' || g.endsWith('.kubernetes.io'))) return [];
  const [state, reason] = approvalState(crd.metadata?.annotations);
  if (old && approvalState(old.metadata?.annotations)[0] === state) return [];
  const p = key('metadata.annotations', APPROVAL);
  if (state === 'missing') return [required(p, reason)];
  if (state === 'invalid') return [invalid(p, crd.metadata?.annotations?.[APPROVAL], reason)];
  return [];
}

const established = (crd: Obj | undefined) => (crd?.status?.conditions ?? []).some((c: Obj) => c?.type === 'Established' && c?.status === 'True');

function schemaIsNonStructural(s: JSONSchemaProps): boolean {
  const ss = structuralOrError(s);
  return typeof ss === 'string' || validateStructural('', ss).length > 0;
}

function hasUnprunedDefaults(s: JSONSchemaProps): boolean {
  if (!schemaHas(s, (n) => n.default !== undefined && n.default !== null)) return false;
  const ss = structuralOrError(s);
  if (typeof ss === 'string' || validateStructural('', ss).length) return false;
  return validateDefaults('', ss, true, true).some((e) => e.detail === 'must not have unknown fields');
}

function common(crd: Obj, spec: InternalSpec, opts: Opts, old?: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const name = crd.metadata?.name ?? '';
  if (name !== `${spec.names.plural ?? ''}.${spec.group}`) errs.push(invalid('metadata.name', name, 'must be spec.names.plural+"."+spec.group'));
  errs.push(...validateSpec(spec, opts));
  if (old) {
    const os = toInternalSpec(old.spec);
    if (opts.requireImmutableNames) {
      if (spec.scope !== os.scope) errs.push(invalid('spec.scope', spec.scope, 'field is immutable'));
      if (spec.names.kind !== os.names.kind) errs.push(invalid('spec.names.kind', spec.names.kind ?? '', 'field is immutable'));
    }
    if (spec.group !== os.group) errs.push(invalid('spec.group', spec.group, 'field is immutable'));
    if (spec.names.plural !== os.names.plural) errs.push(invalid('spec.names.plural', spec.names.plural ?? '', 'field is immutable'));
  }
  errs.push(...validateNames(crd.status?.acceptedNames ?? {}, 'status.acceptedNames'));
  errs.push(...storedVersionsErrors(crd.status?.storedVersions, spec.versions));
  errs.push(...apiApprovalErrors(crd, old));
  if (!(old?.spec?.preserveUnknownFields === true) && crd.spec?.preserveUnknownFields === true)
    errs.push(invalid('spec.preserveUnknownFields', true, 'cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead'));
  return errs;
}

/** Upstream's ValidateCustomResourceDefinition for a v1 CRD on create (status as the server prepared it). */
export function validateCustomResourceDefinition(crd: Obj, options: CRDValidationOptions = {}): FieldError[] {
  const opts: Opts = {
    requireRecognizedConversionReviewVersion: true,
    requireImmutableNames: false,
    requireOpenAPISchema: true,
    requireValidPropertyType: true,
    requireStructuralSchema: true,
    requirePrunedDefaults: true,
    requireAtomicSetType: true,
    requireMapListKeysMapSetValidation: true,
    allowInvalidCABundle: true,
    ruleCompiler: options.ruleCompiler,
  };
  return common(crd, toInternalSpec(crd.spec), opts);
}

/** GetSchemaForVersion: the top-level schema when all versions share it, else the version's own. */
function schemaForVersion(spec: InternalSpec, version: string): unknown {
  if (spec.validation) return spec.validation;
  const v = spec.versions.find((x) => x.name === version);
  return v ? (v.schema ?? null) : undefined;
}

function unchangedSchemaVersions(spec: InternalSpec, old: InternalSpec): Set<string> {
  const out = new Set<string>();
  for (const v of spec.versions) {
    const now = schemaForVersion(spec, v.name);
    const before = schemaForVersion(old, v.name);
    if (before !== undefined && semanticEqual(now ?? null, before)) out.add(v.name);
  }
  return out;
}

/** Upstream's ValidateCustomResourceDefinitionUpdate: rules ratchet on what the old object already violated. */
export function validateCustomResourceDefinitionUpdate(crd: Obj, old: Obj, options: CRDValidationOptions = {}): FieldError[] {
  const os = toInternalSpec(old.spec);
  const oldReviewVersions = os.conversion?.conversionReviewVersions ?? [];
  const oldCA = os.conversion?.webhookClientConfig?.caBundle;
  const opts: Opts = {
    requireRecognizedConversionReviewVersion: !os.conversion || !oldReviewVersions.length || oldReviewVersions.some((v) => v === 'v1' || v === 'v1beta1'),
    requireImmutableNames: established(old),
    requireOpenAPISchema: !!os.validation?.openAPIV3Schema || os.versions.every((v) => !!v.schema?.openAPIV3Schema),
    requireValidPropertyType: !hasSchemaWith(os, (s) => schemaHas(s, (n) => !!n.type && !OPENAPI_TYPES.includes(n.type))),
    requireStructuralSchema: !hasSchemaWith(os, schemaIsNonStructural),
    requirePrunedDefaults: !hasSchemaWith(os, hasUnprunedDefaults),
    requireAtomicSetType: !hasSchemaWith(os, hasNonAtomicSetType),
    requireMapListKeysMapSetValidation: !hasSchemaWith(os, hasInvalidMapListKeysMapSet),
    allowInvalidCABundle: !established(old) || (!!oldCA && validateCABundle('', oldCA).length > 0),
    ruleCompiler: options.ruleCompiler,
  };
  const spec = toInternalSpec(crd.spec);
  opts.unchangedSchemaVersions = unchangedSchemaVersions(spec, os);
  return common(crd, spec, opts, old);
}

export { semanticEqual };
