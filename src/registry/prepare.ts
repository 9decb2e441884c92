// What the generic store does to an object before a strategy sees it: system metadata on create,
// carried-over fields on update, Go-like normalisation, generation, and validation.
import { randomUUID } from 'node:crypto';
import { OBJECT_MODIFIED, badRequest, conflict, invalidError, type FieldError } from '../apimachinery/errors.js';
import { normalizeLikeGo, stripLikeGo } from '../apimachinery/go-json.js';
import { validateObjectMeta } from '../apimachinery/validation.js';
import { apiVersionOf, type KObject, type ResourceDef, type StrategyContext } from './types.js';
import { deepEqual, generateNameSuffix, nowRFC3339 } from './util.js';

/** 400 when the body names another object than the URL, as upstream's checkName. */
export function checkNameMatches(obj: KObject, name: string): void {
  const n = obj.metadata?.name;
  if (n !== undefined && n !== name) throw badRequest(`the name of the object (${n}) does not match the name on the URL (${name})`);
}

function checkNamespaceMatches(obj: KObject, ns: string): void {
  const n = obj.metadata?.namespace;
  if (n && ns && n !== ns) throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
}

/** Fills system metadata and runs defaults and validation for a new object. */
export async function prepareCreate(def: ResourceDef, ns: string, obj: KObject, ctx: StrategyContext): Promise<void> {
  const apiVersion = apiVersionOf(def);
  const meta = (obj.metadata ??= {});
  if (def.namespaced) {
    checkNamespaceMatches(obj, ns);
    if (ns) meta.namespace = ns;
  } else {
    delete meta.namespace;
  }
  obj.apiVersion = apiVersion;
  obj.kind = def.kind;
  const generated = !meta.name && !!meta.generateName;
  if (generated) {
    meta.name = meta.generateName + generateNameSuffix();
    ctx.nameGenerated = true;
  }
  meta.uid = randomUUID();
  meta.creationTimestamp = nowRFC3339();
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (def.generation) meta.generation = 1;
  else delete meta.generation;
  if (def.statusSubresource && !def.keepsStatusOnCreate) delete obj.status;
  // as upstream: decode into the Go type (unset = absent for our defaulting), default, then print as Go does
  stripLikeGo(obj, apiVersion, def.kind);
  await def.strategy.prepareForCreate?.(obj, ctx);
  normalizeLikeGo(obj, apiVersion, def.kind);
  if (ctx.admission && (await ctx.admission.interested('mutating', { def, operation: 'CREATE', namespace: ctx.namespace, name: '', subresource: '' }))) await mutateOnCreate(def, obj, ctx, generated);
  const errs = validateObjectMeta(obj.metadata, def.namespaced, def.nameValidation);
  errs.push(...(def.strategy.validate?.(obj, ctx) ?? []));
  if (errs.length) throw invalidError({ group: def.group, kind: def.kind }, obj.metadata.name ?? '', errs);
  await def.strategy.beginCreate?.(obj, ctx);
  // as upstream's create handler, a generated name is not the request's name
  await ctx.admission?.validate({ def, operation: 'CREATE', namespace: ctx.namespace, name: generated ? '' : obj.metadata.name, subresource: '' }, obj, undefined, ctx);
}

const SYSTEM_FIELDS = ['uid', 'creationTimestamp', 'generation'] as const;

/**
 * Mutating webhooks see the new object as upstream's admission does: decoded and defaulted, before the
 * system fields (uid, creationTimestamp, a generated name) are set; what they change is defaulted again.
 */
async function mutateOnCreate(def: ResourceDef, obj: KObject, ctx: StrategyContext, generated: boolean): Promise<void> {
  const meta = obj.metadata;
  const system: KObject = {};
  for (const f of SYSTEM_FIELDS) if (meta[f] !== undefined) system[f] = meta[f];
  const view = structuredClone(obj);
  for (const f of SYSTEM_FIELDS) delete view.metadata[f];
  if (generated) delete view.metadata.name;
  const changed = await ctx.admission!.mutate({ def, operation: 'CREATE', namespace: ctx.namespace, name: view.metadata.name ?? '', subresource: '' }, view, undefined, ctx);
  if (!changed) return;
  const apiVersion = apiVersionOf(def);
  const name = view.metadata?.name || (generated ? meta.name : undefined);
  for (const k of Object.keys(obj)) delete obj[k];
  Object.assign(obj, view);
  obj.metadata = { ...(view.metadata ?? {}), ...system };
  if (name) obj.metadata.name = name;
  if (def.namespaced && ctx.namespace) obj.metadata.namespace = ctx.namespace;
  obj.apiVersion = apiVersion;
  obj.kind = def.kind;
  stripLikeGo(obj, apiVersion, def.kind);
  await def.strategy.prepareForCreate?.(obj, ctx);
  normalizeLikeGo(obj, apiVersion, def.kind);
}

