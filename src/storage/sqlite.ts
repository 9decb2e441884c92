import { closeSync, fdatasync, openSync, readSync } from 'node:fs';
import Database from 'better-sqlite3';
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
import { COMPACT_KEY, IS_LEGACY, LEGACY_HEAD, SCHEMA, SQL } from './sqlite-sql.js';
import { WatchHub, type LogReader } from './watch-hub.js';

export interface SqliteBackendOptions {
  /** Database file (created when missing); ':memory:' works but cannot be shared. */
  path: string;
  /** How often to look for writes by other processes sharing the file (default 100 ms). */
  pollIntervalMs?: number;
  /**
   * 'full' (default) makes every acknowledged write durable, as etcd does (one fsync per group commit, run
   * off the event loop for a database file);
   * 'normal' loses nothing on a process crash but may lose the last writes on power loss; 'off' is for
   * throw-away clusters.
   */
  synchronous?: 'normal' | 'full' | 'off';
  /** Rows examined per compaction transaction (default 1000). */
  compactBatch?: number;
  /** Run PRAGMA quick_check when opening, and refuse a damaged file (default true). */
  checkIntegrity?: boolean;
  /** Told the newest revision after each group commit (the server records it beside the file). */
  onCommitted?: (revision: number) => void;
}

/** The database file cannot be opened: not SQLite, corrupt, unreadable, or not a minikapi store. */
export class DatabaseFileError extends StorageError {
  constructor(
    readonly path: string,
    readonly reason: string,
    corrupt: boolean,
  ) {
    super(
      corrupt
        ? `${path} is not a SQLite database or is damaged (${reason}); restore it from a snapshot, or move it away (e.g. mv ${path} ${path}.bad) to start with an empty store`
        : `cannot open database ${path}: ${reason}`,
    );
  }
}

interface LatestRow {
  id: number;
  created: number;
  deleted: number;
  create_revision: number;
  value: Buffer;
}

interface ListRow {
  id: number;
  name: string;
  created: number;
  create_revision: number;
  value: Buffer;
}

interface EventRow extends ListRow {
  deleted: number;
  prev_revision: number;
  prev_value: Buffer | null;
}

interface SuccessorRow {
  id: number;
  prev_revision: number;
  deleted: number;
}

const BUSY_TIMEOUT_MS = 5000;

interface PendingWrite {
  type: 'create' | 'update' | 'delete';
  key: string;
  value?: Buffer;
  expected?: number;
  resolve(kv: KeyValue): void;
  reject(err: Error): void;
  result?: { kv: KeyValue; event: WatchEvent };
  error?: StorageError;
}

function kvOf(key: string, row: { id: number; created: number; create_revision: number; value: Buffer }): KeyValue {
  return { key, value: row.value, createRevision: row.created ? row.id : row.create_revision, modRevision: row.id };
}

function eventOf(row: EventRow): WatchEvent {
  const kv = kvOf(row.name, row);
  if (row.created) return { type: 'create', kv };
  if (row.deleted) {
    return { type: 'delete', kv, prevKv: { ...kv, modRevision: row.prev_revision } };
  }
  if (row.prev_value === null) return { type: 'update', kv };
  return { type: 'update', kv, prevKv: { ...kv, value: row.prev_value, modRevision: row.prev_revision } };
}

function sqliteCode(err: unknown): string | undefined {
  return err instanceof Database.SqliteError ? err.code : undefined;
}

