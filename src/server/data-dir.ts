// What keeps a data directory safe: one server at a time, files only its owner reads, and a record of the
// revision the store had reached, so that a damaged or older state.db is refused instead of served.
import { closeSync, existsSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirError extends Error {}

function alive(pid: number): boolean {
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
    if (pid && pid !== process.pid && alive(pid)) {
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

/** Records the store's revision durably (written aside, then renamed into place). */
export function recordRevision(dir: string, revision: number): void {
  const tmp = join(dir, `${RECORD}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeFileSync(fd, `${revision}\n`);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, RECORD));
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
