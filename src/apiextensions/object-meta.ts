// Embedded ObjectMeta as the apiextensions objectmeta package treats it: unknown metadata fields (for strict
// field validation), validation of embedded resources (apiVersion, kind, metadata) and dropping bad metadata.
import { type FieldError, invalid, required } from '../apimachinery/errors.js';
import { dns1035LabelErrors, validateObjectMeta } from '../apimachinery/validation.js';
import { child, index, key } from './field-path.js';
import type { Structural } from './types.js';

type GoType = 'string' | 'int64' | 'time' | 'map' | 'strings' | 'ownerRefs' | 'managedFields';
const OBJECT_META: Record<string, GoType> = {
  name: 'string', generateName: 'string', namespace: 'string', selfLink: 'string', uid: 'string', resourceVersion: 'string',
  generation: 'int64', creationTimestamp: 'time', deletionTimestamp: 'time', deletionGracePeriodSeconds: 'int64',
  labels: 'map', annotations: 'map', ownerReferences: 'ownerRefs', finalizers: 'strings', managedFields: 'managedFields',
};
const OWNER_REF = new Set(['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion']);
const MANAGED_FIELDS = new Set(['manager', 'operation', 'apiVersion', 'time', 'fieldsType', 'fieldsV1', 'subresource']);
const GO_TYPE_NAME: Record<GoType, string> = { string: 'string', int64: 'int64', time: 'v1.Time', map: 'map[string]string', strings: '[]string', ownerRefs: '[]v1.OwnerReference', managedFields: '[]v1.ManagedFieldsEntry' };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const jsonKind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v === 'boolean' ? 'bool' : typeof v === 'object' ? 'object' : typeof v);

/** The error encoding/json gives when a metadata value does not fit ObjectMeta, if any. */
export function objectMetaDecodeError(metadata: unknown): string | undefined {
  if (metadata === null) return undefined;
  if (!isObject(metadata)) return `json: cannot unmarshal ${jsonKind(metadata)} into Go value of type v1.ObjectMeta`;
  for (const [k, v] of Object.entries(metadata)) {
    const t = OBJECT_META[k];
    if (!t || v === null) continue;
    const bad = (type: string) => `json: cannot unmarshal ${jsonKind(v)} into Go struct field ObjectMeta.${k} of type ${type}`;
    if ((t === 'string' || t === 'time') && typeof v !== 'string') return bad(GO_TYPE_NAME[t]);
    if (t === 'int64' && !(typeof v === 'number' && Number.isInteger(v))) return bad('int64');
    if (t === 'map') {
      if (!isObject(v)) return bad(GO_TYPE_NAME.map);
      for (const x of Object.values(v)) if (x !== null && typeof x !== 'string') return `json: cannot unmarshal ${jsonKind(x)} into Go struct field ObjectMeta.${k} of type string`;
    }
    if (t === 'strings') {
      if (!Array.isArray(v)) return bad(GO_TYPE_NAME.strings);
      for (const x of v) if (x !== null && typeof x !== 'string') return `json: cannot unmarshal ${jsonKind(x)} into Go struct field ObjectMeta.${k} of type string`;
    }
    if ((t === 'ownerRefs' || t === 'managedFields') && !Array.isArray(v)) return bad(GO_TYPE_NAME[t]);
  }
  return undefined;
}

/** Fields of a metadata object ObjectMeta does not know, as `<prefix>metadata.<field>` (kjson strict errors). */
export function unknownMetadataFields(metadata: unknown, parent = ''): string[] {
  if (!isObject(metadata)) return [];
  const prefix = parent ? `${parent}.metadata` : 'metadata';
  const out: string[] = [];
  for (const [k, v] of Object.entries(metadata)) {
    const t = OBJECT_META[k];
    if (!t) out.push(`${prefix}.${k}`);
    else if ((t === 'ownerRefs' || t === 'managedFields') && Array.isArray(v))
      v.forEach((e, i) => {
        if (isObject(e)) for (const f of Object.keys(e)) if (!(t === 'ownerRefs' ? OWNER_REF : MANAGED_FIELDS).has(f)) out.push(`${prefix}.${k}[${i}].${f}`);
      });
  }
  return out;
}

/** ObjectMeta round-tripped through the Go type: unknown fields dropped, zero creationTimestamp removed. */
export function normalizeObjectMeta(metadata: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(metadata)) if (k in OBJECT_META && v !== null && v !== '' && v !== 0 && !(Array.isArray(v) && !v.length) && !(isObject(v) && !Object.keys(v).length)) out[k] = v;
  return out;
}

function parseGroupVersionError(gv: string): string | undefined {
  if (gv === '' || gv === '/') return undefined;
  const parts = gv.split('/');
  if (parts.length <= 2) return undefined;
  return `unexpected GroupVersion string: ${gv}`;
}

