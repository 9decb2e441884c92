// The field manager: records metadata.managedFields on every write and merges server-side applies,
// with upstream's wrappers (version check, last-applied sync and upgrade, skip-non-applied,
// capped update managers, manager identity, timestamps, stripped metadata).
import { StatusError, badRequest } from '../errors.js';
import { FieldSet } from './field-set.js';
import { capUpdateManagers, decodeManagedFields, emptyManaged, encodeManagedFields, managerIdentifier, parseIdentifier, printManager, type Managed } from './managed-fields.js';
import { fieldPE, goJSON, pathString, type Value } from './path-element.js';
import { typedForm } from './typed-empty.js';
import { compare, toFieldSet, validate } from './typed.js';
import { typeFor } from './schema-binding.js';
import type { TypeNode } from './type-node.js';
import { ConflictsError, Updater, type Conflict } from './updater.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
type KObject = Record<string, any>;

export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

export interface FieldManagerScope {
  group: string;
  version: string;
  kind: string;
  /** '' for the main resource, 'status' or 'scale'. */
  subresource: string;
  /** Fields this endpoint resets, owned by nobody through it (e.g. `status` on the main resource). */
  resetFields?: string[][];
  /** Overrides the schema (tests). */
  node?: TypeNode;
}

const STRIP = FieldSet.of(
  [fieldPE('apiVersion')],
  [fieldPE('kind')],
  [fieldPE('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [fieldPE('metadata'), fieldPE(f)]),
);

let nowSecond = NaN;
let nowText = '';

/** metav1.Now() as JSON prints it (RFC 3339 to the second, UTC); the current one is formatted once a second. */
export function nowRFC3339(d?: Date): string {
  if (d) return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const second = Math.floor(Date.now() / 1000);
  if (second !== nowSecond) {
    nowText = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    nowSecond = second;
  }
  return nowText;
}

/** What a scope's writes share: its type, apiVersion and updater (built once per scope, not per write). */
interface ScopeInfo {
  node: TypeNode;
  deduced: boolean;
  apiVersion: string;
  updater: Updater;
}

const builtinScopes = new Map<string, ScopeInfo>();
const customScopes = new WeakMap<TypeNode, Map<string, ScopeInfo>>();
const byScope = new WeakMap<FieldManagerScope, ScopeInfo>();

function scopeInfo(scope: FieldManagerScope): ScopeInfo {
  let info = byScope.get(scope);
  if (!info) byScope.set(scope, (info = scopeInfoByKey(scope)));
  return info;
}

function scopeInfoByKey(scope: FieldManagerScope): ScopeInfo {
  const key = `${scope.group}/${scope.version}/${scope.kind}/${scope.subresource}/${JSON.stringify(scope.resetFields ?? [])}`;
  let byKey = builtinScopes;
  if (scope.node) {
    byKey = customScopes.get(scope.node) ?? new Map();
    customScopes.set(scope.node, byKey);
  }
  let info = byKey.get(key);
  if (!info) {
    const t = scope.node ? { node: scope.node, deduced: false } : typeFor(scope.group, scope.version, scope.kind);
    const ignored = FieldSet.of(...(scope.resetFields ?? []).map((p) => p.map(fieldPE)));
    const kind = scope.kind;
    const deduced = t.deduced;
    const updater = new Updater(t.node, { ignored, normalize: (v) => typedForm(v, kind, deduced) });
    info = { node: t.node, deduced, apiVersion: scope.group ? `${scope.group}/${scope.version}` : scope.version, updater };
    byKey.set(key, info);
  }
  return info;
}

class Context {
  readonly node: TypeNode;
  readonly deduced: boolean;
  readonly apiVersion: string;
  readonly updater: Updater;
  constructor(
    readonly scope: FieldManagerScope,
    readonly now: string,
  ) {
    const info = scopeInfo(scope);
    this.node = info.node;
    this.deduced = info.deduced;
    this.apiVersion = info.apiVersion;
    this.updater = info.updater;
  }

  id(manager: string, operation: 'Apply' | 'Update'): string {
    return managerIdentifier({ manager: manager || 'unknown', operation, apiVersion: this.apiVersion, subresource: this.scope.subresource });
  }

  strip(m: Managed, id: string): void {
    const vs = m.fields.get(id);
    if (!vs) return;
    const s = vs.set.difference(STRIP);
    if (s.empty()) m.fields.delete(id);
    else m.fields.set(id, { ...vs, set: s });
  }

  /** buildManagerInfo → managedFieldsUpdater → stripMeta → structured update. */
  innerUpdate(live: KObject | undefined, next: KObject, m: Managed, manager: string): void {
    const self = 'current-operation';
    this.updater.updateFields(live ?? {}, next, this.apiVersion, m.fields, self);
    this.strip(m, self);
    const vs = m.fields.get(self);
    if (!vs) return;
    m.fields.delete(self);
    const id = this.id(manager, 'Update');
    const prev = m.fields.get(id);
    m.fields.set(id, prev ? { set: vs.set.union(prev.set), apiVersion: vs.apiVersion, applied: vs.applied } : vs);
    m.times.set(id, this.now);
  }

  /** skipNonApplied → capManagers → inner update. */
  update(live: KObject | undefined, next: KObject, m: Managed, manager: string): void {
    if (m.fields.size === 0 && live?.metadata?.uid) return;
    this.innerUpdate(live, next, m, manager);
    capUpdateManagers(m);
  }

  structuredApply(live: KObject, config: KObject, m: Managed, id: string, force: boolean): KObject | undefined {
    const pv = String(config.apiVersion ?? '');
    if (pv !== this.apiVersion)
      throw badRequest(`Incorrect version specified in apply patch. Specified patch version: ${pv}, expected: ${this.apiVersion}`);
    if (config.metadata?.managedFields !== undefined && config.metadata?.managedFields !== null) throw badRequest('metadata.managedFields must be nil');
    const errs = this.deduced ? [] : validate(config as Value, this.node);
    if (errs.length) {
      const ns = config.metadata?.namespace ?? '';
      const name = config.metadata?.name ?? '';
      const detail = errs.length === 1 ? errs[0] : ['errors:', ...errs.map((e) => `  ${e}`)].join('\n');
      throw new StatusError(500, '', `failed to create typed patch object (${ns}/${name}; ${gvkString(this.scope)}): ${detail}`);
    }
    const liveNoMF = withoutManagedFields(live);
    const r = this.updater.apply(liveNoMF as Value, config as Value, this.apiVersion, m.fields, id, force);
    return r.object === undefined ? undefined : dropNulls(r.object as KObject);
  }

  /** skipNonApplied → buildManagerInfo → managedFieldsUpdater → stripMeta → structured apply. */
  apply(live: KObject, config: KObject, m: Managed, manager: string, force: boolean): KObject {
    if (m.fields.size === 0) this.innerUpdate(undefined, live, m, 'before-first-apply');
    const id = this.id(manager, 'Apply');
    const out = this.structuredApply(live, config, m, id, force);
    this.strip(m, id);
    if (out) {
      m.times.set(id, this.now);
      return out;
    }
    // unchanged: keep the stored key order so that an identical result is not written again
    return structuredClone(live);
  }
}

function gvkString(s: FieldManagerScope): string {
  return `${s.group}/${s.version}, Kind=${s.kind}`;
}

function withoutManagedFields(o: KObject): KObject {
  const c = structuredClone(o);
  if (c.metadata) delete c.metadata.managedFields;
  return c;
}

function dropNulls(o: KObject): KObject {
  for (const [k, v] of Object.entries(o)) {
    if (v === null) delete o[k];
    else if (typeof v === 'object' && !Array.isArray(v)) dropNulls(v);
  }
  return o;
}

function setManaged(obj: KObject, m: Managed): void {
  const enc = encodeManagedFields(m);
  obj.metadata ??= {};
  if (enc) obj.metadata.managedFields = enc;
  else delete obj.metadata.managedFields;
}

function isReset(mf: unknown): boolean {
  if (!Array.isArray(mf)) return false;
  if (mf.length === 0) return true;
  return mf.length === 1 && mf[0] !== null && typeof mf[0] === 'object' && Object.keys(mf[0]).length === 0;
}

function decodeOrEmpty(mf: unknown): Managed {
  try {
    return decodeManagedFields(mf);
  } catch {
    return emptyManaged();
  }
}

/** The managed fields to start from: the request's own (it may edit them), else the live object's. */
function decodeLiveOrNew(live: KObject | undefined, next: KObject, isSubresource: boolean): Managed {
  const liveMF = live?.metadata?.managedFields;
  if (isSubresource) return decodeOrEmpty(liveMF);
  const newMF = next.metadata?.managedFields;
  if (isReset(newMF)) return emptyManaged();
  try {
    const m = decodeManagedFields(newMF);
    if (m.fields.size > 0) return m;
  } catch {
    // fall back to the live object's entries, as upstream
  }
  return decodeOrEmpty(liveMF);
}

/**
 * Records a create/update/patch (operation Update) in next.metadata.managedFields.
 * live is undefined on create. Never fails: on an internal error the live entries are kept.
 */
export function updateManagedFields(scope: FieldManagerScope, live: KObject | undefined, next: KObject, manager: string, now = nowRFC3339()): void {
  const ctx = new Context(scope, now);
  const m = decodeLiveOrNew(live, next, scope.subresource !== '');
  try {
    if (live === undefined && m.fields.size === 0 && scope.subresource === '') createFields(ctx, next, m, manager);
    else ctx.update(live, next, m, manager);
    // scale entries take their time from the parent's entries, which have none (scalehandler.ToParent)
    if (scope.subresource === 'scale') for (const id of m.fields.keys()) if (parseIdentifier(id).subresource === 'scale') m.times.delete(id);
    setManaged(next, m);
  } catch {
    next.metadata ??= {};
    if (live?.metadata?.managedFields) next.metadata.managedFields = structuredClone(live.metadata.managedFields);
    else delete next.metadata.managedFields;
  }
}

/** Per scope (its updater): the fields a create owns, by the shape of the object created (see shapeKey); null when none. */
const createdShapes = new WeakMap<Updater, Map<string, FieldSet | null>>();
const MAX_SHAPES = 64;
const MAX_SHAPE_KEY = 4096;

/**
 * A create's Update entry. What a create owns depends on the object's shape alone, not on its names and values,
 * and controllers create the same shape again and again (a ReplicaSet's pods): worked out once per shape.
 */
function createFields(ctx: Context, next: KObject, m: Managed, manager: string): void {
  const key = shapeKey(next);
  if (key === undefined || key.length > MAX_SHAPE_KEY) return ctx.update(undefined, next, m, manager);
  let shapes = createdShapes.get(ctx.updater);
  if (!shapes) createdShapes.set(ctx.updater, (shapes = new Map()));
  const id = ctx.id(manager, 'Update');
  let set = shapes.get(key);
  if (set === undefined) {
    ctx.update(undefined, next, m, manager);
    set = m.fields.get(id)?.set ?? null;
    if (shapes.size >= MAX_SHAPES) shapes.clear();
    shapes.set(key, set);
    return;
  }
  if (!set) return;
  m.fields.set(id, { set, apiVersion: ctx.apiVersion, applied: false });
  m.times.set(id, ctx.now);
}

/**
 * What decides the fields an object owns when created: its map keys, which scalars are null or empty, and its
 * lists whole (an associative list's keys and a set's values are part of the field paths). Undefined past ~4 KiB.
 */
function shapeKey(v: unknown): string | undefined {
  let out = '';
  const walk = (x: unknown): boolean => {
    if (out.length > MAX_SHAPE_KEY) return false;
    if (x === null) out += 'n';
    else if (Array.isArray(x)) out += JSON.stringify(x);
    else if (typeof x === 'object') {
      out += '{';
      for (const k in x as KObject) {
        out += JSON.stringify(k) + ':';
        if (!walk((x as KObject)[k])) return false;
        out += ',';
      }
      out += '}';
    } else if (typeof x === 'string') out += x === '' ? 'e' : 's';
    else if (typeof x === 'number') out += x === 0 ? 'z' : 'd';
    else if (typeof x === 'boolean') out += x ? 't' : 'f';
    else return false;
    return true;
  };
  return walk(v) ? out : undefined;
}

/** The 409 for apply conflicts, with upstream's message and one cause per field. */
export function conflictError(conflicts: Conflict[]): StatusError {
  const causes = conflicts.map((c) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(c.manager)}`, field: pathString(c.path) }));
  let message: string;
  if (conflicts.length === 1) message = `Apply failed with 1 conflict: conflict with ${printManager(conflicts[0].manager)}: ${pathString(conflicts[0].path)}`;
  else {
    const by = new Map<string, string[]>();
    for (const c of conflicts) by.set(c.manager, [...(by.get(c.manager) ?? []), pathString(c.path)]);
    const lines: string[] = [];
    for (const id of [...by.keys()].sort()) {
      lines.push(`conflicts with ${printManager(id)}:`);
      for (const p of by.get(id)!) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(409, 'Conflict', message, { causes });
}

/** Fields of the last-applied annotation that still match the live object: kubectl may take them over without conflict. */
function allowedFromLastApplied(ctx: Context, live: KObject): FieldSet | undefined {
  const raw = live.metadata?.annotations?.[LAST_APPLIED];
  if (typeof raw !== 'string' || raw === '') return undefined;
  let last: KObject;
  try {
    last = JSON.parse(raw);
  } catch {
    return undefined;
  }
  if (last?.apiVersion !== ctx.apiVersion) return undefined;
  const set = toFieldSet(last as Value, ctx.node);
  const cmp = compare(last as Value, typedForm(live as Value, ctx.scope.kind, ctx.deduced), ctx.node);
  return set.difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
}

function buildLastApplied(config: KObject): string {
  const c = structuredClone(config);
  if (c.metadata?.annotations) delete c.metadata.annotations[LAST_APPLIED];
  return goJSON(c as Value) + '\n';
}

function setLastApplied(obj: KObject, value: string): void {
  const ann: Record<string, string> = (obj.metadata.annotations ??= {});
  ann[LAST_APPLIED] = value;
  let size = 0;
  for (const [k, v] of Object.entries(ann)) size += Buffer.byteLength(k) + Buffer.byteLength(String(v));
  if (size > MAX_ANNOTATIONS_BYTES) delete ann[LAST_APPLIED];
}

/**
 * Server-side apply of config onto live (an empty object when creating). Returns the object to
 * store, with managedFields; throws 400 (version), 409 (conflicts) or 500 (schema) StatusErrors.
 */
export function applyConfiguration(scope: FieldManagerScope, live: KObject | undefined, config: KObject, manager: string, force: boolean, now = nowRFC3339()): KObject {
  const ctx = new Context(scope, now);
  const base = live ?? {};
  const gv = String(config.apiVersion ?? '');
  if (gv !== ctx.apiVersion || (config.kind ?? '') !== scope.kind) {
    const g = gv.includes('/') ? gv : `/${gv}`;
    throw badRequest(`invalid object type: ${g}, Kind=${config.kind ?? ''}`);
  }
  let m: Managed;
  try {
    m = decodeManagedFields(base.metadata?.managedFields);
  } catch (e) {
    throw new StatusError(500, '', `failed to decode managed fields: ${(e as Error).message}`);
  }
  const snapshot = (): Managed => ({ fields: new Map(m.fields), times: new Map(m.times) });
  let result: KObject;
  let working = snapshot();
  try {
    result = ctx.apply(base, config, working, manager, force);
  } catch (e) {
    if (!(e instanceof ConflictsError)) throw e;
    // kubectl's first server-side apply takes over what client-side apply owned (lastAppliedManager)
    const allowed = manager === 'kubectl' ? allowedFromLastApplied(ctx, base) : undefined;
    if (!allowed) throw conflictError(e.conflicts);
    const remaining = e.conflicts.filter((c) => !allowed.has(c.path));
    if (remaining.length) throw conflictError(remaining);
    working = snapshot();
    result = ctx.apply(base, config, working, manager, true);
  }
  // server-side apply by kubectl keeps an existing last-applied annotation in sync (lastAppliedUpdater)
  if (manager === 'kubectl' && typeof result.metadata?.annotations?.[LAST_APPLIED] === 'string' && result.metadata.annotations[LAST_APPLIED] !== '')
    setLastApplied(result, buildLastApplied(config));
  setManaged(result, working);
  return result;
}

// a client sends the same User-Agent on every request: its manager is worked out once (a few agents are kept)
const managerOfAgent = new Map<string, string>();

/** The manager of a request: fieldManager, else the User-Agent up to the first `/` (printable, ≤ 128 bytes). */
export function managerOrUserAgent(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  const ua = userAgent ?? '';
  let m = managerOfAgent.get(ua);
  if (m === undefined) {
    m = agentManager(ua);
    if (managerOfAgent.size >= 64) managerOfAgent.clear();
    if (ua.length <= 256) managerOfAgent.set(ua, m);
  }
  return m;
}

function agentManager(userAgent: string): string {
  const first = userAgent.split('/')[0];
  let out = '';
  for (const ch of first) {
    if (!isPrintable(ch)) continue;
    if (Buffer.byteLength(out + ch) > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}

export const FIELD_MANAGER_MAX_LENGTH = 128;

/** Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export function isPrintable(ch: string): boolean {
  return ch === ' ' || /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u.test(ch);
}
