// PATCH: JSON patch, merge patch, strategic merge patch and server-side apply, each run inside the
// store's read-modify-write loop so that a lost race patches the newer object again.
import type { Context } from 'hono';
import { badRequest, conflict, notFound, unsupportedMediaType } from '../../apimachinery/errors.js';
import { yamlDuplicateErrors, yamlStrictError, pruneUnknownFields } from '../../apimachinery/field-validation.js';
import { applyConfiguration, updateManagedFields } from '../../apimachinery/managedfields/index.js';
import { goValue } from '../../apimachinery/patch.js';
import { checkNameMatches } from '../../registry/prepare.js';
import type { Store } from '../../registry/store.js';
import type { KObject, ResourceDef } from '../../registry/types.js';
import { typeMismatch } from '../../schema/type-check.js';
import type { Env } from '../env.js';
import { encodeResult, send } from '../encode.js';
import { yaml } from '../lazy.js';
import { baseContentType, negotiate } from '../negotiation.js';
import {
  APPLY_PATCH, SMP, applyPatchBody, fieldManagerScope, parseApplyConfig, parsePatchJSON, patchDecodeError, patchDocumentErrors, patchTypesFor,
  schemaNode, strictPatchError, unknownOf,
} from './body-checks.js';
import { q, readBody, requestContext, writeOptions, type HandlerDeps } from './request.js';

export async function handlePatch(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string, name: string, sub: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: true, listy: false });
  const ct = baseContentType(c.req.header('content-type'));
  const types = patchTypesFor(def);
  if (!types.includes(ct)) throw unsupportedMediaType(types);
  const isApply = ct === APPLY_PATCH;
  const opts = writeOptions(c, 'PatchOptions', isApply);
  const body = await readBody(c);
  const text = body.toString('utf8');
  const config = isApply ? parseApplyConfig(body) : undefined;
  const patch = isApply ? undefined : parsePatchJSON(body);
  const scope = fieldManagerScope(def, sub);
  const node = schemaNode(def);
  // warnings and managedFields of the attempt that wins (a lost compare-and-swap runs the patch again)
  let warnings: string[] = [];
  let applied: KObject | undefined;
  const transform = (cur: KObject | undefined): KObject => {
    warnings = [];
    if (isApply) {
      if (!cur && config!.metadata?.uid)
        throw conflict(store.gr, name, `uid mismatch: the provided object specified uid ${config!.metadata.uid}, and no existing object was found`);
      if (!cur && sub) throw notFound(store.gr, name);
      const next = applyConfiguration(scope, cur, config!, opts.fieldManager, opts.force);
      checkNameMatches(next, name);
      next.metadata ??= {};
      next.metadata.name ??= name;
      applied = next.metadata.managedFields;
      return next;
    }
    if (!cur) throw notFound(store.gr, name);
    const patched = applyPatchBody(ct, cur, body, node, structuredClone(patch));
    const typeErr = typeMismatch(patched, def.group, def.version, def.kind);
    if (typeErr) throw patchDecodeError(JSON.stringify(patched), typeErr);
    if (opts.validation !== 'Ignore') {
      // the stored object's own unknown fields are not the patch's doing (walked only when the result has any)
      const after = unknownOf(def, patched);
      const before = after.length ? new Set(unknownOf(def, cur)) : undefined;
      const errs = [...patchDocumentErrors(ct, text, patch), ...after.filter((u) => !before!.has(u)).map((u) => `unknown field "${u}"`)];
      if (errs.length && opts.validation === 'Strict') throw strictPatchError(ct === SMP ? goValue(patch) : JSON.stringify(patched), errs);
      warnings = errs;
    }
    if (node) pruneUnknownFields(patched, node, cur);
    else def.custom?.prune(patched);
    checkNameMatches(patched, name);
    return patched;
  };
  const { obj, created } = await store.update(ns, name, transform, requestContext(c, deps, opts.dryRun), {
    subresource: sub,
    createIfMissing: isApply && !sub,
    beforeWrite: (next, cur) => {
      // apply computed ownership itself; a /status write keeps the stored metadata, so it is put back
      if (!isApply) updateManagedFields(scope, cur, next, opts.manager);
      else if (applied) next.metadata.managedFields = applied;
      else delete next.metadata.managedFields;
    },
  });
  c.get('warnings').push(...warnings);
  if (isApply && opts.validation !== 'Ignore') {
    const dups = yamlDuplicateErrors(yaml(), text);
    if (dups.length && opts.validation === 'Strict') throw badRequest(`error strict decoding YAML: ${yamlStrictError(dups)}`);
    c.get('warnings').push(...dups);
  }
  return send(c, created ? 201 : 200, target.kind === 'json' ? store.printed(obj) : encodeResult(def, target, { object: obj }, (k) => q(c, k)), target);
}
