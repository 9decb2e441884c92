// The store of a cluster, opened from the command line beside (or without) its running server: the SQLite file
// of its data directory (shared safely with the server), or its etcd cluster.
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { join } from 'node:path';
import { forgetRevision, prepareDatabaseFile } from '../server/data-dir.js';
import { isEtcdUrl, openBackend, type Backend, type OpenBackendOptions } from '../storage/index.js';
import { clusterDir, clusterStorage } from './cluster-dir.js';

export interface StoreFlags {
  name?: string;
  dataDir?: string;
  storage?: string;
  etcdCafile?: string;
  etcdCertfile?: string;
  etcdKeyfile?: string;
}

export interface OpenedStore {
  backend: Backend;
  /** What to call it in messages: `cluster "x"` or the etcd URL. */
  label: string;
  /** sqlite, or the etcd URL. */
  storage: string;
  dir: string;
}

export class StoreFlagError extends Error {}

/**
 * Opens the store a command names: `--storage etcd://…` directly, else the storage of the cluster of
 * `--name`/`--data-dir`. `create` allows a new, empty SQLite file (restore).
 */
export async function openClusterStore(o: StoreFlags, create = false): Promise<OpenedStore> {
  const { name, dir } = clusterDir(o);
  const storage = o.storage ?? clusterStorage(dir) ?? (create ? 'sqlite' : undefined);
  const label = o.storage && isEtcdUrl(o.storage) ? o.storage : `cluster "${name}"`;
  if (!storage) throw new StoreFlagError(`no cluster "${name}": ${dir} holds no store; pass --name, --data-dir or --storage etcd://…`);
  if (storage === 'memory') throw new StoreFlagError(`${label} keeps its state in memory, which only its own process can read; start it with --storage sqlite or etcd://… to use this command`);
  const path = join(dir, 'state.db');
  if (storage === 'sqlite') {
    if (!existsSync(path) && !create) throw new StoreFlagError(`no cluster "${name}": ${path} does not exist; pass --name or --data-dir of an existing cluster`);
    if (create) {
      prepareDatabaseFile(path);
      // the store is rewritten from the snapshot: the revision recorded for the old one no longer applies
      forgetRevision(dir);
    }
  } else if (!isEtcdUrl(storage)) throw new StoreFlagError(`unknown storage ${JSON.stringify(storage)}`);
  const backend = await openBackend({
    kind: storage as OpenBackendOptions['kind'],
    path,
    pollIntervalMs: 1000,
    etcdCAFile: o.etcdCafile,
    etcdCertFile: o.etcdCertfile,
    etcdKeyFile: o.etcdKeyfile,
  });
  return { backend, label, storage, dir };
}

/** The flags naming a store, shared by the commands that open one. */
export function storeOptions(c: Command): Command {
  return c
    .option('--name <cluster>', 'cluster name', 'minikapi')
    .option('--data-dir <dir>', 'data directory (default: ~/.minikapi/<name>)')
    .option('--storage <url>', "an etcd store instead of a cluster's own: etcd://host:2379[,host:2379...][?prefix=/p]")
    .option('--etcd-cafile <file>', 'CA bundle of the etcd servers (turns on TLS)')
    .option('--etcd-certfile <file>', 'client certificate for etcd')
    .option('--etcd-keyfile <file>', 'client key for etcd');
}

export interface WithStoreOptions {
  create?: boolean;
  /** The message for a failure of the work (default: its own). */
  describe?(store: OpenedStore, err: unknown): string;
  /** Runs once the store is closed, or when it could not be opened. */
  finally?(): void;
}

/** Opens the store, runs `work` on it and closes it; any failure ends the command through `fail`. */
export async function withClusterStore(o: StoreFlags, fail: (msg: string) => never, work: (store: OpenedStore) => Promise<void>, opts: WithStoreOptions = {}): Promise<void> {
  let opened: OpenedStore;
  try {
    opened = await openClusterStore(o, opts.create);
  } catch (e) {
    opts.finally?.();
    fail((e as Error).message);
  }
  let error: string | undefined;
  try {
    await work(opened);
  } catch (e) {
    error = opts.describe ? opts.describe(opened, e) : (e as Error).message;
  }
  await opened.backend.close();
  opts.finally?.();
  if (error) fail(error);
}
