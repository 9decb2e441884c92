// Resource handlers: one function per verb, all going through the registry's generic store.
import type { Context } from 'hono';
import {
  StatusError,
  badRequest,
  forbidden,
  methodNotAllowed,
  methodNotSupported,
  notFound,
  requestEntityTooLarge,
  unsupportedMediaType,
} from '../apimachinery/errors.js';
import { formatLabelSelector } from '../apimachinery/selectors.js';
import { goValue, jsonPatch, mergePatch, strategicMergePatch } from '../apimachinery/patch.js';
import { FIELD_MANAGER_MAX_LENGTH, applyConfiguration, isPrintable, managerOrUserAgent, typeFor, updateManagedFields, type FieldManagerScope, type TypeNode } from '../apimachinery/managedfields/index.js';
import { FIELD_VALIDATION_VALUES, fieldValidationOf, jsonStrictErrors, pruneUnknownFields, yamlDuplicateErrors, yamlStrictError, type FieldValidation } from '../apimachinery/field-validation.js';
import { forbiddenField, invalidError, notSupported, required, tooLong, conflict, type FieldError } from '../apimachinery/errors.js';
import { unknownFields } from '../schema/index.js';
import { typeMismatch } from '../schema/type-check.js';
import { yaml } from './lazy.js';
import type { Registry } from '../registry/index.js';
import type { Store, DeleteOptions } from '../registry/store.js';
import type { KObject, ResourceDef, StrategyContext, Verb } from '../registry/types.js';
import { isSuperuser } from '../registry/resources/reviews.js';
import type { Env } from './env.js';
import { encodeResult, send } from './encode.js';
import { baseContentType, decodeBody, negotiate, parseJSONObject } from './negotiation.js';
import type { RequestInfo } from './request-info.js';
import { serveWatch } from './watch.js';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { handleApproval, handleBinding, handleEviction } from './subresources.js';

const MAX_BODY = 3 * 1024 * 1024;

export interface HandlerDeps {
  registry: Registry;
  /** Signalled when the server shuts down, so watches end cleanly. */
  shutdown: AbortSignal;
}

export async function readBody(c: Context<Env>): Promise<Buffer> {
  const len = Number(c.req.header('content-length') ?? '0');
  if (len > MAX_BODY) throw requestEntityTooLarge('the request body is too large');
  const ab = await c.req.arrayBuffer();
  if (ab.byteLength > MAX_BODY) throw requestEntityTooLarge('the request body is too large');
  return Buffer.from(ab);
}

export function q(c: Context<Env>, k: string): string | undefined {
  return c.req.query(k);
}

export function dryRunOf(c: Context<Env>, body?: KObject): boolean {
  const vals = c.req.queries('dryRun') ?? (Array.isArray(body?.dryRun) ? (body!.dryRun as string[]) : []);
  for (const v of vals) if (v !== 'All') throw badRequest(`Invalid dryRun value: ${JSON.stringify(v)}; only "All" is supported`);
  return vals.length > 0;
}

export function strategyCtx(c: Context<Env>, deps: HandlerDeps, dryRun: boolean): Omit<StrategyContext, 'namespace'> {
  return { user: c.get('user'), dryRun, warnings: c.get('warnings'), services: deps.registry.services };
}

function checkTypeMeta(def: ResourceDef, obj: KObject, sub: string): void {
  if (sub) return;
  const expectVersion = def.group ? `${def.group}/${def.version}` : def.version;
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== def.kind)
    throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): ${obj.kind} in version "${obj.apiVersion ?? ''}" cannot be handled as a ${def.kind}`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== expectVersion)
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expectVersion})`);
}

function authorize(c: Context<Env>, info: RequestInfo, def: ResourceDef): void {
  const user = c.get('user');
  if (isSuperuser(user)) return;
  if (def.createOnly && def.resource.startsWith('selfsubject')) return;
  const res = info.subresource ? `${def.resource}/${info.subresource}` : def.resource;
  const where = info.namespace ? `in the namespace "${info.namespace}"` : 'at the cluster scope';
  throw forbidden({ group: def.group, resource: res }, info.name, `User "${user.username}" cannot ${info.verb} resource "${res}" in API group "${def.group}" ${where}`);
}

