// `minikapi down`, `list` and `delete`: named clusters under ~/.minikapi (or $MINIKAPI_HOME), as kind and k3d
// users know them.
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { clustersHome } from '../server/data-dir.js';
import { alive, clusterDir, clusterStorage, createdAt, looksLikeClusterDir, readRecord, removePidFile, serverPid, serverState, shortAge } from './cluster-dir.js';
import { defaultKubeconfigFile, mergedContextName, removeContext } from './kubeconfig-merge.js';

const out = (s: string) => process.stdout.write(s + '\n');

/** Sends SIGTERM and waits for the process to exit; SIGKILL after timeoutMs. Returns how it ended. */
export async function stopProcess(pid: number, timeoutMs: number): Promise<'stopped' | 'killed'> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return 'stopped';
  }
  const deadline = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone meanwhile */
      }
      while (alive(pid)) await new Promise((r) => setTimeout(r, 50));
      return 'killed';
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return 'stopped';
}

/** kubectl's table layout: columns left-aligned, three spaces apart, upper-case headers. */
export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [headers, ...rows].map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]! + 3))).join('')).join('\n');
}

export function listClusters(now = Date.now()): string[][] {
  const home = clustersHome();
  if (!existsSync(home)) return [];
  const rows: string[][] = [];
  for (const name of readdirSync(home).sort()) {
    const dir = join(home, name);
    if (!statSync(dir).isDirectory() || !looksLikeClusterDir(dir)) continue;
    const st = serverState(dir);
    const pid = st ? st.pid : serverPid(dir);
    const state = st ? 'running' : pid ? 'starting' : 'stopped';
    const born = createdAt(dir);
    rows.push([name, state, st?.url ?? '-', clusterStorage(dir) ?? '-', born ? shortAge(now - born.getTime()) : '-']);
  }
  return rows;
}

function parseTimeout(v: string): number {
  const m = /^(\d+)(ms|s|m)?$/.exec(v);
  if (!m) throw new Error(`--timeout must be a duration such as 30s; got ${JSON.stringify(v)}`);
  return Number(m[1]) * ({ ms: 1, s: 1000, m: 60_000 } as Record<string, number>)[m[2] ?? 's']!;
}

async function down(name: string, dir: string, timeoutMs: number): Promise<string> {
  const pid = serverPid(dir);
  if (!pid) {
    removePidFile(dir);
    return `Cluster "${name}" is not running`;
  }
  const how = await stopProcess(pid, timeoutMs);
  removePidFile(dir);
  return how === 'stopped' ? `Stopped cluster "${name}" (pid ${pid})` : `Killed cluster "${name}" (pid ${pid}): it did not stop within ${timeoutMs / 1000}s of SIGTERM`;
}

export function registerLifecycle(program: Command, fail: (msg: string) => never): void {
  program
    .command('down')
    .description('stop a running cluster (SIGTERM, then wait for it to exit); its data stays for the next `up`')
    .argument('[cluster]', 'cluster name (same as --name)')
    .option('--name <cluster>', 'cluster name', 'minikapi')
    .option('--data-dir <dir>', 'data directory (default: ~/.minikapi/<name>)')
    .option('--timeout <duration>', 'how long to wait for a clean exit before SIGKILL', '30s')
    .action(async (arg: string | undefined, o) => {
      const { name, dir } = clusterDir({ name: arg ?? o.name, dataDir: o.dataDir });
      if (!existsSync(dir)) fail(`no cluster "${name}" (no data directory ${dir})`);
      out(await down(name, dir, parseTimeout(o.timeout)));
    });

  program
    .command('list')
    .description('list the clusters under ~/.minikapi (or $MINIKAPI_HOME): name, state, URL, storage, age')
    .action(() => {
      const rows = listClusters();
      if (rows.length === 0) {
        process.stderr.write('No minikapi clusters found.\n');
        return;
      }
      out(table(['NAME', 'STATE', 'URL', 'STORAGE', 'AGE'], rows));
    });

  program
    .command('delete')
    .description("stop a cluster, remove its data directory, and remove its context from the kubeconfig it was merged into")
    .argument('[cluster]', 'cluster name (same as --name)')
    .option('--name <cluster>', 'cluster name', 'minikapi')
    .option('--data-dir <dir>', 'data directory (default: ~/.minikapi/<name>)')
    .action(async (arg: string | undefined, o) => {
      const { name, dir } = clusterDir({ name: arg ?? o.name, dataDir: o.dataDir });
      if (!existsSync(dir)) fail(`no cluster "${name}" (no data directory ${dir})`);
      if (!looksLikeClusterDir(dir)) fail(`${dir} does not look like a minikapi data directory; not removing it`);
      const rec = readRecord(dir);
      const storage = clusterStorage(dir);
      const pid = serverPid(dir);
      if (pid) await stopProcess(pid, 30_000);
      const files = [...new Set([rec?.mergedInto, defaultKubeconfigFile()].filter((f): f is string => !!f))];
      for (const f of files) {
        try {
          if (await removeContext(name, f)) out(`Removed context "${mergedContextName(name)}" from ${f}`);
        } catch (e) {
          process.stderr.write(`minikapi: could not edit ${f}: ${(e as Error).message}\n`);
        }
      }
      rmSync(dir, { recursive: true, force: true });
      const kept = storage && storage.startsWith('etcd') ? ` (its objects in ${storage} are kept)` : '';
      out(`Deleted cluster "${name}"${kept}`);
    });
}