function validateEmbedded(pth: string, x: Record<string, unknown>): FieldError[] {
  const errs: FieldError[] = [];
  if (!('apiVersion' in x)) errs.push(required(child(pth, 'apiVersion'), 'must not be empty'));
  if (!('kind' in x)) errs.push(required(child(pth, 'kind'), 'must not be empty'));
  for (const [k, v] of Object.entries(x)) {
    if (k === 'apiVersion') {
      if (typeof v !== 'string') errs.push(invalid(child(pth, 'apiVersion'), v, 'must be a string'));
      else if (!v) errs.push(invalid(child(pth, 'apiVersion'), v, 'must not be empty'));
      else {
        const e = parseGroupVersionError(v);
        if (e) errs.push(invalid(child(pth, 'apiVersion'), v, e));
      }
    } else if (k === 'kind') {
      if (typeof v !== 'string') errs.push(invalid(child(pth, 'kind'), v, 'must be a string'));
      else if (!v) errs.push(invalid(child(pth, 'kind'), v, 'must not be empty'));
      else {
        const m = dns1035LabelErrors(v.toLowerCase());
        if (m.length) errs.push(invalid(child(pth, 'kind'), v, `may have mixed case, but should otherwise match: ${m.join(',')}`));
      }
    } else if (k === 'metadata') {
      const decodeErr = objectMetaDecodeError(v);
      if (decodeErr) errs.push(invalid(child(pth, 'metadata'), v, decodeErr));
      else {
        const meta = { ...((v as Record<string, unknown>) ?? {}) };
        if (!meta.name) meta.name = 'fakename';
        const namespaced = typeof meta.namespace === 'string' && meta.namespace.length > 0;
        for (const e of validateObjectMeta(meta, namespaced, 'path')) errs.push({ ...e, field: pth ? `${pth}.${e.field}` : e.field });
      }
    }
  }
  return errs;
}

/** objectmeta.Validate: checks every embedded resource below the root (the root's metadata is the caller's). */
export function validateEmbeddedResources(pth: string, x: unknown, s: Structural | undefined, isResourceRoot = false): FieldError[] {
  if (!s) return [];
  if (isResourceRoot && !s.xEmbeddedResource) s = { ...s, xEmbeddedResource: true };
  const errs: FieldError[] = [];
  if (isObject(x)) {
    if (s.xEmbeddedResource) errs.push(...validateEmbedded(pth, x));
    for (const [k, v] of Object.entries(x)) {
      const prop = s.properties?.[k];
      if (prop) errs.push(...validateEmbeddedResources(child(pth, k), v, prop));
      else if (s.additionalProperties) errs.push(...validateEmbeddedResources(key(pth, k), v, s.additionalProperties.schema));
    }
  } else if (Array.isArray(x)) x.forEach((v, i) => errs.push(...validateEmbeddedResources(index(pth, i), v, s.items)));
  return errs;
}

export interface CoerceResult {
  error?: FieldError;
  unknownFieldPaths: string[];
}

/** objectmeta.Coerce: embedded apiVersion/kind must be strings and metadata is normalized through ObjectMeta. */
export function coerceEmbeddedResources(x: unknown, s: Structural | undefined, opts: { isResourceRoot?: boolean; dropInvalidFields?: boolean; pth?: string } = {}): CoerceResult {
  const unknown: string[] = [];
  let root = s;
  if (opts.isResourceRoot) root = { ...(s ?? {}), xEmbeddedResource: true };
  const walk = (pth: string, pathForUnknown: string, v: unknown, sc: Structural | undefined): FieldError | undefined => {
    if (!sc) return undefined;
    if (isObject(v)) {
      for (const [k, val] of Object.entries(v)) {
        if (sc.xEmbeddedResource) {
          if ((k === 'apiVersion' || k === 'kind') && typeof val !== 'string') {
            if (opts.dropInvalidFields) delete v[k];
            else return invalid(child(pth, k), val, 'must be a string');
          } else if (k === 'metadata') {
            unknown.push(...unknownMetadataFields(val, pathForUnknown));
            const e = objectMetaDecodeError(val);
            if (e) {
              if (!opts.dropInvalidFields) return invalid(child(pth, 'metadata'), val, e);
            } else if (isObject(val)) v.metadata = normalizeObjectMeta(val);
          }
        }
        const next = v[k];
        const prop = sc.properties?.[k];
        const sub = pathForUnknown ? `${pathForUnknown}.${k}` : k;
        if (prop) {
          const e = walk(child(pth, k), sub, next, prop);
          if (e) return e;
        } else if (sc.additionalProperties) {
          const e = walk(key(pth, k), sub, next, sc.additionalProperties.schema);
          if (e) return e;
        }
      }
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const e = walk(index(pth, i), `${pathForUnknown}[${i}]`, v[i], sc.items);
        if (e) return e;
      }
    }
    return undefined;
  };
  const error = walk(opts.pth ?? '', '', x, root);
  unknown.sort();
  return { error, unknownFieldPaths: unknown };
}
