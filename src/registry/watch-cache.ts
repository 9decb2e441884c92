// A per-resource cache fed by one storage watch, as kube-apiserver's watch cache: the current objects
// (for lists) and a window of recent events (for watches), each decoded and serialised once however
// many watchers there are. Reads fall back to storage whenever the cache cannot answer exactly.
import type { Backend, KeyValue, WatchEvent as BackendEvent, Watcher } from '../storage/backend.js';
import type { KObject } from './types.js';

/** A storage event with its objects decoded (and serialised) at most once, shared by every watcher. */
export interface CachedEvent extends BackendEvent {
  obj(): KObject;
  prevObj(): KObject | undefined;
  /** JSON of obj(); callers must not mutate obj(). */
  json(): string;
}

const WINDOW = 10_000;

interface Subscriber {
  prefix: string;
  exact: boolean;
  onEvent(ev: CachedEvent): void;
  onError(err: Error): void;
}

export class WatchCache {
  private readonly state = new Map<string, KeyValue>();
  private sorted: string[] | null = null;
  private readonly window: CachedEvent[] = [];
  private readonly subscribers = new Set<Subscriber>();
  private watcher?: Watcher;
  /** Revision of the newest event applied (or of the initial list). */
  revision = 0;
  /** Every event of this prefix after this revision is in the window. */
  private windowStart = 0;
  ready = false;
  private starting?: Promise<void>;
  private closed = false;

  constructor(
    private readonly backend: Backend,
    private readonly prefix: string,
    private readonly decode: (kv: KeyValue) => KObject,
  ) {}

  /** Starts filling in the background; reads use storage until `ready`. */
  start(): void {
    this.starting ??= this.fill().catch(() => {
      this.starting = undefined;
    });
  }

  private async fill(): Promise<void> {
    const l = await this.backend.list(this.prefix);
    if (this.closed) return;
    for (const kv of l.items) this.state.set(kv.key, kv);
    this.sorted = null;
    this.revision = l.revision;
    this.windowStart = l.revision;
    this.watcher = this.backend.watch(this.prefix, {
      afterRevision: l.revision,
      onEvent: (ev) => this.apply(ev),
      onError: (err) => this.reset(err),
    });
    // storage replays what happened since the list right after watch() returns; serve once that is in
    await new Promise((r) => setImmediate(r));
    if (!this.closed) this.ready = true;
  }

  /**
   * The revision the cache is current at: storage has delivered every event up to it (so none of
   * this prefix is missing), or 0 when the cache cannot tell (then reads go to storage).
   */
  currentRevision(): number {
    if (!this.ready) return 0;
    const delivered = this.backend.deliveredRevision?.() ?? 0;
    return delivered >= this.revision ? delivered : 0;
  }

  /** Storage could not keep the watch going (e.g. compacted under us): drop everything and refill. */
  private reset(err: Error): void {
    this.watcher?.stop();
    this.watcher = undefined;
    this.ready = false;
    this.state.clear();
    this.sorted = null;
    this.window.length = 0;
    this.starting = undefined;
    const subs = [...this.subscribers];
    this.subscribers.clear();
    for (const s of subs) s.onError(err);
    if (!this.closed) this.start();
  }

  private apply(ev: BackendEvent): void {
    const key = ev.kv.key;
    if (ev.type === 'delete') {
      this.state.delete(key);
      this.sorted = null;
    } else {
      if (!this.state.has(key)) this.sorted = null;
      this.state.set(key, ev.kv);
    }
    this.revision = ev.kv.modRevision;
    let obj: KObject | undefined;
    let prev: KObject | undefined | null = null;
    let json: string | undefined;
    const decode = this.decode;
    const cached: CachedEvent = {
      ...ev,
      obj: () => (obj ??= decode(ev.kv)),
      prevObj: () => (prev === null ? (prev = ev.prevKv ? decode(ev.prevKv) : undefined) : prev),
      json: () => (json ??= JSON.stringify(cached.obj())),
    };
    this.window.push(cached);
    if (this.window.length > WINDOW) {
      const drop = this.window.length - WINDOW;
      this.windowStart = this.window[drop - 1].kv.modRevision;
      this.window.splice(0, drop);
    }
    for (const s of this.subscribers) {
      if (s.exact ? key !== s.prefix : !key.startsWith(s.prefix)) continue;
      try {
        s.onEvent(cached);
      } catch {
        // a failing watcher must not stop the others
      }
    }
  }

  /**
   * Watch keys under prefix (or one key) for events after `afterRevision`, replaying from the window.
   * Undefined when the window does not reach back that far: the caller then watches storage directly.
   */
  watch(prefix: string, afterRevision: number, onEvent: (ev: CachedEvent) => void, onError: (err: Error) => void): Watcher | undefined {
    if (!this.ready || afterRevision < this.windowStart || afterRevision > Math.max(this.revision, this.currentRevision())) return undefined;
    const sub: Subscriber = { prefix, exact: !prefix.endsWith('/'), onEvent, onError };
    for (const ev of this.window) {
      if (ev.kv.modRevision <= afterRevision) continue;
      if (sub.exact ? ev.kv.key !== prefix : !ev.kv.key.startsWith(prefix)) continue;
      onEvent(ev);
    }
    this.subscribers.add(sub);
    return { stop: () => this.subscribers.delete(sub) };
  }

  /** The current value of one key (callers check currentRevision() first). */
  get(key: string): KeyValue | undefined {
    return this.state.get(key);
  }

  /** Current objects under prefix in key order, or undefined when the cache is not ready. */
  list(prefix: string): KeyValue[] | undefined {
    if (!this.ready) return undefined;
    const keys = (this.sorted ??= [...this.state.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (keys[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: KeyValue[] = [];
    for (let i = lo; i < keys.length && keys[i].startsWith(prefix); i++) out.push(this.state.get(keys[i])!);
    return out;
  }

  close(): void {
    this.closed = true;
    this.watcher?.stop();
    this.subscribers.clear();
  }
}
