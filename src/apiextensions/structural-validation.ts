// ValidateStructural: whether a structural schema is structural, with upstream's messages and field paths,
// sorted as upstream sorts them (by the error's text).
import { type FieldError, fieldErrorString, forbiddenField, invalid, required } from '../apimachinery/errors.js';
import { child, index, key } from './field-path.js';
import { compileGoRegexp } from './go-regexp.js';
import { isEmptyValueValidation } from './structural.js';
import type { NestedValueValidation, Structural, ValueValidation } from './types.js';

type Level = 'root' | 'item' | 'field';

export interface StructuralValidationOptions {
  allowNestedAdditionalProperties?: boolean;
  allowNestedXValidations?: boolean;
  allowValidationPropertiesWithAdditionalProperties?: boolean;
}

const isIntOrStringAnyOf = (anyOf: NestedValueValidation[] | undefined): boolean =>
  anyOf?.length === 2 &&
  anyOf.every((a, i) => isEmptyNested(a) && a.forbiddenGenerics.type === (i === 0 ? 'integer' : 'string') && Object.keys(a.forbiddenGenerics).length === 1 && Object.keys(a.forbiddenExtensions).length === 0);

function isEmptyNested(a: NestedValueValidation): boolean {
  const { forbiddenGenerics: _g, forbiddenExtensions: _x, ...rest } = a;
  return Object.keys(rest).length === 0;
}

/** Upstream's ValidateStructural: invariants and completeness, sorted by error text. */
export function validateStructural(fldPath: string, s: Structural, opts: StructuralValidationOptions = {}): FieldError[] {
  const errs = [...invariants(s, 'root', fldPath, opts), ...completeness(s.valueValidation, s, fldPath, fldPath, opts)];
  const text = errs.map((e) => [fieldErrorString(e), e] as const);
  text.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return text.map((t) => t[1]);
}

