// A whole store as one portable file: every live key at one revision, written as JSON lines, read back
// into an empty store of any backend.
import { closeSync, fsyncSync, openSync, readFileSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { StorageError, type Backend } from './backend.js';

export const SNAPSHOT_FORMAT = 'minikapi-snapshot';
export const SNAPSHOT_VERSION = 1;
/** Every key the registry writes lies under this prefix. */
const ROOT = '/';
const PAGE = 500;
/** Creates in flight at once while restoring (one SQLite group commit, or a window of etcd transactions). */
const WINDOW = 100;

export interface SnapshotHeader {
  format: typeof SNAPSHOT_FORMAT;
  version: number;
  /** The store revision every key was read at. */
  revision: number;
  /** The backend kind it was read from: sqlite, memory or etcd. */
  storage: string;
  /** When the snapshot was taken (RFC 3339). */
  created: string;
}

export interface SnapshotRecord {
  key: string;
  createRevision: number;
  modRevision: number;
  /** The stored bytes as text when they are UTF-8 (the registry's JSON), else valueBase64. */
  value?: string;
  valueBase64?: string;
}

export class SnapshotError extends StorageError {}

export class StoreNotEmptyError extends SnapshotError {
  constructor(readonly keys: number) {
    super(`the target store is not empty (${keys} keys); a snapshot is restored into an empty store only`);
  }
}

function recordOf(key: string, value: Buffer, createRevision: number, modRevision: number): SnapshotRecord {
  const text = value.toString('utf8');
  const exact = Buffer.byteLength(text) === value.length && Buffer.from(text, 'utf8').equals(value);
  return exact ? { key, createRevision, modRevision, value: text } : { key, createRevision, modRevision, valueBase64: value.toString('base64') };
}

/**
 * Writes every live key of the store as of one revision (a consistent, online read: writes that land while it
 * runs are not in it) to `file`, through a temporary file and a rename.
 */
export async function saveSnapshot(backend: Backend, file: string): Promise<{ revision: number; keys: number; bytes: number }> {
  const revision = await backend.currentRevision();
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  const fd = openSync(tmp, 'w', 0o600);
  let bytes = 0;
  const write = (s: string) => (bytes += writeSync(fd, s));
  let keys = 0;
  try {
    const header: SnapshotHeader = { format: SNAPSHOT_FORMAT, version: SNAPSHOT_VERSION, revision, storage: backend.kind, created: new Date().toISOString() };
    write(JSON.stringify(header) + '\n');
    let startAfter: string | undefined;
    for (;;) {
      const page = await backend.list(ROOT, { revision, limit: PAGE, startAfter });
      write(page.items.map((kv) => JSON.stringify(recordOf(kv.key, kv.value, kv.createRevision, kv.modRevision)) + '\n').join(''));
      keys += page.items.length;
      if (page.remaining === 0 || page.items.length === 0) break;
      startAfter = page.items[page.items.length - 1]!.key;
    }
    write(JSON.stringify({ end: true, keys }) + '\n');
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, file);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  return { revision, keys, bytes };
}

/** The header when `file` starts like a snapshot, undefined otherwise (a manifest, say). */
export function snapshotHeader(file: string): SnapshotHeader | undefined {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const first = buf.subarray(0, n).toString('utf8').split('\n')[0]!;
    const h = JSON.parse(first);
    return h?.format === SNAPSHOT_FORMAT ? (h as SnapshotHeader) : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** Reads and checks a whole snapshot: the header's format and version, every record, and the closing count. */
export function readSnapshot(file: string): { header: SnapshotHeader; records: SnapshotRecord[] } {
  const lines = readFileSync(file, 'utf8').split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let header: SnapshotHeader;
  try {
    header = JSON.parse(lines[0] ?? '');
  } catch {
    throw new SnapshotError(`${file} is not a minikapi snapshot (its first line is not a JSON header)`);
  }
  if (header?.format !== SNAPSHOT_FORMAT) throw new SnapshotError(`${file} is not a minikapi snapshot (format ${JSON.stringify(header?.format)}, want "${SNAPSHOT_FORMAT}")`);
  if (header.version !== SNAPSHOT_VERSION) throw new SnapshotError(`${file} is a version ${header.version} snapshot; this minikapi reads version ${SNAPSHOT_VERSION}`);
  const records: SnapshotRecord[] = [];
  let end: { end: true; keys: number } | undefined;
  for (let i = 1; i < lines.length; i++) {
    let r;
    try {
      r = JSON.parse(lines[i]!);
    } catch {
      throw new SnapshotError(`${file} line ${i + 1} is not JSON: the file is damaged`);
    }
    if (r.end === true) {
      end = r;
      if (i !== lines.length - 1) throw new SnapshotError(`${file} has data after its end line: the file is damaged`);
      break;
    }
    if (typeof r.key !== 'string' || (typeof r.value !== 'string' && typeof r.valueBase64 !== 'string')) throw new SnapshotError(`${file} line ${i + 1} is not a key record: the file is damaged`);
    records.push(r);
  }
  if (!end) throw new SnapshotError(`${file} is truncated (no end line after ${records.length} keys): take the snapshot again`);
  if (end.keys !== records.length) throw new SnapshotError(`${file} holds ${records.length} keys but its end line counts ${end.keys}: the file is damaged`);
  return { header, records };
}

/** The number of keys in a store (under the registry's root). */
async function storedKeys(backend: Backend): Promise<number> {
  return (await backend.count(ROOT)).count;
}

/**
 * Writes every key of a snapshot into an empty store, oldest write first so that the new revisions keep the
 * old order. The values are written as they were (uids, timestamps, generations); the revisions are the new store's.
 */
export async function restoreSnapshot(file: string, backend: Backend): Promise<{ header: SnapshotHeader; keys: number; revision: number }> {
  const { header, records } = readSnapshot(file);
  const present = await storedKeys(backend);
  if (present > 0) throw new StoreNotEmptyError(present);
  records.sort((a, b) => a.modRevision - b.modRevision || (a.key < b.key ? -1 : 1));
  for (let i = 0; i < records.length; i += WINDOW) {
    await Promise.all(
      records.slice(i, i + WINDOW).map((r) => backend.create(r.key, r.value !== undefined ? Buffer.from(r.value, 'utf8') : Buffer.from(r.valueBase64!, 'base64'))),
    );
  }
  return { header, keys: records.length, revision: await backend.currentRevision() };
}
