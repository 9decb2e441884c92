// Garbage collection for the owners this process's controllers create — Deployments own ReplicaSets,
// ReplicaSets own Pods — with the propagation policies of upstream's garbage collector: an owner gone
// (Background) takes its dependents; `foregroundDeletion` waits for them to go first; `orphan` frees them.
import type { GVR, KObject } from '../client/types.js';
import { DEPLOYMENTS, PODS, REPLICASETS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

interface Pair {
  owner: GVR;
  kind: string;
  dependent: GVR;
}

const PAIRS: Pair[] = [
  { owner: DEPLOYMENTS, kind: 'Deployment', dependent: REPLICASETS },
  { owner: REPLICASETS, kind: 'ReplicaSet', dependent: PODS },
];

export class WorkloadGarbageCollector extends QueueController {
  private owners = new Map<string, Informer>();
  private dependents = new Map<string, Informer>();

  constructor() {
    super('garbage-collector', 4, 10_000);
  }

  protected register(): void {
    for (const p of PAIRS) {
      const enqueueOwner = (o: KObject) => this.queue.add(`${p.kind}|${o.metadata.namespace}|${o.metadata.name}|${o.metadata.uid}`);
      this.owners.set(p.kind, this.ctx.informers.informer(p.owner).on({ update: (_, o) => o.metadata.deletionTimestamp && enqueueOwner(o), delete: enqueueOwner }));
      // a dependent whose owner is already gone (or terminating) is looked at too; so is one that goes
      const check = (d: KObject) => {
        for (const ref of d.metadata.ownerReferences ?? []) if (ref.kind === p.kind) this.queue.add(`${p.kind}|${d.metadata.namespace}|${ref.name}|${ref.uid}`);
      };
      this.dependents.set(p.kind, this.ctx.informers.informer(p.dependent).on({ add: check, update: (_, d) => check(d), delete: check }));
    }
  }

  protected async sync(key: string): Promise<void> {
    const [kind, ns, name, uid] = key.split('|') as [string, string, string, string];
    const pair = PAIRS.find((p) => p.kind === kind)!;
    const owner = this.owners.get(kind)!.get(`${ns}/${name}`);
    const live = owner && owner.metadata.uid === uid ? owner : undefined;
    const deps = this.dependents.get(kind)!.items().filter((d) => d.metadata.namespace === ns && (d.metadata.ownerReferences ?? []).some((r: KObject) => r.uid === uid));
    const { client } = this.ctx;
    if (live && !live.metadata.deletionTimestamp) return;
    const finalizers: string[] = live?.metadata.finalizers ?? [];
    if (live && finalizers.includes('orphan')) {
      for (const d of deps) {
        const refs = (d.metadata.ownerReferences as KObject[]).filter((r) => r.uid !== uid);
        await client.patch(pair.dependent, ns, d.metadata.name, 'merge', { metadata: { ownerReferences: refs.length ? refs : null } }).catch((e) => {
          if (!isStatus(e, 404, 409)) throw e;
        });
      }
      await this.removeFinalizer(pair.owner, live, 'orphan');
      return;
    }
    if (live && !finalizers.includes('foregroundDeletion')) return;
    // Background (owner gone) and Foreground (owner waiting): the dependents go
    for (const d of deps) {
      if (d.metadata.deletionTimestamp) continue;
      const onlyOwner = (d.metadata.ownerReferences as KObject[]).every((r) => r.uid === uid);
      if (!onlyOwner) continue;
      await client.delete(pair.dependent, ns, d.metadata.name, { preconditions: { uid: d.metadata.uid }, propagationPolicy: live && PAIRS.some((p) => p.owner === pair.dependent) ? 'Foreground' : 'Background' }).catch((e) => {
        if (!isStatus(e, 404, 409)) throw e;
      });
    }
    if (live && deps.length === 0) await this.removeFinalizer(pair.owner, live, 'foregroundDeletion');
  }

  private async removeFinalizer(gvr: GVR, obj: KObject, finalizer: string): Promise<void> {
    const finalizers = (obj.metadata.finalizers as string[]).filter((f) => f !== finalizer);
    await this.ctx.client
      .patch(gvr, obj.metadata.namespace, obj.metadata.name, 'json', [
        { op: 'test', path: '/metadata/resourceVersion', value: obj.metadata.resourceVersion },
        { op: 'replace', path: '/metadata/finalizers', value: finalizers },
      ])
      .catch((e) => {
        if (isStatus(e, 404)) return;
        // changed meanwhile: the informer brings the new state back
        if (isStatus(e, 409, 422)) return this.queue.addRateLimited(`${gvr === DEPLOYMENTS ? 'Deployment' : 'ReplicaSet'}|${obj.metadata.namespace}|${obj.metadata.name}|${obj.metadata.uid}`);
        throw e;
      });
  }
}
