// garbage-collector-controller as upstream's: informers over every resource feed the dependency graph;
// workers delete objects whose owners are all gone (or waiting for them in a foreground deletion), let
// owners with the foregroundDeletion finalizer go once no dependent blocks them, and orphan the
// dependents of owners with the orphan finalizer before removing it.
import type { DiscoveredResource, GVR, KObject } from '../client/types.js';
import type { Controller, ControllerContext } from './runtime/controller.js';
import { Requeue, isStatus } from './runtime/queue-controller.js';
import { WorkQueue } from './runtime/workqueue.js';
import { DependencyGraph, FOREGROUND, ORPHAN, identityOf, type GraphActions, type GraphNode, type Identity, type OwnerReference } from './garbage-collector-graph.js';
import { Monitors } from './garbage-collector-monitors.js';

/** A cluster-scoped dependent naming a namespaced owner: unresolvable, and never retried. */
class InvalidOwnerScope extends Error {}

const WORKERS = 5;

export class GarbageCollector implements Controller {
  readonly name = 'garbagecollector';
  readonly graph = new DependencyGraph();
  private readonly attemptToDelete = new WorkQueue({ maxDelayMs: 30_000 });
  private readonly attemptToOrphan = new WorkQueue({ maxDelayMs: 30_000 });
  private ctx!: ControllerContext;
  private monitors!: Monitors;
  private running = false;

  setup(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.monitors = new Monitors(ctx, (res) => ({
      add: (o) => this.apply(this.graph.observe(o, res)),
      update: (old, o) => this.apply(this.graph.observe(o, res, old)),
      delete: (o) => this.apply(this.graph.remove(identityOf(o, res))),
    }));
    this.monitors.register();
  }

