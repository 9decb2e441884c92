// A named cluster on disk, as the lifecycle commands see it: its data directory, whether its server runs, and
// what the command line recorded about it.
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { DATA_DIR_FILES, clustersHome } from '../server/data-dir.js';

export interface ServerState {
  pid: number;
  url: string;
  storage: string;
  kubeconfig: string;
  startedAt: string;
}

export interface ClusterRecord {
  name: string;
  storage: string;
  created: string;
  /** The kubeconfig file the context `minikapi-<name>` was merged into, if it was. */
  mergedInto?: string;
}

export interface ClusterDir {
  name: string;
  dir: string;
}

/** The data directory of `--data-dir`, or of `--name` under the clusters' home. */
export function clusterDir(o: { name?: string; dataDir?: string }): ClusterDir {
  const name = o.name ?? 'minikapi';
  return { name, dir: resolve(o.dataDir ?? join(clustersHome(), name)) };
}

export function alive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  // a process that has exited but is not reaped yet is as good as gone
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

function readJSON<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** The running server's state file, when its process is alive. */
export function serverState(dir: string): ServerState | undefined {
  const st = readJSON<ServerState>(join(dir, DATA_DIR_FILES.state));
  return st && alive(st.pid) ? st : undefined;
}

/**
 * The pid of the server holding the data directory, whether it is ready or still starting: the lock names it, the
 * pid file of `up --detach` names it before the lock exists.
 */
export function serverPid(dir: string): number | undefined {
  for (const f of [DATA_DIR_FILES.lock, DATA_DIR_FILES.pid, DATA_DIR_FILES.state]) {
    let pid: number;
    try {
      const text = readFileSync(join(dir, f), 'utf8');
      pid = f === DATA_DIR_FILES.state ? Number(JSON.parse(text).pid) : Number(text.trim());
    } catch {
      continue;
    }
    if (pid && alive(pid) && isMinikapi(pid)) return pid;
  }
  return undefined;
}

/** Guards against a reused pid: on Linux the process must be a minikapi. */
function isMinikapi(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('minikapi');
  } catch {
    return true;
  }
}

export function readRecord(dir: string): ClusterRecord | undefined {
  return readJSON<ClusterRecord>(join(dir, DATA_DIR_FILES.record));
}

export function writeRecord(dir: string, rec: ClusterRecord): void {
  writeFileSync(join(dir, DATA_DIR_FILES.record), JSON.stringify(rec, null, 2) + '\n', { mode: 0o600 });
}

/** The storage a cluster uses: the running server's, the recorded one, else sqlite when a state.db exists. */
export function clusterStorage(dir: string): string | undefined {
  return serverState(dir)?.storage ?? readRecord(dir)?.storage ?? (existsSync(join(dir, 'state.db')) ? 'sqlite' : undefined);
}

/** When the cluster was created: recorded by `up`, else when its CA was made. */
export function createdAt(dir: string): Date | undefined {
  const rec = readRecord(dir);
  if (rec?.created) return new Date(rec.created);
  for (const p of [join(dir, 'pki', 'ca.crt'), dir]) if (existsSync(p)) return statSync(p).mtime;
  return undefined;
}

/** A data directory minikapi made (so that `delete` never removes anything else). */
export function looksLikeClusterDir(dir: string): boolean {
  return ['pki', 'state.db', DATA_DIR_FILES.state, DATA_DIR_FILES.record, DATA_DIR_FILES.pid, DATA_DIR_FILES.log].some((f) => existsSync(join(dir, f)));
}

export function removePidFile(dir: string): void {
  rmSync(join(dir, DATA_DIR_FILES.pid), { force: true });
}

/** An age as kubectl prints one (apimachinery's duration.HumanDuration): 45s, 3m20s, 12m, 5h10m, 30h, 3d4h, 40d. */
export function shortAge(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) return hours % 24 === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${hours % 24}h`;
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  const years = Math.floor(hours / 24 / 365);
  const days = Math.floor(hours / 24) % 365;
  if (hours < 24 * 365 * 8) return days === 0 ? `${years}y` : `${years}y${days}d`;
  return `${years}y`;
}
