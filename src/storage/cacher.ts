// A Backend decorator that keeps, for chosen prefixes, the current keys and a window of recent events in
// memory, fed by one watch per prefix, as kube-apiserver's watch cache does. Reads at "now" are answered
// from memory only while storage has nothing newer (writes of other processes sharing the store fall
// back to storage), so answers stay exactly those of the wrapped backend.
import type { Backend, KeyValue, ListOptions, ListResult, WatchEvent, WatchOptions, Watcher } from './backend.js';
import { StorageError } from './backend.js';
import { keyMatch, matches, type KeyMatch } from './key-range.js';
import { CacheValues } from './cache-values.js';

export interface CacherOptions {
  /** Prefixes (ending in '/') whose keys are cached; a key belongs to the longest one it starts with. */
  prefixes?: string[];
  /** Events kept per prefix for watches that start in the past (default 10,000). */
  window?: number;
}

const DEFAULT_WINDOW = 10_000;

interface Subscriber {
  match: KeyMatch;
  last: number;
  replaying: boolean;
  buffer: WatchEvent[];
  done: boolean;
  opts: WatchOptions;
}

/** The cache of one prefix. */
class PrefixCache {
  private readonly state = new CacheValues();
  /** Keys in order; rebuilt lazily after inserts and deletes. */
  private sorted: string[] | null = [];
  private readonly window: WatchEvent[] = [];
  private readonly subs = new Set<Subscriber>();
  private watcher?: Watcher;
  private starting?: Promise<void>;
  /** Every event of this prefix after windowStart is in the window. */
  private windowStart = 0;
  /** Revision of the initial list or of the newest event applied. */
  revision = 0;
  ready = false;
  private closed = false;

  constructor(
    private readonly inner: Backend,
    readonly prefix: string,
    private readonly windowSize: number,
  ) {}

  start(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return (this.starting ??= this.fill().catch(() => {
      this.starting = undefined;
    }));
  }

  private async fill(): Promise<void> {
    const l = await this.inner.list(this.prefix);
    if (this.closed) return;
    for (const kv of l.items) this.state.set(kv);
    this.sorted = null;
    this.revision = l.revision;
    this.windowStart = l.revision;
    this.watcher = this.inner.watch(this.prefix, { afterRevision: l.revision, onEvent: (ev) => this.apply(ev), onError: (err) => this.reset(err) });
    // storage replays what happened since the list right after watch() returns; serve once that is in
    await new Promise((r) => setImmediate(r));
    if (!this.closed && this.watcher) this.ready = true;
  }

  /** The revision this cache is current at (every event up to it applied), 0 when it cannot tell. */
  current(): number {
    if (!this.ready) return 0;
    const delivered = this.inner.deliveredRevision?.() ?? 0;
    return delivered >= this.revision ? delivered : 0;
  }

  private reset(err: Error): void {
    this.watcher?.stop();
    this.watcher = undefined;
    this.ready = false;
    this.state.clear();
    this.sorted = [];
    this.window.length = 0;
    this.starting = undefined;
    const subs = [...this.subs];
    this.subs.clear();
    for (const s of subs) this.fail(s, err);
    void this.start();
  }

  private apply(ev: WatchEvent): void {
    const key = ev.kv.key;
    // the window keeps the event with views of the cached bytes, not a second copy of them
    const prev = this.state.read(key);
    const prevKv = prev && ev.prevKv && sameRevisions(prev, ev.prevKv) ? prev : ev.prevKv;
    let kept: WatchEvent;
    if (ev.type === 'delete') {
      if (this.state.delete(key)) this.sorted = null;
      kept = prevKv === prev && prev ? { type: ev.type, kv: { ...ev.kv, value: prev.value }, prevKv } : ev;
    } else {
      if (!this.state.has(key)) this.insertSorted(key);
      const kv = this.state.set(ev.kv);
      kept = prevKv ? { type: ev.type, kv, prevKv } : { type: ev.type, kv };
    }
    this.revision = ev.kv.modRevision;
    this.window.push(kept);
    // trimmed an eighth at a time: dropping one event per write would move the whole window each time
    if (this.window.length > this.windowSize + (this.windowSize >> 3)) this.trimWindow(this.window.length - this.windowSize);
    for (const s of this.subs) {
      if (s.done || !matches(s.match, key) || ev.kv.modRevision <= s.last) continue;
      if (s.replaying) s.buffer.push(ev);
      else this.deliver(s, ev);
    }
  }

  private insertSorted(key: string): void {
    const keys = this.sorted;
    if (!keys) return;
    // appends (the common case: generated or increasing names) stay O(1)
    if (keys.length === 0 || keys[keys.length - 1]! < key) keys.push(key);
    else keys.splice(lowerBound(keys, key), 0, key);
  }

