// `minikapi snapshot save|restore <file>`: a whole store as one file, moved between clusters and backends.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { lockDataDir } from '../server/data-dir.js';
import { restoreSnapshot, saveSnapshot } from '../storage/snapshot.js';
import { clusterDir, readRecord, writeRecord } from './cluster-dir.js';
import { openClusterStore, type StoreFlags } from './open-store.js';

function storeOptions(c: Command): Command {
  return c
    .option('--name <cluster>', 'cluster name', 'minikapi')
    .option('--data-dir <dir>', 'data directory (default: ~/.minikapi/<name>)')
    .option('--storage <url>', 'an etcd store instead of a cluster\'s own: etcd://host:2379[,host:2379...][?prefix=/p]')
    .option('--etcd-cafile <file>', 'CA bundle of the etcd servers (turns on TLS)')
    .option('--etcd-certfile <file>', 'client certificate for etcd')
    .option('--etcd-keyfile <file>', 'client key for etcd');
}

export function registerSnapshot(program: Command, fail: (msg: string) => never): void {
  const snap = program.command('snapshot').description('save a cluster\'s whole store to one file, or restore one into an empty store');
  storeOptions(snap.command('save').description('write every object of a cluster at one revision to <file> (the cluster may be running)').argument('<file>'))
    .action(async (file: string, o: StoreFlags) => {
      let opened;
      try {
        opened = await openClusterStore(o);
      } catch (e) {
        fail((e as Error).message);
      }
      let error: string | undefined;
      try {
        const r = await saveSnapshot(opened.backend, resolve(file));
        process.stdout.write(`Saved ${r.keys} keys of ${opened.label} at revision ${r.revision} to ${file} (${r.bytes} bytes)\n`);
      } catch (e) {
        error = `snapshot of ${opened.label} failed: ${(e as Error).message}`;
      }
      await opened.backend.close();
      if (error) fail(error);
    });
  storeOptions(snap.command('restore').description('write every object of <file> into an empty store: a new cluster\'s data directory or an etcd cluster').argument('<file>'))
    .action(async (file: string, o: StoreFlags) => {
      const { name, dir } = clusterDir(o);
      let lock: { release(): void } = { release() {} };
      let opened;
      try {
        if (!o.storage) {
          mkdirSync(dir, { recursive: true, mode: 0o700 });
          lock = lockDataDir(dir);
        }
        opened = await openClusterStore(o, true);
      } catch (e) {
        lock.release();
        fail((e as Error).message);
      }
      let error: string | undefined;
      try {
        const r = await restoreSnapshot(resolve(file), opened.backend);
        if (!o.storage) writeRecord(dir, { ...readRecord(dir), name, storage: opened.storage, created: readRecord(dir)?.created ?? new Date().toISOString() });
        process.stdout.write(`Restored ${r.keys} keys (revision ${r.header.revision} of the ${r.header.storage} store they came from) into ${opened.label}, now at revision ${r.revision}\n`);
        if (!o.storage) process.stdout.write(`start it with: minikapi up --name ${name}${o.dataDir ? ` --data-dir ${dir}` : ''}\n`);
      } catch (e) {
        error = `restore into ${opened.label} failed: ${(e as Error).message}`;
      }
      await opened.backend.close();
      lock.release();
      if (error) fail(error);
    });
}
