// A DaemonSet's ControllerRevisions (constructHistory upstream): the current one holds the set's template
// (found by its data, else snapshotted as `<ds>-<pod-template-hash>` with revision max+1); old ones beyond
// revisionHistoryLimit go unless a pod still runs their hash.
import type { Client, KObject } from '../client/types.js';
import { byRevision, controllerRefTo, equalRevisionData, nextRevision, revisionData } from './controller-history.js';
import { REVISION_LABEL } from './daemonset-nodes.js';
import { CONTROLLERREVISIONS, DAEMONSETS } from './gvr.js';
import { computeHash } from './pod-template-hash.js';
import { isStatus, Requeue } from './runtime/queue-controller.js';

/** The snapshot upstream's daemonset controller writes for its current template. */
export function newDaemonSetRevision(ds: KObject, revision: number): KObject {
  const hash = computeHash(ds.spec?.template, ds.status?.collisionCount);
  const metadata: KObject = {
    name: `${ds.metadata.name}-${hash}`,
    namespace: ds.metadata.namespace,
    labels: { ...(ds.spec?.template?.metadata?.labels ?? {}), [REVISION_LABEL]: hash },
    ownerReferences: [controllerRefTo(ds, 'DaemonSet')],
  };
  if (ds.metadata.annotations) metadata.annotations = { ...ds.metadata.annotations };
  return { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata, data: revisionData(ds), revision };
}

/** The current revision (created or re-numbered as needed) and the old ones, oldest first. */
export async function constructHistory(client: Client, ds: KObject, revisions: KObject[]): Promise<{ cur: KObject; old: KObject[] }> {
  const ns = ds.metadata.namespace;
  const data = revisionData(ds);
  const sorted = [...revisions].sort(byRevision);
  const matching = sorted.filter((r) => equalRevisionData(r.data, data));
  const old = sorted.filter((r) => !matching.includes(r));
  const number = nextRevision(old);
  let cur = matching.at(-1);
  if (!cur) {
    const fresh = newDaemonSetRevision(ds, number);
    try {
      cur = await client.create(CONTROLLERREVISIONS, ns, fresh);
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
      const existing = await client.get(CONTROLLERREVISIONS, ns, fresh.metadata.name);
      const ours = (existing.metadata.ownerReferences ?? []).some((r: KObject) => r.uid === ds.metadata.uid);
      if (!ours || !equalRevisionData(existing.data, data)) {
        // a hash collision: a new collisionCount gives a new name on the next sync
        await client.update(DAEMONSETS, ns, { ...ds, status: { ...(ds.status ?? {}), collisionCount: (ds.status?.collisionCount ?? 0) + 1 } }, { subresource: 'status' });
        throw new Requeue();
      }
      cur = existing;
    }
  }
  // duplicates of the current template (dedupCurHistories): the newest stays
  for (const dup of matching.slice(0, -1)) await client.delete(CONTROLLERREVISIONS, ns, dup.metadata.name).catch(() => undefined);
  if ((cur.revision ?? 0) < number) cur = await client.update(CONTROLLERREVISIONS, ns, { ...cur, revision: number });
  return { cur, old };
}

/** cleanupHistory: the oldest revisions past revisionHistoryLimit whose hash no pod runs. */
export function revisionsToDelete(ds: KObject, old: KObject[], pods: KObject[]): KObject[] {
  let toKill = old.length - (ds.spec?.revisionHistoryLimit ?? 10);
  if (toKill <= 0) return [];
  const live = new Set(pods.map((p) => p.metadata.labels?.[REVISION_LABEL]).filter(Boolean));
  const out: KObject[] = [];
  for (const r of [...old].sort(byRevision)) {
    if (toKill <= 0) break;
    if (live.has(r.metadata.labels?.[REVISION_LABEL])) continue;
    out.push(r);
    toKill--;
  }
  return out;
}
