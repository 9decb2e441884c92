// The generic store: everything common to all kinds (keys, metadata, optimistic concurrency,
// generated names, selectors, paging, watch translation); each kind adds a small Strategy.
import { randomUUID } from 'node:crypto';
import { CompactedError, ConflictError, FutureRevisionError, KeyExistsError, NotFoundError, type Backend, type KeyValue, type WatchEvent as BackendEvent } from '../storage/backend.js';
import {
  OBJECT_MODIFIED,
  StatusError,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  invalidError,
  notFound,
  tooLargeResourceVersion,
  type FieldError,
} from '../apimachinery/errors.js';
import { parseFieldSelector, parseLabelSelector, type FieldSelector, type LabelSelector } from '../apimachinery/selectors.js';
import { validateObjectMeta } from '../apimachinery/validation.js';
import { normalizeLikeGo, stripLikeGo } from '../apimachinery/go-json.js';
import { apiVersionOf, type KObject, type ResourceDef, type StrategyContext } from './types.js';
import { deepEqual } from './util.js';
import { WatchCache, type CachedEvent } from './watch-cache.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** Answer with rawItems (JSON bytes) when the kind allows it. */
  raw?: boolean;
}

export interface ListResult {
  items: KObject[];
  /** With ListOptions.raw: the items as JSON bytes (items is then empty). */
  rawItems?: Buffer[];
  resourceVersion: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  gracePeriodSeconds?: number;
  propagationPolicy?: string;
  orphanDependents?: boolean;
  dryRun?: string[];
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface WatchSink {
  /** `json`, when given, is the JSON of obj, shared by every watcher of the event (obj must not be mutated). */
  event(type: WatchEventType, obj: KObject, revision: number, json?: () => string): void;
  /** The watch cannot go on (e.g. compacted). */
  error(err: StatusError): void;
}

export interface WatchOptions {
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  sendInitialEvents?: boolean;
}

export interface WatchHandle {
  stop(): void;
  /** Revision after which the initial state was sent (the start point of live events). */
  startRevision: number;
}

export type NamespaceCheck = (ns: string) => Promise<'active' | 'missing' | 'terminating'>;

const NAME_CHARS = 'bcdfghjklmnpqrstvwxz2456789';
const RAW_PREFIX = Buffer.from('{"metadata":{');

export function generateNameSuffix(): string {
  let s = '';
  for (let i = 0; i < 5; i++) s += NAME_CHARS[Math.floor(Math.random() * NAME_CHARS.length)];
  return s;
}

export function nowRFC3339(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
}

function encodeContinue(rv: number, lastKey: string): string {
  const t: ContinueToken = { v: 'meta.k8s.io/v1', rv, start: lastKey + '\u0000' };
  return Buffer.from(JSON.stringify(t)).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as ContinueToken;
    if (t.v !== 'meta.k8s.io/v1' || typeof t.rv !== 'number' || typeof t.start !== 'string' || (t.rv < 1 && t.rv !== -1)) throw new Error('bad');
    return t;
  } catch {
    throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  }
}

