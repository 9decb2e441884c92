import { readFileSync } from 'node:fs';
import { CompareResult, CompareTarget, Etcd3, type IEvent, type IKeyValue, type IRangeRequest, type IResponseOp } from 'etcd3';
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
import { EtcdWatchHub } from './etcd-watch-hub.js';
import { listRange, prefixEnd } from './key-range.js';

export interface EtcdBackendOptions {
  /** Client URLs: http://host:2379 or https://host:2379. */
  endpoints: string[];
  /** Prepended to every key, so that several clusters can share one etcd (default none). */
  prefix?: string;
  /** PEM files for TLS: the CA that signed etcd's certificates, and a client certificate and key. */
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  /** How long start-up waits for the cluster to answer (default 5 s). */
  connectTimeoutMs?: number;
  /** How long one request may take (default 10 s). */
  requestTimeoutMs?: number;
  /** Recent events kept in memory for watches that start in the past (default 5000). */
  watchWindow?: number;
}

/** etcd could not be reached at start-up. */
export class EtcdUnreachableError extends StorageError {}

const COMPACTED = 'required revision has been compacted';
const FUTURE = 'required revision is a future revision';
/** Any key: reads of it only serve to learn a revision. */
const PROBE_KEY = Buffer.from([0]);

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The cause of a failed connection without grpc's wrapping ("connect ECONNREFUSED 127.0.0.1:2379"). */
function connectReason(err: unknown): string {
  const msg = messageOf(err).replace(/^etcd: /, '');
  return /Last error: (?:Error: )?(.*?)\.?(?: Resolution note:.*)?$/.exec(msg)?.[1] ?? msg;
}

/** A constant reconnect delay for watch streams (the client's default backs off up to 30 s). */
const watchBackoff = { duration: 250, next: () => watchBackoff };

/** Storage in an etcd v3 cluster; revisions are etcd's, so several processes can share one cluster. */
export class EtcdBackend implements Backend {
  readonly kind = 'etcd';
  readonly endpoints: readonly string[];
  readonly prefix: string;
  /** Settles once the cluster answered (rejects with EtcdUnreachableError). */
  readonly ready: Promise<void>;
  private readonly client: Etcd3;
  private readonly hub: EtcdWatchHub;
  private readonly connectTimeoutMs: number;
  /** etcd's compact revision as last seen (raised by local compactions and by probes). */
  private compactRev = 0;
  private closed = false;
  /** Why start-up failed, once it has. */
  private failed?: EtcdUnreachableError;

  constructor(opts: EtcdBackendOptions) {
    if (opts.endpoints.length === 0) throw new TypeError('EtcdBackend: no endpoints');
    this.endpoints = opts.endpoints;
    this.prefix = opts.prefix ?? '';
    this.connectTimeoutMs = opts.connectTimeoutMs ?? 5000;
    const requestTimeoutMs = opts.requestTimeoutMs ?? 10_000;
    const tls = opts.caFile || opts.certFile || opts.keyFile;
    const read = (f: string | undefined) => (f ? readFileSync(f) : undefined);
    const endpoints = tls ? opts.endpoints.map((e) => e.replace(/^http:\/\//, 'https://')) : [...opts.endpoints];
    this.client = new Etcd3({
      hosts: endpoints,
      credentials: tls ? { rootCertificate: read(opts.caFile) ?? Buffer.alloc(0), certChain: read(opts.certFile), privateKey: read(opts.keyFile) } : undefined,
      defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + requestTimeoutMs }),
      faultHandling: { watchBackoff },
    });
    this.hub = new EtcdWatchHub({
      client: this.client,
      decode: (ev) => this.decode(ev),
      explain: (err, last) => this.explainWatchEnd(err, last),
      head: () => this.head(),
      windowSize: opts.watchWindow ?? 5000,
      deliveryTimeoutMs: 3000,
    });
    this.ready = this.start();
    this.ready.catch(() => {
      // reported to every caller that awaits it
    });
  }

  /** Connects and resolves once the cluster answered. */
  static async connect(opts: EtcdBackendOptions): Promise<EtcdBackend> {
    const be = new EtcdBackend(opts);
    try {
      await be.ready;
    } catch (err) {
      await be.close();
      throw err;
    }
    return be;
  }