function invariants(s: Structural | undefined, lvl: Level, p: string, opts: StructuralValidationOptions): FieldError[] {
  if (!s) return [];
  const errs: FieldError[] = [];
  if (s.type === 'array' && !s.items) errs.push(required(child(p, 'items'), 'must be specified'));
  errs.push(...invariants(s.items, 'item', child(p, 'items'), opts));
  for (const [k, v] of Object.entries(s.properties ?? {})) errs.push(...invariants(v, 'field', key(child(p, 'properties'), k), opts));
  if (s.additionalProperties) {
    if (lvl === 'root') errs.push(forbiddenField(child(p, 'additionalProperties'), 'must not be used at the root'));
    if (s.additionalProperties.schema) errs.push(...invariants(s.additionalProperties.schema, 'field', child(p, 'additionalProperties'), opts));
  }
  if (s.xIntOrString && s.xPreserveUnknownFields) errs.push(invalid(child(p, 'x-kubernetes-preserve-unknown-fields'), true, 'must be false if x-kubernetes-int-or-string is true'));
  if (s.xIntOrString && s.xEmbeddedResource) errs.push(invalid(child(p, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'));
  const vv = s.valueValidation;
  const skipAnyOf = isIntOrStringAnyOf(vv?.anyOf);
  const skipFirstAllOfAnyOf = !!vv?.allOf?.length && isIntOrStringAnyOf(vv.allOf[0].anyOf);
  errs.push(...valueValidationErrs(vv, skipAnyOf, skipFirstAllOfAnyOf, lvl, p, opts));

  const checkMetadata = lvl === 'root' || !!s.xEmbeddedResource;
  if (s.xEmbeddedResource && s.type !== 'object') {
    if (!s.type) errs.push(required(child(p, 'type'), 'must be object if x-kubernetes-embedded-resource is true'));
    else errs.push(invalid(child(p, 'type'), s.type, 'must be object if x-kubernetes-embedded-resource is true'));
  } else if (!s.type && !s.xIntOrString && !s.xPreserveUnknownFields) {
    const why = { root: 'must not be empty at the root', item: 'must not be empty for specified array items', field: 'must not be empty for specified object fields' }[lvl];
    errs.push(required(child(p, 'type'), why));
  }
  if (s.xEmbeddedResource && s.additionalProperties) errs.push(forbiddenField(child(p, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'));
  if (lvl === 'root' && s.type && s.type !== 'object') errs.push(invalid(child(p, 'type'), s.type, 'must be object at the root'));
  for (const f of ['kind', 'apiVersion']) {
    const prop = s.properties?.[f];
    if (prop && checkMetadata && prop.type !== 'string') errs.push(invalid(child(key(child(p, 'properties'), f), 'type'), prop.type ?? '', 'must be string'));
  }
  const metadata = s.properties?.metadata;
  if (metadata) errs.push(...metadataInvariants(metadata, checkMetadata, lvl, key(child(p, 'properties'), 'metadata')));
  if (s.xEmbeddedResource && !s.xPreserveUnknownFields && !Object.keys(s.properties ?? {}).length)
    errs.push(required(child(p, 'properties'), 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  return errs;
}

function metadataInvariants(s: Structural, checkMetadata: boolean, lvl: Level, p: string): FieldError[] {
  const errs: FieldError[] = [];
  if (checkMetadata && s.type !== 'object') errs.push(invalid(child(p, 'type'), s.type ?? '', 'must be object'));
  if (lvl === 'root') {
    // only name and generateName may be restricted; everything else about metadata is implicit
    const { type: _t, default: _d, properties, valueValidation, ...rest } = s;
    const names = Object.keys(properties ?? {});
    const onlyNames = names.length > 0 && names.length <= 2 && names.every((n) => n === 'name' || n === 'generateName');
    const extra = Object.entries(rest).some(([, v]) => v !== undefined && v !== false && v !== '');
    if ((names.length && !onlyNames) || extra || !isEmptyValueValidation(valueValidation))
      errs.push(forbiddenField(p, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
  }
  return errs;
}

function valueValidationErrs(v: ValueValidation | undefined, skipAnyOf: boolean, skipFirstAllOfAnyOf: boolean, lvl: Level, p: string, opts: StructuralValidationOptions): FieldError[] {
  if (!v) return [];
  const errs: FieldError[] = [];
  const noCEL = { ...opts, allowNestedXValidations: false };
  if (!skipAnyOf) (v.anyOf ?? []).forEach((a, i) => errs.push(...nestedErrs(a, false, lvl, index(child(p, 'anyOf'), i), noCEL)));
  (v.allOf ?? []).forEach((a, i) => errs.push(...nestedErrs(a, skipFirstAllOfAnyOf && i === 0, lvl, index(child(p, 'allOf'), i), opts)));
  (v.oneOf ?? []).forEach((a, i) => errs.push(...nestedErrs(a, false, lvl, index(child(p, 'oneOf'), i), noCEL)));
  if (v.not) errs.push(...nestedErrs(v.not, false, lvl, child(p, 'not'), noCEL));
  if (v.pattern) {
    const re = compileGoRegexp(v.pattern);
    if (typeof re === 'string') errs.push(invalid(child(p, 'pattern'), v.pattern, `must be a valid regular expression, but isn't: ${re}`));
  }
  return errs;
}

function nestedErrs(v: NestedValueValidation, skipAnyOf: boolean, lvl: Level, p: string, opts: StructuralValidationOptions): FieldError[] {
  const errs = valueValidationErrs(v, skipAnyOf, false, lvl, p, opts);
  if (v.items) errs.push(...nestedErrs(v.items, false, lvl, child(p, 'items'), opts));
  for (const [k, f] of Object.entries(v.properties ?? {})) errs.push(...nestedErrs(f, false, 'field', key(child(p, 'properties'), k), opts));
  const g = v.forbiddenGenerics;
  const x = v.forbiddenExtensions;
  if (g.type) errs.push(forbiddenField(child(p, 'type'), 'must be empty to be structural'));
  if (v.additionalProperties && !opts.allowNestedAdditionalProperties) errs.push(forbiddenField(child(p, 'additionalProperties'), 'must be undefined to be structural'));
  else if (v.additionalProperties) errs.push(...nestedErrs(v.additionalProperties, false, lvl, child(p, 'additionalProperties'), opts));
  if (g.default !== undefined) errs.push(forbiddenField(child(p, 'default'), 'must be undefined to be structural'));
  if (g.title) errs.push(forbiddenField(child(p, 'title'), 'must be empty to be structural'));
  if (g.description) errs.push(forbiddenField(child(p, 'description'), 'must be empty to be structural'));
  if (g.nullable) errs.push(forbiddenField(child(p, 'nullable'), 'must be false to be structural'));
  if (x.xPreserveUnknownFields) errs.push(forbiddenField(child(p, 'x-kubernetes-preserve-unknown-fields'), 'must be false to be structural'));
  if (x.xEmbeddedResource) errs.push(forbiddenField(child(p, 'x-kubernetes-embedded-resource'), 'must be false to be structural'));
  if (x.xIntOrString) errs.push(forbiddenField(child(p, 'x-kubernetes-int-or-string'), 'must be false to be structural'));
  if (x.xListMapKeys?.length) errs.push(forbiddenField(child(p, 'x-kubernetes-list-map-keys'), 'must be empty to be structural'));
  if (x.xListType !== undefined) errs.push(forbiddenField(child(p, 'x-kubernetes-list-type'), 'must be undefined to be structural'));
  if (x.xMapType !== undefined) errs.push(forbiddenField(child(p, 'x-kubernetes-map-type'), 'must be undefined to be structural'));
  if (v.xValidations?.length && !opts.allowNestedXValidations) errs.push(forbiddenField(child(p, 'x-kubernetes-validations'), 'must be empty to be structural'));
  if (v.properties?.metadata) errs.push(forbiddenField(key(child(p, 'properties'), 'metadata'), 'must not be specified in a nested context'));
  return errs;
}

function completeness(v: ValueValidation | undefined, s: Structural | undefined, sPath: string, vPath: string, opts: StructuralValidationOptions): FieldError[] {
  if (!v) return [];
  if (!s) return [required(sPath, `because it is defined in ${vPath}`)];
  const errs: FieldError[] = [];
  if (v.not) errs.push(...nestedCompleteness(v.not, s, sPath, child(vPath, 'not'), opts));
  (v.allOf ?? []).forEach((a, i) => errs.push(...nestedCompleteness(a, s, sPath, index(child(vPath, 'allOf'), i), opts)));
  (v.anyOf ?? []).forEach((a, i) => errs.push(...nestedCompleteness(a, s, sPath, index(child(vPath, 'anyOf'), i), opts)));
  (v.oneOf ?? []).forEach((a, i) => errs.push(...nestedCompleteness(a, s, sPath, index(child(vPath, 'oneOf'), i), opts)));
  return errs;
}

function nestedCompleteness(v: NestedValueValidation | undefined, s: Structural | undefined, sPath: string, vPath: string, opts: StructuralValidationOptions): FieldError[] {
  if (!v) return [];
  if (!s) return [required(sPath, `because it is defined in ${vPath}`)];
  const errs = completeness(v, s, sPath, vPath, opts);
  errs.push(...nestedCompleteness(v.items, s.items, child(sPath, 'items'), child(vPath, 'items'), opts));
  const ap = s.additionalProperties?.schema;
  for (const [k, f] of Object.entries(v.properties ?? {})) {
    const sf = s.properties?.[k];
    if (sf) errs.push(...nestedCompleteness(f, sf, key(child(sPath, 'properties'), k), key(child(vPath, 'properties'), k), opts));
    else if (!ap || !opts.allowValidationPropertiesWithAdditionalProperties)
      errs.push(required(key(child(sPath, 'properties'), k), `because it is defined in ${key(child(vPath, 'properties'), k)}`));
    else errs.push(...nestedCompleteness(f, ap, child(sPath, 'additionalProperties'), key(child(vPath, 'properties'), k), opts));
  }
  if (v.additionalProperties && opts.allowNestedAdditionalProperties)
    errs.push(...nestedCompleteness(v.additionalProperties, ap, child(sPath, 'additionalProperties'), child(vPath, 'additionalProperties'), opts));
  return errs;
}
