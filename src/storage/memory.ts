import {
  CompactedError,
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  NotFoundError,
  StorageError,
  type Backend,
  type KeyValue,
  type ListOptions,
  type ListResult,
  type WatchEvent,
  type WatchOptions,
  type Watcher,
} from './backend.js';
import { listRange, prefixEnd, type KeyMatch } from './key-range.js';
import { WatchHub } from './watch-hub.js';

interface Row {
  rev: number;
  key: string;
  created: boolean;
  deleted: boolean;
  createRev: number;
  prevRev: number;
  value: Buffer;
}

/** Index of the first element for which before(element) is false (elements sorted). */
function lowerBound<T>(items: readonly T[], before: (item: T) => boolean): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(items[mid]!)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The row of a key's history visible at revision rev. */
function rowAt(history: readonly Row[], rev: number): Row | undefined {
  const i = lowerBound(history, (r) => r.rev <= rev);
  return i > 0 ? history[i - 1] : undefined;
}

function kvOf(row: Row): KeyValue {
  return { key: row.key, value: row.value, createRevision: row.createRev, modRevision: row.rev };
}

/** The same log as the SQLite backend, in plain arrays; nothing survives close(). */
export class MemoryBackend implements Backend {
  readonly kind = 'memory';
  private log: Row[] = [];
  private readonly history = new Map<string, Row[]>();
  /** Every key with any history, sorted. */
  private keys: string[] = [];
  private head = 0;
  private compacted = 0;
  /** Rows below this revision have already been cleaned by compaction. */
  private cleaned = 0;
  private closed = false;
  private readonly hub: WatchHub;

  constructor() {
    this.hub = new WatchHub(
      {
        eventsAfter: (after, limit) => this.events(after, Infinity, limit, () => true),
        matchingEvents: (m, after, upTo, limit) => this.matchingEvents(m, after, upTo, limit),
        compactRevision: () => this.compacted,
        head: () => this.head,
      },
      0,
    );
  }

  async currentRevision(): Promise<number> {
    this.open();
    return this.head;
  }

