import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, mkdirSync, openSync, realpathSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir, open, realpath, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/**
 * Writes `content` to `path` through a temporary file in the same directory and a rename, so a
 * reader never sees a half-written file; the file gets `mode` regardless of the umask's group bits.
 */
export async function writeFileAtomic(path: string, content: string, mode = 0o600): Promise<void> {
  const target = await resolveSymlink(path);
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fh = await open(tmp, 'wx', mode);
  try {
    try {
      await fh.writeFile(content);
      await fh.chmod(mode);
      // Flush before the rename so a power loss cannot leave an empty file under the real name.
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** writeFileAtomic without yielding: for a server's last step of start-up, which a busy event loop would delay. */
export function writeFileAtomicSync(path: string, content: string, mode = 0o600): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  let target = path;
  try {
    target = realpathSync(path);
  } catch {
    /* not there yet */
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', mode);
  try {
    try {
      writeFileSync(fd, content);
      fchmodSync(fd, mode);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, target);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

/** Creates `dir` and its parents; new directories get `mode`. */
export async function ensureDir(dir: string, mode = 0o700): Promise<void> {
  await mkdir(dir, { recursive: true, mode });
}

async function resolveSymlink(path: string): Promise<string> {
  // Replace the file a symlink points to (a common setup for ~/.kube/config), not the link itself.
  try {
    return await realpath(path);
  } catch {
    return path;
  }
}