export function findDef(deps: HandlerDeps, info: RequestInfo): { def: ResourceDef; store: Store } | undefined {
  const store = deps.registry.store(info.apiGroup, info.apiVersion, info.resource);
  if (!store) return undefined;
  return { def: store.def, store };
}

export async function handleResource(c: Context<Env>, deps: HandlerDeps): Promise<Response> {
  const info = c.get('requestInfo');
  const found = findDef(deps, info);
  if (!found) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  const { def, store } = found;
  if (info.parts.length > 3 || (info.subresource && !def.subresources.some((s) => s.name === info.subresource)))
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  // namespaced resources need a namespace for everything but list/watch across namespaces
  if (def.namespaced && !info.namespace && (info.name || (info.verb !== 'list' && info.verb !== 'watch'))) throw methodNotAllowed();
  if (!def.namespaced && info.parts[0] !== 'namespaces' && c.req.path.includes('/namespaces/'))
    throw new StatusError(404, 'NotFound', 'the server could not find the requested resource', {});
  const verb = info.verb as Verb;
  const allowed = info.subresource ? def.subresources.find((s) => s.name === info.subresource)!.verbs : def.verbs;
  if (!allowed.includes(verb)) {
    // create-only kinds answer other verbs as a route with no such method does upstream
    if (def.createOnly || info.subresource) throw methodNotAllowed();
    throw methodNotSupported({ group: def.group, resource: def.resource }, verb);
  }
  authorize(c, info, def);
  const ns = def.namespaced ? info.namespace : '';
  if (def.resource === 'bindings' && !def.group && verb === 'create') return handleBinding(c, deps, ns, '');
  if (info.subresource) return handleSubresource(c, deps, def, store, ns, info);
  switch (verb) {
    case 'get':
      return handleGet(c, def, store, ns, info.name);
    case 'list':
      return handleList(c, def, store, ns);
    case 'watch':
      return serveWatch(c, def, store, ns, info.name, deps.shutdown);
    case 'create':
      return handleCreate(c, deps, def, store, ns);
    case 'update':
      return handleUpdate(c, deps, def, store, ns, info.name, '');
    case 'patch':
      return handlePatch(c, deps, def, store, ns, info.name, '');
    case 'delete':
      return handleDelete(c, deps, def, store, ns, info.name);
    case 'deletecollection':
      return handleDeleteCollection(c, deps, def, store, ns);
  }
  throw methodNotAllowed();
}

async function handleGet(c: Context<Env>, def: ResourceDef, store: Store, ns: string, name: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: true, listy: false });
  if (target.kind === 'json' && !c.get('warnings').length) {
    const raw = await store.getRaw(ns, name, q(c, 'resourceVersion'));
    if (raw) return c.body(raw as Uint8Array<ArrayBuffer>, 200, { "Content-Type": "application/json" });
  }
  const obj = await store.get(ns, name, q(c, 'resourceVersion'));
  return send(c, 200, encodeResult(def, target, { object: obj }, (k) => q(c, k)), target);
}