function openDatabase(path: string, synchronous: 'normal' | 'full' | 'off'): Database.Database {
  let db: Database.Database | undefined;
  try {
    db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous.toUpperCase()}`);
    // Keeps the WAL file from staying at its high-water mark after checkpoints.
    db.pragma('journal_size_limit = 67108864');
    // 8 MiB of pages: the watch cache answers most reads, and the OS page cache keeps the rest close
    db.pragma('cache_size = -8192');
    db.transaction(() => db!.exec(SCHEMA)).immediate();
    return db;
  } catch (err) {
    db?.close();
    throw fileError(path, err);
  }
}

/** A truncated or scribbled file must not be served as a smaller store. */
function checkIntegrity(db: Database.Database, path: string): void {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check(5)') as { quick_check: string }[]).map((r) => r.quick_check);
  } catch (err) {
    db.close();
    throw fileError(path, err);
  }
  if (problems.length === 1 && problems[0] === 'ok') return;
  db.close();
  throw new DatabaseFileError(path, `integrity check failed: ${problems.join('; ').replace(/\s*\n\s*/g, '; ')}`, true);
}

function fileError(path: string, err: unknown): DatabaseFileError {
  const code = sqliteCode(err);
  const reason = err instanceof Error ? err.message : String(err);
  return new DatabaseFileError(path, reason, code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT');
}

/** The kine-style log in one SQLite file; several processes may share the file. */
export class SqliteBackend implements Backend {
  readonly kind = 'sqlite';
  readonly path: string;
  private readonly db: Database.Database;
  private readonly hub: WatchHub;
  private readonly poller: NodeJS.Timeout;
  private readonly compactBatch: number;
  private closed = false;

  private readonly s: { [K in keyof typeof SQL]: Database.Statement };
  private readonly read: <T>(fn: () => T) => T;
  private readonly commitBatch: (ops: PendingWrite[]) => void;
  private readonly onCommitted?: (revision: number) => void;
  /** Writes waiting for the group commit at the end of this event-loop turn. */
  private pending: PendingWrite[] = [];
  private flushScheduled = false;
  private readonly compactStep: (target: number) => { removed: number; done: boolean };
  /** The WAL file synced after commits (FULL on a file), its descriptor once opened. */
  private readonly walPath?: string;
  private walFd = -1;
  /**
   * SQLite's WAL-index header (the first 48 bytes of the -shm file) changes with every commit of any
   * process: while it reads the same, the head read with it still holds, without a query.
   */
  private shmPath?: string;
  private shmFd = -1;
  private readonly shmSeen = Buffer.alloc(48);
  private readonly shmNow = Buffer.alloc(48);
  private headSeen = -1;
  /** The WAL sync under way: writes queue meanwhile. */
  private syncing?: Promise<void>;

  constructor(opts: SqliteBackendOptions) {
    this.path = opts.path;
    this.compactBatch = opts.compactBatch ?? 1000;
    this.onCommitted = opts.onCommitted;
    const synchronous = opts.synchronous ?? 'full';
    // FULL for a file: SQLite commits at NORMAL and the WAL is synced by the thread pool before the writes
    // are answered, so requests go on while the disk flushes and commits meanwhile share the next sync
    this.walPath = synchronous === 'full' && opts.path !== ':memory:' && opts.path !== '' ? `${opts.path}-wal` : undefined;
    const db = openDatabase(opts.path, this.walPath ? 'normal' : synchronous);
    this.shmPath = opts.path !== ':memory:' && opts.path !== '' ? `${opts.path}-shm` : undefined;
    this.db = db;
    if (opts.checkIntegrity !== false) checkIntegrity(db, opts.path);
    let head: number;
    try {
      const legacy = (db.prepare(IS_LEGACY).pluck().get() as number) > 0;
      const sql: Record<keyof typeof SQL, string> = legacy ? { ...SQL, head: LEGACY_HEAD } : SQL;
      this.s = Object.fromEntries(Object.entries(sql).map(([k, text]) => [k, db.prepare(text)])) as typeof this.s;
      this.s.head.pluck();
      this.s.count.pluck();
      head = this.head();
      this.compactState();
    } catch (err) {
      db.close();
      throw fileError(opts.path, err);
    }
    const readTx = db.transaction((fn: () => unknown) => fn());
    this.read = <T>(fn: () => T) => readTx(fn) as T;
    // Every write of one event-loop turn goes into one transaction (one fsync); each keeps its own
    // revision and its own outcome: a refused write (exists, conflict, missing) writes nothing.
    this.commitBatch = db.transaction((ops: PendingWrite[]) => {
      for (const op of ops) {
        try {
          op.result = this.apply(op);
        } catch (err) {
          if (!(err instanceof StorageError)) throw err;
          op.error = err;
        }
      }
    }).immediate;
    this.compactStep = db.transaction((target: number) => this.compactBatchRows(target)).immediate;

    const reader: LogReader = {
      eventsAfter: (after, limit) => (this.s.eventsAfter.all(after, limit) as EventRow[]).map(eventOf),
      matchingEvents: (m, after, upTo, limit) => this.matchingEvents(m, after, upTo, limit),
      compactRevision: () => this.compactState().compact,
      head: () => this.head(),
    };
    this.hub = new WatchHub(reader, head);
    this.poller = setInterval(() => this.poll(), opts.pollIntervalMs ?? 100);
    this.poller.unref();
  }

  async currentRevision(): Promise<number> {
    this.open();
    return this.knownHead();
  }

  knownRevision(): number {
    this.open();
    return this.knownHead();
  }

  async compactRevision(): Promise<number> {
    this.open();
    return this.compactState().compact;
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    this.open();
    const row = revision
      ? this.read(() => {
          this.checkRevision(revision, this.head());
          return this.s.latestAt.get(key, revision) as LatestRow | undefined;
        })
      : (this.s.latest.get(key) as LatestRow | undefined);
    return row && !row.deleted ? kvOf(key, row) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    this.open();
    const { lo, hi } = listRange(prefix, opts.startAfter);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : -1;
    return this.read(() => {
      const head = this.head();
      const rev = opts.revision ? this.checkRevision(opts.revision, head) : head;
      const rows = this.s.listPage.all({ lo, hi, rev, limit }) as ListRow[];
      const items = rows.map((r) => kvOf(r.name, r));
      const last = items.at(-1);
      const remaining =
        limit > 0 && last && items.length === limit ? this.countRange(last.key + '\0', hi, rev) : 0;
      return { items, revision: rev, remaining };
    });
  }

  async count(prefix: string): Promise<{ count: number; revision: number }> {
    this.open();
    return this.read(() => {
      const revision = this.head();
      return { count: this.countRange(prefix, prefixEnd(prefix), revision), revision };
    });
  }

  create(key: string, value: Buffer): Promise<KeyValue> {
    if (key === COMPACT_KEY) return Promise.reject(new StorageError(`key ${key} is reserved`));
    return this.enqueue({ type: 'create', key, value });
  }

  update(key: string, value: Buffer, expectedModRevision: number): Promise<KeyValue> {
    return this.enqueue({ type: 'update', key, value, expected: expectedModRevision });
  }

  delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    return this.enqueue({ type: 'delete', key, expected: expectedModRevision });
  }

  private enqueue(w: Omit<PendingWrite, 'resolve' | 'reject'>): Promise<KeyValue> {
    if (this.closed) return Promise.reject(new StorageError('storage closed'));
    return new Promise((resolve, reject) => {
      this.pending.push({ ...w, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /**
   * Commits the queued writes together; they are answered once the commit is durable. While a WAL sync runs,
   * writes wait for it to end and then commit as one group: one transaction and one sync for all of them.
   */
  private flush(): void {
    this.flushScheduled = false;
    if (this.syncing || this.pending.length === 0) return;
    const ops = this.pending;
    this.pending = [];
    if (this.closed) {
      for (const op of ops) op.reject(new StorageError('storage closed'));
      return;
    }
    try {
      this.commitBatch(ops);
    } catch (err) {
      // the transaction rolled back as a whole: nothing of this batch was written
      const e = err instanceof StorageError ? err : new StorageError(`write failed: ${(err as Error).message}`);
      for (const op of ops) op.reject(e);
      return;
    }
    if (this.walPath) this.syncing = this.syncWal(ops);
    else this.settle(ops);
  }

  /** Syncs the WAL in the thread pool, answers the group, then commits what arrived meanwhile. */
  private async syncWal(ops: PendingWrite[]): Promise<void> {
    try {
      if (this.walFd < 0) this.walFd = openSync(this.walPath!, 'r');
      const fd = this.walFd;
      await new Promise<void>((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
      this.syncing = undefined;
      this.settle(ops);
    } catch (err) {
      this.syncing = undefined;
      const e = new StorageError(`write not durable: ${(err as Error).message}`);
      for (const op of ops) op.reject(e);
    }
    this.flush();
  }

  /** Publishes the events of durable writes in revision order, then answers each write. */
  private settle(ops: PendingWrite[]): void {
    let newest = 0;
    for (const op of ops) if (op.result) newest = op.result.kv.modRevision;
    if (newest) this.onCommitted?.(newest);
    for (const op of ops) {
      if (op.error) {
        op.reject(op.error);
        continue;
      }
      const { kv, event } = op.result!;
      this.hub.committed(kv.modRevision, () => event);
      op.resolve(kv);
    }
  }

  /** One write inside the batch transaction; a refused write throws before it inserts anything. */
  private apply(op: PendingWrite): { kv: KeyValue; event: WatchEvent } {
    const key = op.key;
    if (op.type === 'create') {
      const prev = this.latest(key);
      if (prev && !prev.deleted) throw new KeyExistsError(key);
      const row = this.insert(key, 1, 0, 0, prev?.id ?? 0, op.value!);
      const kv: KeyValue = { key, value: op.value!, createRevision: row, modRevision: row };
      return { kv, event: { type: 'create', kv } };
    }
    const prev = this.live(key, op.expected);
    const prevKv = kvOf(key, prev);
    if (op.type === 'update') {
      const row = this.insert(key, 0, 0, prevKv.createRevision, prev.id, op.value!);
      const kv: KeyValue = { key, value: op.value!, createRevision: prevKv.createRevision, modRevision: row };
      return { kv, event: { type: 'update', kv, prevKv } };
    }
    const row = this.insert(key, 0, 1, prevKv.createRevision, prev.id, prev.value);
    const kv: KeyValue = { ...prevKv, modRevision: row };
    return { kv, event: { type: 'delete', kv, prevKv } };
  }

  /** The synchronous setting in force: FULL unless a throw-away cluster asked otherwise. */
  durability(): string {
    if (this.walPath) return 'full';
    return ['off', 'normal', 'full', 'extra'][this.db.pragma('synchronous', { simple: true }) as number] ?? 'unknown';
  }

  deliveredRevision(): number {
    return this.hub.deliveredRevision;
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    this.open();
    return this.hub.watch(prefix, opts);
  }

  // Keeps the event at the compact revision itself (and its previous value) so that a watch
  // after compactRevision - 1 loses nothing; everything older is superseded history.
  async compact(revision: number): Promise<number> {
    this.open();
    const head = this.head();
    if (revision > head) throw new FutureRevisionError(revision, head);
    // Local watchers must have seen every event that is about to disappear.
    this.hub.catchUp();
    const target = this.raiseCompact(revision);
    let removed = 0;
    for (;;) {
      if (this.closed) return removed;
      const step = this.compactStep(target);
      removed += step.removed;
      if (step.done) break;
      // Let requests run between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (!this.closed) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return removed;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    // writes already asked for are committed (and answered) before the file closes
    for (;;) {
      this.flush();
      if (!this.syncing) break;
      await this.syncing;
    }
    this.closed = true;
    if (this.walFd >= 0) closeSync(this.walFd);
    if (this.shmFd >= 0) closeSync(this.shmFd);
    clearInterval(this.poller);
    this.hub.closeAll(new StorageError('storage closed'));
    this.db.close();
  }

  private matchingEvents(m: KeyMatch, after: number, upTo: number, limit: number): WatchEvent[] {
    const rows = m.exact
      ? this.s.keyEvents.all(m.key, after, upTo, limit)
      : this.s.prefixEvents.all(m.key, prefixEnd(m.key), after, upTo, limit);
    return (rows as EventRow[]).map(eventOf);
  }

  private compactState(): { compact: number; cursor: number } {
    return this.s.compactState.get() as { compact: number; cursor: number };
  }

  private open(): void {
    if (this.closed) throw new StorageError('storage closed');
  }

  /** The head, queried only when the WAL-index header moved since the last query. */
  private knownHead(): number {
    if (this.shmFd < 0 && this.shmPath) {
      try {
        this.shmFd = openSync(this.shmPath, 'r');
      } catch {
        this.shmPath = undefined;
      }
    }
    if (this.shmFd < 0 || readSync(this.shmFd, this.shmNow, 0, 48, 0) !== 48) return this.head();
    if (this.headSeen >= 0 && this.shmNow.equals(this.shmSeen)) return this.headSeen;
    // the header is read before the query: a commit in between shows as a change next time
    this.headSeen = this.head();
    this.shmNow.copy(this.shmSeen);
    return this.headSeen;
  }

  private head(): number {
    return (this.s.head.get() as number | undefined) ?? 0;
  }

  private checkRevision(revision: number, head: number): number {
    if (revision > head) throw new FutureRevisionError(revision, head);
    const compacted = this.compactState().compact;
    if (revision < compacted) throw new CompactedError(revision, compacted);
    return revision;
  }

  private countRange(lo: string, hi: string, rev: number): number {
    return this.s.count.get({ lo, hi, rev }) as number;
  }

  private latest(key: string): LatestRow | undefined {
    return this.s.latest.get(key) as LatestRow | undefined;
  }

  /** The live row of key, checked against the expected modRevision when one is given. */
  private live(key: string, expected?: number): LatestRow {
    const row = this.latest(key);
    if (!row || row.deleted) throw new NotFoundError(key);
    if (expected !== undefined && row.id !== expected) throw new ConflictError(key, kvOf(key, row));
    return row;
  }

  private insert(key: string, created: number, deleted: number, createRev: number, prevRev: number, value: Buffer): number {
    return Number(this.s.insert.run(key, created, deleted, createRev, prevRev, value).lastInsertRowid);
  }

  private raiseCompact(revision: number): number {
    return this.db
      .transaction(() => {
        const { compact } = this.compactState();
        if (revision <= compact) return compact;
        this.s.setCompact.run(revision);
        return revision;
      })
      .immediate();
  }

  private compactBatchRows(target: number): { removed: number; done: boolean } {
    const { cursor } = this.compactState();
    const rows = this.s.successors.all(cursor, target, this.compactBatch) as SuccessorRow[];
    let removed = 0;
    for (const row of rows) {
      // Superseded rows go first, so a tombstone never outlives the value it hides.
      if (row.prev_revision > 0) removed += this.s.deleteRow.run(row.prev_revision).changes;
      if (row.deleted) removed += this.s.deleteRow.run(row.id).changes;
    }
    const done = rows.length < this.compactBatch;
    const next = done ? target - 1 : rows[rows.length - 1]!.id;
    if (next > cursor) this.s.setCursor.run(next);
    return { removed, done };
  }

  private poll(): void {
    // during a WAL sync the newest rows are this process's own, published once durable
    if (this.closed || this.hub.size === 0 || this.syncing) return;
    try {
      this.hub.catchUp();
    } catch (err) {
      const code = sqliteCode(err);
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return;
      this.hub.closeAll(err instanceof StorageError ? err : new StorageError(`watch failed: ${(err as Error).message}`));
    }
  }
}
