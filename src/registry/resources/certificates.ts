// certificates.k8s.io/v1 certificatesigningrequests (+status, +approval).
import { type FieldError, duplicate, forbiddenField, invalid, notSupported, required, tooLong } from '../../apimachinery/errors.js';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../../apimachinery/validation.js';
import { defineResource, fieldLabelNotSupported, STATUS } from '../define.js';
import { nowRFC3339 } from '../util.js';
import { deepEqual } from '../util.js';
import type { KObject, ResourceDef } from '../types.js';
import { certificateSigningRequestPrinter } from '../printers/misc.js';

const USAGES = [
  'any', 'cert sign', 'client auth', 'code signing', 'content commitment', 'crl sign', 'data encipherment', 'decipher only', 'digital signature',
  'email protection', 'encipher only', 'ipsec end system', 'ipsec tunnel', 'ipsec user', 'key agreement', 'key encipherment', 'microsoft sgc',
  'netscape sgc', 'ocsp signing', 's/mime', 'server auth', 'signing', 'timestamping',
];
const LEGACY_SIGNER = 'kubernetes.io/legacy-unknown';

/** Reads one DER TLV header; returns [tag, contentStart, contentEnd]. */
function tlv(b: Buffer, at: number): [number, number, number] {
  if (at + 2 > b.length) throw new Error('short');
  const tag = b[at];
  let len = b[at + 1];
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || start + n > b.length) throw new Error('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + b[start + i];
    start += n;
  }
  if (start + len > b.length) throw new Error('truncated');
  return [tag, start, start + len];
}

/** certificates.ParseCSR's checks: a CERTIFICATE REQUEST PEM block holding a PKCS#10 structure. */
export function csrRequestError(request: unknown): string | undefined {
  if (typeof request !== 'string' || request === '') return 'PEM block type must be CERTIFICATE REQUEST';
  const pem = Buffer.from(request, 'base64').toString('latin1');
  const m = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n([\s\S]*?)-----END \1-----/.exec(pem);
  if (!m || m[1] !== 'CERTIFICATE REQUEST') return 'PEM block type must be CERTIFICATE REQUEST';
  try {
    const der = Buffer.from(m[2].replace(/\s+/g, ''), 'base64');
    const [tag, start, end] = tlv(der, 0);
    if (tag !== 0x30) throw new Error('not a sequence');
    const [t1, , e1] = tlv(der, start);
    const [t2, , e2] = tlv(der, e1);
    const [t3, , e3] = tlv(der, e2);
    if (t1 !== 0x30 || t2 !== 0x30 || t3 !== 0x03 || e3 !== end) throw new Error('structure');
    return undefined;
  } catch {
    return 'x509: malformed certificate request';
  }
}

/** apivalidation.ValidateSignerName. */
export function signerNameErrors(name: unknown, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof name !== 'string' || name === '') return [required(path)];
  const segs = name.split('/');
  if (segs.length !== 2) return [invalid(path, name, "must be a fully qualified domain and path of the form 'example.com/signer-name'")];
  if (segs[0].length > 253) errs.push(tooLong(path, 253));
  const labels = segs[0].split('.');
  for (const l of labels) {
    const msgs = dns1123LabelErrors(l);
    if (msgs.length) {
      for (const msg of msgs) errs.push(invalid(path, segs[0], `validating label ${JSON.stringify(l)}: ${msg}`));
      break;
    }
  }
  if (labels.length < 2) errs.push(invalid(path, segs[0], 'should be a domain with at least two segments separated by dots'));
  if (segs[1].length > 253 + 63 + 1) errs.push(tooLong(path, 253 + 63 + 1));
  for (const msg of dns1123SubdomainErrors(segs[1])) errs.push(invalid(path, segs[1], msg));
  return errs;
}

function conditionsOf(o: KObject, type: string): KObject[] {
  return (o.status?.conditions ?? []).filter((c: KObject) => c.type === type);
}

function validateCSR(obj: KObject, old?: KObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = obj.spec ?? {};
  const reqErr = csrRequestError(spec.request);
  if (reqErr) errs.push(invalid('spec.request', spec.request ?? '', reqErr));
  const usages: unknown[] = spec.usages ?? [];
  if (usages.length === 0) errs.push(required('spec.usages'));
  const oldUsages: unknown[] = old?.spec?.usages ?? [];
  if (!oldUsages.some((u) => !USAGES.includes(u as string)))
    usages.forEach((u, i) => {
      if (!USAGES.includes(u as string)) errs.push(notSupported(`spec.usages[${i}]`, u, USAGES));
    });
  if (new Set(oldUsages).size === oldUsages.length) {
    const seen = new Set<unknown>();
    usages.forEach((u, i) => {
      if (seen.has(u)) errs.push(duplicate(`spec.usages[${i}]`, u));
      seen.add(u);
    });
  }
  if (spec.signerName === LEGACY_SIGNER && old?.spec?.signerName !== LEGACY_SIGNER)
    errs.push(invalid('spec.signerName', spec.signerName, 'the legacy signerName is not allowed via this API version'));
  else errs.push(...signerNameErrors(spec.signerName, 'spec.signerName'));
  if (typeof spec.expirationSeconds === 'number' && spec.expirationSeconds < 600)
    errs.push(invalid('spec.expirationSeconds', spec.expirationSeconds, 'may not specify a duration less than 600 seconds (10 minutes)'));
  let approved = false;
  let denied = false;
  const seenTypes = new Set<string>();
  (obj.status?.conditions ?? []).forEach((c: KObject, i: number) => {
    const p = `status.conditions[${i}]`;
    if (!c.type) errs.push(required(`${p}.type`));
    const trueOnly = ['Approved', 'Denied', 'Failed'].includes(c.type);
    if (!c.status) errs.push(required(`${p}.status`));
    else if (trueOnly ? c.status !== 'True' : !['False', 'True', 'Unknown'].includes(c.status))
      errs.push(notSupported(`${p}.status`, c.status, trueOnly ? ['True'] : ['False', 'True', 'Unknown']));
    if (c.type === 'Approved') {
      approved = true;
      if (denied) errs.push(invalid(`${p}.type`, c.type, 'Approved and Denied conditions are mutually exclusive'));
    } else if (c.type === 'Denied') {
      denied = true;
      if (approved) errs.push(invalid(`${p}.type`, c.type, 'Approved and Denied conditions are mutually exclusive'));
    }
    if (seenTypes.has(c.type)) errs.push(duplicate(`${p}.type`, c.type));
    seenTypes.add(c.type);
  });
  return errs;
}

