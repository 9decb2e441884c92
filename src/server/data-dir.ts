// What keeps a data directory safe: one server at a time, files only its owner reads, and a record of the
// revision the store had reached, so that a damaged or older state.db is refused instead of served.
import { closeSync, existsSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, chmodSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export class DataDirError extends Error {}

/** Where named clusters live: $MINIKAPI_HOME, or ~/.minikapi. */
export function clustersHome(): string {
  return process.env.MINIKAPI_HOME || join(homedir(), '.minikapi');
}

/** The files of a data directory that the command line reads and writes besides the server's own. */
export const DATA_DIR_FILES = {
  /** Written by the server once ready, removed on stop: pid, url, storage, kubeconfig, startedAt. */
  state: 'minikapi.json',
  /** The pid of a server started with `up --detach`. */
  pid: 'minikapi.pid',
  /** Standard output and error of a server started with `up --detach`. */
  log: 'minikapi.log',
  /** What outlives a run: the storage the cluster uses, when it was created, where its context was merged. */
  record: 'cluster.json',
  lock: 'lock',
} as const;

/** Whether a process of that pid exists (one of another user counts too). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the data directory for this process: `lock` holds the owner's pid and is created exclusively, so two
 * starts cannot both win; a lock left by a process that is gone is taken over.
 */
export function lockDataDir(dir: string): { release(): void } {
  const path = join(dir, 'lock');
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new DataDirError(`cannot lock the data directory ${dir}: ${(e as Error).message}`);
    }
    const pid = Number(readFileSync(path, 'utf8').trim());
    if (pid && pid !== process.pid && processAlive(pid)) {
      let url = '';
      try {
        url = JSON.parse(readFileSync(join(dir, 'minikapi.json'), 'utf8')).url ?? '';
      } catch {
        // still starting: no state file yet
      }
      throw new DataDirError(`another minikapi (pid ${pid}) is serving ${dir}${url ? ` at ${url}` : ''}; stop it or use another --data-dir/--name`);
    }
    // the owner is gone (crashed or killed): its lock is stale
    rmSync(path, { force: true });
  }
  throw new DataDirError(`cannot lock the data directory ${dir}: another process keeps taking it`);
}

const RECORD = 'state.revision';

/** The newest revision a previous run recorded for this data directory's store (0 when none). */
export function recordedRevision(dir: string): number {
  try {
    return Number(readFileSync(join(dir, RECORD), 'utf8').trim()) || 0;
  } catch {
    return 0;
  }
}

/**
 * Keeps the record of the store's revision up to date after every commit: one fixed-width write in place,
 * cheap enough for each group commit, and kept by the page cache if the process is killed.
 */
export class RevisionRecorder {
  private fd: number;
  private last = 0;

  constructor(dir: string) {
    this.fd = openSync(join(dir, RECORD), 'w', 0o600);
  }

  note(revision: number): void {
    if (revision <= this.last || this.fd < 0) return;
    this.last = revision;
    writeSync(this.fd, `${String(revision).padStart(20, ' ')}\n`, 0);
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }
}

export function forgetRevision(dir: string): void {
  rmSync(join(dir, RECORD), { force: true });
}

/** Creates the database file owner-only before SQLite opens it (its -wal and -shm files inherit the mode). */
export function prepareDatabaseFile(path: string): { existed: boolean; empty: boolean } {
  const existed = existsSync(path);
  if (!existed) closeSync(openSync(path, 'a', 0o600));
  else chmodSync(path, 0o600);
  for (const suffix of ['-wal', '-shm']) if (existsSync(path + suffix)) chmodSync(path + suffix, 0o600);
  return { existed, empty: existed && statSync(path).size === 0 };
}
