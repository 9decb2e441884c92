// daemonset controller (kube-controller-manager v1.33): one pod per eligible node, pinned there by a
// required node affinity on metadata.name for the scheduler to bind; rolling updates by maxUnavailable or
// maxSurge (OnDelete leaves old pods alone); ControllerRevisions; status from the oldest pod on each node.
import type { KObject } from '../client/types.js';
import { controllerRefTo } from './controller-history.js';
import { claimObjects, matchingParents } from './controller-ref-claim.js';
import { daemonPodSpec, newDaemonPod, REVISION_LABEL, targetNodeName, TEMPLATE_GENERATION_ANNOTATION } from './daemonset-nodes.js';
import { daemonStatus, managePlan, rollingUpdatePlan, type DaemonView, type Plan } from './daemonset-plan.js';
import { constructHistory, revisionsToDelete } from './daemonset-revisions.js';
import { CONTROLLERREVISIONS, DAEMONSETS, NODES, PODS } from './gvr.js';
import { EventRecorder } from './event-recorder.js';
import { controllerOf as controllerRef, isPodAvailable as podAvailable, isPodReady as podReady } from './replicaset-pods.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

const EXPECTATIONS_TTL_MS = 30_000;
const STATUS_KEYS = ['currentNumberScheduled', 'numberMisscheduled', 'desiredNumberScheduled', 'numberReady', 'observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable'];

export class DaemonSetController extends QueueController {
  private sets!: Informer;
  private pods!: Informer;
  private nodes!: Informer;
  private revisions!: Informer;
  private events!: EventRecorder;
  /** Creates and deletes asked for and not yet seen, so a lagging cache never doubles a pod. */
  private readonly expect = new Map<string, { adds: number; dels: Set<string>; at: number }>();

  constructor() {
    super('daemonset', 2, 10_000);
  }

  protected register(): void {
    this.events = new EventRecorder(this.ctx.client, 'daemonset-controller', { kind: 'DaemonSet', apiVersion: 'apps/v1' });
    const enqueue = (o: KObject) => this.queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    const owner = (p: KObject) => {
      const ref = controllerRef(p);
      return ref?.kind === 'DaemonSet' ? `${p.metadata.namespace}/${ref.name}` : undefined;
    };
    this.sets = this.ctx.informers.informer(DAEMONSETS).on({ add: enqueue, update: (_, d) => enqueue(d) });
    this.pods = this.ctx.informers.informer(PODS).on({
      add: (p) => {
        const key = owner(p);
        if (!key) {
          // an orphan may be adopted by a DaemonSet whose selector matches it
          if (!controllerRef(p)) matchingParents(this.sets, p).forEach(enqueue);
          return;
        }
        const e = this.expect.get(key);
        if (e) e.adds--;
        this.queue.add(key);
      },
      update: (_, p) => {
        const key = owner(p);
        if (!key) return;
        if (p.metadata.deletionTimestamp) this.expect.get(key)?.dels.delete(p.metadata.name);
        this.queue.add(key);
      },
      delete: (p) => {
        const key = owner(p);
        if (!key) return;
        this.expect.get(key)?.dels.delete(p.metadata.name);
        this.queue.add(key);
      },
    });
    const all = () => this.sets.items().forEach(enqueue);
    const placement = (n: KObject) => JSON.stringify([n.metadata.labels, n.spec?.taints, n.spec?.unschedulable]);
    this.nodes = this.ctx.informers.informer(NODES).on({ add: all, update: (o, n) => placement(o) !== placement(n) && all(), delete: all });
    this.revisions = this.ctx.informers.informer(CONTROLLERREVISIONS).on({ delete: (r) => owner(r) && this.queue.add(owner(r)!) });
  }

  private satisfied(key: string): boolean {
    const e = this.expect.get(key);
    if (!e || (e.adds <= 0 && e.dels.size === 0) || Date.now() - e.at > EXPECTATIONS_TTL_MS) {
      this.expect.delete(key);
      return true;
    }
    return false;
  }

