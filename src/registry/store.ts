// The generic store: everything common to all kinds (keys, metadata, optimistic concurrency, generated
// names, finalizers, graceful deletion, selectors, paging, watch translation); each kind adds a small Strategy.
// It owns the write sequence: read → transform → prepare (strategy, validation) → hooks → compare-and-swap.
import { CompactedError, ConflictError, FutureRevisionError, KeyExistsError, NotFoundError, type Backend, type KeyValue, type WatchEvent as BackendEvent } from '../storage/backend.js';
import { StatusError, alreadyExists, badRequest, conflict, expired, forbidden, notFound, tooLargeResourceVersion } from '../apimachinery/errors.js';
import { parseFieldSelector, parseLabelSelector, type FieldSelector, type LabelSelector } from '../apimachinery/selectors.js';
import { goJSON, isTypedKind } from '../apimachinery/go-json-encode.js';
import { logError } from '../log/index.js';
import { deferredDeletion, shouldDeleteDuringUpdate } from './deletion.js';
import { typeMetaHead, withResourceVersion, withResourceVersionText, withoutTypeMeta } from './stored-json.js';
import { ListItems } from './list-items.js';
import { decodeContinue, encodeContinue, expiredContinue, parseRV, validateListOptions } from './list-options.js';
import { prepareCreate, prepareUpdate } from './prepare.js';
import { apiVersionOf, type AsyncConversion, type KObject, type RequestContext, type ResourceDef } from './types.js';

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** Answer with rawItems (JSON bytes) when the kind allows it. */
  raw?: boolean;
  /** Answer with the stored values (storedItems, for decode() one at a time) when nothing needs the objects sooner. */
  lazy?: boolean;
}

export interface ListResult {
  items: KObject[];
  /** With ListOptions.raw: the items as JSON bytes (items is then empty). */
  rawItems?: ListItems;
  /** With ListOptions.lazy: the stored values (items is then empty). */
  storedItems?: KeyValue[];
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

export interface UpdateOptions {
  /** '' for the main resource, 'status' keeps everything but status. */
  subresource?: string;
  /** Create the object when it is missing (PUT on kinds that allow it, server-side apply). */
  createIfMissing?: boolean;
  /** Store what the transform returns as it is, without strategy and validation (bindings, controllers' internal writes). */
  raw?: boolean;
  /** Sees the prepared object right before it is stored (managedFields); cur is undefined on create. */
  beforeWrite?(next: KObject, cur: KObject | undefined): void;
  /** The transform replaces the object whatever it is (a PUT): it is not handed a copy of the current one. */
  replaces?: boolean;
}

export interface WriteResult {
  obj: KObject;
  created: boolean;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** The JSON forms of one event's object, each printed once and shared by every watcher of the event. */
export interface EventJSON {
  /** The object as stored. */
  full(): string;
  /** A built-in kind's metadata as full() prints it (ObjectMeta in Go's field order); undefined for others. */
  metadata(): string | undefined;
  /** The object itself, decoded once for every watcher (it must not be mutated). */
  object(): KObject;
  /** Another form of it (e.g. PartialObjectMetadata of one version), printed by `make` for the first watcher asking. */
  form(key: string, make: () => string): string;
}

/** Index just past the JSON object starting at s[i] (`{`), strings skipped; -1 when it does not close. */
function objectEnd(s: string, i: number): number {
  let depth = 0;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < s.length; i++) {
        const d = s.charCodeAt(i);
        if (d === 0x5c) i++;
        else if (d === 0x22) break;
      }
    } else if (c === 0x7b || c === 0x5b) depth++;
    else if ((c === 0x7d || c === 0x5d) && --depth === 0) return i + 1;
  }
  return -1;
}

class SharedEventJSON implements EventJSON {
  private json?: string;
  private meta?: string | null;
  private forms?: Map<string, string>;

  /** `metadataAt`: what a typed object's JSON starts with up to its metadata's `{` (none for other kinds). */
  constructor(
    private readonly print: () => string,
    readonly object: () => KObject,
    private readonly metadataAt?: string,
  ) {}

  full(): string {
    return (this.json ??= this.print());
  }

