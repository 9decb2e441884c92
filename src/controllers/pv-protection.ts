// pv-protection: takes the kubernetes.io/pv-protection finalizer off a deleting PersistentVolume once it is
// no longer Bound (the binder releases it when its claim is gone), and puts it on volumes that lack it.
import type { KObject } from '../client/types.js';
import { isDeletionCandidate, needsFinalizer } from './pvc-protection.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { PVS } from './volume-matching.js';

export const PV_PROTECTION_FINALIZER = 'kubernetes.io/pv-protection';

export class PVProtectionController extends QueueController {
  private pvs!: Informer;

  constructor() {
    super('pv-protection', 1, 10_000);
  }

  protected register(): void {
    const volume = (v: KObject) => {
      if (needsFinalizer(v, PV_PROTECTION_FINALIZER) || isDeletionCandidate(v, PV_PROTECTION_FINALIZER)) this.queue.add(v.metadata.name);
    };
    this.pvs = this.ctx.informers.informer(PVS).on({ add: volume, update: (_, v) => volume(v) });
  }

  protected async sync(name: string): Promise<void> {
    const pv = this.pvs.get(name);
    if (!pv) return;
    let finalizers: string[] | undefined;
    if (isDeletionCandidate(pv, PV_PROTECTION_FINALIZER)) {
      if (pv.status?.phase !== 'Bound') finalizers = pv.metadata.finalizers.filter((f: string) => f !== PV_PROTECTION_FINALIZER);
    } else if (needsFinalizer(pv, PV_PROTECTION_FINALIZER)) finalizers = [...(pv.metadata.finalizers ?? []), PV_PROTECTION_FINALIZER];
    if (!finalizers) return;
    try {
      await this.ctx.client.update(PVS, '', { ...pv, metadata: { ...pv.metadata, finalizers } });
    } catch (e) {
      if (isStatus(e, 404)) return;
      if (isStatus(e, 409)) throw new Requeue(`${name}: conflict`);
      throw e;
    }
  }
}
