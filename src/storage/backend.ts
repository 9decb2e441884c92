// The storage contract: keys, revisions and bytes, never Kubernetes kinds.
// Every implementation (SQLite log, memory log, etcd) passes the same conformance suite.

export interface KeyValue {
  key: string;
  /** The stored bytes (JSON text of the object, as written by the registry). */
  value: Buffer;
  /** Revision at which this key was created (the create row's id). */
  createRevision: number;
  /** Revision of the write that produced this value (for a delete event: the tombstone's revision). */
  modRevision: number;
}

export type WatchEventType = 'create' | 'update' | 'delete';

export interface WatchEvent {
  type: WatchEventType;
  /** For create/update: the new value. For delete: the last live value, with modRevision = the tombstone's revision. */
  kv: KeyValue;
  /** For update and delete: the value before this write. */
  prevKv?: KeyValue;
}

export interface ListOptions {
  /** Read as of this revision (0/undefined = current). Below the compact revision: CompactedError. */
  revision?: number;
  /** At most this many items (0/undefined = all). */
  limit?: number;
  /** Only keys strictly greater than this key (paging); must lie under the prefix. */
  startAfter?: string;
  /**
   * Without revision: any revision not older than this one will do (resourceVersion="0" asks for 0), so a
   * cache that is behind storage may answer. Backends without a cache answer at the current revision.
   */
  minRevision?: number;
}

export interface ListResult {
  items: KeyValue[];
  /** The revision the list was read at. */
  revision: number;
  /** Number of matching keys after the returned page (0 when the page is the last). */
  remaining: number;
}

export interface Watcher {
  stop(): void;
}

export interface WatchOptions {
  /** Deliver events with revision > afterRevision (replayed from the log first, then live). */
  afterRevision: number;
  onEvent(ev: WatchEvent): void;
  /** Called once if the watch ends on the backend's side (closing, or too far behind). */
  onError?(err: Error): void;
}

export interface Backend {
  readonly kind: string;
  /** The newest committed revision. */
  currentRevision(): Promise<number>;
  /** currentRevision() answered synchronously, for backends that know it without a round trip (caches check it on every read). */
  knownRevision?(): number;
  /** The oldest revision that can still be read (everything below it is compacted). */
  compactRevision(): Promise<number>;
  get(key: string, revision?: number): Promise<KeyValue | undefined>;
  /** Keys under prefix (prefix should end in '/'), in key order. */
  list(prefix: string, opts?: ListOptions): Promise<ListResult>;
  count(prefix: string): Promise<{ count: number; revision: number }>;
  /** Fails with KeyExistsError when the key is live. */
  create(key: string, value: Buffer): Promise<KeyValue>;
  /** Compare-and-swap on modRevision. NotFoundError when absent, ConflictError (with the current value) when stale. */
  update(key: string, value: Buffer, expectedModRevision: number): Promise<KeyValue>;
  /** Deletes (appends a tombstone). With expectedModRevision, CAS as in update. Returns the deleted value with modRevision = tombstone revision. */
  delete(key: string, expectedModRevision?: number): Promise<KeyValue>;
  /** Watch keys under prefix (or the exact key when prefix does not end in '/'). CompactedError when afterRevision + 1 is compacted. */
  watch(prefix: string, opts: WatchOptions): Watcher;
  /** Drop history below revision (rows superseded before it and tombstones older than it), as etcd does; never resurrects deleted keys. Returns rows removed. */
  compact(revision: number): Promise<number>;
  close(): Promise<void>;
  /** Every event up to this revision has been delivered to every live watcher (caches use it to know they are current). */
  deliveredRevision?(): number;
}

export class StorageError extends Error {}

export class KeyExistsError extends StorageError {
  constructor(readonly key: string) {
    super(`key exists: ${key}`);
  }
}

export class NotFoundError extends StorageError {
  constructor(readonly key: string) {
    super(`key not found: ${key}`);
  }
}

export class ConflictError extends StorageError {
  constructor(
    readonly key: string,
    readonly current: KeyValue,
  ) {
    super(`revision conflict on ${key}`);
  }
}

export class CompactedError extends StorageError {
  constructor(
    readonly requested: number,
    readonly compacted: number,
  ) {
    super(`revision ${requested} has been compacted (compact revision ${compacted})`);
  }
}

export class FutureRevisionError extends StorageError {
  constructor(
    readonly requested: number,
    readonly current: number,
  ) {
    super(`revision ${requested} is newer than the current revision ${current}`);
  }
}