  metadata(): string | undefined {
    if (this.meta === undefined) {
      this.meta = null;
      const s = this.full();
      const at = this.metadataAt;
      if (at && s.startsWith(at)) {
        const end = objectEnd(s, at.length - 1);
        if (end > 0) this.meta = s.slice(at.length - 1, end);
      }
    }
    return this.meta ?? undefined;
  }

  form(key: string, make: () => string): string {
    let s = this.forms?.get(key);
    if (s === undefined) (this.forms ??= new Map()).set(key, (s = make()));
    return s;
  }
}

export interface WatchSink {
  /** `json`, when given, prints obj once for every watcher of the event (obj must not be mutated). */
  event(type: WatchEventType, obj: KObject, revision: number, json?: EventJSON): void;
  /** When present, takes the events of a watch without selectors as JSON, the object decoded only if json.object() is asked. */
  encoded?(type: WatchEventType, revision: number, json: EventJSON): void;
  /** The watch cannot go on (e.g. compacted). */
  error(err: StatusError): void;
  /** Ends the watch without an error event (the client watches again); without it, error() is called. */
  end?(): void;
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

/** A storage event decoded once for every watcher of it. */
interface DecodedEvent {
  obj?: KObject;
  prev?: KObject | null;
  json?: EventJSON;
}

const MAX_CAS_ATTEMPTS = 50;

export class Store {
  readonly gr: { group: string; resource: string };
  readonly gk: { group: string; kind: string };
  private readonly apiVersion: string;
  /** Printed as a Go struct (built-in kinds) rather than as unstructured content with sorted keys. */
  private readonly typed: boolean;
  /** `{"kind":...,"apiVersion":...` as stored objects of this kind begin. */
  private readonly head: Buffer;
  /** A typed object's JSON up to its metadata's `{`, to find its metadata in the printed event without decoding it. */
  private readonly metadataAt?: string;
  /** The event being dispatched, decoded once for all its watchers (not kept: the cache window holds many). */
  private lastEvent?: BackendEvent;
  private lastDecoded: DecodedEvent = {};
  /** The printed JSON of objects this store just wrote, so the answer to a write is not printed twice. */
  private readonly written = new WeakMap<KObject, Buffer>();
  /** Conversion that calls out (CRD conversion webhook): reads and writes await it; everything else stays synchronous. */
  private readonly hook?: AsyncConversion;
  /** The event being dispatched, converted through the hook once for all its watchers (only the last: the cache window holds many). */
  private lastHooked?: { key: object; converted: Promise<DecodedEvent> };

