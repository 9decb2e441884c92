// The current and update ControllerRevisions of a StatefulSet (getStatefulSetRevisions upstream): the update
// revision is the newest one equal to the set's template, re-numbered or created (bumping collisionCount on a
// name clash); the current one is the revision status.currentRevision names, else the update revision.
import type { Client, KObject } from '../client/types.js';
import { CONTROLLER_REVISION_HASH_LABEL, controllerRefTo, controllerRevisionName, equalRevisionData, hashRevisionData, nextRevision, revisionData } from './controller-history.js';
import { CONTROLLERREVISIONS } from './gvr.js';
import { isStatus } from './runtime/queue-controller.js';

export interface SetRevisions {
  current: KObject;
  update: KObject;
  collisionCount: number;
  /** Every revision of the set after this call, oldest first. */
  all: KObject[];
}

/** history.NewControllerRevision for a StatefulSet, with the set's annotations as upstream's newRevision adds. */
export function newStatefulSetRevision(set: KObject, revision: number, collisionCount: number): KObject {
  const data = revisionData(set);
  const hash = hashRevisionData(data, collisionCount);
  const metadata: KObject = {
    name: controllerRevisionName(set.metadata.name, hash),
    namespace: set.metadata.namespace,
    labels: { ...(set.spec?.template?.metadata?.labels ?? {}), [CONTROLLER_REVISION_HASH_LABEL]: hash },
    ownerReferences: [controllerRefTo(set, 'StatefulSet')],
  };
  if (set.metadata.annotations) metadata.annotations = { ...set.metadata.annotations };
  return { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata, data, revision };
}

export async function statefulSetRevisions(client: Client, set: KObject, sorted: KObject[]): Promise<SetRevisions> {
  let collisionCount: number = set.status?.collisionCount ?? 0;
  const all = [...sorted];
  const number = nextRevision(sorted);
  const data = revisionData(set);
  const equal = sorted.filter((r) => equalRevisionData(r.data, data));
  let update: KObject;
  if (equal.length && equal[equal.length - 1] === sorted[sorted.length - 1]) update = equal[equal.length - 1]!;
  else if (equal.length) {
    // a rollback to an earlier template: that revision becomes the newest
    const old = equal[equal.length - 1]!;
    update = await client.update(CONTROLLERREVISIONS, set.metadata.namespace, { ...old, revision: number });
    all.splice(all.indexOf(old), 1);
    all.push(update);
  } else {
    for (;;) {
      const fresh = newStatefulSetRevision(set, number, collisionCount);
      try {
        update = await client.create(CONTROLLERREVISIONS, set.metadata.namespace, fresh);
        break;
      } catch (e) {
        if (!isStatus(e, 409)) throw e;
        const existing = await client.get(CONTROLLERREVISIONS, set.metadata.namespace, fresh.metadata.name);
        const ours = (existing.metadata.ownerReferences ?? []).some((r: KObject) => r.uid === set.metadata.uid);
        if (ours && equalRevisionData(existing.data, data)) {
          update = existing;
          break;
        }
        collisionCount++;
      }
    }
    all.push(update);
  }
  const current = all.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount, all };
}
