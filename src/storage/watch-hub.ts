import { CompactedError, StorageError, type WatchEvent, type WatchOptions, type Watcher } from './backend.js';
import { keyMatch, matches, type KeyMatch } from './key-range.js';

/** What a hub needs from a log: events in revision order, and how far history reaches. */
export interface LogReader {
  /** Events with revision > after, in revision order, at most limit. */
  eventsAfter(after: number, limit: number): WatchEvent[];
  /** Events on keys matching m with after < revision <= upTo, in revision order, at most limit. */
  matchingEvents(m: KeyMatch, after: number, upTo: number, limit: number): WatchEvent[];
  compactRevision(): number;
  /** The newest committed revision. */
  head(): number;
}

interface Subscription {
  match: KeyMatch;
  /** Revision of the last event this watcher has been given (or its afterRevision). */
  last: number;
  /** The hub position when the watch began: replay reads the log up to here. */
  replayUpTo: number;
  replaying: boolean;
  done: boolean;
  buffer: WatchEvent[];
  opts: WatchOptions;
}

const PAGE = 512;

export function revisionOf(ev: WatchEvent): number {
  return ev.kv.modRevision;
}

/**
 * Fans log events out to watchers, in revision order, each exactly once.
 * A backend calls committed() right after each local commit and catchUp() to pick up foreign writes.
 */
export class WatchHub {
  private readonly subs = new Set<Subscription>();
  private delivered: number;
  private draining = false;
  private again = false;

  constructor(
    private readonly log: LogReader,
    head: number,
  ) {
    this.delivered = head;
  }

  /** Every event up to this revision has reached every live watcher (0 while a dispatch is under way). */
  get deliveredRevision(): number {
    return this.draining ? 0 : this.delivered;
  }

  get size(): number {
    return this.subs.size;
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    const compacted = this.log.compactRevision();
    if (opts.afterRevision + 1 < compacted) throw new CompactedError(opts.afterRevision, compacted);
    // An idle hub may lag far behind foreign writes; replay reads only matching keys instead.
    if (this.subs.size === 0 && !this.draining) this.delivered = Math.max(this.delivered, this.log.head());
    const sub: Subscription = {
      match: keyMatch(prefix),
      last: opts.afterRevision,
      replayUpTo: this.delivered,
      replaying: true,
      done: false,
      buffer: [],
      opts,
    };
    this.subs.add(sub);
    // Replay after watch() returns, so onEvent may already use the Watcher it was given.
    queueMicrotask(() => this.replay(sub));
    return { stop: () => this.remove(sub) };
  }

  /** A local write committed revision rev; publish before the write's promise settles. */
  committed(rev: number, event: () => WatchEvent): void {
    if (this.subs.size === 0) {
      // Nobody listens: a later watcher replays from the log, so just move the boundary.
      if (!this.draining) this.delivered = Math.max(this.delivered, rev);
      return;
    }
    // the poller may have read it from the log already
    if (!this.draining && rev <= this.delivered) return;
    if (this.draining || rev !== this.delivered + 1) {
      this.catchUpQuietly();
      return;
    }
    // No gap: every earlier revision is delivered, so the event is known without reading the log.
    this.draining = true;
    try {
      this.delivered = rev;
      this.dispatch(event());
    } finally {
      this.draining = false;
    }
    if (this.again) this.catchUpQuietly();
  }

  private catchUpQuietly(): void {
    try {
      this.catchUp();
    } catch {
      // The write itself committed; the poller retries from the same position.
    }
  }

  /** Deliver every logged event after the hub position (foreign writes, gaps). */
  catchUp(): void {
    if (this.subs.size === 0) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    try {
      do {
        this.again = false;
        this.dropCompacted();
        for (;;) {
          const events = this.log.eventsAfter(this.delivered, PAGE);
          for (const ev of events) {
            this.delivered = revisionOf(ev);
            this.dispatch(ev);
          }
          if (events.length < PAGE) break;
        }
      } while (this.again);
    } finally {
      this.draining = false;
    }
  }

  /** End every watch (backend closing or failing). */
  closeAll(err: Error): void {
    for (const sub of [...this.subs]) this.fail(sub, err);
  }

  private dropCompacted(): void {
    const compacted = this.log.compactRevision();
    if (this.delivered + 1 >= compacted) return;
    // Another process compacted past events this hub has not read yet: they may be gone.
    for (const sub of [...this.subs]) {
      if (sub.last + 1 < compacted) this.fail(sub, new CompactedError(sub.last, compacted));
    }
  }

  private dispatch(ev: WatchEvent): void {
    const rev = revisionOf(ev);
    for (const sub of this.subs) {
      if (sub.done || rev <= sub.last || !matches(sub.match, ev.kv.key)) continue;
      if (sub.replaying) sub.buffer.push(ev);
      else this.deliver(sub, ev);
    }
  }

  private deliver(sub: Subscription, ev: WatchEvent): void {
    sub.last = revisionOf(ev);
    try {
      sub.opts.onEvent(ev);
    } catch (err) {
      this.fail(sub, err instanceof Error ? err : new StorageError(String(err)));
    }
  }

  private replay(sub: Subscription): void {
    try {
      while (!sub.done && sub.last < sub.replayUpTo) {
        const compacted = this.log.compactRevision();
        if (sub.last + 1 < compacted) {
          this.fail(sub, new CompactedError(sub.last, compacted));
          return;
        }
        const events = this.log.matchingEvents(sub.match, sub.last, sub.replayUpTo, PAGE);
        for (const ev of events) {
          if (sub.done) return;
          this.deliver(sub, ev);
        }
        if (events.length < PAGE) break;
      }
      while (!sub.done && sub.buffer.length > 0) {
        const ev = sub.buffer.shift()!;
        if (revisionOf(ev) > sub.last) this.deliver(sub, ev);
      }
      sub.replaying = false;
    } catch (err) {
      this.fail(sub, err instanceof Error ? err : new StorageError(String(err)));
    }
  }

  private remove(sub: Subscription): void {
    sub.done = true;
    sub.buffer = [];
    this.subs.delete(sub);
  }

  private fail(sub: Subscription, err: Error): void {
    if (sub.done) return;
    this.remove(sub);
    try {
      sub.opts.onError?.(err);
    } catch {
      // A failing error handler must not stop the other watchers.
    }
  }
}