/** Shared update rules; `approval` allows Approved/Denied changes, `status` allows setting the certificate. */
function validateCSRUpdate(obj: KObject, old: KObject, mode: 'main' | 'status' | 'approval'): FieldError[] {
  const errs = validateCSR(obj, old);
  for (const t of ['Approved', 'Denied', 'Failed'])
    if (conditionsOf(obj, t).length < conditionsOf(old, t).length) errs.push(forbiddenField('status.conditions', `updates may not remove a condition of type ${JSON.stringify(t)}`));
  if (mode !== 'approval')
    for (const t of ['Approved', 'Denied']) {
      const n = conditionsOf(obj, t);
      const o = conditionsOf(old, t);
      if (n.length > o.length) errs.push(forbiddenField('status.conditions', `updates may not add a condition of type ${JSON.stringify(t)}`));
      else if (n.length === o.length && !deepEqual(n, o)) errs.push(forbiddenField('status.conditions', `updates may not modify a condition of type ${JSON.stringify(t)}`));
    }
  const cert = obj.status?.certificate ?? '';
  const oldCert = old.status?.certificate ?? '';
  if (cert !== oldCert) {
    if (mode !== 'status') errs.push(forbiddenField('status.certificate', 'updates may not set certificate content'));
    else if (oldCert) errs.push(forbiddenField('status.certificate', 'updates may not modify existing certificate content'));
  }
  return errs;
}

function populateConditionTimestamps(obj: KObject, old: KObject): void {
  const now = nowRFC3339();
  for (const c of obj.status?.conditions ?? []) {
    if (!c.lastUpdateTime) c.lastUpdateTime = now;
    if (!c.lastTransitionTime) {
      const prev = (old.status?.conditions ?? []).find((o: KObject) => o.type === c.type && o.status === c.status && o.lastTransitionTime);
      c.lastTransitionTime = prev?.lastTransitionTime ?? now;
    }
  }
}

/**
 * What `certificatesigningrequests/<name>/approval` does: everything but status.conditions comes from the stored object.
 * Mutates `obj` into the object to store and returns the validation errors (the handler wires the subresource).
 */
export function prepareCSRApproval(obj: KObject, old: KObject): FieldError[] {
  const conditions = obj.status?.conditions;
  const labels = obj.metadata?.labels;
  const annotations = obj.metadata?.annotations;
  for (const k of Object.keys(obj)) delete obj[k];
  Object.assign(obj, structuredClone(old));
  obj.metadata.labels = labels;
  obj.metadata.annotations = annotations;
  if (labels === undefined) delete obj.metadata.labels;
  if (annotations === undefined) delete obj.metadata.annotations;
  obj.status = { ...(obj.status ?? {}) };
  if (conditions === undefined) delete obj.status.conditions;
  else obj.status.conditions = conditions;
  populateConditionTimestamps(obj, old);
  return validateCSRUpdate(obj, old, 'approval');
}

/** The /status rules (certificate may be set once, approval conditions untouched) for the handler to apply after the generic status merge. */
export function validateCSRStatusUpdate(obj: KObject, old: KObject): FieldError[] {
  populateConditionTimestamps(obj, old);
  return validateCSRUpdate(obj, old, 'status');
}

export const certificatesigningrequests = defineResource({
  group: 'certificates.k8s.io',
  resource: 'certificatesigningrequests',
  kind: 'CertificateSigningRequest',
  printer: certificateSigningRequestPrinter,
  namespaced: false,
  shortNames: ['csr'],
  nameValidation: 'path',
  subresources: [{ name: 'approval', verbs: ['get', 'patch', 'update'] }, STATUS],
  strategy: {
    prepareForCreate(obj, ctx) {
      const spec = (obj.spec ??= {});
      delete spec.username;
      delete spec.uid;
      delete spec.groups;
      delete spec.extra;
      spec.username = ctx.user.username;
      if (ctx.user.uid) spec.uid = ctx.user.uid;
      if (ctx.user.groups.length) spec.groups = [...ctx.user.groups];
      if (ctx.user.extra && Object.keys(ctx.user.extra).length) spec.extra = structuredClone(ctx.user.extra);
      obj.status = {};
    },
    prepareForUpdate(obj, old) {
      // updates of the main resource change metadata only
      obj.spec = structuredClone(old.spec);
      if (old.status !== undefined) obj.status = structuredClone(old.status);
    },
    validate: (obj) => validateCSR(obj),
    validateUpdate: (obj, old, ctx) => (ctx.subresource === 'status' ? validateCSRStatusUpdate(obj, old) : validateCSRUpdate(obj, old, 'main')),
    selectableFields: (o) => ({ 'spec.signerName': o.spec?.signerName ?? '' }),
    unknownFieldLabel: fieldLabelNotSupported,
  },
});

export const certificatesResources: ResourceDef[] = [certificatesigningrequests];