  async compactRevision(): Promise<number> {
    this.open();
    return this.compacted;
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.open();
    const history = this.history.get(key);
    if (!history) return undefined;
    const row = revision ? rowAt(history, this.checkRevision(revision)) : history.at(-1);
    return row && !row.deleted ? kvOf(row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.open();
    const rev = opts.revision ? this.checkRevision(opts.revision) : this.head;
    const { lo, hi } = listRange(prefix, opts.startAfter);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : Infinity;
    const items: KeyValue[] = [];
    let remaining = 0;
    for (let i = lowerBound(this.keys, (k) => k < lo); i < this.keys.length && this.keys[i]! < hi; i++) {
      const row = rowAt(this.history.get(this.keys[i]!)!, rev);
      if (!row || row.deleted) continue;
      if (items.length < limit) items.push(kvOf(row));
      else remaining++;
    }
    return { items, revision: rev, remaining };
  }

  async count(prefix: string): Promise<{ count: number; revision: number }> {
    const { items } = await this.list(prefix);
    return { count: items.length, revision: this.head };
  }

  async create(key: string, value: Buffer): Promise<KeyValue> {
    this.open();
    const last = this.history.get(key)?.at(-1);
    if (last && !last.deleted) throw new KeyExistsError(key);
    const rev = this.head + 1;
    const row = this.append({ rev, key, created: true, deleted: false, createRev: rev, prevRev: last?.rev ?? 0, value: Buffer.from(value) });
    const kv = kvOf(row);
    this.hub.committed(rev, () => ({ type: 'create', kv }));
    return kv;
  }

  async update(key: string, value: Buffer, expectedModRevision: number): Promise<KeyValue> {
    this.open();
    const prev = this.live(key, expectedModRevision);
    const row = this.append({ ...prev, rev: this.head + 1, created: false, prevRev: prev.rev, value: Buffer.from(value) });
    const kv = kvOf(row);
    const prevKv = kvOf(prev);
    this.hub.committed(row.rev, () => ({ type: 'update', kv, prevKv }));
    return kv;
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    this.open();
    const prev = this.live(key, expectedModRevision);
    const row = this.append({ ...prev, rev: this.head + 1, created: false, deleted: true, prevRev: prev.rev });
    const kv = kvOf(row);
    const prevKv = kvOf(prev);
    this.hub.committed(row.rev, () => ({ type: 'delete', kv, prevKv }));
    return kv;
  }

  deliveredRevision(): number {
    return this.hub.deliveredRevision;
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    this.open();
    return this.hub.watch(prefix, opts);
  }

  // As in the SQLite log: the event at the compact revision survives, older superseded rows go.
  async compact(revision: number): Promise<number> {
    this.open();
    if (revision > this.head) throw new FutureRevisionError(revision, this.head);
    this.compacted = Math.max(this.compacted, revision);
    const removed = new Set<Row>();
    for (let i = lowerBound(this.log, (r) => r.rev <= this.cleaned); i < this.log.length; i++) {
      const row = this.log[i]!;
      if (row.rev >= this.compacted) break;
      const history = this.history.get(row.key)!;
      const prev = row.prevRev > 0 ? history.find((r) => r.rev === row.prevRev) : undefined;
      if (prev) removed.add(prev);
      if (row.deleted) removed.add(row);
    }
    this.cleaned = Math.max(this.cleaned, this.compacted - 1);
    if (removed.size === 0) return 0;
    this.log = this.log.filter((r) => !removed.has(r));
    const touched = new Set([...removed].map((r) => r.key));
    for (const key of touched) {
      const rest = this.history.get(key)!.filter((r) => !removed.has(r));
      if (rest.length > 0) this.history.set(key, rest);
      else this.history.delete(key);
    }
    this.keys = this.keys.filter((k) => this.history.has(k));
    return removed.size;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.closeAll(new StorageError('storage closed'));
    this.log = [];
    this.history.clear();
    this.keys = [];
  }

  private open(): void {
    if (this.closed) throw new StorageError('storage closed');
  }

  private checkRevision(revision: number): number {
    if (revision > this.head) throw new FutureRevisionError(revision, this.head);
    if (revision < this.compacted) throw new CompactedError(revision, this.compacted);
    return revision;
  }

  private live(key: string, expected?: number): Row {
    const row = this.history.get(key)?.at(-1);
    if (!row || row.deleted) throw new NotFoundError(key);
    if (expected !== undefined && row.rev !== expected) throw new ConflictError(key, kvOf(row));
    return row;
  }

  private append(row: Row): Row {
    this.head = row.rev;
    this.log.push(row);
    const history = this.history.get(row.key);
    if (history) {
      history.push(row);
    } else {
      this.history.set(row.key, [row]);
      this.keys.splice(lowerBound(this.keys, (k) => k < row.key), 0, row.key);
    }
    return row;
  }

  private matchingEvents(m: KeyMatch, after: number, upTo: number, limit: number): WatchEvent[] {
    if (!m.exact) {
      const hi = prefixEnd(m.key);
      return this.events(after, upTo, limit, (r) => r.key >= m.key && r.key < hi);
    }
    const history = this.history.get(m.key) ?? [];
    const out: WatchEvent[] = [];
    for (let i = lowerBound(history, (r) => r.rev <= after); i < history.length && out.length < limit; i++) {
      if (history[i]!.rev > upTo) break;
      out.push(this.eventOf(history[i]!));
    }
    return out;
  }

  private events(after: number, upTo: number, limit: number, want: (r: Row) => boolean): WatchEvent[] {
    const out: WatchEvent[] = [];
    for (let i = lowerBound(this.log, (r) => r.rev <= after); i < this.log.length && out.length < limit; i++) {
      const row = this.log[i]!;
      if (row.rev > upTo) break;
      if (want(row)) out.push(this.eventOf(row));
    }
    return out;
  }

  private eventOf(row: Row): WatchEvent {
    const kv = kvOf(row);
    if (row.created) return { type: 'create', kv };
    if (row.deleted) return { type: 'delete', kv, prevKv: { ...kv, modRevision: row.prevRev } };
    const prev = this.history.get(row.key)?.find((r) => r.rev === row.prevRev);
    return prev ? { type: 'update', kv, prevKv: kvOf(prev) } : { type: 'update', kv };
  }
}
