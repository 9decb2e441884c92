// pvc-protection: takes the kubernetes.io/pvc-protection finalizer off a deleting PersistentVolumeClaim once
// no scheduled pod uses it (its informer first, then a live list, as upstream), and puts it on claims that lack it.
import type { KObject } from '../client/types.js';
import { PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { PVCS } from './volume-matching.js';

export const PVC_PROTECTION_FINALIZER = 'kubernetes.io/pvc-protection';

const hasFinalizer = (o: KObject, f: string) => (o.metadata?.finalizers ?? []).includes(f);
/** protectionutil: deleting and still holding the finalizer. */
export const isDeletionCandidate = (o: KObject, f: string) => !!o.metadata?.deletionTimestamp && hasFinalizer(o, f);
export const needsFinalizer = (o: KObject, f: string) => !o.metadata?.deletionTimestamp && !hasFinalizer(o, f);

/** The claim a pod's volume names: its own claim, or `<pod>-<volume>` for a generic ephemeral volume. */
function claimNameOf(pod: KObject, v: KObject): string | undefined {
  if (v.persistentVolumeClaim) return v.persistentVolumeClaim.claimName;
  if (v.ephemeral) return `${pod.metadata.name}-${v.name}`;
  return undefined;
}

/** Done with by the kubelet, or force-deleted: deleting with a zero grace period. */
const podIsShutDown = (pod: KObject) => !!pod.metadata?.deletionTimestamp && pod.metadata.deletionGracePeriodSeconds === 0;

/** volumeutil.IsPodTerminated: a terminal phase, or deleting with every container terminated or waiting. */
function podIsTerminated(pod: KObject): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return true;
  if (!pod.metadata?.deletionTimestamp) return false;
  const s = pod.status ?? {};
  return [...(s.initContainerStatuses ?? []), ...(s.containerStatuses ?? []), ...(s.ephemeralContainerStatuses ?? [])].every((c: KObject) => c.state?.terminated || c.state?.waiting);
}

/** Whether a scheduled pod uses the claim (an ephemeral one only while the pod is not shut down, and only the pod's own). */
export function podUsesPVC(pod: KObject, pvc: KObject): boolean {
  if (!pod.spec?.nodeName || pod.metadata?.namespace !== pvc.metadata.namespace) return false;
  for (const v of pod.spec.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName === pvc.metadata.name) return true;
    if (v.ephemeral && !podIsShutDown(pod) && claimNameOf(pod, v) === pvc.metadata.name) {
      const owner = (pvc.metadata.ownerReferences ?? []).find((r: KObject) => r.controller);
      if (owner?.uid === pod.metadata.uid) return true;
    }
  }
  return false;
}

export class PVCProtectionController extends QueueController {
  private pvcs!: Informer;
  private pods!: Informer;

  constructor() {
    super('pvc-protection', 1, 10_000);
  }

  protected register(): void {
    const claim = (c: KObject) => {
      if (needsFinalizer(c, PVC_PROTECTION_FINALIZER) || isDeletionCandidate(c, PVC_PROTECTION_FINALIZER)) this.queue.add(`${c.metadata.namespace}/${c.metadata.name}`);
    };
    this.pvcs = this.ctx.informers.informer(PVCS).on({ add: claim, update: (_, c) => claim(c) });
    this.pods = this.ctx.informers.informer(PODS).on({
      add: (p) => this.enqueueClaims(p, false),
      update: (o, p) => {
        this.enqueueClaims(p, false);
        // a pod deleted and made again under its name in between: the old one may have held a claim
        if (o.metadata.uid !== p.metadata.uid) this.enqueueClaims(o, true);
      },
      delete: (p) => this.enqueueClaims(p, true),
    });
  }

  /** The claims of a pod that can no longer hold them up (deleted, terminated or unscheduled). */
  private enqueueClaims(pod: KObject, deleted: boolean): void {
    if (!deleted && !podIsTerminated(pod) && pod.spec?.nodeName) return;
    for (const v of pod.spec?.volumes ?? []) {
      const name = claimNameOf(pod, v);
      if (name) this.queue.add(`${pod.metadata.namespace}/${name}`);
    }
  }

  protected async sync(key: string): Promise<void> {
    const pvc = this.pvcs.get(key);
    if (!pvc) return;
    try {
      if (isDeletionCandidate(pvc, PVC_PROTECTION_FINALIZER)) {
        if (!(await this.inUse(pvc))) {
          const finalizers = pvc.metadata.finalizers.filter((f: string) => f !== PVC_PROTECTION_FINALIZER);
          await this.ctx.client.update(PVCS, pvc.metadata.namespace, { ...pvc, metadata: { ...pvc.metadata, finalizers } });
        }
        return;
      }
      if (needsFinalizer(pvc, PVC_PROTECTION_FINALIZER)) {
        await this.ctx.client.update(PVCS, pvc.metadata.namespace, { ...pvc, metadata: { ...pvc.metadata, finalizers: [...(pvc.metadata.finalizers ?? []), PVC_PROTECTION_FINALIZER] } });
      }
    } catch (e) {
      if (isStatus(e, 404)) return;
      if (isStatus(e, 409)) throw new Requeue(`${key}: conflict`);
      throw e;
    }
  }

  /** The informer's pods first; when none uses the claim, a live list (the informer may lag a new pod). */
  private async inUse(pvc: KObject): Promise<boolean> {
    if (this.pods.items().some((p) => podUsesPVC(p, pvc))) return true;
    const live = await this.ctx.client.list(PODS, pvc.metadata.namespace);
    return live.items.some((p) => podUsesPVC(p, pvc));
  }
}