  constructor(
    readonly def: ResourceDef,
    private readonly storage: Backend,
    private readonly checkNamespace: NamespaceCheck,
  ) {
    this.gr = { group: def.group, resource: def.resource };
    this.gk = { group: def.group, kind: def.kind };
    this.apiVersion = apiVersionOf(def);
    this.typed = !def.customResource && isTypedKind(this.apiVersion, def.kind);
    this.head = typeMetaHead(def.kind, this.apiVersion);
    if (this.typed) this.metadataAt = `${this.head.toString('utf8')},"metadata":{`;
    this.hook = def.convert?.webhook;
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

  /** decode, then through the conversion hook when there is one. */
  private async read(kv: KeyValue): Promise<KObject> {
    const obj = this.decode(kv);
    return this.hook ? (await this.hook.fromStorage([obj]))[0]! : obj;
  }

  /** Stored values in this version, converted in one call when there is a hook. */
  private async readAll(kvs: KeyValue[]): Promise<KObject[] | undefined> {
    return this.hook && kvs.length ? this.hook.fromStorage(kvs.map((kv) => this.decode(kv))) : undefined;
  }

  /** The answer to a write through the hook: the stored object read back into this version, as upstream decodes what it wrote. */
  private async answer(stored: KObject, obj: KObject): Promise<KObject> {
    return stored === obj ? obj : (await this.hook!.fromStorage([stored]))[0]!;
  }

  /** The JSON the API prints for a stored value (as a list item: without kind and apiVersion, for built-in kinds). */
  json(kv: KeyValue, item = false): Buffer {
    let out = this.def.convert ? undefined : withResourceVersion(kv.value, kv.modRevision, this.typed);
    out ??= Buffer.from(goJSON(this.decode(kv)));
    return item && this.typed ? withoutTypeMeta(out, this.def.kind, this.apiVersion) : out;
  }

  /** Adds a stored value to a raw list, as the stored bytes it prints from when it can. */
  private addListItem(items: ListItems, kv: KeyValue): void {
    if (!this.def.convert && items.addStored(kv.value, kv.modRevision, this.typed, this.typed ? this.head : undefined)) return;
    items.addJSON(this.json(kv, true));
  }

  /** The JSON the API prints for an object this store returned (from the write itself when it wrote it, then newline-terminated as a response body). */
  printed(obj: KObject): Buffer {
    return this.written.get(obj) ?? Buffer.from(goJSON(obj));
  }

  private remember(obj: KObject, kv: KeyValue): void {
    if (this.def.convert) return;
    const json = withResourceVersion(kv.value, kv.modRevision, this.typed, true);
    if (json) this.written.set(obj, json);
  }

  /** The stored form: the printed JSON without metadata.resourceVersion. */
  private encode(obj: KObject): Buffer {
    const json = goJSON(this.def.convert ? this.def.convert.toStorage(obj) : obj, { omitResourceVersion: true });
    // its own allocation: a small Buffer.from() shares an 8 KiB pool slab, and the watch cache keeping the
    // value would keep the whole slab alive
    const buf = Buffer.allocUnsafeSlow(Buffer.byteLength(json));
    buf.write(json);
    return buf;
  }

  /** resourceVersion of a GET: "0" (any) or a revision storage must have reached (504 otherwise). */
  private async checkReadRV(resourceVersion: string | undefined): Promise<void> {
    if (!resourceVersion || resourceVersion === '0') return;
    const n = parseRV(resourceVersion);
    const cur = await this.storage.currentRevision();
    if (n > cur) throw tooLargeResourceVersion(n, cur);
  }

  async get(ns: string, name: string, resourceVersion?: string): Promise<KObject> {
    await this.checkReadRV(resourceVersion);
    const kv = await this.storage.get(this.key(ns, name));
    if (!kv) throw notFound(this.gr, name);
    return this.hook ? this.read(kv) : this.decode(kv);
  }

  /** GET as JSON bytes (newline-terminated, as a response body, when made from the stored bytes). */
  async getRaw(ns: string, name: string, resourceVersion?: string): Promise<Buffer> {
    await this.checkReadRV(resourceVersion);
    const kv = await this.storage.get(this.key(ns, name));
    if (!kv) throw notFound(this.gr, name);
    if (this.hook) return Buffer.from(goJSON(await this.read(kv)));
    // in one piece with its newline: the response would otherwise copy it once more to add one
    return (this.def.convert ? undefined : withResourceVersion(kv.value, kv.modRevision, this.typed, true)) ?? this.json(kv);
  }

  selectableFields(obj: KObject): Record<string, string> {
    const f: Record<string, string> = { 'metadata.name': obj.metadata?.name ?? '' };
    if (this.def.namespaced) f['metadata.namespace'] = obj.metadata?.namespace ?? '';
    const extra = this.def.strategy.selectableFields?.(obj);
    return extra ? Object.assign(f, extra) : f;
  }

  private predicate(labelSel: LabelSelector, fieldSel: FieldSelector): ((o: KObject) => boolean) | undefined {
    if (labelSel.empty && fieldSel.empty) return undefined;
    const unknown = this.def.strategy.unknownFieldLabel;
    const known = { ...this.selectableFields({ metadata: {} }), ...this.def.strategy.selectableFields?.({ metadata: {}, spec: {}, status: {} }) };
    for (const { field } of fieldSel.requirements) {
      if (unknown) {
        if (!(field in known)) throw badRequest(unknown(field));
      } else if (field !== 'metadata.name' && field !== 'metadata.namespace') {
        throw badRequest(`${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
      }
    }
    return (o) => labelSel.matches(o.metadata?.labels) && fieldSel.matches(this.selectableFields(o));
  }

  /** Throws a 400 for selectors this resource cannot serve (checked before a watch stream starts). */
  checkSelectors(labelSelector?: string, fieldSelector?: string): void {
    this.predicate(parseLabelSelector(labelSelector), parseFieldSelector(fieldSelector));
  }

  async list(ns: string, opts: ListOptions): Promise<ListResult> {
    const fieldSel = parseFieldSelector(opts.fieldSelector);
    const pred = this.predicate(parseLabelSelector(opts.labelSelector), fieldSel);
    const rvMatch = opts.resourceVersionMatch ?? '';
    const rvStr = opts.resourceVersion ?? '';
    validateListOptions(rvStr, rvMatch, opts.continue);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const prefix = this.prefix(ns);
    let revision = 0;
    // "not older than": a cache behind storage may answer (resourceVersion "0" means any)
    let minRevision: number | undefined;
    let startAfter: string | undefined;
    if (opts.continue) {
      const t = decodeContinue(opts.continue);
      startAfter = prefix + t.start.slice(0, -1);
      revision = t.rv === -1 ? 0 : t.rv;
    } else if (rvStr === '0') {
      minRevision = 0;
    } else if (rvStr) {
      const n = parseRV(rvStr);
      const cur = await this.storage.currentRevision();
      if (n > cur) throw tooLargeResourceVersion(n, cur);
      if (rvMatch === 'Exact' || (!rvMatch && limit > 0)) revision = n;
      else minRevision = n;
    }

    const wantRaw = !!opts.raw;
    const lazy = !wantRaw && !!opts.lazy && !pred && !this.hook;
    const stored: KeyValue[] = [];
    const items: KObject[] = [];
    const rawItems = new ListItems();
    // adds the item if it matches; raw answers skip parsing unless a selector needs the object
    // converted: the item as the hook returned it (selectors then see this version's fields)
    const take = (kv: KeyValue, converted?: KObject): boolean => {
      if (wantRaw) {
        if (pred && !pred(converted ?? this.decode(kv))) return false;
        if (converted) rawItems.addJSON(Buffer.from(goJSON(converted)));
        else this.addListItem(rawItems, kv);
        return true;
      }
      if (lazy) {
        stored.push(kv);
        return true;
      }
      const o = converted ?? this.decode(kv);
      if (pred && !pred(o)) return false;
      items.push(o);
      return true;
    };
    const taken = () => (wantRaw ? rawItems.count : lazy ? stored.length : items.length);
    // a field selector naming the object narrows the read to one key (watches and waits do this)
    const onlyName = fieldSel.requiredValue('metadata.name');
    let readRev = revision;
    let lastKey: string | undefined;
    let remaining = 0;
    try {
      if (onlyName !== undefined && (this.def.namespaced ? ns : true) && !opts.continue) {
        const kv = await this.storage.get(this.key(ns, onlyName), revision || undefined);
        readRev = revision || (await this.storage.currentRevision());
        if (kv) take(kv, this.hook ? (await this.readAll([kv]))?.[0] : undefined);
      } else {
        const batch = limit > 0 ? Math.max(limit, pred ? 256 : limit) : 0;
        for (;;) {
          const r = await this.storage.list(prefix, { revision: readRev || undefined, limit: batch || undefined, startAfter, minRevision: readRev ? undefined : minRevision });
          readRev = r.revision;
          const converted = this.hook ? await this.readAll(r.items) : undefined;
          let stopped = false;
          for (let i = 0; i < r.items.length; i++) {
            const kv = r.items[i]!;
            if (take(kv, converted?.[i]) && limit > 0 && taken() === limit) {
              remaining = r.items.length - i - 1 + r.remaining;
              if (remaining > 0) lastKey = kv.key;
              stopped = true;
              break;
            }
          }
          if (stopped || r.remaining === 0 || r.items.length === 0) break;
          startAfter = r.items[r.items.length - 1]!.key;
        }
      }
    } catch (e) {
      if (e instanceof CompactedError) {
        if (opts.continue && startAfter !== undefined) throw expiredContinue(startAfter.slice(prefix.length));
        throw expired('The resourceVersion for the provided list is too old.');
      }
      if (e instanceof FutureRevisionError) throw tooLargeResourceVersion(e.requested, e.current);
      throw e;
    }
    const res: ListResult = { items, resourceVersion: String(readRev) };
    if (wantRaw) res.rawItems = rawItems;
    if (lazy) res.storedItems = stored;
    if (lastKey) {
      res.continue = encodeContinue(readRev, lastKey.slice(prefix.length));
      if (!pred) res.remainingItemCount = remaining;
    }
    return res;
  }

  private async ensureNamespace(ns: string): Promise<void> {
    if (!this.def.namespaced) return;
    const state = await this.checkNamespace(ns);
    if (state === 'missing') throw notFound({ group: '', resource: 'namespaces' }, ns);
    if (state === 'terminating') throw forbidden(this.gr, '', `unable to create new content in namespace ${ns} because it is being terminated`);
  }

  /** Creates obj (mutated into the stored object); beforeWrite sees it prepared, just before it is stored. */
  async create(ns: string, obj: KObject, ctx: RequestContext, opts: { beforeWrite?(obj: KObject): void } = {}): Promise<KObject> {
    await prepareCreate(this.def, ns, obj, { ...ctx, namespace: ns });
    if (ctx.services?.admissionPlugins?.has('NamespaceLifecycle') ?? true) await this.ensureNamespace(obj.metadata.namespace);
    opts.beforeWrite?.(obj);
    const stored = this.hook ? await this.hook.toStorage(obj) : obj;
    if (ctx.dryRun) return this.hook ? this.answer(stored, obj) : obj;
    try {
      const kv = await this.storage.create(this.key(obj.metadata.namespace ?? '', obj.metadata.name), this.encode(stored));
      obj.metadata.resourceVersion = stored.metadata.resourceVersion = String(kv.modRevision);
      this.remember(obj, kv);
      return this.hook ? this.answer(stored, obj) : obj;
    } catch (e) {
      if (e instanceof KeyExistsError) throw alreadyExists(this.gr, obj.metadata.name);
      throw e;
    }
  }

  /**
   * The one read-modify-write sequence for update, patch, apply, subresources and controllers: read the
   * object, let transform compute the desired one (null: no change), prepare it, write it with the read
   * revision, and start over on a lost race.
   */
  async update(
    ns: string,
    name: string,
    transform: (cur: KObject | undefined) => KObject | null | Promise<KObject | null>,
    ctx: RequestContext,
    opts: UpdateOptions = {},
  ): Promise<WriteResult> {
    const key = this.key(ns, name);
    const sctx = { ...ctx, namespace: ns };
    for (let attempt = 0; ; attempt++) {
      const kv = await this.storage.get(key);
      const cur = kv ? (this.hook ? await this.read(kv) : this.decode(kv)) : undefined;
      const input = await transform(cur && !opts.replaces ? structuredClone(cur) : undefined);
      if (!kv || !cur) {
        // as upstream: creating through an update that names a resourceVersion finds nothing to update
        if (!input || !opts.createIfMissing || input.metadata?.resourceVersion) throw notFound(this.gr, name);
        const obj = await this.create(ns, input, ctx, { beforeWrite: opts.beforeWrite && ((o) => opts.beforeWrite!(o, undefined)) });
        return { obj, created: true };
      }
      if (!input) return { obj: cur, created: false };
      let next: KObject;
      if (opts.raw) {
        next = input;
        next.metadata.resourceVersion = cur.metadata.resourceVersion;
      } else {
        next = await prepareUpdate(this.def, ns, name, input, cur, sctx, opts.subresource ?? '');
      }
      opts.beforeWrite?.(next, cur);
      const stored = this.hook ? await this.hook.toStorage(next) : next;
      const bytes = this.encode(stored);
      if (bytes.equals(kv.value)) return { obj: cur, created: false };
      if (ctx.dryRun) return { obj: this.hook ? await this.answer(stored, next) : next, created: false };
      try {
        if (shouldDeleteDuringUpdate(this.def, next, cur)) {
          const out = await this.storage.delete(key, kv.modRevision);
          next.metadata.resourceVersion = String(out.modRevision);
          this.def.strategy.afterDelete?.(next, sctx);
          return { obj: next, created: false };
        }
        const out = await this.storage.update(key, bytes, kv.modRevision);
        next.metadata.resourceVersion = stored.metadata.resourceVersion = String(out.modRevision);
        this.remember(next, out);
        return { obj: this.hook ? await this.answer(stored, next) : next, created: false };
      } catch (e) {
        if (e instanceof ConflictError && attempt < MAX_CAS_ATTEMPTS) continue;
        if (e instanceof NotFoundError) throw notFound(this.gr, name);
        throw e;
      }
    }
  }

  /** Deletes or starts deleting (finalizers, graceful). Returns the object and whether it is gone. */
  async delete(ns: string, name: string, opts: DeleteOptions, ctx: RequestContext): Promise<{ obj: KObject; gone: boolean }> {
    const sctx = { ...ctx, namespace: ns };
    const key = this.key(ns, name);
    for (let attempt = 0; ; attempt++) {
      const kv = await this.storage.get(key);
      if (!kv) throw notFound(this.gr, name);
      const cur = this.hook ? await this.read(kv) : this.decode(kv);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== cur.metadata.uid)
        throw conflict(this.gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${cur.metadata.uid}`);
      if (pre?.resourceVersion && pre.resourceVersion !== cur.metadata.resourceVersion)
        throw conflict(this.gr, name, `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${cur.metadata.resourceVersion}`);
      this.def.strategy.beforeDelete?.(cur, sctx);
      if (ctx.admission && attempt === 0) {
        const attrs = { def: this.def, operation: 'DELETE' as const, namespace: ns, name, subresource: '' };
        await ctx.admission.mutate(attrs, undefined, cur, ctx);
        await ctx.admission.validate(attrs, undefined, cur, ctx);
      }
      try {
        const deferred = deferredDeletion(this.def, cur, opts);
        if (deferred) {
          if (cur.metadata.deletionTimestamp && !deferred.changed) return { obj: cur, gone: false };
          if (ctx.dryRun) return { obj: deferred.obj, gone: false };
          const stored = this.hook ? await this.hook.toStorage(deferred.obj) : deferred.obj;
          const out = await this.storage.update(key, this.encode(stored), kv.modRevision);
          deferred.obj.metadata.resourceVersion = stored.metadata.resourceVersion = String(out.modRevision);
          return { obj: this.hook ? await this.answer(stored, deferred.obj) : deferred.obj, gone: false };
        }
        if (ctx.dryRun) return { obj: cur, gone: true };
        const out = await this.storage.delete(key, kv.modRevision);
        cur.metadata.resourceVersion = String(out.modRevision);
        this.def.strategy.afterDelete?.(cur, sctx);
        return { obj: cur, gone: true };
      } catch (e) {
        if (e instanceof ConflictError && attempt < MAX_CAS_ATTEMPTS) continue;
        if (e instanceof NotFoundError) throw notFound(this.gr, name);
        throw e;
      }
    }
  }

  currentRevision(): Promise<number> {
    return this.storage.currentRevision();
  }

  /** json(kv) as a watch event prints it: text, without a buffer in between when the stored bytes serve. */
  private eventJSON(kv: KeyValue): string {
    return (!this.def.convert && withResourceVersionText(kv.value, kv.modRevision, this.typed)) || this.json(kv).toString('utf8');
  }

  private decodedEvent(ev: BackendEvent): DecodedEvent {
    if (this.lastEvent !== ev) {
      this.lastEvent = ev;
      this.lastDecoded = {};
    }
    return this.lastDecoded;
  }

  /** An event's objects through the hook (the previous one only for selective watchers), shared by every watcher. */
  private hookedEvent(ev: BackendEvent, withPrev: boolean): Promise<DecodedEvent> {
    const key = withPrev ? ev : ev.kv;
    if (this.lastHooked?.key === key) return this.lastHooked.converted;
    const converted = (async () => {
      const obj = await this.read(ev.kv);
      // null: no previous object to compare (every event of an unselective watch matches)
      const prev = withPrev && ev.type === 'update' && ev.prevKv ? await this.read(ev.prevKv) : null;
      return { obj, prev };
    })();
    // a failure is reported by each watcher's queue
    converted.catch(() => {});
    this.lastHooked = { key, converted };
    return converted;
  }

  async watch(ns: string, opts: WatchOptions, sink: WatchSink): Promise<WatchHandle> {
    const fieldSel = parseFieldSelector(opts.fieldSelector);
    const selector = this.predicate(parseLabelSelector(opts.labelSelector), fieldSel);
    const pred = selector ?? (() => true);
    // the previous object is only needed to tell a selector's ADDED and DELETED from MODIFIED
    const selective = !!selector;
    const onlyName = fieldSel.requiredValue('metadata.name');
    const prefix = onlyName !== undefined && (!this.def.namespaced || ns) ? this.key(ns, onlyName) : this.prefix(ns);
    const rvStr = opts.resourceVersion ?? '';
    let after: number;
    if (opts.sendInitialEvents || rvStr === '' || rvStr === '0') {
      if (opts.sendInitialEvents === false && rvStr) {
        after = rvStr === '0' ? await this.storage.currentRevision() : parseRV(rvStr);
      } else {
        const l = await this.list(ns, { labelSelector: opts.labelSelector, fieldSelector: opts.fieldSelector });
        after = Number(l.resourceVersion);
        for (const o of l.items) sink.event('ADDED', o, Number(o.metadata.resourceVersion));
      }
    } else {
      after = parseRV(rvStr);
    }
    let stopped = false;
    // a name the selector asks for is the key's last segment: other objects are passed over undecoded
    const nameSuffix = onlyName !== undefined ? `/${onlyName}` : undefined;
    const deliver = (ev: BackendEvent, d: DecodedEvent) => {
      const rev = ev.kv.modRevision;
      const object = () => (d.obj ??= this.decode(ev.kv));
      const json = (d.json ??= new SharedEventJSON(() => (this.hook ? goJSON(object()) : this.eventJSON(ev.kv)), object, this.metadataAt));
      // a watcher that takes JSON is not made to wait for a decoding it may not need
      if (!selective && sink.encoded) return sink.encoded(ev.type === 'create' ? 'ADDED' : ev.type === 'update' ? 'MODIFIED' : 'DELETED', rev, json);
      const o = object();
      if (ev.type === 'create') {
        if (pred(o)) sink.event('ADDED', o, rev, json);
      } else if (ev.type === 'update') {
        // without a selector every update is MODIFIED: the previous object is not decoded for nothing
        if (!selective) return sink.event('MODIFIED', o, rev, json);
        const prev = d.prev === undefined ? (d.prev = ev.prevKv ? this.decode(ev.prevKv) : null) : d.prev;
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
    // converted events are delivered in order; an event that cannot be converted ends the watch without an error
    // event, as upstream's watch cache does when its reflector's watch keeps failing (it terminates every watcher)
    let queue = Promise.resolve();
    const onEvent = (ev: BackendEvent) => {
      if (stopped) return;
      if (nameSuffix !== undefined && !ev.kv.key.endsWith(nameSuffix)) return;
      // decoded and serialised once, whatever the number of watchers of this event
      if (!this.hook) return deliver(ev, this.decodedEvent(ev));
      const converted = this.hookedEvent(ev, selective);
      queue = queue.then(async () => {
        let d: DecodedEvent;
        try {
          d = await converted;
        } catch (e) {
          if (!stopped) {
            logError('store', 'failed to prepare current and previous objects', e, { key: ev.kv.key });
            if (sink.end) sink.end();
            else onError(e as Error);
          }
          stopped = true;
          return;
        }
        if (!stopped) deliver(ev, d);
      });
    };
    const onError = (err: Error) => {
      if (stopped) return;
      // a storage watch that fell behind a compaction: the client must list again, as upstream
      if (err instanceof CompactedError) sink.error(new StatusError(410, 'Expired', `too old resource version: ${err.requested} (${err.compacted})`));
      else sink.error(err instanceof StatusError ? err : new StatusError(500, 'InternalError', err.message));
    };
    try {
      const w = this.storage.watch(prefix, { afterRevision: after, onEvent, onError });
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
