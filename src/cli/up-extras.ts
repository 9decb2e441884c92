// The `up` flags for lifecycles as kind/k3d users expect them: --detach, --wait, --kubeconfig-merge,
// --print-kubeconfig and --from. The foreground start-up itself stays in main.ts.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import type { Cluster } from '../server/index.js';
import type { Backend } from '../storage/backend.js';
import { StoreNotEmptyError, restoreSnapshot, snapshotHeader } from '../storage/snapshot.js';
import { applyManifests, manifestFiles, readManifests } from './apply-manifests.js';
import { clusterDir, readRecord, writeRecord } from './cluster-dir.js';
import { credentialsOf, httpsTransport } from './https-transport.js';
import { mergeContext, mergedContextName } from './kubeconfig-merge.js';

export interface UpExtras {
  name: string;
  dataDir?: string;
  storage: string;
  detach?: boolean;
  wait?: number;
  kubeconfigMerge?: boolean;
  printKubeconfig?: boolean;
  from?: string;
}

/** Go's time.ParseDuration for the forms people type: 30s, 1m30s, 500ms, 2m; a bare 0 too. */
export function parseWait(v: string): number {
  if (v === '0') return 0;
  if (!/^(\d+(\.\d+)?(h|m|s|ms))+$/.test(v)) throw new InvalidArgumentError('must be a duration such as 30s, 1m or 2m30s');
  let ms = 0;
  for (const [, n, unit] of v.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s)/g)) ms += Number(n) * ({ h: 3_600_000, m: 60_000, s: 1000, ms: 1 } as Record<string, number>)[unit!]!;
  return ms;
}

function existingPath(v: string): string {
  if (!existsSync(v)) throw new InvalidArgumentError(`${v} does not exist`);
  return resolve(v);
}

export function addUpOptions(up: Command): void {
  up.option('--detach', 'start the server in the background (pid file and log in the data directory) and return once it is ready')
    .option('--wait <duration>', 'how long to wait for the server to be ready (default with --detach: 60s; 0 returns at once)', parseWait)
    .option('--kubeconfig-merge', 'also merge cluster, user and context minikapi-<name> into $KUBECONFIG (its first file) or ~/.kube/config, and make it current')
    .option('--print-kubeconfig', 'print the kubeconfig on standard output once ready (every other line goes to standard error)')
    .option('--from <snapshot|dir>', 'seed a new cluster: a snapshot file (restored before start-up), or manifests (a directory or file, applied after)', existingPath);
}

/** `--from <snapshot>`: the store is filled from the file before bootstrap; undefined when --from is not a snapshot. */
export function seedFor(o: UpExtras): ((backend: Backend) => Promise<string>) | undefined {
  if (!o.from || statSync(o.from).isDirectory() || !snapshotHeader(o.from)) return undefined;
  const file = o.from;
  return async (backend) => {
    const r = await restoreSnapshot(file, backend).catch((e) => {
      if (e instanceof StoreNotEmptyError)
        throw new Error(`--from ${file}: the store of cluster "${o.name}" is not empty (${e.keys} keys): --from seeds a new cluster only; delete this one first (minikapi delete --name ${o.name}) or choose another --name`);
      throw new Error(`--from ${file}: ${(e as Error).message}`);
    });
    return `seed (${r.keys} keys)`;
  };
}

/** A foreground start-up bounded by --wait: ends the process with a clear message when it takes longer. */
export function startWaitTimer(o: UpExtras, fail: (msg: string) => never): { clear(): void } {
  if (!o.wait || o.detach) return { clear() {} };
  const t = setTimeout(() => fail(`cluster "${o.name}" was not ready within ${o.wait! / 1000}s`), o.wait);
  return { clear: () => clearTimeout(t) };
}

export interface ReadyInfo {
  url: string;
  kubeconfig: string;
  context: string;
  mergedInto?: string;
  seeded?: number;
}

/** What follows readiness: manifests of --from, the record of the cluster, --kubeconfig-merge, --print-kubeconfig. */
export async function afterReady(c: Cluster, o: UpExtras, say: (s: string) => void): Promise<ReadyInfo> {
  const info: ReadyInfo = { url: c.url, kubeconfig: c.kubeconfigPath, context: c.name };
  if (o.from && !seedFor(o)) {
    const r = await applyManifests(readManifests(manifestFiles(o.from)), httpsTransport(credentialsOf(c.kubeconfig)), c.url);
    info.seeded = r.applied;
    say(`applied ${r.applied} objects from ${o.from}`);
  }
  const { dir } = clusterDir({ name: o.name, dataDir: c.dataDir });
  const rec = readRecord(dir);
  let mergedInto = rec?.mergedInto;
  if (o.kubeconfigMerge) {
    mergedInto = await mergeContext(c.kubeconfig, c.name);
    info.mergedInto = mergedInto;
    info.context = mergedContextName(c.name);
    say(`merged context "${info.context}" into ${mergedInto} (now the current context)`);
  }
  writeRecord(dir, { name: c.name, storage: o.storage, created: rec?.created ?? c.startedAt.toISOString(), ...(mergedInto ? { mergedInto } : {}) });
  if (o.printKubeconfig) process.stdout.write(c.kubeconfig);
  // a detached server tells the `up` that started it, which is waiting on the IPC channel
  if (process.send) {
    process.send({ ready: info }, () => process.disconnect());
  }
  return info;
}