  run(): void {
    this.running = true;
    void (async () => {
      // the graph is complete before anything is judged by it
      for (;;) {
        try {
          await this.monitors.start();
          break;
        } catch (e) {
          if (!this.running) return;
          this.ctx.error(this.name, e);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
      if (!this.running) return;
      const onError = (_k: string, e: unknown) => !(e instanceof Requeue) && this.ctx.error(this.name, e);
      void this.attemptToDelete.run(WORKERS, (uid) => this.deleteItem(uid), onError);
      void this.attemptToOrphan.run(WORKERS, (uid) => this.orphanItem(uid), onError);
    })();
  }

  stop(): void {
    this.running = false;
    this.monitors.stop();
    this.attemptToDelete.shutdown();
    this.attemptToOrphan.shutdown();
  }

  idle(): boolean {
    return this.attemptToDelete.idle() && this.attemptToOrphan.idle();
  }

  /** The resources whose informers feed the graph. */
  monitored(): DiscoveredResource[] {
    return this.monitors.resources();
  }

  private apply(acts: GraphActions): void {
    for (const n of acts.attemptToDelete) this.attemptToDelete.add(n.identity.uid);
    for (const n of acts.attemptToOrphan) this.attemptToOrphan.add(n.identity.uid);
  }

  /** Where an identity lives: the resource it was seen through, else what its kind resolves to. */
  private locate(node: GraphNode): { gvr: GVR; ns: string } {
    const gvr = node.gvr ?? this.monitors.resolve(node.identity.apiVersion, node.identity.kind);
    if (!gvr) throw new Requeue(`unable to get REST mapping for ${node.identity.apiVersion}/${node.identity.kind}`);
    return { gvr, ns: gvr.namespaced ? node.identity.namespace : '' };
  }

  private async getOrUndefined(gvr: GVR, ns: string, name: string): Promise<KObject | undefined> {
    try {
      return await this.ctx.client.get(gvr, ns, name);
    } catch (e) {
      if (isStatus(e, 404)) return undefined;
      throw e;
    }
  }

  /** The graph learns that an identity it guessed at is not there. */
  private virtualDelete(id: Identity, gvr: GVR): void {
    this.apply(this.graph.remove({ ...id, namespace: gvr.namespaced ? id.namespace : '' }, true));
  }

  private async deleteItem(uid: string): Promise<void> {
    const node = this.graph.get(uid);
    if (!node || (node.beingDeleted && !node.deletingDependents)) return;
    const { gvr, ns } = this.locate(node);
    const latest = await this.getOrUndefined(gvr, ns, node.identity.name);
    if (!latest || latest.metadata.uid !== uid) return this.virtualDelete(node.identity, gvr);
    // seen through the API but not yet through an informer: wait for the informer
    if (node.virtual) throw new Requeue(`${node.identity.kind} ${node.identity.name} not observed yet`);
    if (node.deletingDependents) return this.processDeletingDependents(node);
    const refs: OwnerReference[] = latest.metadata.ownerReferences ?? [];
    if (!refs.length) return;
    let classes: Awaited<ReturnType<GarbageCollector['classify']>>;
    try {
      classes = await this.classify(node, refs);
    } catch (e) {
      if (e instanceof InvalidOwnerScope) return;
      throw e;
    }
    const { solid, dangling, waiting } = classes;
    if (solid.length) {
      if (!dangling.length && !waiting.length) return;
      // it stays for its live owners; references to absent owners or owners deleting in the foreground go
      const gone = new Set([...dangling, ...waiting].map((r) => r.uid));
      await this.patchOwnerReferences(gvr, ns, latest, refs.filter((r) => !gone.has(r.uid)));
      return;
    }
    if (waiting.length && node.dependents.size) {
      if ([...node.dependents].some((d) => d.deletingDependents)) {
        // a cycle of foreground deletions would wait forever: this object stops blocking its owners
        const unblocked = refs.map((r) => (r.blockOwnerDeletion ? { ...r, blockOwnerDeletion: false } : r));
        if (refs.some((r) => r.blockOwnerDeletion)) await this.patchOwnerReferences(gvr, ns, latest, unblocked);
      }
      return this.deleteObject(gvr, ns, latest, 'Foreground');
    }
    const fin: string[] = latest.metadata.finalizers ?? [];
    return this.deleteObject(gvr, ns, latest, fin.includes(ORPHAN) ? 'Orphan' : fin.includes(FOREGROUND) ? 'Foreground' : 'Background');
  }

  private async classify(node: GraphNode, refs: OwnerReference[]): Promise<{ solid: OwnerReference[]; dangling: OwnerReference[]; waiting: OwnerReference[] }> {
    const solid: OwnerReference[] = [];
    const dangling: OwnerReference[] = [];
    const waiting: OwnerReference[] = [];
    for (const ref of refs) {
      const res = this.monitors.resolve(ref.apiVersion, ref.kind);
      if (!res) throw new Requeue(`unable to get REST mapping for ${ref.apiVersion}/${ref.kind}`);
      if (res.namespaced && !node.identity.namespace) throw new InvalidOwnerScope();
      const owner = await this.getOrUndefined(res, res.namespaced ? node.identity.namespace : '', ref.name);
      if (!owner || owner.metadata.uid !== ref.uid) dangling.push(ref);
      else if (owner.metadata.deletionTimestamp && (owner.metadata.finalizers ?? []).includes(FOREGROUND)) waiting.push(ref);
      else solid.push(ref);
    }
    return { solid, dangling, waiting };
  }

  /** A foreground deletion ends once no dependent blocks it; until then blocking dependents are deleted. */
  private async processDeletingDependents(node: GraphNode): Promise<void> {
    const blocking = node.blockingDependents();
    if (!blocking.length) return this.removeFinalizer(node, FOREGROUND);
    for (const d of blocking) if (!d.deletingDependents) this.attemptToDelete.add(d.identity.uid);
  }

  private async orphanItem(uid: string): Promise<void> {
    const owner = this.graph.get(uid);
    if (!owner) return;
    for (const dep of [...owner.dependents]) {
      const { gvr, ns } = this.locate(dep);
      const latest = await this.getOrUndefined(gvr, ns, dep.identity.name);
      if (!latest || latest.metadata.uid !== dep.identity.uid) continue;
      const refs: OwnerReference[] = latest.metadata.ownerReferences ?? [];
      if (!refs.some((r) => r.uid === uid)) continue;
      await this.patchOwnerReferences(gvr, ns, latest, refs.filter((r) => r.uid !== uid));
    }
    await this.removeFinalizer(owner, ORPHAN);
  }

  private async deleteObject(gvr: GVR, ns: string, obj: KObject, propagationPolicy: 'Orphan' | 'Foreground' | 'Background'): Promise<void> {
    try {
      await this.ctx.client.delete(gvr, ns, obj.metadata.name, { propagationPolicy, preconditions: { uid: obj.metadata.uid } });
    } catch (e) {
      // gone already, or another object now holds the name
      if (!isStatus(e, 404, 409)) throw e;
    }
  }

  /** A merge patch of the references, guarded by uid and resourceVersion (a conflict is retried by the queue). */
  private async patchOwnerReferences(gvr: GVR, ns: string, obj: KObject, refs: OwnerReference[]): Promise<void> {
    const patch = { metadata: { uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, ownerReferences: refs.length ? refs : null } };
    try {
      await this.ctx.client.patch(gvr, ns, obj.metadata.name, 'merge', patch);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
  }

  private async removeFinalizer(node: GraphNode, finalizer: string): Promise<void> {
    const { gvr, ns } = this.locate(node);
    for (let attempt = 0; ; attempt++) {
      const obj = await this.getOrUndefined(gvr, ns, node.identity.name);
      if (!obj || obj.metadata.uid !== node.identity.uid) return;
      const finalizers: string[] = obj.metadata.finalizers ?? [];
      if (!finalizers.includes(finalizer)) return;
      const rest = finalizers.filter((f) => f !== finalizer);
      try {
        await this.ctx.client.patch(gvr, ns, obj.metadata.name, 'merge', { metadata: { resourceVersion: obj.metadata.resourceVersion, finalizers: rest.length ? rest : null } });
        return;
      } catch (e) {
        if (isStatus(e, 404)) return;
        if (!isStatus(e, 409) || attempt >= 4) throw e;
      }
    }
  }
}