function parseRV(rv: string, what = 'resourceVersion'): number {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid ${what}: ${rv}`);
  return Number(rv);
}

function listOptionsInvalid(field: string, detail: string, badValue?: unknown): StatusError {
  const err: FieldError = badValue === undefined ? { type: 'FieldValueForbidden', field, detail } : { type: 'FieldValueInvalid', field, badValue, detail };
  return invalidError({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [err]);
}

export class Store {
  readonly gr: { group: string; resource: string };
  readonly gk: { group: string; kind: string };
  private readonly apiVersion: string;

  constructor(
    readonly def: ResourceDef,
    private readonly backend: Backend,
    private readonly checkNamespace: NamespaceCheck,
  ) {
    this.gr = { group: def.group, resource: def.resource };
    this.gk = { group: def.group, kind: def.kind };
    this.apiVersion = apiVersionOf(def);
    this.cache = def.createOnly ? undefined : new WatchCache(backend, def.keyPrefix, (kv) => this.decode(kv));
  }

  private readonly cache?: WatchCache;

  /** Stops the watch cache's storage watch (server shutdown). */
  close(): void {
    this.cache?.close();
  }

  key(ns: string, name: string): string {
    return this.def.namespaced ? `${this.def.keyPrefix}${ns}/${name}` : `${this.def.keyPrefix}${name}`;
  }

  prefix(ns: string): string {
    return this.def.namespaced && ns ? `${this.def.keyPrefix}${ns}/` : this.def.keyPrefix;
  }

  decode(kv: KeyValue): KObject {
    let obj = JSON.parse(kv.value.toString('utf8')) as KObject;
    if (this.def.convert) obj = this.def.convert.fromStorage(obj);
    obj.metadata.resourceVersion = String(kv.modRevision);
    return obj;
  }

  /**
   * The stored bytes as the JSON answer, with resourceVersion spliced in: objects are stored with
   * `metadata` first so reads need no parse and no re-serialisation. Undefined when conversion is needed.
   */
  raw(kv: KeyValue): Buffer | undefined {
    if (this.def.convert) return undefined;
    const v = kv.value;
    if (v.length < RAW_PREFIX.length + 1 || v.compare(RAW_PREFIX, 0, RAW_PREFIX.length, 0, RAW_PREFIX.length) !== 0) return undefined;
    const empty = v[RAW_PREFIX.length] === 0x7d; // '}': metadata has no other field
    return Buffer.concat([RAW_PREFIX, Buffer.from(`"resourceVersion":"${kv.modRevision}"${empty ? '' : ','}`), v.subarray(RAW_PREFIX.length)]);
  }

  private encode(obj: KObject): Buffer {
    const rv = obj.metadata.resourceVersion;
    delete obj.metadata.resourceVersion;
    const { metadata, ...rest } = this.def.convert ? this.def.convert.toStorage(obj) : obj;
    const restJSON = JSON.stringify(rest);
    const buf = Buffer.from(restJSON === '{}' ? `{"metadata":${JSON.stringify(metadata)}}` : `{"metadata":${JSON.stringify(metadata)},${restJSON.slice(1)}`);
    if (rv !== undefined) obj.metadata.resourceVersion = rv;
    return buf;
  }

  /** GET as JSON bytes (undefined when the kind needs conversion: use get()). */
  async getRaw(ns: string, name: string, resourceVersion?: string): Promise<Buffer | undefined> {
    if (this.def.convert) return undefined;
    if (resourceVersion && resourceVersion !== '0') {
      const n = parseRV(resourceVersion);
      const cur = await this.backend.currentRevision();
      if (n > cur) throw tooLargeResourceVersion(n, cur);
    }
    const key = this.key(ns, name);
    const cache = this.cache;
    cache?.start();
    // the cache answers when storage has nothing newer than what it delivered (same rule as lists)
    const current = cache?.currentRevision();
    const kv = current && current === (await this.backend.currentRevision()) ? cache!.get(key) : await this.backend.get(key);
    if (!kv) throw notFound(this.gr, name);
    return this.raw(kv) ?? Buffer.from(JSON.stringify(this.decode(kv)));
  }

  selectableFields(obj: KObject): Record<string, string> {
    const f: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
    if (this.def.namespaced) f['metadata.namespace'] = obj.metadata?.namespace ?? '';
    const extra = this.def.strategy.selectableFields?.(obj);
    return extra ? Object.assign(f, extra) : f;
  }

  private predicate(labelSel: LabelSelector, fieldSel: FieldSelector): ((o: KObject) => boolean) | undefined {
    if (labelSel.empty && fieldSel.empty) return undefined;
    for (const r of fieldSel.requirements) {
      const probe = this.selectableFields({ metadata: {} });
      if (!(r.field in probe) && !this.fieldKnown(r.field))
        throw badRequest(`field label not supported: ${r.field}`);
    }
    return (o) => labelSel.matches(o.metadata?.labels) && fieldSel.matches(this.selectableFields(o));
  }

  /** Throws a 400 for selectors this resource cannot serve (checked before a watch stream starts). */
  checkSelectors(labelSelector?: string, fieldSelector?: string): void {
    this.predicate(parseLabelSelector(labelSelector), parseFieldSelector(fieldSelector));
  }

  private fieldKnown(field: string): boolean {
    const sample = this.def.strategy.selectableFields?.({ metadata: {}, spec: {}, status: {} });
    return !!sample && field in sample;
  }

  async get(ns: string, name: string, resourceVersion?: string): Promise<KObject> {
    let revision: number | undefined;
    if (resourceVersion && resourceVersion !== '0') {
      const n = parseRV(resourceVersion);
      const cur = await this.backend.currentRevision();
      if (n > cur) throw tooLargeResourceVersion(n, cur);
    }
    const kv = await this.backend.get(this.key(ns, name), revision);
    if (!kv) throw notFound(this.gr, name);
    return this.decode(kv);
  }

  async list(ns: string, opts: ListOptions): Promise<ListResult> {
    const labelSel = parseLabelSelector(opts.labelSelector);
    const fieldSel = parseFieldSelector(opts.fieldSelector);
    const pred = this.predicate(labelSel, fieldSel);
    const rvMatch = opts.resourceVersionMatch ?? '';
    const rvStr = opts.resourceVersion ?? '';
    if (rvMatch && rvMatch !== 'Exact' && rvMatch !== 'NotOlderThan')
      throw listOptionsInvalid('resourceVersionMatch', 'supported values: "Exact", "NotOlderThan"', rvMatch);
    if (rvMatch && !rvStr) throw listOptionsInvalid('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided');
    if (rvMatch === 'Exact' && rvStr === '0') throw listOptionsInvalid('resourceVersionMatch', 'resourceVersionMatch "exact" is forbidden for resourceVersion "0"');
    if (opts.continue && rvStr && rvStr !== '0') throw listOptionsInvalid('resourceVersion', 'specifying resource version is not allowed when using continue');
    if (opts.continue && rvMatch) throw listOptionsInvalid('resourceVersionMatch', 'resourceVersionMatch is forbidden when continue is provided');

    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const prefix = this.prefix(ns);
    this.cache?.start();
    const fromCache = await this.listFromCache(prefix, opts, limit, rvStr, rvMatch, pred);
    if (fromCache) return fromCache;
    let revision = 0;
    let startAfter: string | undefined;
    if (opts.continue) {
      const t = decodeContinue(opts.continue);
      if (!t.start.endsWith('\u0000')) throw badRequest('continue key is not valid: invalid start key');
      startAfter = prefix + t.start.slice(0, -1);
      // rv -1: the token handed out with an expired one, which continues at the latest revision
      revision = t.rv === -1 ? 0 : t.rv;
    } else if (rvStr && rvStr !== '0') {
      const n = parseRV(rvStr);
      const cur = await this.backend.currentRevision();
      if (n > cur) throw tooLargeResourceVersion(n, cur);
      if (rvMatch === 'Exact' || (!rvMatch && limit > 0)) revision = n;
    }

    // Narrow to one key when the field selector names the object (watches and waits do this).
    const onlyName = fieldSel.requiredValue('metadata.name');
    const items: KObject[] = [];
    const wantRaw = !!opts.raw && !this.def.convert;
    const rawItems: Buffer[] = [];
    // adds the item if it matches; raw answers skip parsing unless a selector needs the object
    const take = (kv: KeyValue): boolean => {
      if (wantRaw) {
        if (pred && !pred(this.decode(kv))) return false;
        rawItems.push(this.raw(kv) ?? Buffer.from(JSON.stringify(this.decode(kv))));
        return true;
      }
      const o = this.decode(kv);
      if (pred && !pred(o)) return false;
      items.push(o);
      return true;
    };
    const taken = () => (wantRaw ? rawItems.length : items.length);
    let readRev = revision;
    let lastKey: string | undefined;
    let more = false;
    let remaining = 0;
    try {
      if (onlyName !== undefined && (this.def.namespaced ? ns : true) && !opts.continue) {
        const kv = await this.backend.get(this.key(ns, onlyName), revision || undefined);
        readRev = revision || (await this.backend.currentRevision());
        if (kv) take(kv);
      } else {
        const batch = limit > 0 ? Math.max(limit, pred ? 256 : limit) : 0;
        for (;;) {
          const r = await this.backend.list(prefix, { revision: readRev || undefined, limit: batch || undefined, startAfter });
          readRev = r.revision;
          let stopped = false;
          for (let i = 0; i < r.items.length; i++) {
            const kv = r.items[i];
            if (take(kv) && limit > 0 && taken() === limit) {
              lastKey = kv.key;
              const left = r.items.length - i - 1 + r.remaining;
              more = left > 0;
              remaining = left;
              stopped = true;
              break;
            }
          }
          if (stopped || r.remaining === 0 || r.items.length === 0) break;
          startAfter = r.items[r.items.length - 1].key;
        }
      }
    } catch (e) {
      if (e instanceof CompactedError) {
        if (opts.continue && startAfter !== undefined) {
          const fresh: ContinueToken = { v: 'meta.k8s.io/v1', rv: -1, start: startAfter.slice(prefix.length) + '\u0000' };
          throw new StatusError(
            410,
            'Expired',
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
            undefined,
            undefined,
            { continue: Buffer.from(JSON.stringify(fresh)).toString('base64url') },
          );
        }
        throw expired(`The resourceVersion for the provided list is too old.`);
      }
      if (e instanceof FutureRevisionError) throw tooLargeResourceVersion(e.requested, e.current);
      throw e;
    }
    const res: ListResult = { items, resourceVersion: String(readRev) };
    if (wantRaw) res.rawItems = rawItems;
    if (more && lastKey) {
      res.continue = encodeContinue(readRev, lastKey.slice(prefix.length));
      if (!pred) res.remainingItemCount = remaining;
    }
    return res;
  }

  /**
   * Whole lists (no paging) at the latest revision, or at "any" (resourceVersion=0), come from the
   * watch cache when it has caught up with storage; everything else reads storage.
   */
  private async listFromCache(prefix: string, opts: ListOptions, limit: number, rvStr: string, rvMatch: string, pred: ((o: KObject) => boolean) | undefined): Promise<ListResult | undefined> {
    const cache = this.cache;
    if (!cache?.ready || opts.continue || rvMatch === 'Exact') return undefined;
    if (limit > 0 && rvStr !== '0') return undefined;
    const current = cache.currentRevision();
    if (!current) return undefined;
    if (rvStr !== '' && rvStr !== '0' && (!/^\d+$/.test(rvStr) || Number(rvStr) > current)) return undefined;
    // "most recent" must include writes of other processes sharing the store: only when none is pending
    if (rvStr !== '0' && current !== (await this.backend.currentRevision())) return undefined;
    const kvs = cache.list(prefix);
    if (!kvs) return undefined;
    const res: ListResult = { items: [], resourceVersion: String(current) };
    const wantRaw = !!opts.raw && !this.def.convert;
    if (wantRaw) res.rawItems = [];
    for (const kv of kvs) {
      if (pred && !pred(this.decode(kv))) continue;
      if (wantRaw) res.rawItems!.push(this.raw(kv) ?? Buffer.from(JSON.stringify(this.decode(kv))));
      else res.items.push(this.decode(kv));
    }
    return res;
  }

  private ctxFor(ns: string, base: Omit<StrategyContext, 'namespace'>): StrategyContext {
    return { ...base, namespace: ns };
  }

  /** Fill system metadata and run defaults + validation for a new object (shared by create and create-on-update). */
  private async prepareCreate(ns: string, obj: KObject, ctx: StrategyContext): Promise<void> {
    const meta = (obj.metadata ??= {});
    if (this.def.namespaced) {
      if (meta.namespace && ns && meta.namespace !== ns)
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      if (ns) meta.namespace = ns;
    } else {
      delete meta.namespace;
    }
    obj.apiVersion = this.apiVersion;
    obj.kind = this.def.kind;
    if (!meta.name && meta.generateName) meta.name = meta.generateName + generateNameSuffix();
    meta.uid = randomUUID();
    meta.creationTimestamp = nowRFC3339();
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.def.generation) meta.generation = 1;
    else delete meta.generation;
    if (this.def.statusSubresource && this.def.kind !== 'Pod' && this.def.kind !== 'Namespace' && this.def.kind !== 'Node') delete obj.status;
    // as upstream: decode into the Go type (unset = absent for our defaulting), default, then print as Go does
    stripLikeGo(obj, this.apiVersion, this.def.kind);
    await this.def.strategy.prepareForCreate?.(obj, ctx);
    normalizeLikeGo(obj, this.apiVersion, this.def.kind);
    const errs = validateObjectMeta(meta, this.def.namespaced, this.def.nameValidation);
    errs.push(...(this.def.strategy.validate?.(obj, ctx) ?? []));
    if (errs.length) throw invalidError(this.gk, meta.name ?? '', errs);
  }

  private async ensureNamespace(ns: string): Promise<void> {
    if (!this.def.namespaced) return;
    const state = await this.checkNamespace(ns);
    if (state === 'missing') throw notFound({ group: '', resource: 'namespaces' }, ns);
    if (state === 'terminating')
      throw forbidden(this.gr, '', `unable to create new content in namespace ${ns} because it is being terminated`);
  }

  /** beforeWrite sees the prepared object just before it is stored (the handler records managedFields there). */
  async create(ns: string, obj: KObject, base: Omit<StrategyContext, 'namespace'>, beforeWrite?: (obj: KObject) => void): Promise<KObject> {
    const ctx = this.ctxFor(ns, base);
    await this.prepareCreate(ns, obj, ctx);
    await this.ensureNamespace(obj.metadata.namespace);
    beforeWrite?.(obj);
    if (ctx.dryRun) return obj;
    try {
      const kv = await this.backend.create(this.key(obj.metadata.namespace ?? '', obj.metadata.name), this.encode(obj));
      obj.metadata.resourceVersion = String(kv.modRevision);
      return obj;
    } catch (e) {
      if (e instanceof KeyExistsError) throw alreadyExists(this.gr, obj.metadata.name);
      throw e;
    }
  }

  /**
   * The one compare-and-swap primitive: read, let tryUpdate compute the next state, write with the
   * read revision, retry on a lost race. tryUpdate returns null to create nothing / change nothing.
   */
  async guaranteedUpdate(
    ns: string,
    name: string,
    tryUpdate: (cur: KObject | undefined) => Promise<KObject | null>,
    opts: { dryRun: boolean; onCreate?: (obj: KObject) => Promise<KObject> },
  ): Promise<{ obj: KObject; created: boolean }> {
    const key = this.key(ns, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.backend.get(key);
      const cur = kv ? this.decode(kv) : undefined;
      const next = await tryUpdate(cur ? structuredClone(cur) : undefined);
      if (!cur) {
        if (!next) throw notFound(this.gr, name);
        if (!opts.onCreate) throw notFound(this.gr, name);
        return { obj: await opts.onCreate(next), created: true };
      }
      if (!next) return { obj: cur, created: false };
      next.metadata.resourceVersion = cur.metadata.resourceVersion;
      const bytes = this.encode(next);
      if (bytes.equals(kv!.value)) return { obj: cur, created: false };
      if (opts.dryRun) return { obj: next, created: false };
      try {
        // an update that empties the finalizers of an object being deleted deletes it instead (no write of the emptied object)
        if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0 && this.def.kind !== 'Namespace') {
          const out = await this.backend.delete(key, kv!.modRevision);
          next.metadata.resourceVersion = String(out.modRevision);
          return { obj: next, created: false };
        }
        const out = await this.backend.update(key, bytes, kv!.modRevision);
        next.metadata.resourceVersion = String(out.modRevision);
        return { obj: next, created: false };
      } catch (e) {
        if (e instanceof ConflictError && attempt < 50) continue;
        if (e instanceof NotFoundError) throw notFound(this.gr, name);
        throw e;
      }
    }
  }

  /** Carry system fields over from the stored object and run update strategy + validation. */
  async prepareUpdate(ns: string, name: string, obj: KObject, old: KObject, ctx: StrategyContext, subresource = ''): Promise<KObject> {
    stripLikeGo(obj, this.apiVersion, this.def.kind);
    const meta = (obj.metadata ??= {});
    if (meta.name !== undefined && meta.name !== name)
      throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${name})`);
    if (this.def.namespaced && meta.namespace && meta.namespace !== ns)
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    const rv = meta.resourceVersion;
    if (rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion) throw conflict(this.gr, name, OBJECT_MODIFIED);
    meta.name = name;
    if (this.def.namespaced) meta.namespace = ns;
    else delete meta.namespace;
    obj.apiVersion = this.apiVersion;
    obj.kind = this.def.kind;
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
    if (subresource === 'status') {
      // status writes keep spec and everything in metadata but labels, annotations and finalizers... as upstream
      const keepMeta = { labels: meta.labels, annotations: meta.annotations };
      const status = obj.status;
      for (const k of Object.keys(obj)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata') delete obj[k];
      for (const k of Object.keys(old)) if (k !== 'apiVersion' && k !== 'kind' && k !== 'metadata' && k !== 'status') obj[k] = structuredClone(old[k]);
      if (status !== undefined) obj.status = status;
      obj.metadata = { ...structuredClone(old.metadata), ...keepMeta };
      if (keepMeta.labels === undefined) delete obj.metadata.labels;
      if (keepMeta.annotations === undefined) delete obj.metadata.annotations;
    } else {
      if (this.def.statusSubresource) {
        if (old.status !== undefined) obj.status = structuredClone(old.status);
        else delete obj.status;
      }
      await this.def.strategy.prepareForUpdate?.(obj, old, ctx);
    }
    // before the spec comparison, so that shapes only our defaulting produces cannot bump the generation
    normalizeLikeGo(obj, this.apiVersion, this.def.kind);
    if (subresource !== 'status' && this.def.generation && !deepEqual(specOf(obj), specOf(old))) meta.generation = (old.metadata.generation ?? 0) + 1;
    errs.push(...validateObjectMeta(obj.metadata, this.def.namespaced, this.def.nameValidation).filter((e) => e.field !== 'metadata.name' || e.type !== 'FieldValueRequired'));
    errs.push(...(this.def.strategy.validateUpdate?.(obj, old, ctx) ?? this.def.strategy.validate?.(obj, ctx) ?? []));
    if (errs.length) throw invalidError(this.gk, name, errs);
    return obj;
  }

  /** PUT. */
  async update(ns: string, name: string, obj: KObject, base: Omit<StrategyContext, 'namespace'>, subresource = ''): Promise<{ obj: KObject; created: boolean }> {
    const ctx = this.ctxFor(ns, base);
    if (obj.metadata?.name !== undefined && obj.metadata.name !== name)
      throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
    return this.guaranteedUpdate(
      ns,
      name,
      async (cur) => {
        if (!cur) {
          if (!this.def.allowCreateOnUpdate || subresource) throw notFound(this.gr, name);
          return structuredClone(obj);
        }
        return this.prepareUpdate(ns, name, structuredClone(obj), cur, ctx, subresource);
      },
      {
        dryRun: ctx.dryRun,
        onCreate: async (o) => {
          if (o.metadata?.resourceVersion) throw notFound(this.gr, name);
          return this.create(ns, o, base);
        },
      },
    );
  }

  /** Deletes or starts deleting (finalizers, graceful). Returns the object and whether it is gone. */
  async delete(ns: string, name: string, opts: DeleteOptions, base: Omit<StrategyContext, 'namespace'>): Promise<{ obj: KObject; gone: boolean }> {
    const ctx = this.ctxFor(ns, base);
    const key = this.key(ns, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.backend.get(key);
      if (!kv) throw notFound(this.gr, name);
      const cur = this.decode(kv);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== cur.metadata.uid)
        throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
      if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion)
        throw conflict(this.gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
      this.def.strategy.beforeDelete?.(cur, ctx);
      const graceful = this.gracefulDeletion(cur, opts);
      if (graceful) {
        if (cur.metadata.deletionTimestamp && !graceful.changed) return { obj: cur, gone: false };
        if (ctx.dryRun) return { obj: graceful.obj, gone: false };
        try {
          const out = await this.backend.update(key, this.encode(graceful.obj), kv.modRevision);
          graceful.obj.metadata.resourceVersion = String(out.modRevision);
          return { obj: graceful.obj, gone: false };
        } catch (e) {
          if (e instanceof ConflictError && attempt < 50) continue;
          throw e;
        }
      }
      if (ctx.dryRun) return { obj: cur, gone: true };
      try {
        const out = await this.backend.delete(key, kv.modRevision);
        cur.metadata.resourceVersion = String(out.modRevision);
        this.def.strategy.afterDelete?.(cur, ctx);
        return { obj: cur, gone: true };
      } catch (e) {
        if (e instanceof ConflictError && attempt < 50) continue;
        if (e instanceof NotFoundError) throw notFound(this.gr, name);
        throw e;
      }
    }
  }

  /**
   * Decide whether deletion is deferred: objects with finalizers (after adding the garbage
   * collector's `orphan`/`foregroundDeletion` finalizers as the propagation policy asks, as upstream
   * does) and namespaces with spec finalizers get a deletionTimestamp instead of being removed.
   */
  private gracefulDeletion(cur: KObject, opts: DeleteOptions): { obj: KObject; changed: boolean } | undefined {
    let finalizers: string[] = [...(cur.metadata.finalizers ?? [])];
    const policy = opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : undefined);
    if (policy === 'Orphan') finalizers = [...finalizers.filter((f) => f !== 'foregroundDeletion'), ...(finalizers.includes('orphan') ? [] : ['orphan'])];
    else if (policy === 'Foreground') finalizers = [...finalizers.filter((f) => f !== 'orphan'), ...(finalizers.includes('foregroundDeletion') ? [] : ['foregroundDeletion'])];
    else if (policy === 'Background') finalizers = finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
    const isNamespace = this.def.kind === 'Namespace';
    const nsFinalizers: string[] = isNamespace ? cur.spec?.finalizers ?? [] : [];
    const grace = this.def.strategy.gracePeriod?.(cur, opts.gracePeriodSeconds) ?? 0;
    const curGrace = cur.metadata.deletionGracePeriodSeconds;
    // a graceful delete that is already under way ends now when asked with a zero grace period
    const graceDone = cur.metadata.deletionTimestamp !== undefined && curGrace !== undefined && grace === 0;
    if (finalizers.length === 0 && nsFinalizers.length === 0 && (grace === 0 || graceDone)) return undefined;
    const obj = structuredClone(cur);
    let changed = false;
    if (grace > 0 && (curGrace === undefined || grace < curGrace)) {
      obj.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
      obj.metadata.deletionGracePeriodSeconds = grace;
      changed = true;
    }
    if (!deepEqual(finalizers, cur.metadata.finalizers ?? [])) {
      obj.metadata.finalizers = finalizers;
      changed = true;
    }
    if (!obj.metadata.deletionTimestamp) {
      obj.metadata.deletionTimestamp = nowRFC3339();
      obj.metadata.deletionGracePeriodSeconds = 0;
      changed = true;
    }
    if (isNamespace && obj.status?.phase !== 'Terminating') {
      obj.status = { ...(obj.status ?? {}), phase: 'Terminating' };
      changed = true;
    }
    return { obj, changed };
  }

  /** Namespaces: called by the namespace controller once content is gone. */
  async finalizeNamespace(name: string): Promise<void> {
    const key = this.key('', name);
    const kv = await this.backend.get(key);
    if (!kv) return;
    try {
      await this.backend.delete(key, kv.modRevision);
    } catch (e) {
      if (!(e instanceof ConflictError) && !(e instanceof NotFoundError)) throw e;
    }
  }

  async currentRevision(): Promise<number> {
    return this.backend.currentRevision();
  }

  async watch(ns: string, opts: WatchOptions, sink: WatchSink): Promise<WatchHandle> {
    const labelSel = parseLabelSelector(opts.labelSelector);
    const fieldSel = parseFieldSelector(opts.fieldSelector);
    const pred = this.predicate(labelSel, fieldSel) ?? (() => true);
    const onlyName = fieldSel.requiredValue('metadata.name');
    const prefix = onlyName !== undefined && (!this.def.namespaced || ns) ? this.key(ns, onlyName) : this.prefix(ns);
    const rvStr = opts.resourceVersion ?? '';
    let after: number;
    if (opts.sendInitialEvents || rvStr === '' || rvStr === '0') {
      if (opts.sendInitialEvents === false && rvStr) {
        after = rvStr === '0' ? await this.backend.currentRevision() : parseRV(rvStr);
      } else {
        const l = await this.list(ns, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
        after = Number(l.resourceVersion);
        for (const o of l.items) sink.event('ADDED', o, Number(o.metadata.resourceVersion));
      }
    } else {
      after = parseRV(rvStr);
    }
    let stopped = false;
    // events from the watch cache carry their decoded object and JSON, shared with other watchers
    const onEvent = (ev: BackendEvent | CachedEvent) => {
      if (stopped) return;
      const rev = ev.kv.modRevision;
      const cached = 'obj' in ev ? ev : undefined;
      const o = cached ? cached.obj() : this.decode(ev.kv);
      const json = cached ? cached.json : undefined;
      if (ev.type === 'create') {
        if (pred(o)) sink.event('ADDED', o, rev, json);
      } else if (ev.type === 'update') {
        const prev = cached ? cached.prevObj() : ev.prevKv ? this.decode(ev.prevKv) : undefined;
        const curM = pred(o);
        const prevM = prev ? pred(prev) : false;
        if (curM && (prevM || !prev)) sink.event('MODIFIED', o, rev, json);
        else if (curM) sink.event('ADDED', o, rev, json);
        else if (prevM && prev) {
          const last = structuredClone(prev);
          last.metadata.resourceVersion = String(rev);
          sink.event('DELETED', last, rev);
        }
      } else if (pred(o)) {
        sink.event('DELETED', o, rev, json);
      }
    };
    const onError = (err: Error) => {
      if (stopped) return;
      // a cache or storage watch that fell behind a compaction: the client must list again, as upstream
      if (err instanceof CompactedError) sink.error(new StatusError(410, 'Expired', `too old resource version: ${err.requested} (${err.compacted})`));
      else sink.error(err instanceof StatusError ? err : new StatusError(500, 'InternalError', err.message));
    };
    this.cache?.start();
    const fromCache = this.cache?.watch(prefix, after, onEvent, onError);
    if (fromCache) {
      return {
        startRevision: after,
        stop: () => {
          stopped = true;
          fromCache.stop();
        },
      };
    }
    try {
      const w = this.backend.watch(prefix, {
        afterRevision: after,
        onEvent,
        onError,
      });
      return {
        startRevision: after,
        stop: () => {
          stopped = true;
          w.stop();
        },
      };
    } catch (e) {
      if (e instanceof CompactedError) {
        sink.error(new StatusError(410, 'Expired', `too old resource version: ${after} (${e.compacted})`));
        return { startRevision: after, stop: () => {} };
      }
      throw e;
    }
  }
}

function specOf(o: KObject): unknown {
  const rest: KObject = {};
  for (const k of Object.keys(o)) if (k !== 'metadata' && k !== 'status' && k !== 'apiVersion' && k !== 'kind') rest[k] = o[k];
  return rest;
}
