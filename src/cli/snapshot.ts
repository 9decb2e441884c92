// `minikapi snapshot save|restore <file>`: a whole store as one file, moved between clusters and backends.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { lockDataDir } from '../server/data-dir.js';
import { restoreSnapshot, saveSnapshot } from '../storage/snapshot.js';
import { clusterDir, readRecord, writeRecord } from './cluster-dir.js';
import { storeOptions, withClusterStore, type StoreFlags } from './open-store.js';

export function registerSnapshot(program: Command, fail: (msg: string) => never): void {
  const snap = program.command('snapshot').description('save a cluster\'s whole store to one file, or restore one into an empty store');
  storeOptions(snap.command('save').description('write every object of a cluster at one revision to <file> (the cluster may be running)').argument('<file>'))
    .action((file: string, o: StoreFlags) =>
      withClusterStore(o, fail, async (store) => {
        const r = await saveSnapshot(store.backend, resolve(file));
        process.stdout.write(`Saved ${r.keys} keys of ${store.label} at revision ${r.revision} to ${file} (${r.bytes} bytes)\n`);
      }, { describe: (store, e) => `snapshot of ${store.label} failed: ${(e as Error).message}` }),
    );
  storeOptions(snap.command('restore').description('write every object of <file> into an empty store: a new cluster\'s data directory or an etcd cluster').argument('<file>'))
    .action(async (file: string, o: StoreFlags) => {
      const { name, dir } = clusterDir(o);
      let lock: { release(): void } = { release() {} };
      if (!o.storage) {
        mkdirSync(dir, { recursive: true, mode: 0o700 });
        try {
          lock = lockDataDir(dir);
        } catch (e) {
          fail((e as Error).message);
        }
      }
      await withClusterStore(o, fail, async (store) => {
        const r = await restoreSnapshot(resolve(file), store.backend);
        if (!o.storage) writeRecord(dir, { ...readRecord(dir), name, storage: store.storage, created: readRecord(dir)?.created ?? new Date().toISOString() });
        process.stdout.write(`Restored ${r.keys} keys (revision ${r.header.revision} of the ${r.header.storage} store they came from) into ${store.label}, now at revision ${r.revision}\n`);
        if (!o.storage) process.stdout.write(`start it with: minikapi up --name ${name}${o.dataDir ? ` --data-dir ${dir}` : ''}\n`);
      }, { create: true, describe: (store, e) => `restore into ${store.label} failed: ${(e as Error).message}`, finally: () => lock.release() });
    });
}
