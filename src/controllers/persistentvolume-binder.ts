// persistentvolume-binder: binds claims to volumes both ways (claimRef, volumeName, phases Pending/Bound/
// Released/Lost, upstream's bind annotations), provisions a volume for a claim whose class names the
// simulated hostpath provisioner (at once, or for WaitForFirstConsumer once the scheduler chose a volume or
// the claim's node), and deletes released volumes whose reclaim policy is Delete.
import { randomUUID } from 'node:crypto';
import type { KObject } from '../client/types.js';
import { EventRecorder } from './event-recorder.js';
import { PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { rfc3339 } from '../apimachinery/time.js';
import { BIND_COMPLETED, BOUND_BY_CONTROLLER, NO_PROVISIONER, PVCS, PVS, SELECTED_NODE, STORAGECLASSES, claimClass, findMatchingVolume } from './volume-matching.js';

export const HOSTPATH_PROVISIONER = 'minikapi.dev/hostpath';
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
const STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
const BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';

const claimKey = (ref: KObject) => `claim:${ref.namespace}/${ref.name}`;

/** The PersistentVolume the hostpath provisioner makes for a claim (named pvc-<claim uid>, pre-bound to it). */
export function provisionedVolume(pvc: KObject, sc: KObject, node?: string): KObject {
  const pv: KObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: `pvc-${pvc.metadata.uid}`, annotations: { [PROVISIONED_BY]: sc.provisioner } },
    spec: {
      capacity: { storage: pvc.spec.resources.requests.storage },
      accessModes: pvc.spec.accessModes,
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata.name,
      volumeMode: pvc.spec.volumeMode ?? 'Filesystem',
      hostPath: { path: `/var/lib/minikapi/hostpath/${pvc.metadata.namespace}/${pvc.metadata.name}`, type: 'DirectoryOrCreate' },
      claimRef: { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion },
    },
  };
  if (sc.mountOptions) pv.spec.mountOptions = sc.mountOptions;
  if (node) pv.spec.nodeAffinity = { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } };
  return pv;
}

export class PersistentVolumeBinder extends QueueController {
  private pvs!: Informer;
  private pvcs!: Informer;
  private classes!: Informer;
  private pods!: Informer;
  private recorder!: EventRecorder;
  /** The simulated external provisioner's own events, under its identity as a provisioner names itself. */
  private provisioner!: EventRecorder;

  constructor() {
    super('persistentvolume-binder', 1, 10_000);
  }

  protected register(): void {
    const claimKind = { kind: 'PersistentVolumeClaim', apiVersion: 'v1' };
    this.recorder = new EventRecorder(() => this.ctx.client, 'persistentvolume-controller', claimKind);
    this.provisioner = new EventRecorder(() => this.ctx.client, `${HOSTPATH_PROVISIONER}_minikapi_${randomUUID()}`, claimKind);
    this.pods = this.ctx.informers.informer(PODS);
    const claim = (c: KObject) => this.queue.add(`claim:${c.metadata.namespace}/${c.metadata.name}`);
    const volume = (v: KObject) => {
      this.queue.add(`volume:${v.metadata.name}`);
      if (v.spec?.claimRef) this.queue.add(claimKey(v.spec.claimRef));
    };
    this.pvcs = this.ctx.informers.informer(PVCS).on({
      add: claim,
      update: (_, c) => claim(c),
      delete: (c) => {
        for (const v of this.pvs.items()) if (v.spec?.claimRef?.uid === c.metadata.uid) this.queue.add(`volume:${v.metadata.name}`);
      },
    });
    this.pvs = this.ctx.informers.informer(PVS).on({ add: volume, update: (_, v) => volume(v), delete: volume });
    this.classes = this.ctx.informers.informer(STORAGECLASSES).on({ add: () => this.pendingClaims(), update: () => this.pendingClaims() });
  }

  private pendingClaims(): void {
    for (const c of this.pvcs.items()) if (c.status?.phase !== 'Bound') this.queue.add(`claim:${c.metadata.namespace}/${c.metadata.name}`);
  }

