// Decoding checks of create/update bodies and patches: types Go could not decode, unknown fields under
// fieldValidation, patch documents, and the patch engines selected by Content-Type.
import type { Context } from 'hono';
import { StatusError, badRequest, unsupportedMediaType } from '../../apimachinery/errors.js';
import { jsonStrictErrors, pruneUnknownFields, type FieldValidation } from '../../apimachinery/field-validation.js';
import { typeFor, type FieldManagerScope, type TypeNode } from '../../apimachinery/managedfields/index.js';
import { jsonPatch, mergePatch, strategicMergePatch } from '../../apimachinery/patch.js';
import type { KObject, ResourceDef } from '../../registry/types.js';
import { nestingError } from '../../apimachinery/json-depth.js';
import { unknownFields } from '../../schema/index.js';
import { typeMismatch } from '../../schema/type-check.js';
import { parseYAML, yaml } from '../lazy.js';
import type { Env } from '../env.js';

export const APPLY_PATCH = 'application/apply-patch+yaml';
export const SMP = 'application/strategic-merge-patch+json';
export const JSON_PATCH = 'application/json-patch+json';
export const MERGE_PATCH = 'application/merge-patch+json';
export const PATCH_TYPES = [JSON_PATCH, MERGE_PATCH, SMP, APPLY_PATCH];

/** Custom resources speak no strategic merge patch. */
export function patchTypesFor(def: ResourceDef): string[] {
  return def.customResource ? PATCH_TYPES.filter((t) => t !== SMP) : PATCH_TYPES;
}

const scopes = new WeakMap<ResourceDef, Map<string, FieldManagerScope>>();

/** Who may own what through this endpoint: the main resource never owns status, /status never spec (made once per endpoint). */
export function fieldManagerScope(def: ResourceDef, sub: string): FieldManagerScope {
  let bySub = scopes.get(def);
  if (!bySub) scopes.set(def, (bySub = new Map()));
  const node = def.custom?.typeNode as TypeNode | undefined;
  let scope = bySub.get(sub);
  if (!scope || scope.node !== node) {
    const resetFields = sub === 'status' ? [['spec']] : def.statusSubresource && !sub ? [['status']] : [];
    scope = { group: def.group, version: def.version, kind: def.kind, subresource: sub, resetFields, node };
    bySub.set(sub, scope);
  }
  return scope;
}

/** The built-in schema of a kind (merge keys, list types) when it is known. */
export function schemaNode(def: ResourceDef): TypeNode | undefined {
  if (def.customResource) return undefined;
  const t = typeFor(def.group, def.version, def.kind);
  return t.deduced ? undefined : t.node;
}

/** Paths of fields the kind does not know (a custom resource's schema prunes them, on a copy). */
export function unknownOf(def: ResourceDef, obj: unknown): string[] {
  if (def.custom) return def.custom.prune(structuredClone(obj) as KObject).map((w) => w.slice('unknown field "'.length, -1));
  return def.customResource ? [] : unknownFields(obj, def.group, def.version, def.kind);
}

/** Strict decoding of a create/update body: 400 (Strict) or warnings (Warn); unknown fields are dropped as typed decoding does. */
export function checkStrictBody(c: Context<Env>, def: ResourceDef, ct: string, raw: Buffer, body: KObject, validation: FieldValidation): void {
  checkTypes(def, body);
  if (validation !== 'Ignore' && (ct === '' || ct === 'application/json' || ct === 'application/yaml')) {
    const unknown = unknownOf(def, body);
    const errs = ct === 'application/yaml' ? unknown.map((u) => `unknown field "${u}"`) : jsonStrictErrors(raw.toString('utf8'), unknown);
    if (errs.length && validation === 'Strict') {
      const kind = typeof body.kind === 'string' && body.kind ? body.kind : def.kind;
      const gv = typeof body.apiVersion === 'string' && body.apiVersion ? body.apiVersion : def.version;
      const version = gv.slice(gv.indexOf('/') + 1);
      throw badRequest(`${kind} in version "${version}" cannot be handled as a ${def.kind}: strict decoding error: ${errs.join(', ')}`);
    }
    c.get('warnings').push(...errs);
  }
  pruneBody(def, body);
}

/** Drops the fields the kind does not know, as typed decoding does. */
export function pruneBody(def: ResourceDef, body: KObject): void {
  const node = schemaNode(def);
  if (node) pruneUnknownFields(body, node);
  else def.custom?.prune(body);
}

/** A body Go could not decode into the kind's type: 400 as upstream, naming the first mistyped field. */
function checkTypes(def: ResourceDef, body: KObject): void {
  const err = typeMismatch(body, def.group, def.version, def.kind);
  if (!err) return;
  throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${err}`);
}

function patchInvalid(value: string, detail: string): StatusError {
  const body = `Invalid value: ${JSON.stringify(value)}: ${detail}`;
  return new StatusError(422, 'Invalid', ` "" is invalid: patch: ${body}`, { name: '', group: '', kind: '', causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }] });
}

/** The 422 upstream answers when the patched object does not decode into the kind's type. */
export function patchDecodeError(value: string, err: string): StatusError {
  return patchInvalid(value, err);
}

/** The 422 upstream answers when a JSON, merge or strategic patch meets fieldValidation=Strict. */
export function strictPatchError(value: string, errs: string[]): StatusError {
  return patchInvalid(value, `strict decoding error: ${errs.join(', ')}`);
}

const JSON_PATCH_OP_FIELDS = new Set(['op', 'path', 'from', 'value']);

/** Strictness problems of the patch document itself (duplicate keys; unknown keys of JSON patch operations). */
export function patchDocumentErrors(ct: string, text: string, patch: unknown): string[] {
  if (ct === JSON_PATCH) {
    const unknown: string[] = [];
    if (Array.isArray(patch))
      patch.forEach((op, i) => {
        if (op && typeof op === 'object' && !Array.isArray(op)) for (const k of Object.keys(op)) if (!JSON_PATCH_OP_FIELDS.has(k)) unknown.push(`[${i}].${k}`);
      });
    return jsonStrictErrors(text, unknown, 'json patch ');
  }
  return jsonStrictErrors(text, []);
}

export function parsePatchJSON(body: Buffer): unknown {
  const text = body.toString('utf8');
  const deep = nestingError(text);
  if (deep) throw badRequest(`error decoding patch: ${deep}`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

/** Applies a JSON, merge or strategic merge patch (schema: merge keys and strategies for SMP). */
export function applyPatchBody(ct: string, cur: KObject, body: Buffer, schema?: TypeNode, parsed?: unknown): KObject {
  if (ct === APPLY_PATCH) throw unsupportedMediaType(PATCH_TYPES.filter((t) => t !== APPLY_PATCH));
  const patch = parsed ?? parsePatchJSON(body);
  let out: unknown;
  if (ct === JSON_PATCH) out = jsonPatch(cur, patch);
  else if (ct === MERGE_PATCH) out = mergePatch(cur, patch);
  else out = strategicMergePatch(cur, patch, schema);
  if (!out || typeof out !== 'object' || Array.isArray(out)) throw badRequest('the patch produced an invalid object');
  return out as KObject;
}

export function parseApplyConfig(body: Buffer): KObject {
  let v: unknown;
  try {
    v = parseYAML(body.toString('utf8'), { uniqueKeys: false });
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type map[string]interface {}`);
  return v as KObject;
}
