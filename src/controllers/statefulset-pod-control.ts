// The writes the statefulset controller makes for one pod (StatefulPodControl upstream): creating and deleting
// pods and their claims with the events kube-controller-manager records, fixing a pod's identity labels, and
// keeping each claim's ownerReferences as the persistentVolumeClaimRetentionPolicy asks.
import type { Client, KObject } from '../client/types.js';
import { PODS, PVCS } from './gvr.js';
import type { EventRecorder } from './event-recorder.js';
import type { Informer } from './runtime/informer.js';
import { isStatus } from './runtime/queue-controller.js';
import { claimOwnerRefs, claimsFor, getOrdinal, POD_INDEX_LABEL, POD_NAME_LABEL } from './statefulset-pods.js';

export class StatefulPodControl {
  constructor(
    private readonly client: Client,
    private readonly claims: Informer,
    private readonly events: EventRecorder,
  ) {}

  async createPod(set: KObject, pod: KObject): Promise<void> {
    await this.podEvent(set, 'create', pod.metadata.name, this.client.create(PODS, set.metadata.namespace, pod));
  }

  async deletePod(set: KObject, pod: KObject): Promise<void> {
    await this.podEvent(set, 'delete', pod.metadata.name, this.client.delete(PODS, pod.metadata.namespace, pod.metadata.name, { preconditions: { uid: pod.metadata.uid } }));
  }

  /** A pod write with the event upstream's recordPodEvent makes; a lost race (404/409) is no failure. */
  private async podEvent(set: KObject, verb: 'create' | 'delete', name: string, write: Promise<unknown>): Promise<void> {
    const Verb = verb === 'create' ? 'Create' : 'Delete';
    try {
      await write;
    } catch (e) {
      if (isStatus(e, 404, 409)) return;
      void this.events.event(set, 'Warning', `Failed${Verb}`, `${verb} Pod ${name} in StatefulSet ${set.metadata.name} failed error: ${(e as Error).message}`);
      throw e;
    }
    void this.events.event(set, 'Normal', `Successful${Verb}`, `${verb} Pod ${name} in StatefulSet ${set.metadata.name} successful`);
  }

  async createClaims(set: KObject, ord: number, pod: string): Promise<void> {
    for (const claim of claimsFor(set, ord)) {
      if (this.claims.get(`${claim.metadata.namespace}/${claim.metadata.name}`)) continue;
      const where = `Claim ${claim.metadata.name} Pod ${pod} in StatefulSet ${set.metadata.name}`;
      try {
        await this.client.create(PVCS, set.metadata.namespace, claim);
      } catch (e) {
        if (isStatus(e, 409)) continue;
        void this.events.event(set, 'Warning', 'FailedCreate', `create ${where} failed error: ${(e as Error).message}`);
        throw e;
      }
      void this.events.event(set, 'Normal', 'SuccessfulCreate', `create ${where} success`);
    }
  }

  /** The retention policy's ownerReferences on the claims of this pod's ordinal. */
  async fixClaimRefs(set: KObject, ord: number, pod: KObject): Promise<void> {
    for (const want of claimsFor(set, ord)) {
      const claim = this.claims.get(`${want.metadata.namespace}/${want.metadata.name}`);
      if (!claim) continue;
      const currentRefs: KObject[] = claim.metadata.ownerReferences ?? [];
      const refs = claimOwnerRefs(set, ord, pod, currentRefs);
      if (JSON.stringify(refs) === JSON.stringify(currentRefs)) continue;
      // an update, as upstream's UpdateClaim: system:controller:statefulset-controller may not patch claims
      const updated = structuredClone(claim);
      if (refs.length) updated.metadata.ownerReferences = refs;
      else delete updated.metadata.ownerReferences;
      await this.client.update(PVCS, claim.metadata.namespace, updated).catch((e) => {
        if (!isStatus(e, 404, 409)) throw e;
      });
    }
  }

  async fixIdentity(pod: KObject): Promise<void> {
    const ord = getOrdinal(pod);
    await this.client
      .patch(PODS, pod.metadata.namespace, pod.metadata.name, 'merge', { metadata: { labels: { [POD_NAME_LABEL]: pod.metadata.name, [POD_INDEX_LABEL]: String(ord) }, resourceVersion: pod.metadata.resourceVersion } })
      .catch((e) => {
        if (!isStatus(e, 404, 409)) throw e;
      });
  }
}
