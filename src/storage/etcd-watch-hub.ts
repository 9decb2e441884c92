// Fans one etcd watch out to local watchers, in revision order, each event once; keeps a window of recent
// events so that a watch starting in the recent past replays from memory. A watch older than the window
// reads etcd's history with a watch of its own until it reaches the window, then joins the others.
import type { Etcd3, IEvent } from 'etcd3';
import { StorageError, type WatchEvent, type WatchOptions, type Watcher } from './backend.js';
import { NativeWatch, type RevisionGroup } from './etcd-native-watch.js';
import { keyMatch, matches, type KeyMatch } from './key-range.js';

export interface EtcdWatchHubDeps {
  client: Etcd3;
  /** The event as a backend event, or undefined when its key is not under the backend's prefix. */
  decode(ev: IEvent): WatchEvent | undefined;
  /** The error to report when a native watch ended after delivering everything up to last. */
  explain(err: Error, last: number): Promise<Error>;
  /** etcd's current revision. */
  head(): Promise<number>;
  /** Events kept for watches that start in the recent past. */
  windowSize: number;
  /** How long a write waits for its event to reach local watchers before it returns anyway. */
  deliveryTimeoutMs: number;
}

interface Sub {
  match: KeyMatch;
  /** Every matching event up to this revision has been delivered. */
  last: number;
  state: 'pending' | 'replay' | 'catchup' | 'live';
  native?: NativeWatch;
  done: boolean;
  opts: WatchOptions;
}

interface Waiter {
  revision: number;
  resolve(): void;
}

export class EtcdWatchHub {
  private readonly subs = new Set<Sub>();
  private root?: NativeWatch;
  /** Every revision up to here has come through the root watch. */
  private position = 0;
  private healthy = false;
  private draining = false;
  private closed = false;
  private restarting = false;
  /** Every event under the prefix with a revision above windowStart is in window. */
  private window: WatchEvent[] = [];
  private windowStart = 0;
  private waiters: Waiter[] = [];

  constructor(private readonly deps: EtcdWatchHubDeps) {}

