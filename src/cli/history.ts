// `minikapi history <kind>/<name>`: every revision of one object still in the store's log, with when, by whom
// (from managedFields) and a YAML diff against the revision before.
import type { Command } from 'commander';
import { stringify as stringifyYAML } from 'yaml';
import { CompactedError, type Backend, type KeyValue, type WatchEvent } from '../storage/backend.js';
import { unifiedDiff } from './line-diff.js';
import { storeOptions, withClusterStore, type StoreFlags } from './open-store.js';

export interface Revision {
  revision: number;
  change: 'created' | 'updated' | 'deleted' | 'oldest kept';
  /** The object after the change (before it, for a delete). */
  object: Record<string, any>;
}

/** How long to wait for more events of an object that no longer exists (its last event has no known revision). */
const IDLE_MS = 1000;

function parse(kv: KeyValue): Record<string, any> {
  return JSON.parse(kv.value.toString('utf8'));
}

/**
 * Every revision of `key` still in the log, oldest first, read through the Backend's watch from the compact
 * revision (a replay of the log), plus the value an update replaced when that value is older than the log.
 */
export async function keyHistory(backend: Backend, key: string): Promise<{ revisions: Revision[]; compactRevision: number }> {
  const compactRevision = await backend.compactRevision();
  const live = await backend.get(key);
  const head = await backend.currentRevision();
  const events: WatchEvent[] = [];
  await new Promise<void>((resolve, reject) => {
    let idle: NodeJS.Timeout | undefined;
    let watcher: { stop(): void } | undefined;
    const finish = (err?: Error) => {
      clearTimeout(idle);
      watcher?.stop();
      if (err) reject(err);
      else resolve();
    };
    const arm = () => {
      clearTimeout(idle);
      if (!live) idle = setTimeout(() => finish(), IDLE_MS);
    };
    try {
      watcher = backend.watch(key, {
        afterRevision: Math.max(0, compactRevision - 1),
        onEvent: (ev) => {
          events.push(ev);
          // the live value's revision ends the replay; after a delete, anything at or past the head does
          if ((live && ev.kv.modRevision >= live.modRevision) || (!live && ev.kv.modRevision >= head)) finish();
          else arm();
        },
        onError: (e) => finish(e),
      });
    } catch (e) {
      finish(e as Error);
      return;
    }
    if (live && live.modRevision < compactRevision) finish();
    else arm();
  });
  const revisions: Revision[] = [];
  const first = events[0];
  if (first?.prevKv && first.type !== 'create') revisions.push({ revision: first.prevKv.modRevision, change: 'oldest kept', object: parse(first.prevKv) });
  if (!first && live) revisions.push({ revision: live.modRevision, change: live.createRevision === live.modRevision ? 'created' : 'oldest kept', object: parse(live) });
  for (const ev of events) {
    const change = ev.type === 'create' ? 'created' : ev.type === 'update' ? 'updated' : 'deleted';
    revisions.push({ revision: ev.kv.modRevision, change, object: parse(ev.kv) });
  }
  return { revisions, compactRevision };
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  subresource?: string;
  time?: string;
  fieldsV1?: unknown;
}

/** The manager whose managedFields entry this revision added or changed (the newest such), and its time. */
export function changedBy(prev: Record<string, any> | undefined, cur: Record<string, any>): { manager: string; time: string } {
  const id = (e: ManagedFieldsEntry) => `${e.manager}\u0000${e.operation}\u0000${e.subresource ?? ''}`;
  const before = new Map<string, string>((prev?.metadata?.managedFields ?? []).map((e: ManagedFieldsEntry) => [id(e), JSON.stringify(e)]));
  let best: ManagedFieldsEntry | undefined;
  for (const e of (cur.metadata?.managedFields ?? []) as ManagedFieldsEntry[]) {
    if (before.get(id(e)) === JSON.stringify(e)) continue;
    if (!best || (e.time ?? '') >= (best.time ?? '')) best = e;
  }
  const time = best?.time ?? (prev ? undefined : cur.metadata?.creationTimestamp);
  return { manager: best?.manager ?? '-', time: time ?? '-' };
}

/** The object as the diff shows it: managedFields left out (the manager column says who changed what). */
function shown(o: Record<string, any>): string {
  const copy = structuredClone(o);
  if (copy.metadata) delete copy.metadata.managedFields;
  return stringifyYAML(copy);
}

/** The printed history: a header line, then per revision one line (revision, time, manager, change) and its diff. */
export function renderHistory(what: string, revisions: Revision[], compactRevision: number): string {
  const lines = [`${what}: ${revisions.length} revision${revisions.length === 1 ? '' : 's'} in the log${compactRevision > 1 ? ` (compacted below revision ${compactRevision})` : ''}`];
  let prev: Record<string, any> | undefined;
  for (const r of revisions) {
    lines.push('');
    if (r.change === 'deleted') {
      const at = r.object.metadata?.deletionTimestamp;
      lines.push(`revision ${r.revision}  ${at ?? '-'}  -  deleted`);
      prev = undefined;
      continue;
    }
    const by = r.change === 'oldest kept' ? { manager: '-', time: '-' } : changedBy(prev, r.object);
    lines.push(`revision ${r.revision}  ${by.time}  ${by.manager}  ${r.change}`);
    if (r.change === 'oldest kept' || !prev) lines.push(...shown(r.object).replace(/\n$/, '').split('\n').map((l) => `+${l}`));
    else lines.push(...unifiedDiff(shown(prev), shown(r.object)));
    prev = r.object;
  }
  return lines.join('\n') + '\n';
}

export function registerHistory(program: Command, fail: (msg: string) => never): void {
  storeOptions(
    program
      .command('history')
      .description('every revision of one object still in the log: when, by which manager, and a YAML diff against the one before')
      .argument('<kind/name>', 'e.g. configmap/demo, deploy/web, deployments.apps/web, or a custom resource')
      .option('-n, --namespace <ns>', 'namespace of a namespaced object', 'default'),
  ).action(async (arg: string, o: StoreFlags & { namespace: string }) => {
    const m = /^([^/]+)\/([^/]+)$/.exec(arg);
    if (!m) fail(`expected <kind>/<name>, e.g. configmap/demo; got ${JSON.stringify(arg)}`);
    await withClusterStore(o, fail, async (store) => {
      // the resource tables (some 100 modules) load for this command only, not for every `minikapi` run
      const { resolveResource } = await import('./resolve-resource.js');
      const res = await resolveResource(m[1]!, store.backend);
      if (!res) throw new Error(`the server doesn't have a resource type "${m[1]}"`);
      const key = res.keyPrefix + (res.namespaced ? `${o.namespace}/` : '') + m[2];
      const what = `${res.resource}${res.group ? `.${res.group}` : ''} "${m[2]}"${res.namespaced ? ` in namespace "${o.namespace}"` : ''}`;
      const { revisions, compactRevision } = await keyHistory(store.backend, key);
      if (revisions.length === 0) throw new Error(`${what} has no revision in the log of ${store.label}${compactRevision > 1 ? ` (compacted below revision ${compactRevision})` : ''}`);
      process.stdout.write(renderHistory(what, revisions, compactRevision));
    }, { describe: (store, e) => (e instanceof CompactedError ? `the log of ${store.label} was compacted while reading it; try again` : (e as Error).message) });
  });
}