function parseLimit(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid limit: ${v}`);
  return Number(v);
}

async function handleList(c: Context<Env>, def: ResourceDef, store: Store, ns: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: true, listy: true });
  const r = await store.list(ns, {
    labelSelector: q(c, 'labelSelector'),
    fieldSelector: q(c, 'fieldSelector'),
    limit: parseLimit(q(c, 'limit')),
    continue: q(c, 'continue'),
    resourceVersion: q(c, 'resourceVersion'),
    resourceVersionMatch: q(c, 'resourceVersionMatch'),
    raw: target.kind === 'json',
  });
  const listMeta: KObject = { resourceVersion: r.resourceVersion };
  if (r.continue) listMeta.continue = r.continue;
  if (r.remainingItemCount !== undefined) listMeta.remainingItemCount = r.remainingItemCount;
  if (r.rawItems) {
    // the list is assembled from stored bytes: no parse and no re-serialisation of the items
    const head = `{"kind":"${def.kind}List","apiVersion":"${def.group ? `${def.group}/${def.version}` : def.version}","metadata":${JSON.stringify(listMeta)},"items":[`;
    const parts: Buffer[] = [Buffer.from(head)];
    for (let i = 0; i < r.rawItems.length; i++) {
      if (i) parts.push(COMMA);
      parts.push(r.rawItems[i]);
    }
    parts.push(CLOSE_LIST);
    const body = Buffer.concat(parts);
    if (body.length < 64 * 1024) return c.body(body as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/json' });
    // large lists go straight to the socket: no copy into a web Response
    const out = c.env.outgoing;
    out.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length) });
    out.end(body);
    return RESPONSE_ALREADY_SENT;
  }
  return send(c, 200, encodeResult(def, target, { items: r.items, listMeta }, (k) => q(c, k)), target);
}

const COMMA = Buffer.from(',');
const CLOSE_LIST = Buffer.from(']}');

async function handleCreate(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: true, listy: false });
  const ct = baseContentType(c.req.header('content-type'));
  const raw = await readBody(c);
  const opts = writeOptions(c, 'CreateOptions');
  const body: KObject = decodeBody(c.req.header('content-type'), raw);
  checkTypeMeta(def, body, '');
  if (def.createOnly) {
    const out = await def.createOnly(body, { ...strategyCtx(c, deps, opts.dryRun), namespace: ns });
    return send(c, 201, out, target);
  }
  checkStrictBody(c, def, ct, raw, body, opts.validation);
  const scope = fieldManagerScope(def, '');
  const obj = await store.create(ns, body, strategyCtx(c, deps, opts.dryRun), (o) => updateManagedFields(scope, undefined, o, opts.manager));
  return send(c, 201, encodeResult(def, target, { object: obj }, (k) => q(c, k)), target);
}

async function handleUpdate(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string, name: string, sub: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: true, listy: false });
  const ct = baseContentType(c.req.header('content-type'));
  const raw = await readBody(c);
  const opts = writeOptions(c, 'UpdateOptions');
  const body: KObject = decodeBody(c.req.header('content-type'), raw);
  checkTypeMeta(def, body, sub);
  checkStrictBody(c, def, ct, raw, body, opts.validation);
  if (body.metadata?.name !== undefined && body.metadata.name !== name)
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${name})`);
  const ctx = strategyCtx(c, deps, opts.dryRun);
  const full = { ...ctx, namespace: ns };
  const scope = fieldManagerScope(def, sub);
  const { obj, created } = await store.guaranteedUpdate(
    ns,
    name,
    async (cur) => {
      if (!cur) {
        if (!def.allowCreateOnUpdate || sub) throw notFound(store.gr, name);
        return structuredClone(body);
      }
      const next = await store.prepareUpdate(ns, name, structuredClone(body), cur, full, sub);
      updateManagedFields(scope, cur, next, opts.manager);
      return next;
    },
    {
      dryRun: opts.dryRun,
      onCreate: async (o) => {
        if (o.metadata?.resourceVersion) throw notFound(store.gr, name);
        return store.create(ns, o, ctx, (x) => updateManagedFields(fieldManagerScope(def, ''), undefined, x, opts.manager));
      },
    },
  );
  return send(c, created ? 201 : 200, encodeResult(def, target, { object: obj }, (k) => q(c, k)), target);
}

const APPLY_PATCH = 'application/apply-patch+yaml';
const SMP = 'application/strategic-merge-patch+json';
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', SMP, APPLY_PATCH];

async function handlePatch(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string, name: string, sub: string): Promise<Response> {
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
  const ctx = strategyCtx(c, deps, opts.dryRun);
  const full = { ...ctx, namespace: ns };
  const scope = fieldManagerScope(def, sub);
  const node = schemaNode(def);
  const checkName = (o: KObject) => {
    if (o.metadata?.name !== undefined && o.metadata.name !== name)
      throw badRequest(`the name of the object (${o.metadata.name}) does not match the name on the URL (${name})`);
  };
  // warnings of the attempt that wins (a lost compare-and-swap runs the patch again)
  let warnings: string[] = [];
  const { obj, created } = await store.guaranteedUpdate(
    ns,
    name,
    async (cur) => {
      warnings = [];
      if (isApply) {
        if (!cur && config!.metadata?.uid)
          throw conflict(store.gr, name, `uid mismatch: the provided object specified uid ${config!.metadata.uid}, and no existing object was found`);
        if (!cur && sub) throw notFound(store.gr, name);
        const next = applyConfiguration(scope, cur, config!, opts.fieldManager, opts.force);
        checkName(next);
        next.metadata ??= {};
        next.metadata.name ??= name;
        if (!cur) return next;
        const managedFields = next.metadata.managedFields;
        const prepared = await store.prepareUpdate(ns, name, next, cur, full, sub);
        // a /status write keeps the stored metadata; the apply's ownership must survive that
        if (managedFields) prepared.metadata.managedFields = managedFields;
        else delete prepared.metadata.managedFields;
        return prepared;
      }
      if (!cur) throw notFound(store.gr, name);
      const patched = applyPatchBody(ct, cur, body, node, structuredClone(patch));
      const typeErr = typeMismatch(patched, def.group, def.version, def.kind);
      if (typeErr) throw patchDecodeError(JSON.stringify(patched), typeErr);
      if (opts.validation !== 'Ignore') {
        const before = new Set(unknownOf(def, cur));
        const errs = [...patchDocumentErrors(ct, text, patch), ...unknownOf(def, patched).filter((u) => !before.has(u)).map((u) => `unknown field "${u}"`)];
        if (errs.length && opts.validation === 'Strict') throw strictPatchError(ct === SMP ? goValue(patch) : JSON.stringify(patched), errs);
        warnings = errs;
      }
      if (node) pruneUnknownFields(patched, node, cur);
      checkName(patched);
      // a resourceVersion in the patch is a precondition; otherwise the read revision is used
      const next = await store.prepareUpdate(ns, name, patched, cur, full, sub);
      updateManagedFields(scope, cur, next, opts.manager);
      return next;
    },
    { dryRun: opts.dryRun, onCreate: isApply ? (o) => store.create(ns, o, ctx) : undefined },
  );
  c.get('warnings').push(...warnings);
  if (isApply && opts.validation !== 'Ignore') {
    const dups = yamlDuplicateErrors(yaml(), text);
    if (dups.length && opts.validation === 'Strict') throw badRequest(`error strict decoding YAML: ${yamlStrictError(dups)}`);
    c.get('warnings').push(...dups);
  }
  return send(c, created ? 201 : 200, encodeResult(def, target, { object: obj }, (k) => q(c, k)), target);
}

interface WriteOpts {
  dryRun: boolean;
  /** The manager recorded in managedFields: fieldManager, else the User-Agent's first token. */
  manager: string;
  fieldManager: string;
  validation: FieldValidation;
  force: boolean;
}

/** Query options of create/update/patch, validated as upstream's Validate{Create,Update,Patch}Options (422). */
function writeOptions(c: Context<Env>, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions', apply = false): WriteOpts {
  const fieldManager = q(c, 'fieldManager') ?? '';
  const fieldValidation = q(c, 'fieldValidation') ?? '';
  const forceRaw = q(c, 'force');
  let force: boolean | undefined;
  if (forceRaw !== undefined) {
    const v = forceRaw.toLowerCase();
    if (['1', 't', 'true'].includes(v)) force = true;
    else if (['0', 'f', 'false'].includes(v)) force = false;
    else throw badRequest(`strconv.ParseBool: parsing ${JSON.stringify(forceRaw)}: invalid syntax`);
  }
  const errs: FieldError[] = [];
  if (kind === 'PatchOptions') {
    if (apply && !fieldManager) errs.push(required('fieldManager', 'is required for apply patch'));
    if (!apply && force !== undefined) errs.push(forbiddenField('force', 'may not be specified for non-apply patch'));
  }
  if (Buffer.byteLength(fieldManager) > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong('fieldManager', FIELD_MANAGER_MAX_LENGTH));
  let pos = 0;
  for (const ch of fieldManager) {
    if (!isPrintable(ch))
      errs.push({ type: 'FieldValueInvalid', field: 'fieldManager', omitValue: true, detail: `${goQuote(fieldManager)}: invalid character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} (at position ${pos})` });
    pos += Buffer.byteLength(ch);
  }
  const dryRunVals = c.req.queries('dryRun') ?? [];
  if (dryRunVals.some((v) => v !== 'All'))
    errs.push({ type: 'FieldValueNotSupported', field: 'dryRun', omitValue: true, detail: `[]string{${dryRunVals.map(goQuote).join(', ')}}: supported values: "All"` });
  if (!FIELD_VALIDATION_VALUES.includes(fieldValidation)) errs.push(notSupported('fieldValidation', fieldValidation, FIELD_VALIDATION_VALUES));
  if (errs.length) throw invalidError({ group: 'meta.k8s.io', kind }, '', errs);
  return {
    dryRun: dryRunOf(c),
    manager: managerOrUserAgent(fieldManager, c.req.header('user-agent')),
    fieldManager,
    validation: fieldValidationOf(fieldValidation),
    force: force ?? false,
  };
}

const GO_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };

/** Go's %q of a string (how upstream prints bad values). */
function goQuote(v: string): string {
  let out = '"';
  for (const ch of v) {
    const cp = ch.codePointAt(0)!;
    if (GO_ESCAPES[ch]) out += GO_ESCAPES[ch];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (!isPrintable(ch)) out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}

/** Custom resources speak no strategic merge patch and have no built-in schema (flag set by their registry). */
function isCustomResource(def: ResourceDef): boolean {
  return (def as ResourceDef & { customResource?: boolean }).customResource === true;
}

function patchTypesFor(def: ResourceDef): string[] {
  return isCustomResource(def) ? PATCH_TYPES.filter((t) => t !== SMP) : PATCH_TYPES;
}

/** Who may own what through this endpoint: the main resource never owns status, /status never spec. */
function fieldManagerScope(def: ResourceDef, sub: string): FieldManagerScope {
  const resetFields = sub === 'status' ? [['spec']] : def.statusSubresource && !sub ? [['status']] : [];
  return { group: def.group, version: def.version, kind: def.kind, subresource: sub, resetFields };
}

function schemaNode(def: ResourceDef): TypeNode | undefined {
  if (isCustomResource(def)) return undefined;
  const t = typeFor(def.group, def.version, def.kind);
  return t.deduced ? undefined : t.node;
}

function unknownOf(def: ResourceDef, obj: unknown): string[] {
  return isCustomResource(def) ? [] : unknownFields(obj, def.group, def.version, def.kind);
}

/** Strict decoding of a create/update body: 400 (Strict) or warnings (Warn); unknown fields are dropped as typed decoding does. */
function checkStrictBody(c: Context<Env>, def: ResourceDef, ct: string, raw: Buffer, body: KObject, validation: FieldValidation): void {
  checkTypes(def, body);
  const node = schemaNode(def);
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
  if (node) pruneUnknownFields(body, node);
}

/** A body Go could not decode into the kind's type: 400 as upstream, naming the first mistyped field. */
function checkTypes(def: ResourceDef, body: KObject): void {
  const err = typeMismatch(body, def.group, def.version, def.kind);
  if (!err) return;
  throw badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${err}`);
}

/** The 422 upstream answers when the patched object does not decode into the kind's type. */
function patchDecodeError(value: string, err: string): StatusError {
  const body = `Invalid value: ${JSON.stringify(value)}: ${err}`;
  return new StatusError(422, 'Invalid', ` "" is invalid: patch: ${body}`, { name: '', group: '', kind: '', causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }] });
}

/** The 422 upstream answers when a JSON, merge or strategic patch meets fieldValidation=Strict. */
function strictPatchError(value: string, errs: string[]): StatusError {
  const detail = `strict decoding error: ${errs.join(', ')}`;
  const body = `Invalid value: ${JSON.stringify(value)}: ${detail}`;
  return new StatusError(422, 'Invalid', ` "" is invalid: patch: ${body}`, { name: '', group: '', kind: '', causes: [{ reason: 'FieldValueInvalid', message: body, field: 'patch' }] });
}

const JSON_PATCH_OP_FIELDS = new Set(['op', 'path', 'from', 'value']);

/** Strictness problems of the patch document itself (duplicate keys; unknown keys of JSON patch operations). */
function patchDocumentErrors(ct: string, text: string, patch: unknown): string[] {
  if (ct === 'application/json-patch+json') {
    const unknown: string[] = [];
    if (Array.isArray(patch))
      patch.forEach((op, i) => {
        if (op && typeof op === 'object' && !Array.isArray(op)) for (const k of Object.keys(op)) if (!JSON_PATCH_OP_FIELDS.has(k)) unknown.push(`[${i}].${k}`);
      });
    return jsonStrictErrors(text, unknown, 'json patch ');
  }
  return jsonStrictErrors(text, []);
}

function parsePatchJSON(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (e) {
    throw badRequest(`error decoding patch: ${(e as Error).message}`);
  }
}

/** Applies a JSON, merge or strategic merge patch (schema: merge keys and strategies for SMP). */
function applyPatchBody(ct: string, cur: KObject, body: Buffer, schema?: TypeNode, parsed?: unknown): KObject {
  if (ct === APPLY_PATCH) throw unsupportedMediaType(PATCH_TYPES.filter((t) => t !== APPLY_PATCH));
  const patch = parsed ?? parsePatchJSON(body);
  let out: unknown;
  if (ct === 'application/json-patch+json') out = jsonPatch(cur, patch);
  else if (ct === 'application/merge-patch+json') out = mergePatch(cur, patch);
  else out = strategicMergePatch(cur, patch, schema);
  if (!out || typeof out !== 'object' || Array.isArray(out)) throw badRequest('the patch produced an invalid object');
  return out as KObject;
}

function parseApplyConfig(body: Buffer): KObject {
  let v: unknown;
  try {
    v = yaml().parse(body.toString('utf8'), { uniqueKeys: false });
  } catch (e) {
    throw badRequest(`error decoding YAML: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v))
    throw badRequest(`error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${Array.isArray(v) ? 'array' : typeof v} into Go value of type map[string]interface {}`);
  return v as KObject;
}