/** Carries system fields over from the stored object and runs the update strategy and validation. */
export async function prepareUpdate(def: ResourceDef, ns: string, name: string, obj: KObject, old: KObject, ctx: StrategyContext, subresource: string): Promise<KObject> {
  const apiVersion = apiVersionOf(def);
  stripLikeGo(obj, apiVersion, def.kind);
  const meta = (obj.metadata ??= {});
  checkNameMatches(obj, name);
  if (def.namespaced) checkNamespaceMatches(obj, ns);
  const rv = meta.resourceVersion;
  if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict({ group: def.group, resource: def.resource }, name, OBJECT_MODIFIED);
  meta.name = name;
  if (def.namespaced) meta.namespace = ns;
  else delete meta.namespace;
  obj.apiVersion = apiVersion;
  obj.kind = def.kind;
  const errs: FieldError[] = [];
  if (meta.uid !== undefined && meta.uid !== '' && meta.uid !== old.metadata.uid) errs.push({ type: 'FieldValueInvalid', field: 'metadata.uid', badValue: meta.uid, detail: 'field is immutable' });
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  meta.resourceVersion = old.metadata.resourceVersion;
  if (old.metadata.deletionTimestamp) {
    meta.deletionTimestamp = old.metadata.deletionTimestamp;
    if (old.metadata.deletionGracePeriodSeconds !== undefined) meta.deletionGracePeriodSeconds = old.metadata.deletionGracePeriodSeconds;
    const oldF = new Set<string>(old.metadata.finalizers ?? []);
    const added = (meta.finalizers ?? []).filter((f: string) => !oldF.has(f));
    if (added.length)
      errs.push({ type: 'FieldValueForbidden', field: 'metadata.finalizers', detail: `no new finalizers can be added if the object is being deleted, found new finalizers []string{${added.map((f: string) => JSON.stringify(f)).join(', ')}}` });
  } else {
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
  }
  if (old.metadata.generation !== undefined) meta.generation = old.metadata.generation;
  else delete meta.generation;
  // the strategy's steps learn which subresource is written (pods/resize keeps only what a resize may change)
  const sctx = { ...ctx, subresource };
  if (subresource === 'status') {
    keepAllButStatus(obj, old);
  } else if (subresource === 'ephemeralcontainers') {
    keepAllButEphemeralContainers(obj, old);
    await def.strategy.prepareForUpdate?.(obj, old, sctx);
  } else if (subresource === 'resize') {
    await def.strategy.prepareForUpdate?.(obj, old, sctx);
  } else {
    if (def.statusSubresource) {
      if (old.status !== undefined) obj.status = structuredClone(old.status);
      else delete obj.status;
    }
    await def.strategy.prepareForUpdate?.(obj, old, sctx);
  }
  // before the spec comparison, so that shapes only our defaulting produces cannot bump the generation
  normalizeLikeGo(obj, apiVersion, def.kind);
  const attrs = { def, operation: 'UPDATE' as const, namespace: ctx.namespace, name, subresource };
  if (ctx.admission && (await ctx.admission.mutate(attrs, obj, old, ctx))) {
    // what a webhook changed is decoded and defaulted again; system fields stay the stored ones
    obj.apiVersion = apiVersion;
    obj.kind = def.kind;
    obj.metadata = { ...(obj.metadata ?? {}), name, uid: old.metadata.uid, creationTimestamp: old.metadata.creationTimestamp, resourceVersion: old.metadata.resourceVersion };
    if (def.namespaced) obj.metadata.namespace = ns;
    stripLikeGo(obj, apiVersion, def.kind);
    if (subresource !== 'status') await def.strategy.prepareForUpdate?.(obj, old, sctx);
    normalizeLikeGo(obj, apiVersion, def.kind);
  }
  if (subresource !== 'status' && def.generation && !deepEqual(specOf(obj), specOf(old))) obj.metadata.generation = (old.metadata.generation ?? 0) + 1;
  errs.push(...validateObjectMeta(obj.metadata, def.namespaced, def.nameValidation).filter((e) => e.field !== 'metadata.name' || e.type !== 'FieldValueRequired'));
  errs.push(...(def.strategy.validateUpdate?.(obj, old, sctx) ?? def.strategy.validate?.(obj, ctx) ?? []));
  if (errs.length) throw invalidError({ group: def.group, kind: def.kind }, name, errs);
  if (subresource !== 'status') await def.strategy.beginUpdate?.(obj, old, ctx);
  await ctx.admission?.validate(attrs, obj, old, ctx);
  return obj;
}

/** A status write keeps spec and all metadata but labels and annotations, as upstream's status strategies. */
function keepAllButStatus(obj: KObject, old: KObject): void {
  const meta = obj.metadata;
  const keepMeta = { labels: meta.labels, annotations: meta.annotations };
  const status = obj.status;
  for (const k of Object.keys(obj)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') delete obj[k];
  for (const k of Object.keys(old)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && k !== 'status') obj[k] = structuredClone(old[k]);
  if (status !== undefined) obj.status = status;
  obj.metadata = { ...structuredClone(old.metadata), ...keepMeta };
  if (keepMeta.labels === undefined) delete obj.metadata.labels;
  if (keepMeta.annotations === undefined) delete obj.metadata.annotations;
}

/** A pods/ephemeralcontainers write changes only spec.ephemeralContainers, as upstream's dropNonEphemeralContainerUpdates. */
function keepAllButEphemeralContainers(obj: KObject, old: KObject): void {
  const containers = obj.spec?.ephemeralContainers;
  const meta = obj.metadata;
  for (const k of Object.keys(obj)) if (k !== 'apiVersion' && k !== 'kind') delete obj[k];
  for (const k of Object.keys(old)) if (k !== 'apiVersion' && k !== 'kind') obj[k] = structuredClone(old[k]);
  obj.metadata = { ...obj.metadata, name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion };
  if (containers === undefined) delete obj.spec.ephemeralContainers;
  else obj.spec.ephemeralContainers = containers;
}

function specOf(o: KObject): unknown {
  const rest: KObject = {};
  for (const k of Object.keys(o)) if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = o[k];
  return rest;
}
