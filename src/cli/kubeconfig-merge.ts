// Merging a cluster's context into the user's kubeconfig ($KUBECONFIG's first file or ~/.kube/config), and
// taking it out again, without touching any other entry: under the file's lock, written through a rename.
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { parse as parseYAML, stringify as stringifyYAML } from 'yaml';
import { writeKubeconfig } from '../pki/index.js';

/** The file kubectl writes to: the first entry of $KUBECONFIG, else ~/.kube/config. */
export function defaultKubeconfigFile(): string {
  const first = (process.env.KUBECONFIG ?? '').split(delimiter).find((p) => p !== '');
  return first ?? join(homedir(), '.kube', 'config');
}

export function mergedContextName(cluster: string): string {
  return `minikapi-${cluster}`;
}

type Named = { name: string; [k: string]: unknown };
interface Config {
  clusters?: Named[];
  users?: Named[];
  contexts?: Named[];
  'current-context'?: string;
  [k: string]: unknown;
}

/** Holds `<file>.lock` (as client-go does) while fn runs; waits up to 5 s for another writer, then takes a lock older than 30 s. */
async function withLock<T>(file: string, fn: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      closeSync(openSync(lock, 'wx', 0o600));
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      let age = 0;
      try {
        age = Date.now() - statSync(lock).mtimeMs;
      } catch {
        continue;
      }
      if (age > 30_000) rmSync(lock, { force: true });
      else if (Date.now() > deadline) throw new Error(`${file} is locked by another writer (${lock}); remove the lock file if no kubectl or minikapi is writing it`);
      else await new Promise((r) => setTimeout(r, 50));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { force: true });
  }
}

function load(file: string): Config {
  if (!existsSync(file)) return {};
  const text = readFileSync(file, 'utf8');
  const doc = text.trim() === '' ? {} : parseYAML(text);
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${file} is not a kubeconfig (not a YAML mapping)`);
  return doc as Config;
}

function upsert(list: Named[] | undefined, entry: Named): Named[] {
  const out = [...(list ?? [])];
  const i = out.findIndex((e) => e?.name === entry.name);
  if (i >= 0) out[i] = entry;
  else out.push(entry);
  return out;
}

/**
 * Adds (or replaces) cluster, user and context `minikapi-<name>` taken from the cluster's own kubeconfig and makes
 * the context current. Returns the file written.
 */
export async function mergeContext(clusterKubeconfig: string, cluster: string, file = defaultKubeconfigFile()): Promise<string> {
  const own = parseYAML(clusterKubeconfig) as Config;
  const name = mergedContextName(cluster);
  const c = own.clusters?.[0]?.cluster;
  const u = own.users?.[0]?.user;
  if (!c || !u) throw new Error('the cluster kubeconfig has no cluster or user entry');
  await withLock(file, async () => {
    const cfg = load(file);
    // a new file gets kubectl's key order (alphabetical, as client-go writes it)
    const next: Config = Object.keys(cfg).length ? { ...cfg } : { apiVersion: 'v1', clusters: [], contexts: [], 'current-context': '', kind: 'Config', preferences: {}, users: [] };
    next.clusters = upsert(cfg.clusters, { name, cluster: c });
    next.users = upsert(cfg.users, { name, user: u });
    next.contexts = upsert(cfg.contexts, { name, context: { cluster: name, user: name } });
    next['current-context'] = name;
    await writeKubeconfig(file, stringifyYAML(next));
  });
  return file;
}

/** Removes cluster, user and context `minikapi-<name>` (and the current-context when it was that); true when the file changed. */
export async function removeContext(cluster: string, file = defaultKubeconfigFile()): Promise<boolean> {
  if (!existsSync(file)) return false;
  const name = mergedContextName(cluster);
  return withLock(file, async () => {
    const cfg = load(file);
    let changed = false;
    for (const k of ['clusters', 'users', 'contexts'] as const) {
      const list = cfg[k];
      if (!Array.isArray(list)) continue;
      const kept = list.filter((e) => e?.name !== name);
      if (kept.length !== list.length) {
        cfg[k] = kept;
        changed = true;
      }
    }
    if (cfg['current-context'] === name) {
      cfg['current-context'] = '';
      changed = true;
    }
    if (changed) await writeKubeconfig(file, stringifyYAML(cfg));
    return changed;
  });
}