function deleteOptionsFrom(c: Context<Env>, body: Buffer): DeleteOptions {
  let opts: DeleteOptions = {};
  if (body.length > 0) {
    const o = parseJSONObject(body) as DeleteOptions & { kind?: string };
    opts = o;
  }
  const gp = q(c, 'gracePeriodSeconds');
  if (gp !== undefined) {
    if (!/^-?\d+$/.test(gp)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(gp)}: invalid syntax`);
    opts.gracePeriodSeconds = Number(gp);
  }
  if (opts.gracePeriodSeconds !== undefined && (typeof opts.gracePeriodSeconds !== 'number' || !Number.isInteger(opts.gracePeriodSeconds)))
    throw badRequest(`DeleteOptions in version "v1" cannot be handled as a DeleteOptions: json: cannot unmarshal ${typeof opts.gracePeriodSeconds} into Go struct field DeleteOptions.gracePeriodSeconds of type int64`);
  if (opts.preconditions !== undefined && opts.preconditions !== null && (typeof opts.preconditions !== 'object' || Array.isArray(opts.preconditions)))
    throw badRequest(`DeleteOptions in version "v1" cannot be handled as a DeleteOptions: json: cannot unmarshal ${Array.isArray(opts.preconditions) ? 'array' : typeof opts.preconditions} into Go struct field DeleteOptions.preconditions of type v1.Preconditions`);
  const pp = q(c, 'propagationPolicy');
  if (pp !== undefined) opts.propagationPolicy = pp;
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy))
    throw badRequest(`propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  return opts;
}

async function handleDelete(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string, name: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: false, listy: false });
  const body = await readBody(c);
  const opts = deleteOptionsFrom(c, body);
  const dryRun = dryRunOf(c, opts as KObject);
  const { obj, gone } = await store.delete(ns, name, opts, strategyCtx(c, deps, dryRun));
  // as upstream: 202 only for a deferred delete that asked orphanDependents=false; otherwise 200
  if (!gone) return send(c, opts.orphanDependents === false ? 202 : 200, obj, target);
  if (def.returnDeletedObject) return send(c, 200, obj, target);
  return send(c, 200, {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, group: def.group, kind: def.resource, uid: obj.metadata.uid },
  }, target);
}

