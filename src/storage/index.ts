import type { Backend } from './backend.js';
import { MemoryBackend } from './memory.js';
import { SqliteBackend } from './sqlite.js';

export * from './backend.js';
export { MemoryBackend } from './memory.js';
export { DatabaseFileError, SqliteBackend, type SqliteBackendOptions } from './sqlite.js';

export interface OpenBackendOptions {
  kind: 'sqlite' | 'memory';
  /** The SQLite database file (required for 'sqlite'). */
  path?: string;
  /** How often the SQLite backend looks for writes by other processes (default 100 ms). */
  pollIntervalMs?: number;
  /** Acknowledge SQLite writes without waiting for the disk (throw-away clusters only). */
  unsafeNoFsync?: boolean;
  /** SQLite: told the newest revision after each commit. */
  onCommitted?: (revision: number) => void;
}

export function openBackend(opts: OpenBackendOptions): Backend {
  if (opts.kind === 'memory') return new MemoryBackend();
  if (!opts.path) throw new TypeError('openBackend: the sqlite backend needs a path');
  return new SqliteBackend({ path: opts.path, pollIntervalMs: opts.pollIntervalMs, synchronous: opts.unsafeNoFsync ? 'off' : 'full', onCommitted: opts.onCommitted });
}
