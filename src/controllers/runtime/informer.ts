// An informer as client-go's: list, then watch from the list's resourceVersion, keeping a local cache and
// telling handlers what changed; a watch that ends is resumed from the last seen revision, and one that
// is too old (410) or fails is replaced by a fresh list whose differences become events.
import type { Client, ClientWatch, ClientWatchEvent, GVR, KObject } from '../../client/types.js';

export interface EventHandlers {
  add?(obj: KObject): void;
  update?(oldObj: KObject, newObj: KObject): void;
  delete?(obj: KObject): void;
}

export interface InformerOptions {
  /** Objects as PartialObjectMetadata: their metadata only, as client-go's metadata informers. */
  metadataOnly?: boolean;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Every this often, every cached object is handed to update handlers again (0 = never). */
  resyncMs?: number;
  /** Called when a list or watch fails (the informer retries on its own). */
  onError?(err: unknown): void;
}

/** Kinds, apiVersions and namespaces repeat across every cached object: one string each, shared. */
const shared = new Map<string, string>();
function intern(v: unknown): unknown {
  if (typeof v !== 'string' || v.length > 64) return v;
  let s = shared.get(v);
  if (s === undefined) {
    // namespaces come and go: the table is started afresh rather than kept growing
    if (shared.size >= 10_000) shared.clear();
    shared.set(v, (s = v));
  }
  return s;
}

/** Objects made one after the other share a creationTimestamp (to the second): the last one seen is kept. */
let lastTimestamp = '';

/**
 * What enters the cache: the object without metadata.managedFields, as kube-controller-manager's informer
 * factories trim them (no controller reads them; an update without them keeps the stored ones).
 */
function trim(obj: KObject): KObject {
  if (!obj) return obj;
  if (obj.kind !== undefined) obj.kind = intern(obj.kind);
  if (obj.apiVersion !== undefined) obj.apiVersion = intern(obj.apiVersion);
  const m = obj.metadata;
  if (!m) return obj;
  if (m.managedFields !== undefined) delete m.managedFields;
  if (m.namespace !== undefined) m.namespace = intern(m.namespace);
  const ts = m.creationTimestamp;
  if (typeof ts === 'string') {
    if (ts === lastTimestamp) m.creationTimestamp = lastTimestamp;
    else lastTimestamp = ts;
  }
  return obj;
}

/** "namespace/" once per namespace: a key is that and the object's own name string, not a copy of both. */
const prefixes = new Map<string, string>();
function namespacePrefix(ns: string): string {
  let p = prefixes.get(ns);
  if (p === undefined) {
    if (prefixes.size >= 10_000) prefixes.clear();
    prefixes.set(ns, (p = `${ns}/`));
  }
  return p;
}

export function keyOf(obj: KObject): string {
  const m = obj.metadata ?? {};
  return m.namespace ? namespacePrefix(m.namespace) + m.name : m.name;
}

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 10_000;

export class Informer {
  private readonly cache = new Map<string, KObject>();
  private readonly handlers: EventHandlers[] = [];
  private watch?: ClientWatch;
  private rv = '';
  private stopped = false;
  private synced = false;
  private syncedWaiters: (() => void)[] = [];
  private resyncTimer?: NodeJS.Timeout;
  private backoff = MIN_BACKOFF_MS;
  /** How many lists were made (the first, then one per watch failure). */
  lists = 0;

  constructor(
    private readonly client: Client,
    readonly gvr: GVR,
    private readonly opts: InformerOptions = {},
  ) {}