  private trimWindow(drop: number): void {
    this.windowStart = this.window[drop - 1]!.kv.modRevision;
    this.window.splice(0, drop);
  }

  /** Storage compacted below revision: watches may no longer start before revision - 1. */
  compacted(revision: number): void {
    let drop = 0;
    while (drop < this.window.length && this.window[drop]!.kv.modRevision < revision) drop++;
    if (drop) this.trimWindow(drop);
    this.windowStart = Math.max(this.windowStart, revision - 1);
  }

  get(key: string): KeyValue | undefined {
    return this.state.get(key);
  }

  /** Keys under prefix (a sub-prefix of this cache's, or exactly it), strictly after startAfter. */
  list(prefix: string, opts: ListOptions, revision: number): ListResult {
    const keys = (this.sorted ??= [...this.state.keys()].sort(compareKeys));
    const from = opts.startAfter !== undefined && opts.startAfter >= prefix ? opts.startAfter + '\0' : prefix;
    let i = lowerBound(keys, from);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: KeyValue[] = [];
    for (; i < keys.length && keys[i]!.startsWith(prefix); i++) {
      if (items.length === limit) break;
      items.push(this.state.read(keys[i]!)!);
    }
    let remaining = 0;
    if (items.length === limit) {
      const end = lowerBound(keys, prefixEnd(prefix));
      remaining = Math.max(0, end - i);
    }
    return { items, revision, remaining };
  }

  count(prefix: string): number {
    const keys = (this.sorted ??= [...this.state.keys()].sort(compareKeys));
    return lowerBound(keys, prefixEnd(prefix)) - lowerBound(keys, prefix);
  }

  /** Subscribes when the window reaches back to afterRevision; undefined otherwise (watch storage instead). */
  watch(prefix: string, opts: WatchOptions): Watcher | undefined {
    if (!this.ready || opts.afterRevision < this.windowStart || opts.afterRevision > Math.max(this.revision, this.current())) return undefined;
    const sub: Subscriber = { match: keyMatch(prefix), last: opts.afterRevision, replaying: true, buffer: [], done: false, opts };
    this.subs.add(sub);
    // replay after watch() returns, so onEvent may already use the Watcher it was given
    const replay = this.window.filter((ev) => ev.kv.modRevision > opts.afterRevision && matches(sub.match, ev.kv.key));
    queueMicrotask(() => {
      for (const ev of replay) {
        if (sub.done) return;
        this.deliver(sub, ev);
      }
      while (!sub.done && sub.buffer.length) {
        const ev = sub.buffer.shift()!;
        if (ev.kv.modRevision > sub.last) this.deliver(sub, ev);
      }
      sub.replaying = false;
    });
    return { stop: () => this.remove(sub) };
  }

  private deliver(sub: Subscriber, ev: WatchEvent): void {
    sub.last = ev.kv.modRevision;
    try {
      sub.opts.onEvent(ev);
    } catch (err) {
      this.fail(sub, err instanceof Error ? err : new StorageError(String(err)));
    }
  }

  private remove(sub: Subscriber): void {
    sub.done = true;
    sub.buffer = [];
    this.subs.delete(sub);
  }

  private fail(sub: Subscriber, err: Error): void {
    if (sub.done) return;
    this.remove(sub);
    try {
      sub.opts.onError?.(err);
    } catch {
      // a failing error handler must not stop the other watchers
    }
  }

  close(err: Error): void {
    this.closed = true;
    this.ready = false;
    this.watcher?.stop();
    for (const s of [...this.subs]) this.fail(s, err);
  }
}

