// ephemeral-volume (kube-controller-manager's): a pod's generic ephemeral volume gets its claim, named
// <pod>-<volume>, made from the volume's claim template and owned by the pod, so that it goes with the pod.
import type { KObject } from '../client/types.js';
import { EventRecorder } from './event-recorder.js';
import { PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';
import { PVCS } from './volume-matching.js';

const hasEphemeral = (p: KObject) => ((p.spec?.volumes ?? []) as KObject[]).some((v) => v.ephemeral);

export class EphemeralVolumeController extends QueueController {
  private pods!: Informer;
  private pvcs!: Informer;
  private recorder!: EventRecorder;

  constructor() {
    super('ephemeral-volume', 1);
  }

  protected register(): void {
    this.recorder = new EventRecorder(() => this.ctx.client, 'ephemeral_volume', { kind: 'Pod', apiVersion: 'v1' });
    const add = (p: KObject) => !p.metadata.deletionTimestamp && hasEphemeral(p) && this.queue.add(`${p.metadata.namespace}/${p.metadata.name}`);
    this.pods = this.ctx.informers.informer(PODS).on({ add, update: (_, p) => add(p) });
    // a claim deleted while its pod lives is made again
    this.pvcs = this.ctx.informers.informer(PVCS).on({
      delete: (c) => {
        for (const r of (c.metadata.ownerReferences ?? []) as KObject[]) if (r.kind === 'Pod' && r.controller) this.queue.add(`${c.metadata.namespace}/${r.name}`);
      },
    });
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.deletionTimestamp) return;
    for (const vol of (pod.spec?.volumes ?? []) as KObject[]) {
      if (!vol.ephemeral) continue;
      try {
        await this.ensureClaim(pod, vol);
      } catch (e) {
        await this.recorder.event(pod, 'Warning', 'FailedBinding', `ephemeral volume ${vol.name}: ${(e as Error).message}`);
        throw e;
      }
    }
  }

  private async ensureClaim(pod: KObject, vol: KObject): Promise<void> {
    const ns: string = pod.metadata.namespace;
    const name = `${pod.metadata.name}-${vol.name}`;
    const existing = this.pvcs.get(`${ns}/${name}`);
    if (existing) {
      if (!(existing.metadata.ownerReferences ?? []).some((r: KObject) => r.controller && r.uid === pod.metadata.uid)) throw new Error(`PVC ${ns}/${name} was not created for pod ${ns}/${pod.metadata.name} (pod is not owner)`);
      return;
    }
    const template: KObject = vol.ephemeral.volumeClaimTemplate ?? {};
    const metadata: KObject = { name, ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid, controller: true, blockOwnerDeletion: true }] };
    if (template.metadata?.annotations) metadata.annotations = template.metadata.annotations;
    if (template.metadata?.labels) metadata.labels = template.metadata.labels;
    try {
      await this.ctx.client.create(PVCS, ns, { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata, spec: template.spec ?? {} });
    } catch (e) {
      // made meanwhile: the next sync checks its owner
      if (isStatus(e, 409)) return;
      throw new Error(`create PVC ${name}: ${(e as Error).message}`);
    }
  }
}