  /** Adds handlers; objects already in the cache are handed to them as adds, as client-go's AddEventHandler does. */
  on(h: EventHandlers): this {
    this.handlers.push(h);
    for (const o of this.cache.values()) {
      try {
        h.add?.(o);
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
    return this;
  }

  get(key: string): KObject | undefined {
    return this.cache.get(key);
  }

  items(): KObject[] {
    return [...this.cache.values()];
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list is in the cache. */
  waitForSync(): Promise<void> {
    if (this.synced || this.stopped) return Promise.resolve();
    return new Promise((r) => this.syncedWaiters.push(r));
  }

  start(): this {
    void this.run();
    if (this.opts.resyncMs)
      this.resyncTimer = setInterval(() => {
        for (const o of this.cache.values()) this.emit('update', o, o);
      }, this.opts.resyncMs).unref();
    return this;
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    this.watch?.stop();
    for (const w of this.syncedWaiters) w();
    this.syncedWaiters = [];
  }

  private emit(kind: 'add' | 'update' | 'delete', a: KObject, b?: KObject): void {
    for (const h of this.handlers) {
      try {
        if (kind === 'add') h.add?.(a);
        else if (kind === 'update') h.update?.(a, b!);
        else h.delete?.(a);
      } catch (err) {
        this.opts.onError?.(err);
      }
    }
  }

  private async relist(): Promise<void> {
    this.lists++;
    const items: KObject[] = [];
    let cont: string | undefined;
    let rv = '';
    do {
      const l = await this.client.list(this.gvr, this.opts.namespace ?? '', { metadataOnly: this.opts.metadataOnly, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector, limit: 500, continue: cont });
      items.push(...l.items);
      cont = l.continue;
      rv = l.resourceVersion;
    } while (cont);
    const seen = new Set<string>();
    for (const o of items) {
      trim(o);
      const k = keyOf(o);
      seen.add(k);
      const old = this.cache.get(k);
      this.cache.set(k, o);
      if (!old) this.emit('add', o);
      else if (old.metadata?.resourceVersion !== o.metadata?.resourceVersion) this.emit('update', old, o);
    }
    for (const [k, o] of [...this.cache]) {
      if (seen.has(k)) continue;
      this.cache.delete(k);
      this.emit('delete', o);
    }
    this.rv = rv;
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncedWaiters) w();
      this.syncedWaiters = [];
    }
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) await this.relist();
        needList = false;
        const started = Date.now();
        needList = await this.watchOnce();
        // a watch that ends at once (server going away) is not reopened in a tight loop
        if (Date.now() - started < 1000 && !this.stopped) await this.pause();
        else this.backoff = MIN_BACKOFF_MS;
      } catch (err) {
        if (this.stopped) return;
        this.opts.onError?.(err);
        needList = true;
        await this.pause();
      }
    }
  }

  private async pause(): Promise<void> {
    await new Promise((r) => setTimeout(r, this.backoff));
    this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2);
  }

  /** Follows one watch stream; resolves true when the informer must list again. */
  private async watchOnce(): Promise<boolean> {
    let relist = false;
    const onEvent = (ev: ClientWatchEvent) => {
      const o = ev.object;
      if (ev.type === 'ERROR') {
        // 410 Gone/Expired: the revision is compacted; anything else: start over too
        relist = true;
        this.watch?.stop();
        return;
      }
      const rv = o?.metadata?.resourceVersion;
      if (rv) this.rv = rv;
      if (ev.type === 'BOOKMARK') return;
      trim(o);
      const k = keyOf(o);
      const old = this.cache.get(k);
      if (ev.type === 'DELETED') {
        this.cache.delete(k);
        this.emit('delete', o);
      } else {
        this.cache.set(k, o);
        if (old) this.emit('update', old, o);
        else this.emit('add', o);
      }
    };
    // a random timeout as client-go's reflector, so that many watchers do not end together
    const timeoutSeconds = 300 + Math.floor(Math.random() * 300);
    this.watch = this.client.watch(this.gvr, this.opts.namespace ?? '', { metadataOnly: this.opts.metadataOnly, resourceVersion: this.rv, allowWatchBookmarks: true, timeoutSeconds, labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector }, onEvent);
    await this.watch.done;
    return relist;
  }
}