  private async start(): Promise<void> {
    const connect = async () => {
      const head = await this.head(this.connectTimeoutMs);
      this.compactRev = await this.probeCompact(1, head);
      // a compaction before etcd created the watch would cancel it
      await this.hub.start(head);
    };
    try {
      await Promise.race([
        connect(),
        new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${this.connectTimeoutMs} ms`)), this.connectTimeoutMs).unref()),
      ]);
    } catch (err) {
      const e = new EtcdUnreachableError(
        `cannot reach etcd at ${this.endpoints.join(', ')} (${connectReason(err)}); start the etcd cluster or fix --storage etcd://host:port[,host:port...] (TLS: etcds:// with --etcd-cafile, --etcd-certfile, --etcd-keyfile)`,
      );
      this.failed = e;
      this.hub.closeAll(e);
      throw e;
    }
  }

  async currentRevision(): Promise<number> {
    await this.open();
    return this.head();
  }

  async compactRevision(): Promise<number> {
    await this.open();
    this.compactRev = await this.probeCompact(this.compactRev, await this.head());
    return this.compactRev;
  }

  async get(key: string, revision?: number): Promise<KeyValue | undefined> {
    await this.open();
    const res = await this.range({ key: this.ek(key), revision: revision || 0 }, revision);
    const kv = res.kvs[0];
    return kv ? this.kvOf(kv) : undefined;
  }

  async list(prefix: string, opts: ListOptions = {}): Promise<ListResult> {
    await this.open();
    const { lo, hi } = listRange(prefix, opts.startAfter);
    const limit = opts.limit && opts.limit > 0 ? opts.limit : 0;
    const res = await this.range({ key: this.ek(lo), range_end: this.rangeEnd(prefix, hi), limit, revision: opts.revision || 0 }, opts.revision);
    const items = res.kvs.map((kv) => this.kvOf(kv));
    return { items, revision: opts.revision || Number(res.header.revision), remaining: Number(res.count) - items.length };
  }

  async count(prefix: string): Promise<{ count: number; revision: number }> {
    await this.open();
    const res = await this.range({ key: this.ek(prefix), range_end: this.rangeEnd(prefix, prefixEnd(prefix)), count_only: true });
    return { count: Number(res.count), revision: Number(res.header.revision) };
  }

  async create(key: string, value: Buffer): Promise<KeyValue> {
    await this.open();
    const k = this.ek(key);
    const res = await this.call(() =>
      this.client.kv.txn({
        compare: [{ key: k, target: CompareTarget.Create, result: CompareResult.Equal, create_revision: 0 }],
        success: [{ request_put: { key: k, value } }],
      }),
    );
    if (!res.succeeded) throw new KeyExistsError(key);
    const rev = Number(res.header.revision);
    await this.hub.delivered(rev);
    return { key, value, createRevision: rev, modRevision: rev };
  }

  async update(key: string, value: Buffer, expectedModRevision: number): Promise<KeyValue> {
    await this.open();
    const k = this.ek(key);
    const res = await this.call(() =>
      this.client.kv.txn({
        compare: [
          { key: k, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: expectedModRevision },
          { key: k, target: CompareTarget.Create, result: CompareResult.Greater, create_revision: 0 },
        ],
        success: [{ request_put: { key: k, value, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) this.lostCompare(key, res.responses);
    const rev = Number(res.header.revision);
    const prev = res.responses[0]!.response_put.prev_kv;
    await this.hub.delivered(rev);
    return { key, value, createRevision: Number(prev.create_revision), modRevision: rev };
  }

  async delete(key: string, expectedModRevision?: number): Promise<KeyValue> {
    await this.open();
    const k = this.ek(key);
    const compare =
      expectedModRevision === undefined
        ? { key: k, target: CompareTarget.Create, result: CompareResult.Greater, create_revision: 0 }
        : { key: k, target: CompareTarget.Mod, result: CompareResult.Equal, mod_revision: expectedModRevision };
    const res = await this.call(() =>
      this.client.kv.txn({
        compare: [compare],
        success: [{ request_delete_range: { key: k, prev_kv: true } }],
        failure: [{ request_range: { key: k } }],
      }),
    );
    if (!res.succeeded) this.lostCompare(key, res.responses);
    const rev = Number(res.header.revision);
    const prev = res.responses[0]!.response_delete_range.prev_kvs[0];
    if (!prev) throw new NotFoundError(key);
    await this.hub.delivered(rev);
    return { ...this.kvOf(prev), modRevision: rev };
  }

  deliveredRevision(): number {
    return this.hub.deliveredRevision();
  }

  watch(prefix: string, opts: WatchOptions): Watcher {
    if (this.closed) throw new StorageError('storage closed');
    if (this.failed) throw this.failed;
    if (opts.afterRevision + 1 < this.compactRev) throw new CompactedError(opts.afterRevision, this.compactRev);
    return this.hub.watch(prefix, opts);
  }

  /** etcd compacts the whole keyspace; returns how many revisions this compaction moved past. */
  async compact(revision: number): Promise<number> {
    await this.open();
    const head = await this.head();
    if (revision > head) throw new FutureRevisionError(revision, head);
    const before = this.compactRev;
    if (revision <= before) return 0;
    try {
      await this.call(() => this.client.kv.compact({ revision, physical: true }));
    } catch (err) {
      if (!messageOf(err).includes(COMPACTED)) throw err;
      // another process compacted at least this far
      this.compactRev = await this.probeCompact(Math.max(before, revision), head);
      return 0;
    }
    this.compactRev = Math.max(this.compactRev, revision);
    return revision - before;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.hub.closeAll(new StorageError('storage closed'));
    this.client.close();
  }

  private async open(): Promise<void> {
    if (this.closed) throw new StorageError('storage closed');
    await this.ready;
    if (this.closed) throw new StorageError('storage closed');
  }

  private ek(key: string): Buffer {
    return Buffer.from(this.prefix + key);
  }

  private rangeEnd(prefix: string, hi: string): Buffer {
    // everything (under the backend's prefix) when the caller lists from the root
    if (prefix === '') return this.prefix ? Buffer.from(prefixEnd(this.prefix + '/')) : Buffer.from([0]);
    return this.ek(hi);
  }

  private kvOf(kv: IKeyValue): KeyValue {
    return {
      key: kv.key.toString().slice(this.prefix.length),
      value: kv.value,
      createRevision: Number(kv.create_revision),
      modRevision: Number(kv.mod_revision),
    };
  }

  private decode(ev: IEvent): WatchEvent | undefined {
    const raw = ev.kv.key.toString();
    if (this.prefix && !raw.startsWith(this.prefix + '/')) return undefined;
    const prevKv = ev.prev_kv ? this.kvOf(ev.prev_kv) : undefined;
    const modRevision = Number(ev.kv.mod_revision);
    if (ev.type === 'Delete') {
      const kv = prevKv ? { ...prevKv, modRevision } : { key: raw.slice(this.prefix.length), value: Buffer.alloc(0), createRevision: 0, modRevision };
      return prevKv ? { type: 'delete', kv, prevKv } : { type: 'delete', kv };
    }
    const kv = this.kvOf(ev.kv);
    if (ev.kv.version === '1' || !prevKv) return { type: ev.kv.version === '1' ? 'create' : 'update', kv };
    return { type: 'update', kv, prevKv };
  }

  /** The failure branch of a compare-and-swap: the key is gone, or it changed. */
  private lostCompare(key: string, responses: IResponseOp[]): never {
    const current = responses[0]?.response_range.kvs[0];
    if (!current) throw new NotFoundError(key);
    throw new ConflictError(key, this.kvOf(current));
  }

  private async head(timeoutMs?: number): Promise<number> {
    const opts = timeoutMs ? { deadline: Date.now() + timeoutMs } : undefined;
    const res = await this.call(() => this.client.kv.range({ key: PROBE_KEY, count_only: true }, opts));
    return Number(res.header.revision);
  }

  /** A range read; at an explicit revision, compacted and future revisions become the storage errors. */
  private async range(req: IRangeRequest, revision?: number) {
    try {
      return await this.call(() => this.client.kv.range(req));
    } catch (err) {
      if (!revision) throw err;
      const msg = messageOf(err);
      if (msg.includes(FUTURE)) throw new FutureRevisionError(revision, await this.head());
      if (msg.includes(COMPACTED)) {
        this.compactRev = await this.probeCompact(Math.max(this.compactRev, revision + 1), await this.head());
        throw new CompactedError(revision, this.compactRev);
      }
      throw err;
    }
  }

  private async readable(revision: number): Promise<boolean> {
    try {
      await this.call(() => this.client.kv.range({ key: PROBE_KEY, count_only: true, revision }));
      return true;
    } catch (err) {
      if (messageOf(err).includes(COMPACTED)) return false;
      throw err;
    }
  }

  /**
   * etcd's compact revision, known to be at least lo: the oldest readable revision (etcd tells no other
   * way without writing a key, and a write would make a revision of its own). 0 when nothing was compacted.
   */
  private async probeCompact(lo: number, head: number): Promise<number> {
    lo = Math.max(lo, 1);
    if (await this.readable(lo)) return lo === 1 ? 0 : lo;
    let hi = head;
    lo++;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (await this.readable(mid)) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private async explainWatchEnd(err: Error, last: number): Promise<Error> {
    if (this.closed) return new StorageError('storage closed');
    try {
      const compacted = await this.probeCompact(this.compactRev, await this.head());
      this.compactRev = Math.max(this.compactRev, compacted);
      if (last + 1 < compacted) return new CompactedError(last, compacted);
    } catch {
      // report the watch's own error
    }
    return new StorageError(`etcd watch ended: ${err.message}`);
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      if (this.closed) throw new StorageError('storage closed');
      throw err instanceof StorageError ? err : new StorageError(`etcd: ${messageOf(err)}`, { cause: err });
    }
  }
}