  protected async sync(key: string): Promise<void> {
    const [kind, rest] = [key.slice(0, key.indexOf(':')), key.slice(key.indexOf(':') + 1)];
    try {
      if (kind === 'claim') await this.syncClaim(rest);
      else await this.syncVolume(rest);
    } catch (e) {
      if (isStatus(e, 409)) throw new Requeue(`${key}: conflict`);
      if (isStatus(e, 404)) return;
      throw e;
    }
  }

  private async syncClaim(key: string): Promise<void> {
    const pvc = this.pvcs.get(key);
    if (!pvc || pvc.metadata.deletionTimestamp) return;
    const name = pvc.spec?.volumeName;
    if (name) {
      const pv = this.pvs.get(name);
      if (!pv) {
        // a bound claim whose volume is gone is lost; a pre-bound one waits for it
        if (pvc.metadata.annotations?.[BIND_COMPLETED]) await this.claimPhase(pvc, 'Lost');
        return;
      }
      const ref = pv.spec?.claimRef;
      if (!ref || (ref.name === pvc.metadata.name && ref.namespace === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid))) return this.bind(pv, pvc, false);
      return;
    }
    const sc = this.classes.get(claimClass(pvc));
    // WaitForFirstConsumer: the scheduler picks a free volume (it sets the volume's claimRef) or the node to
    // provision on (the selected-node annotation); here only a volume pre-bound to the claim is taken meanwhile
    const delayed = sc?.volumeBindingMode === 'WaitForFirstConsumer';
    const pv = findMatchingVolume(pvc, delayed ? this.pvs.items().filter((v) => v.spec?.claimRef?.name === pvc.metadata.name && v.spec.claimRef.namespace === pvc.metadata.namespace) : this.pvs.items());
    if (delayed && !pv && !pvc.metadata.annotations?.[SELECTED_NODE]) return this.waitingForConsumer(pvc);
    if (pv) return this.bind(pv, pvc, true);
    const cls = claimClass(pvc);
    if (!cls) return void this.recorder.event(pvc, 'Normal', 'FailedBinding', 'no persistent volumes available for this claim and no storage class is set');
    // upstream's findProvisionablePlugin: a missing class, or no-provisioner (no in-tree plugin by that name), is a failure
    if (!sc) return void this.recorder.event(pvc, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${cls}" not found`);
    if (sc.provisioner === NO_PROVISIONER)
      return void this.recorder.event(pvc, 'Warning', 'ProvisioningFailed', `no volume plugin matched name: ${sc.provisioner}`);
    if (!sc.provisioner || pvc.spec?.selector) return;
    const waiting = () => this.recorder.event(pvc, 'Normal', 'ExternalProvisioning', `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
    if (pvc.metadata.annotations?.[STORAGE_PROVISIONER] !== sc.provisioner) {
      await this.ctx.client.update(PVCS, pvc.metadata.namespace, { ...pvc, metadata: { ...pvc.metadata, annotations: { ...pvc.metadata.annotations, [BETA_STORAGE_PROVISIONER]: sc.provisioner, [STORAGE_PROVISIONER]: sc.provisioner } } });
      return void waiting();
    }
    void waiting();
    if (sc.provisioner !== HOSTPATH_PROVISIONER) return;
    // the simulated external provisioner: a hostPath volume, pre-bound to the claim
    const volumeName = `pvc-${pvc.metadata.uid}`;
    if (this.pvs.get(volumeName)) return;
    void this.provisioner.event(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${pvc.metadata.namespace}/${pvc.metadata.name}"`);
    try {
      await this.ctx.client.create(PVS, '', provisionedVolume(pvc, sc, pvc.metadata.annotations?.[SELECTED_NODE]));
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
      return;
    }
    void this.provisioner.event(pvc, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${volumeName}`);
  }

  /** emitEventForUnboundDelayBindingClaim: waiting for a consumer, or for the pods that use the claim to be scheduled. */
  private waitingForConsumer(pvc: KObject): void {
    const uses = (p: KObject) =>
      ((p.spec?.volumes ?? []) as KObject[]).some((v) => v.persistentVolumeClaim?.claimName === pvc.metadata.name || (v.ephemeral && `${p.metadata.name}-${v.name}` === pvc.metadata.name));
    const pending = this.pods.items().filter((p) => p.metadata.namespace === pvc.metadata.namespace && !p.spec?.nodeName && uses(p)).map((p) => p.metadata.name as string);
    if (pending.length === 0) void this.recorder.event(pvc, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
    else void this.recorder.event(pvc, 'Normal', 'WaitForPodScheduled', `waiting for ${pending.length > 1 ? 'pods' : 'pod'} ${pending.join(',')} to be scheduled`);
  }

  /** bind: the volume's claimRef and phase first, then the claim's volumeName, annotations and status. */
  private async bind(pv: KObject, pvc: KObject, claimBoundByController: boolean): Promise<void> {
    const ref = pv.spec?.claimRef;
    let volume = pv;
    if (!ref?.uid) {
      const annotations = { ...pv.metadata.annotations, [BOUND_BY_CONTROLLER]: 'yes' };
      const claimRef = { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion };
      volume = await this.ctx.client.update(PVS, '', { ...pv, metadata: { ...pv.metadata, annotations }, spec: { ...pv.spec, claimRef } });
    }
    if (volume.status?.phase !== 'Bound') volume = await this.volumePhase(volume, 'Bound');
    let claim = pvc;
    const ann = pvc.metadata.annotations ?? {};
    if (pvc.spec.volumeName !== pv.metadata.name || ann[BIND_COMPLETED] !== 'yes' || (claimBoundByController && ann[BOUND_BY_CONTROLLER] !== 'yes')) {
      const annotations: Record<string, string> = { ...ann, [BIND_COMPLETED]: 'yes' };
      if (claimBoundByController) annotations[BOUND_BY_CONTROLLER] = 'yes';
      claim = await this.ctx.client.update(PVCS, pvc.metadata.namespace, { ...pvc, metadata: { ...pvc.metadata, annotations }, spec: { ...pvc.spec, volumeName: pv.metadata.name } });
    }
    const s = claim.status ?? {};
    if (s.phase === 'Bound' && JSON.stringify(s.capacity) === JSON.stringify(volume.spec.capacity) && JSON.stringify(s.accessModes) === JSON.stringify(volume.spec.accessModes)) return;
    await this.ctx.client.update(PVCS, claim.metadata.namespace, { ...claim, status: { ...s, phase: 'Bound', accessModes: volume.spec.accessModes, capacity: volume.spec.capacity } }, { subresource: 'status' });
  }

  private async syncVolume(name: string): Promise<void> {
    const pv = this.pvs.get(name);
    // a deleting volume is still released when its claim goes (pv-protection waits for that)
    if (!pv) return;
    const ref = pv.spec?.claimRef;
    if (!ref || !ref.uid) {
      if (pv.status?.phase !== 'Available') await this.volumePhase(pv, 'Available');
      return;
    }
    let claim = this.pvcs.get(`${ref.namespace}/${ref.name}`);
    // the informer may not have seen a new claim yet: ask the API server before releasing a volume
    if (!claim) claim = await this.ctx.client.get(PVCS, ref.namespace, ref.name).catch((e) => (isStatus(e, 404) ? undefined : Promise.reject(e)));
    if (claim && claim.metadata.uid === ref.uid) {
      if (!claim.spec?.volumeName) return void this.queue.add(claimKey(ref));
      if (claim.spec.volumeName === name && pv.status?.phase !== 'Bound') await this.volumePhase(pv, 'Bound');
      return;
    }
    const released = pv.status?.phase === 'Released' ? pv : await this.volumePhase(pv, 'Released');
    if (released.spec?.persistentVolumeReclaimPolicy === 'Delete' && !released.metadata.deletionTimestamp) await this.ctx.client.delete(PVS, '', name).catch((e) => !isStatus(e, 404) && Promise.reject(e));
  }

  private volumePhase(pv: KObject, phase: string): Promise<KObject> {
    return this.ctx.client.update(PVS, '', { ...pv, status: { ...pv.status, phase, lastPhaseTransitionTime: rfc3339() } }, { subresource: 'status' });
  }

  private claimPhase(pvc: KObject, phase: string): Promise<KObject> {
    if (pvc.status?.phase === phase) return Promise.resolve(pvc);
    return this.ctx.client.update(PVCS, pvc.metadata.namespace, { ...pvc, status: { ...pvc.status, phase } }, { subresource: 'status' });
  }
}