async function handleDeleteCollection(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: false, listy: true });
  const body = await readBody(c);
  const opts = deleteOptionsFrom(c, body);
  const dryRun = dryRunOf(c, opts as KObject);
  const l = await store.list(ns, { labelSelector: q(c, 'labelSelector'), fieldSelector: q(c, 'fieldSelector') });
  const items: KObject[] = [];
  for (const o of l.items) {
    try {
      const r = await store.delete(o.metadata.namespace ?? '', o.metadata.name, opts, strategyCtx(c, deps, dryRun));
      items.push(r.obj);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }
  return send(c, 200, { kind: `${def.kind}List`, apiVersion: def.group ? `${def.group}/${def.version}` : def.version, metadata: { resourceVersion: l.resourceVersion }, items }, target);
}

function toScale(obj: KObject): KObject {
  const sel = obj.spec?.selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: sel && (sel.matchLabels || sel.matchExpressions) ? formatLabelSelector(sel) : typeof sel === 'object' ? formatLabelSelector({ matchLabels: sel }) : '' },
  };
}

async function handleSubresource(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string, info: RequestInfo): Promise<Response> {
  const sub = info.subresource;
  const name = info.name;
  const verb = info.verb;
  if (sub === 'status') {
    if (verb === 'get') return handleGet(c, def, store, ns, name);
    if (verb === 'update') return handleUpdate(c, deps, def, store, ns, name, 'status');
    if (verb === 'patch') return handlePatch(c, deps, def, store, ns, name, 'status');
  }
  if (sub === 'scale') return handleScale(c, deps, def, store, ns, name, verb);
  if (sub === 'finalize' && def.kind === 'Namespace' && verb === 'update') {
    const body = decodeBody(c.req.header('content-type'), await readBody(c));
    const finalizers: string[] = (body as KObject).spec?.finalizers ?? [];
    const { obj } = await store.guaranteedUpdate(ns, name, async (cur) => {
      if (!cur) throw notFound(store.gr, name);
      cur.spec = { ...(cur.spec ?? {}), finalizers };
      return cur;
    }, { dryRun: dryRunOf(c) });
    if (obj.metadata.deletionTimestamp && finalizers.length === 0 && (obj.metadata.finalizers ?? []).length === 0) await store.finalizeNamespace(name);
    return send(c, 200, obj);
  }
  if (def.kind === 'Pod' && sub === 'binding' && verb === 'create') return handleBinding(c, deps, ns, name);
  if (def.kind === 'Pod' && sub === 'eviction' && verb === 'create') return handleEviction(c, deps, ns, name);
  if (sub === 'approval' && def.kind === 'CertificateSigningRequest') return handleApproval(c, deps, store, name, verb);
  if (def.kind === 'Pod' && ['log', 'exec', 'attach', 'portforward', 'proxy'].includes(sub)) {
    const pod = await store.get(ns, name);
    const container = q(c, 'container') || pod.spec?.containers?.[0]?.name || '';
    if (sub === 'log') throw badRequest(`container "${container}" in pod "${name}" is waiting to start: ContainerCreating`);
    throw badRequest(`minikapi simulates pods: pod "${name}" has no running containers, so ${sub} is not possible`);
  }
  throw new StatusError(405, 'MethodNotAllowed', `the server does not allow this method on the requested resource`, {});
}