  protected async sync(key: string): Promise<void> {
    const ds = this.sets.get(key);
    if (!ds) return void this.expect.delete(key);
    if (ds.metadata.deletionTimestamp) return;
    const ns = ds.metadata.namespace;
    const owned = (inf: Informer) => inf.items().filter((o) => o.metadata.namespace === ns && controllerRef(o)?.uid === ds.metadata.uid);
    const inNamespace = (inf: Informer) => inf.items().filter((o) => o.metadata.namespace === ns);
    const claim = { client: this.ctx.client, parentGVR: DAEMONSETS, kind: 'DaemonSet' };
    const revisions = await claimObjects(ds, inNamespace(this.revisions), { ...claim, gvr: CONTROLLERREVISIONS });
    const { cur, old } = await constructHistory(this.ctx.client, ds, revisions);
    const view = this.view(ds, await claimObjects(ds, inNamespace(this.pods), { ...claim, gvr: PODS }), cur.metadata.labels?.[REVISION_LABEL] ?? '');
    if (this.satisfied(key)) {
      const plan = managePlan(view);
      if (plan.create.length || plan.delete.length) await this.apply(key, ds, plan, view.hash);
      else if (ds.spec?.updateStrategy?.type !== 'OnDelete') {
        const update = rollingUpdatePlan(view);
        if (update.create.length || update.delete.length) await this.apply(key, ds, update, view.hash);
      }
    }
    for (const r of revisionsToDelete(ds, old, owned(this.pods))) {
      await this.ctx.client.delete(CONTROLLERREVISIONS, ns, r.metadata.name).catch((e) => {
        if (!isStatus(e, 404, 409)) throw e;
      });
    }
    await this.writeStatus(ds, this.view(ds, owned(this.pods), view.hash));
  }

  private view(ds: KObject, pods: KObject[], hash: string): DaemonView {
    const podsByNode = new Map<string, KObject[]>();
    for (const p of pods) {
      const node = targetNodeName(p);
      if (node) podsByNode.set(node, [...(podsByNode.get(node) ?? []), p]);
    }
    return { ds, spec: daemonPodSpec(ds), nodes: this.nodes.items(), podsByNode, hash, generation: ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION], now: Date.now() };
  }

  /** syncNodes: deletes, then creates in slow-start batches (1, 2, 4, …) stopping at the first failure. */
  private async apply(key: string, ds: KObject, plan: Plan, hash: string): Promise<void> {
    const ns = ds.metadata.namespace;
    this.expect.set(key, { adds: plan.create.length, dels: new Set(plan.delete), at: Date.now() });
    await Promise.all(
      plan.delete.map((name) =>
        this.ctx.client.delete(PODS, ns, name).then(
          () => void this.events.event(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`),
          (e) => {
            this.expect.get(key)?.dels.delete(name);
            if (isStatus(e, 404, 409)) return;
            void this.events.event(ds, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error).message}`);
            throw e;
          },
        ),
      ),
    );
    const ref = controllerRefTo(ds, 'DaemonSet');
    let done = 0;
    for (let batch = 1; done < plan.create.length; batch *= 2) {
      const nodes = plan.create.slice(done, done + batch);
      const results = await Promise.allSettled(nodes.map((n) => this.ctx.client.create(PODS, ns, newDaemonPod(ds, n, hash, ref))));
      done += nodes.length;
      for (const r of results) {
        if (r.status === 'fulfilled') void this.events.event(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
        else void this.events.event(ds, 'Warning', 'FailedCreate', `Error creating: ${(r.reason as Error).message}`);
      }
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed.length) {
        const e = this.expect.get(key);
        if (e) e.adds -= failed.length + (plan.create.length - done);
        // a terminating namespace or a quota: nothing to retry now
        if (isStatus(failed[0]!.reason, 403, 409)) return;
        throw failed[0]!.reason;
      }
    }
  }

  private async writeStatus(ds: KObject, view: DaemonView): Promise<void> {
    const status = daemonStatus(view);
    // ready pods that become available after minReadySeconds: look again then
    const minReady = ds.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && [...view.podsByNode.values()].flat().some((p) => podReady(p) && !podAvailable(p, minReady, view.now))) this.queue.addAfter(`${ds.metadata.namespace}/${ds.metadata.name}`, minReady * 1000);
    const next: KObject = { ...(ds.status ?? {}), ...status };
    for (const k of ['observedGeneration', 'updatedNumberScheduled', 'numberAvailable', 'numberUnavailable']) if (!next[k]) delete next[k];
    if (STATUS_KEYS.every((k) => next[k] === ds.status?.[k])) return;
    await this.ctx.client.update(DAEMONSETS, ds.metadata.namespace, { ...ds, status: next }, { subresource: 'status' }).catch((e) => {
      if (!isStatus(e, 404, 409)) throw e;
    });
  }
}
