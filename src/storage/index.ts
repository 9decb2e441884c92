import type { Backend } from './backend.js';
import { isEtcdUrl, parseEtcdUrl } from './etcd-url.js';
import { MemoryBackend } from './memory.js';
import { SqliteBackend } from './sqlite.js';

export * from './backend.js';
export { MemoryBackend } from './memory.js';
export { DatabaseFileError, SqliteBackend, type SqliteBackendOptions } from './sqlite.js';
// the etcd backend (and its gRPC client, ~200 ms and ~25 MiB to load) is imported from './etcd.js' when used
export type { EtcdBackendOptions } from './etcd.js';
export { isEtcdUrl, parseEtcdUrl, type EtcdUrl } from './etcd-url.js';

export interface OpenBackendOptions {
  /** 'sqlite', 'memory', or an etcd cluster: etcd://host1:2379,host2:2379[?prefix=/p] (etcds:// for TLS). */
  kind: 'sqlite' | 'memory' | `etcd://${string}` | `etcds://${string}`;
  /** The SQLite database file (required for 'sqlite'). */
  path?: string;
  /** How often the SQLite backend looks for writes by other processes (default 100 ms). */
  pollIntervalMs?: number;
  /** Acknowledge SQLite writes without waiting for the disk (throw-away clusters only). */
  unsafeNoFsync?: boolean;
  /** SQLite: told the newest revision after each commit. */
  onCommitted?: (revision: number) => void;
  /** PEM files for etcd over TLS (any of them turns TLS on). */
  etcdCAFile?: string;
  etcdCertFile?: string;
  etcdKeyFile?: string;
}

/** Opens a backend; an etcd backend connects in the background (await currentRevision() to know it answers). */
export async function openBackend(opts: OpenBackendOptions): Promise<Backend> {
  if (opts.kind === 'memory') return new MemoryBackend();
  if (isEtcdUrl(opts.kind)) {
    const u = parseEtcdUrl(opts.kind);
    const { EtcdBackend } = await import('./etcd.js');
    return new EtcdBackend({ endpoints: u.endpoints, prefix: u.prefix, caFile: opts.etcdCAFile, certFile: opts.etcdCertFile, keyFile: opts.etcdKeyFile });
  }
  if (!opts.path) throw new TypeError('openBackend: the sqlite backend needs a path');
  return new SqliteBackend({ path: opts.path, pollIntervalMs: opts.pollIntervalMs, synchronous: opts.unsafeNoFsync ? 'off' : 'full', onCommitted: opts.onCommitted });
}
