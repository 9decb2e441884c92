// The audit log file as kube-apiserver's lumberjack logger keeps it: appended to, and once a write would take it
// past --audit-log-maxsize MB, renamed to <name>-<UTC time 2006-01-02T15-04-05.000><ext> and started afresh;
// backups beyond --audit-log-maxbackup or older than --audit-log-maxage days are removed.
import { closeSync, fstatSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';

export interface RotationOptions {
  /** Megabytes before a rotation; 0 never rotates. */
  maxSizeMB?: number;
  /** Rotated files kept; 0 keeps them all. */
  maxBackups?: number;
  /** Days a rotated file is kept; 0 keeps it regardless of age. */
  maxAgeDays?: number;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** lumberjack's backupTimeFormat in UTC. */
export function backupName(path: string, at: Date): string {
  const ext = extname(path);
  const stem = basename(path, ext);
  const t = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}T${pad(at.getUTCHours())}-${pad(at.getUTCMinutes())}-${pad(at.getUTCSeconds())}.${pad(at.getUTCMilliseconds(), 3)}`;
  return join(dirname(path), `${stem}-${t}${ext}`);
}

export class RotatingFile {
  private fd: number;
  private size: number;

  constructor(
    private readonly path: string,
    private readonly opts: RotationOptions = {},
  ) {
    this.fd = openSync(path, 'a', 0o600);
    this.size = fstatSync(this.fd).size;
  }

  write(line: string): void {
    const bytes = Buffer.byteLength(line);
    const max = (this.opts.maxSizeMB ?? 0) * 1024 * 1024;
    if (max > 0 && this.size > 0 && this.size + bytes > max) this.rotate();
    writeSync(this.fd, line);
    this.size += bytes;
  }

  private rotate(): void {
    closeSync(this.fd);
    renameSync(this.path, backupName(this.path, new Date()));
    this.fd = openSync(this.path, 'a', 0o600);
    this.size = 0;
    this.prune();
  }

  private prune(): void {
    const ext = extname(this.path);
    const stem = basename(this.path, ext);
    const dir = dirname(this.path);
    const re = new RegExp(`^${stem.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d{4})-(\\d\\d)-(\\d\\d)T(\\d\\d)-(\\d\\d)-(\\d\\d)\\.(\\d{3})${ext.replace('.', '\\.')}$`);
    const backups = readdirSync(dir)
      .map((f) => ({ f, m: re.exec(f) }))
      .filter((b) => b.m)
      .map(({ f, m }) => ({ f, t: Date.UTC(+m![1]!, +m![2]! - 1, +m![3]!, +m![4]!, +m![5]!, +m![6]!, +m![7]!) }))
      .sort((a, b) => b.t - a.t);
    const maxAgeMs = (this.opts.maxAgeDays ?? 0) * 24 * 3600_000;
    backups.forEach((b, i) => {
      const tooMany = (this.opts.maxBackups ?? 0) > 0 && i >= this.opts.maxBackups!;
      const tooOld = maxAgeMs > 0 && b.t < Date.now() - maxAgeMs;
      if (tooMany || tooOld) rmSync(join(dir, b.f), { force: true });
    });
  }

  close(): void {
    closeSync(this.fd);
  }

  /** The current file's size in bytes (for tests). */
  get bytes(): number {
    return statSync(this.path).size;
  }
}