async function handleScale(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string, name: string, verb: string): Promise<Response> {
  if (verb === 'get') return send(c, 200, toScale(await store.get(ns, name)));
  if (verb !== 'update' && verb !== 'patch') throw methodNotAllowed();
  const ct = baseContentType(c.req.header('content-type'));
  const body = await readBody(c);
  const ctx = { ...strategyCtx(c, deps, dryRunOf(c)), namespace: ns };
  const { obj } = await store.guaranteedUpdate(
    ns,
    name,
    async (cur) => {
      if (!cur) throw notFound(store.gr, name);
      const curScale = toScale(cur);
      let scale: KObject;
      if (verb === 'update') scale = decodeBody(ct, body) as KObject;
      else {
        if (!PATCH_TYPES.includes(ct)) throw unsupportedMediaType(PATCH_TYPES);
        scale = applyPatchBody(ct, curScale, body);
      }
      const rv = scale.metadata?.resourceVersion;
      const replicas = scale.spec?.replicas;
      if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas))
        throw new StatusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${replicas}: must be greater than or equal to 0`, {
          name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${replicas}: must be greater than or equal to 0`, field: 'spec.replicas' }],
        });
      const next = structuredClone(cur);
      next.spec = { ...(next.spec ?? {}), replicas };
      if (rv) next.metadata.resourceVersion = rv;
      const updated = await store.prepareUpdate(ns, name, next, cur, ctx);
      updateManagedFields({ group: def.group, version: def.version, kind: def.kind, subresource: 'scale' }, cur, updated, managerOrUserAgent(q(c, 'fieldManager'), c.req.header('user-agent')));
      return updated;
    },
    { dryRun: ctx.dryRun },
  );
  return send(c, 200, toScale(obj));
}
