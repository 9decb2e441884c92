// Small validation and defaulting helpers shared by the per-group resource files.
import { type FieldError, badRequest, invalid, notSupported, required } from '../../apimachinery/errors.js';
import { labelSelectorFromObject } from '../../apimachinery/selectors.js';
import { dns1123LabelErrors, dns1123SubdomainErrors, qualifiedNameErrors, validateLabels } from '../../apimachinery/validation.js';
import { deepEqual } from '../util.js';
import type { KObject } from '../types.js';
import { validatePodSpec } from './pod-spec.js';

/** Go's %v of a map[string]string, as upstream prints template labels in errors. */
export function goMap(m: Record<string, string> | undefined): string {
  const entries = Object.entries(m ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return `map[string]string{${entries.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(', ')}}`;
}

/** Go's %#v of a string slice (`[]string{"a", "b"}`), optionally of a named string type. */
export function goStrings(list: unknown[], type = 'string'): string {
  return `[]${type}{${list.map((v) => JSON.stringify(String(v))).join(', ')}}`;
}

/** Go's %#v of a metav1.LabelSelector, as upstream prints it in selector errors. */
export function goSelector(sel: KObject | undefined | null): string {
  const ml = sel?.matchLabels ? goMap(sel.matchLabels) : 'map[string]string(nil)';
  const exprs: KObject[] | undefined = sel?.matchExpressions;
  const me = exprs
    ? `[]v1.LabelSelectorRequirement{${exprs.map((e) => `v1.LabelSelectorRequirement{Key:${JSON.stringify(e.key ?? '')}, Operator:${JSON.stringify(e.operator ?? '')}, Values:${e.values ? goStrings(e.values) : '[]string(nil)'}}`).join(', ')}}`
    : '[]v1.LabelSelectorRequirement(nil)';
  return `v1.LabelSelector{MatchLabels:${ml}, MatchExpressions:${me}}`;
}

/** field.Invalid whose value Go prints unquoted (maps and structs via %#v): the text goes in verbatim. */
export function invalidRaw(field: string, valueText: string, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, omitValue: true, detail: `${valueText}: ${detail}` };
}

export function nonNegative(v: unknown, path: string, errs: FieldError[]): void {
  if (v !== undefined && v !== null && (typeof v !== 'number' || v < 0)) errs.push(invalid(path, v, 'must be greater than or equal to 0'));
}

export function oneOf(v: unknown, path: string, allowed: string[], errs: FieldError[], requiredIfMissing = false): void {
  if (v === undefined || v === null || v === '') {
    if (requiredIfMissing) errs.push(required(path));
    return;
  }
  if (!allowed.includes(v as string)) errs.push(notSupported(path, v, allowed));
}

export function immutable(obj: unknown, old: unknown, path: string, errs: FieldError[], shown: unknown = obj): void {
  if (!deepEqual(obj ?? null, old ?? null)) errs.push(invalid(path, shown ?? null, 'field is immutable'));
}

export function subdomain(v: unknown, path: string, errs: FieldError[], isRequired = true): void {
  if (v === undefined || v === null || v === '') {
    if (isRequired) errs.push(required(path));
    return;
  }
  for (const m of dns1123SubdomainErrors(String(v))) errs.push(invalid(path, v, m));
}

export function label(v: unknown, path: string, errs: FieldError[], isRequired = true): void {
  if (v === undefined || v === null || v === '') {
    if (isRequired) errs.push(required(path));
    return;
  }
  for (const m of dns1123LabelErrors(String(v))) errs.push(invalid(path, v, m));
}

/** metav1 LabelSelector validation (unversionedvalidation.ValidateLabelSelector). */
export function validateLabelSelector(sel: KObject | undefined | null, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!sel) return errs;
  (sel.matchExpressions ?? []).forEach((r: KObject, i: number) => {
    const p = `${path}.matchExpressions[${i}]`;
    if (r.operator === 'In' || r.operator === 'NotIn') {
      if (!Array.isArray(r.values) || r.values.length === 0) errs.push(required(`${p}.values`, "must be specified when `operator` is 'In' or 'NotIn'"));
    } else if (r.operator === 'Exists' || r.operator === 'DoesNotExist') {
      if (Array.isArray(r.values) && r.values.length > 0) errs.push({ type: 'FieldValueForbidden', field: `${p}.values`, detail: "may not be specified when `operator` is 'Exists' or 'DoesNotExist'" });
    } else {
      errs.push(invalid(`${p}.operator`, r.operator ?? '', 'not a valid selector operator'));
    }
    for (const m of qualifiedNameErrors(String(r.key ?? ''))) errs.push(invalid(`${p}.key`, r.key ?? '', m));
  });
  errs.push(...validateLabels(sel.matchLabels, `${path}.matchLabels`));
  return errs;
}

export function selectorIsEmpty(sel: KObject | undefined | null): boolean {
  return !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
}

export function selectorMatches(sel: KObject | undefined | null, labels: Record<string, string> | undefined): boolean {
  try {
    return labelSelectorFromObject(sel as Parameters<typeof labelSelectorFromObject>[0]).matches(labels ?? {});
  } catch {
    return false;
  }
}

const quantityRe = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+|[KMGTPE]i|[numkMGTPE])?$/;

/** True for a resource.Quantity as JSON carries it (string or number). */
export function isQuantity(v: unknown): boolean {
  if (typeof v === 'number') return Number.isFinite(v);
  return typeof v === 'string' && quantityRe.test(v.trim()) && v.trim() !== '';
}

/** Upstream rejects a malformed quantity while decoding the body: 400 BadRequest, not 422. */
export function checkQuantities(kind: string, version: string, lists: (Record<string, unknown> | undefined)[]): void {
  for (const l of lists) {
    for (const v of Object.values(l ?? {})) {
      if (!isQuantity(v))
        throw badRequest(`${kind} in version "${version}" cannot be handled as a ${kind}: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`);
    }
  }
}

const binarySuffix: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const decimalSuffix: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A quantity's numeric value (approximate, for comparisons only). */
export function quantityValue(v: unknown): number {
  if (typeof v === 'number') return v;
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+))(.*)$/.exec(String(v ?? '').trim());
  if (!m) return NaN;
  const n = Number(m[1]);
  const s = m[2];
  if (s in binarySuffix) return n * binarySuffix[s];
  if (s in decimalSuffix) return n * decimalSuffix[s];
  if (/^[eE][+-]?\d+$/.test(s)) return n * 10 ** Number(s.slice(1));
  return NaN;
}

/** ValidatePodTemplateSpec: template labels and annotations, then the pod spec. */
export function validatePodTemplate(tpl: KObject | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  errs.push(...validateLabels(tpl?.metadata?.labels, `${path}.metadata.labels`));
  errs.push(...validatePodSpec(tpl?.spec, `${path}.spec`));
  return errs;
}
