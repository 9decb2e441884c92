// Name, label and annotation validation with upstream's messages (k8s.io/apimachinery/pkg/util/validation).
import { validateOwnerReferences } from './owner-references.js';
import { type FieldError, invalid, required, qualifiedNameToFieldErrors, tooLongTotal } from './validation-helpers.js';
import { labelValueErrors, qualifiedNameErrors } from './selectors.js';

export { type FieldError };

const dns1123LabelRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123SubdomainRe = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const dns1035LabelRe = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

export const DNS1123_LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
export const DNS1123_SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DNS1035_LABEL_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";

export function dns1123LabelErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!dns1123LabelRe.test(v)) errs.push(DNS1123_LABEL_MSG);
  return errs;
}

export function dns1123SubdomainErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 253) errs.push('must be no more than 253 characters');
  if (!dns1123SubdomainRe.test(v)) errs.push(DNS1123_SUBDOMAIN_MSG);
  return errs;
}

export function dns1035LabelErrors(v: string): string[] {
  const errs: string[] = [];
  if (v.length > 63) errs.push('must be no more than 63 characters');
  if (!dns1035LabelRe.test(v)) errs.push(DNS1035_LABEL_MSG);
  return errs;
}

export function pathSegmentErrors(v: string): string[] {
  if (v === '.' || v === '..') return [`may not be '${v}'`];
  const errs: string[] = [];
  for (const ch of ['/', '%']) if (v.includes(ch)) errs.push(`may not contain '${ch}'`);
  return errs;
}

export type NameValidation = 'subdomain' | 'label' | 'path' | 'dns1035';

export function nameErrors(kind: NameValidation, name: string, prefix = false): string[] {
  // generateName prefixes are validated with a trailing '-' removed, as upstream's maskTrailingDash
  const v = prefix && name.length > 1 && name.endsWith('-') ? name.slice(0, -1) + 'a' : name;
  switch (kind) {
    case 'label':
      return dns1123LabelErrors(v);
    case 'dns1035':
      return dns1035LabelErrors(v);
    case 'path':
      return pathSegmentErrors(v);
    default:
      return dns1123SubdomainErrors(v);
  }
}

const TOTAL_ANNOTATION_SIZE = 256 * 1024;

export function validateLabels(labels: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (labels === undefined || labels === null) return errs;
  for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
    errs.push(...qualifiedNameToFieldErrors(path, k));
    if (typeof v !== 'string') {
      errs.push(invalid(path, v, 'label values must be strings'));
      continue;
    }
    for (const msg of labelValueErrors(v)) errs.push(invalid(path, v, msg));
  }
  return errs;
}

export function validateAnnotations(ann: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (ann === undefined || ann === null) return errs;
  let total = 0;
  for (const [k, v] of Object.entries(ann as Record<string, unknown>)) {
    errs.push(...qualifiedNameToFieldErrors(path, k.toLowerCase()));
    total += k.length + (typeof v === 'string' ? v.length : 0);
  }
  if (total > TOTAL_ANNOTATION_SIZE) errs.push(tooLongTotal(path, TOTAL_ANNOTATION_SIZE));
  return errs;
}

export function validateObjectMeta(meta: Record<string, unknown> | undefined, namespaced: boolean, nameKind: NameValidation): FieldError[] {
  const errs: FieldError[] = [];
  const m = meta ?? {};
  const name = typeof m.name === 'string' ? m.name : '';
  const generateName = typeof m.generateName === 'string' ? m.generateName : '';
  if (generateName) for (const msg of nameErrors(nameKind, generateName, true)) errs.push(invalid('metadata.generateName', generateName, msg));
  if (!name) errs.push(required('metadata.name', 'name or generateName is required'));
  else for (const msg of nameErrors(nameKind, name)) errs.push(invalid('metadata.name', name, msg));
  if (namespaced) {
    const ns = typeof m.namespace === 'string' ? m.namespace : '';
    if (!ns) errs.push(required('metadata.namespace'));
    else for (const msg of dns1123LabelErrors(ns)) errs.push(invalid('metadata.namespace', ns, msg));
  } else if (m.namespace) {
    errs.push({ type: 'FieldValueForbidden', field: 'metadata.namespace', detail: 'not allowed on this type' });
  }
  errs.push(...validateLabels(m.labels, 'metadata.labels'));
  errs.push(...validateAnnotations(m.annotations, 'metadata.annotations'));
  errs.push(...validateOwnerReferences(m.ownerReferences, 'metadata.ownerReferences'));
  if (m.finalizers !== undefined) {
    const seen = new Set<string>();
    (m.finalizers as unknown[]).forEach((f, i) => {
      if (typeof f !== 'string') return;
      for (const msg of qualifiedNameErrors(f)) errs.push(invalid(`metadata.finalizers[${i}]`, f, msg));
      if (seen.has(f)) errs.push({ type: 'FieldValueDuplicate', field: `metadata.finalizers[${i}]`, badValue: f });
      seen.add(f);
    });
  }
  return errs;
}

export { qualifiedNameErrors, labelValueErrors };