function sameRevisions(a: KeyValue, b: KeyValue): boolean {
  return a.modRevision === b.modRevision && a.createRevision === b.createRevision;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function lowerBound(keys: string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function prefixEnd(prefix: string): string {
  return prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
}

export class Cacher implements Backend {
  readonly kind: string;
  private readonly caches = new Map<string, PrefixCache>();
  private readonly windowSize: number;
  private closed = false;
  private knownBatch?: Promise<number>;

  constructor(
    readonly inner: Backend,
    opts: CacherOptions = {},
  ) {
    this.kind = inner.kind;
    this.windowSize = opts.window ?? DEFAULT_WINDOW;
    for (const p of opts.prefixes ?? []) this.addPrefix(p);
  }

  /** Caches keys under prefix from now on (custom resources add theirs at run time). */
  addPrefix(prefix: string): void {
    if (!prefix.endsWith('/')) throw new TypeError(`cacher: prefix must end in '/': ${prefix}`);
    if (!this.caches.has(prefix)) this.caches.set(prefix, new PrefixCache(this.inner, prefix, this.windowSize));
  }

  /** Fills every cache now (instead of on first use); resolves when they answer. */
  async warm(): Promise<void> {
    await Promise.all([...this.caches.values()].map((c) => c.start()));
  }

  /** Stops caching prefix (its watchers end with an error and must watch again). */
  removePrefix(prefix: string): void {
    const c = this.caches.get(prefix);
    if (!c) return;
    this.caches.delete(prefix);
    c.close(new StorageError(`cache for ${prefix} removed`));
  }

  /** The cache a key or a sub-prefix belongs to: the longest registered prefix it starts with. */
  private cacheFor(key: string): PrefixCache | undefined {
    let found: PrefixCache | undefined;
    for (let i = key.indexOf('/', 1); i >= 0; i = key.indexOf('/', i + 1)) {
      const c = this.caches.get(key.slice(0, i + 1));
      if (c) found = c;
    }
    if (found) void found.start();
    return found;
  }

  /** The revision a cache may answer "now" at, or 0 when storage may know more. */
  private fresh(c: PrefixCache | undefined): number | Promise<number> {
    if (!c?.current()) return 0;
    const known = this.inner.knownRevision ? this.knownAfterNow() : this.inner.currentRevision();
    return known.then((r) => {
      const cur = c.current();
      return cur === r ? cur : 0;
    });
  }

  /**
   * Storage's revision, read once for all the reads at "now" begun before it is read: once the I/O callbacks
   * under way are done, so that the requests that came in together share one look (a system call on SQLite)
   * and each still sees every write committed, by any process, before it began.
   */
  private knownAfterNow(): Promise<number> {
    return (this.knownBatch ??= new Promise<number>((resolve, reject) => {
      setImmediate(() => {
        this.knownBatch = undefined;
        try {
          resolve(this.inner.knownRevision!());
        } catch (err) {
          reject(err);
        }
      });
    }));
  }

  currentRevision(): Promise<number> {
    return this.inner.currentRevision();
  }

  compactRevision(): Promise<number> {
    return this.inner.compactRevision();
  }

  deliveredRevision(): number {
    return this.inner.deliveredRevision?.() ?? 0;
  }

  /**
   * What the cache holds for key without asking storage whether it is behind (as upstream's listers
   * answer admission): undefined when the cache has nothing to say, so the caller reads storage.
   */
  peek(key: string): KeyValue | undefined {
    const c = this.cacheFor(key);
    return c?.current() ? c.get(key) : undefined;
  }

  get(key: string, revision?: number): Promise<KeyValue | undefined> {
    const c = revision ? undefined : this.cacheFor(key);
    if (!c) return this.inner.get(key, revision);
    let cur: number | Promise<number>;
    try {
      cur = this.fresh(c);
    } catch (err) {
      return Promise.reject(err);
    }
    if (typeof cur === 'number') return cur ? Promise.resolve(c.get(key)) : this.inner.get(key);
    return cur.then((r) => (r ? c.get(key) : this.inner.get(key)));
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    const c = prefix.endsWith('/') ? this.cacheFor(prefix) : undefined;
    if (c) {
      // "any revision not older than minRevision" may be served by a cache that is behind storage
      const cur = opts.minRevision !== undefined && !opts.revision ? c.current() : await this.fresh(c);
      if (cur && (!opts.revision || opts.revision === cur) && (opts.minRevision === undefined || cur >= opts.minRevision)) return c.list(prefix, opts, cur);
    }
    return this.inner.list(prefix, opts);
  }

  async count(prefix: string): Promise<{ count: number; revision: number }> {
    const c = this.cacheFor(prefix);
    const cur = await this.fresh(c);
    if (c && cur) return { count: c.count(prefix), revision: cur };
    return this.inner.count(prefix);
  }

  create(key: string, value: Buffer): Promise<KeyValue> {
    return this.inner.create(key, value);
  }

  update(key: string, value: Buffer, expectedModRevision: number): Promise<KeyValue> {
    return this.inner.update(key, value, expectedModRevision);
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.inner.delete(key, expectedModRevision);
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    if (this.closed) throw new StorageError('storage closed');
    const c = this.cacheFor(prefix);
    return c?.watch(prefix, opts) ?? this.inner.watch(prefix, opts);
  }

  async compact(revision: number): Promise<number> {
    const removed = await this.inner.compact(revision);
    for (const c of this.caches.values()) c.compacted(revision);
    return removed;
  }

  /** Ends every cache and its watchers; the wrapped backend stays open. */
  stop(): void {
    if (this.closed) return;
    this.closed = true;
    for (const c of this.caches.values()) c.close(new StorageError('storage closed'));
  }

  async close(): Promise<void> {
    this.stop();
    await this.inner.close();
  }
}