  /** Starts following etcd after revision head (again, after a failure); resolves once etcd created the watch. */
  start(head: number): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.position = head;
    this.window = [];
    this.windowStart = head;
    this.root = new NativeWatch(this.deps.client, head + 1, {
      onBatch: (groups, progress) => this.onRoot(groups, progress),
      onFail: (err) => this.onRootFailed(err),
    });
    this.healthy = true;
    for (const s of this.subs) if (s.state === 'pending') this.begin(s);
    return this.root.created;
  }

  /** Every event up to this revision has reached every watcher (0 when that cannot be told). */
  deliveredRevision(): number {
    if (!this.healthy || this.draining) return 0;
    let d = this.position;
    for (const s of this.subs) if (s.state !== 'live' && s.last < d) d = s.last;
    return d;
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    const sub: Sub = { match: keyMatch(prefix), last: opts.afterRevision, state: 'pending', done: false, opts };
    this.subs.add(sub);
    if (this.healthy) this.begin(sub);
    return { stop: () => this.remove(sub) };
  }

  /** Resolves once a local write at revision has been delivered to the watchers (or was not awaited). */
  delivered(revision: number): Promise<void> {
    if (this.position >= revision || this.subs.size === 0 || !this.healthy) return Promise.resolve();
    return new Promise((resolve) => {
      const w: Waiter = { revision, resolve: () => (clearTimeout(t), resolve()) };
      // a stalled stream (member down, reconnecting) must not hold the write's answer for long
      const t = setTimeout(() => {
        this.waiters = this.waiters.filter((x) => x !== w);
        resolve();
      }, this.deps.deliveryTimeoutMs);
      t.unref();
      this.waiters.push(w);
    });
  }

  closeAll(err: Error): void {
    this.closed = true;
    this.healthy = false;
    this.root?.cancel();
    this.root = undefined;
    for (const s of [...this.subs]) this.fail(s, err);
    this.release(Infinity);
  }

  private begin(sub: Sub): void {
    if (sub.last >= this.windowStart) {
      sub.state = 'replay';
      // replay after watch() returns, so onEvent may already use the Watcher it was given
      queueMicrotask(() => this.joinLive(sub));
    } else this.catchUp(sub);
  }

  /** Delivers the window's events after sub.last and makes sub live; synchronous, so nothing slips in between. */
  private joinLive(sub: Sub): void {
    if (sub.done) return;
    const from = sub.last;
    for (const ev of this.window) {
      if (sub.done) return;
      if (ev.kv.modRevision > from && matches(sub.match, ev.kv.key)) this.deliver(sub, ev);
    }
    sub.native?.cancel();
    sub.native = undefined;
    sub.last = Math.max(sub.last, this.position);
    sub.state = 'live';
  }

  private catchUp(sub: Sub): void {
    sub.state = 'catchup';
    sub.native = new NativeWatch(this.deps.client, sub.last + 1, {
      onBatch: (groups, progress) => {
        for (const g of groups) {
          if (sub.done || sub.state !== 'catchup') return;
          if (g.revision <= sub.last) continue;
          this.deliverGroup(sub, g.revision, this.decodeAll(g));
          if (sub.last >= this.windowStart && this.healthy) return this.joinLive(sub);
        }
        if (progress !== undefined && !sub.done && sub.state === 'catchup') {
          sub.last = Math.max(sub.last, progress);
          if (sub.last >= this.windowStart && this.healthy) this.joinLive(sub);
        }
      },
      onFail: (err) => void this.deps.explain(err, sub.last).then((e) => this.fail(sub, e)),
    });
  }

  private onRoot(groups: RevisionGroup[], progress?: number): void {
    this.draining = true;
    try {
      for (const g of groups) {
        if (g.revision <= this.position) continue;
        const events = this.decodeAll(g);
        this.position = g.revision;
        this.remember(events);
        for (const s of this.subs) {
          if (s.state === 'live' && !s.done && g.revision > s.last) this.deliverGroup(s, g.revision, events);
        }
      }
      if (progress !== undefined && progress > this.position) this.position = progress;
    } finally {
      this.draining = false;
    }
    this.release(this.position);
  }

  private onRootFailed(err: Error): void {
    this.healthy = false;
    this.root = undefined;
    this.release(Infinity);
    void this.deps.explain(err, this.position).then((e) => {
      for (const s of [...this.subs]) if (s.state === 'live' || s.state === 'replay') this.fail(s, e);
      void this.restart();
    });
  }

  private async restart(): Promise<void> {
    if (this.restarting) return;
    this.restarting = true;
    try {
      while (!this.closed && !this.healthy) {
        try {
          await this.start(await this.deps.head());
        } catch {
          await new Promise((r) => setTimeout(r, 1000).unref());
        }
      }
    } finally {
      this.restarting = false;
    }
  }

  private decodeAll(g: RevisionGroup): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (const ev of g.events) {
      const d = this.deps.decode(ev);
      if (d) out.push(d);
    }
    return out;
  }

  private remember(events: WatchEvent[]): void {
    if (events.length === 0) return;
    this.window.push(...events);
    const drop = this.window.length - this.deps.windowSize;
    if (drop > 0) {
      this.windowStart = this.window[drop - 1]!.kv.modRevision;
      this.window.splice(0, drop);
    }
  }

  private deliverGroup(sub: Sub, revision: number, events: WatchEvent[]): void {
    for (const ev of events) {
      if (sub.done) return;
      if (matches(sub.match, ev.kv.key)) this.deliver(sub, ev);
    }
    sub.last = Math.max(sub.last, revision);
  }

  private deliver(sub: Sub, ev: WatchEvent): void {
    sub.last = Math.max(sub.last, ev.kv.modRevision);
    try {
      sub.opts.onEvent(ev);
    } catch (err) {
      this.fail(sub, err instanceof Error ? err : new StorageError(String(err)));
    }
  }

  private release(upTo: number): void {
    if (this.waiters.length === 0) return;
    const keep: Waiter[] = [];
    for (const w of this.waiters) (w.revision <= upTo ? w.resolve() : keep.push(w));
    this.waiters = keep;
  }

  private remove(sub: Sub): void {
    sub.done = true;
    sub.native?.cancel();
    sub.native = undefined;
    this.subs.delete(sub);
  }

  private fail(sub: Sub, err: Error): void {
    if (sub.done) return;
    this.remove(sub);
    try {
      sub.opts.onError?.(err);
    } catch {
      // a failing error handler must not stop the other watchers
    }
  }
}
