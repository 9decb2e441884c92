// BaseControllerRefManager.ClaimObject for StatefulSets and DaemonSets: objects the parent controls stay
// claimed while they match its selector (else they are released), and matching orphans are adopted with a
// controller ownerReference once a fresh read shows the parent is not being deleted.
import { labelSelectorFromObject } from '../apimachinery/selectors.js';
import type { Client, GVR, KObject } from '../client/types.js';
import { controllerRefTo } from './controller-history.js';
import { controllerOf } from './replicaset-pods.js';
import { isStatus } from './runtime/queue-controller.js';

export interface ClaimOptions {
  client: Client;
  /** The parent's own resource, for the re-read before adopting. */
  parentGVR: GVR;
  kind: string;
  /** The resource of the objects claimed. */
  gvr: GVR;
  /** Extra condition an object must meet to belong to the parent (a StatefulSet's pod names). */
  filter?: (o: KObject) => boolean;
}

/** The objects (all in the parent's namespace) that belong to `parent` after adopting and releasing. */
export async function claimObjects(parent: KObject, objects: KObject[], o: ClaimOptions): Promise<KObject[]> {
  const selector = labelSelectorFromObject(parent.spec?.selector);
  const uid = parent.metadata.uid;
  const claimed: KObject[] = [];
  let adoptable: boolean | undefined;
  const patch = async (obj: KObject, body: KObject): Promise<boolean> => {
    try {
      await o.client.patch(o.gvr, obj.metadata.namespace, obj.metadata.name, 'strategic', body);
      return true;
    } catch (e) {
      // gone, or replaced under us (uid precondition): the next sync sees the truth
      if (isStatus(e, 404, 409, 422)) return false;
      throw e;
    }
  };
  for (const obj of objects) {
    const ref = controllerOf(obj);
    const matches = !selector.empty && selector.matches(obj.metadata.labels ?? {}) && (o.filter?.(obj) ?? true);
    if (ref) {
      if (ref.uid !== uid) continue;
      if (matches) claimed.push(obj);
      else if (!parent.metadata.deletionTimestamp) await patch(obj, { metadata: { ownerReferences: [{ $patch: 'delete', uid }], uid: obj.metadata.uid } });
      continue;
    }
    if (parent.metadata.deletionTimestamp || !matches || obj.metadata.deletionTimestamp) continue;
    adoptable ??= await o.client.get(o.parentGVR, parent.metadata.namespace, parent.metadata.name).then(
      (fresh) => fresh.metadata.uid === uid && !fresh.metadata.deletionTimestamp,
      () => false,
    );
    if (!adoptable) continue;
    const ownerRef = controllerRefTo(parent, o.kind);
    if (await patch(obj, { metadata: { ownerReferences: [ownerRef], uid: obj.metadata.uid } })) {
      claimed.push({ ...obj, metadata: { ...obj.metadata, ownerReferences: [...(obj.metadata.ownerReferences ?? []), ownerRef] } });
    }
  }
  return claimed;
}

/** Parents in the object's namespace whose selector matches it (getPodStatefulSets / getDaemonSetsForPod). */
export function matchingParents(parents: { items(): KObject[] }, obj: KObject): KObject[] {
  return parents.items().filter((p) => {
    if (p.metadata.namespace !== obj.metadata.namespace) return false;
    const sel = labelSelectorFromObject(p.spec?.selector);
    return !sel.empty && sel.matches(obj.metadata.labels ?? {});
  });
}
