// default-scheduler: binds pending pods to nodes as kube-scheduler's default profile does — the filters
// (unschedulable, taints, node affinity, resources, topology spread, inter-pod affinity), the weighted scores,
// the best node — and when a pod fits nowhere, preempts lower-priority pods for it or marks it
// PodScheduled=False with the scheduler's summary of why, writing events as the real scheduler does.
import { randomBytes } from 'node:crypto';
import type { GVR, KObject } from '../client/types.js';
import { PDBS } from './disruption.js';
import { CSINODES, EVENTS_V1, NAMESPACES, NODES, PODS, REPLICASETS, REPLICATIONCONTROLLERS, STATEFULSETS } from './gvr.js';
import { SERVICES } from './pod-endpoints.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';
import { findFeasible, fitErrorMessage, scoreNodes, selectHost } from './scheduler-cycle.js';
import { preempt, type Candidate } from './scheduler-preemption.js';
import { SchedulerCache } from './scheduler-cache.js';
import { podPriority, type Snapshot } from './scheduler-snapshot.js';
import { defaultSpreadSelector, SPREAD_REASON } from './scheduler-spread.js';
import { claimsBound, type VolumeDecisions, type VolumeListers } from './scheduler-volumes.js';
import { BOUND_BY_CONTROLLER, PVCS, PVS, SELECTED_NODE, STORAGECLASSES } from './volume-matching.js';
import { rfc3339, microTime } from '../apimachinery/time.js';

const NAME = 'default-scheduler';
const AFFINITY_REASON = "node(s) didn't match pod affinity rules";
const keyOf = (p: KObject) => `${p.metadata.namespace}/${p.metadata.name}`;
// how long PreBind waits for the pod's claims to be bound (upstream's bindTimeoutSeconds)
const BIND_TIMEOUT_MS = 600_000;

export class Scheduler extends QueueController {
  private pods!: Informer;
  private nodes!: Informer;
  private namespaces!: Informer;
  private owners!: Map<string, Informer>;
  private services!: Informer;
  private pdbs!: Informer;
  private cache!: SchedulerCache;
  private volumes!: VolumeListers;
  /** Uids of pods whose binding is on its way. */
  private readonly assumed = new Set<string>();
  /** Pods that fit nowhere (a pod leaving a node may make room for them), each with whether a pod placed could help too (pod affinity, spreading). */
  private readonly unschedulable = new Map<string, boolean>();

  /** Set on stop: volume bindings under way give up quietly. */
  private stopped = false;
  /** Bindings on their way. */
  private binding = 0;

  constructor() {
    super(NAME, 2, 5_000);
  }

  override stop(): void {
    this.stopped = true;
    super.stop();
  }

  protected register(): void {
    const pending = (pod: KObject) => !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && (pod.spec?.schedulerName ?? NAME) === NAME;
    const add = (pod: KObject) => pending(pod) && this.queue.add(keyOf(pod));
    const freed = () => this.unschedulable.forEach((_, k) => this.queue.add(k));
    const placed = () => this.unschedulable.forEach((helps, k) => helps && this.queue.add(k));
    const relabelled = (o: KObject, p: KObject) => JSON.stringify(o.metadata.labels ?? {}) !== JSON.stringify(p.metadata.labels ?? {});
    const terminal = (p: KObject) => p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed';
    this.namespaces = this.ctx.informers.informer(NAMESPACES);
    this.cache = new SchedulerCache((ns) => this.namespaces.get(ns)?.metadata?.labels);
    this.pods = this.ctx.informers.informer(PODS).on({
      // a pod placed may satisfy another's pod affinity or topology spread
      add: (p) => (this.cache.setPod(p), p.spec?.nodeName ? placed() : add(p)),
      update: (o, p) => {
        // an assumed pod stays on its node while the binding is on its way
        if (p.spec?.nodeName || !this.assumed.has(p.metadata.uid)) this.cache.setPod(p);
        if (!p.spec?.nodeName) add(p);
        else if ((terminal(p) && !terminal(o)) || relabelled(o, p)) freed();
        else if (!o.spec?.nodeName) placed();
      },
      delete: (p) => (this.cache.removePod(p), p.spec?.nodeName ? freed() : this.unschedulable.delete(keyOf(p))),
    });
    // a node that comes, changes or goes may fit pods that waited
    const retry = () => this.pods.items().forEach(add);
    this.nodes = this.ctx.informers.informer(NODES).on({
      add: (n) => (this.cache.setNode(n), retry()),
      update: (o, n) => (this.cache.setNode(n), JSON.stringify(o.spec) !== JSON.stringify(n.spec) || o.metadata.labels !== n.metadata.labels ? retry() : undefined),
      delete: (n) => (this.cache.removeNode(n.metadata.name), retry()),
    });
    // claims, volumes and classes that come or change may let pods waiting on VolumeBinding through
    const volumeChange = { add: freed, update: freed, delete: freed };
    const pvcs = this.ctx.informers.informer(PVCS).on(volumeChange);
    const pvs = this.ctx.informers.informer(PVS).on(volumeChange);
    const classes = this.ctx.informers.informer(STORAGECLASSES).on({ add: freed, update: freed });
    // a node's CSINode that comes may raise its attach limits (NodeVolumeLimits)
    const csiNodes = this.ctx.informers.informer(CSINODES).on({ add: freed });
    this.volumes = { claim: (ns, name) => pvcs.get(`${ns}/${name}`), volume: (name) => pvs.get(name), volumes: () => pvs.items(), storageClass: (name) => classes.get(name), csiNode: (name) => csiNodes.get(name) };
    this.services = this.ctx.informers.informer(SERVICES);
    this.pdbs = this.ctx.informers.informer(PDBS);
    const owners: [string, GVR][] = [['ReplicaSet', REPLICASETS], ['StatefulSet', STATEFULSETS], ['ReplicationController', REPLICATIONCONTROLLERS]];
    this.owners = new Map(owners.map(([kind, gvr]) => [kind, this.ctx.informers.informer(gvr)]));
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp || (pod.spec?.schedulerName ?? NAME) !== NAME) {
      this.unschedulable.delete(key);
      return;
    }
    // its binding is on its way
    if (this.assumed.has(pod.metadata.uid)) return;
    const snap = this.cache.snapshot();
    const { feasible, statuses, preFilterMessage, volumeDecisions } = findFeasible(pod, snap, undefined, this.volumes);
    if (feasible.length === 0) {
      const podsCouldHelp = [...statuses.values()].some((st) => st.reasons.some((r) => r === AFFINITY_REASON || r === SPREAD_REASON));
      this.unschedulable.set(key, podsCouldHelp);
      if (snap.nodes.length === 0) return this.markUnschedulable(pod, 'no nodes available to schedule pods');
      const fit = fitErrorMessage(snap.nodes.length, statuses.values(), preFilterMessage);
      const outcome = preempt(pod, snap, statuses, this.pdbs.items(), this.volumes);
      if ('message' in outcome) return this.markUnschedulable(pod, `${fit} ${outcome.message}`);
      await this.markUnschedulable(pod, fit, outcome.node);
      return this.evict(pod, outcome, snap);
    }
    this.unschedulable.delete(key);
    // the node an earlier preemption freed is tried first, and taken when it fits (evaluateNominatedNode)
    const nominated = feasible.find((ni) => ni.name === pod.status?.nominatedNodeName);
    const node = nominated ?? (feasible.length === 1 ? feasible[0]! : selectHost(feasible, scoreNodes(pod, feasible, snap, () => defaultSpreadSelector(pod, this.listers()))));
    const decisions = volumeDecisions.get(node.name);
    if (decisions && (decisions.bindings.length || decisions.provisions.length || !claimsBound(pod, this.volumes))) return this.bindWithVolumes(pod, node.name, decisions);
    this.bindInBackground(pod, node.name);
  }

  override idle(): boolean {
    return super.idle() && this.binding === 0;
  }

  /**
   * The binding cycle apart from the scheduling cycle, as upstream's: the pod is assumed on the node and the
   * workers go on with the next pod while the binding (and its event) is on its way.
   */
  private bindInBackground(pod: KObject, node: string): void {
    this.binding++;
    this.bind(pod, node)
      .catch((e) => {
        if (this.stopped) return;
        this.queue.addRateLimited(keyOf(pod));
        this.ctx.error(this.name, e);
      })
      .finally(() => this.binding--);
  }

  /**
   * VolumeBinding's PreBind, then the binding: the chosen volumes get their claimRef, claims to provision get the
   * selected node, and the pod is bound once every claim is bound. Meanwhile the pod stays assumed on the node and
   * the workers go on with other pods, as upstream's binding cycle runs apart from scheduling.
   */
  private bindWithVolumes(pod: KObject, node: string, d: VolumeDecisions): void {
    const uid: string = pod.metadata.uid;
    this.assumed.add(uid);
    this.cache.setPod({ ...pod, spec: { ...pod.spec, nodeName: node } });
    const unassume = () => {
      this.assumed.delete(uid);
      const seen = this.pods.get(keyOf(pod));
      if (seen?.metadata.uid === uid) this.cache.setPod(seen);
      else this.cache.removePod(pod);
    };
    void (async () => {
      for (const { pv, pvc } of d.bindings) {
        const claimRef = { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion };
        const annotations = { ...pv.metadata.annotations, [BOUND_BY_CONTROLLER]: 'yes' };
        await this.ctx.client.update(PVS, '', { ...pv, metadata: { ...pv.metadata, annotations }, spec: { ...pv.spec, claimRef } });
      }
      for (const pvc of d.provisions) {
        await this.ctx.client.update(PVCS, pvc.metadata.namespace, { ...pvc, metadata: { ...pvc.metadata, annotations: { ...pvc.metadata.annotations, [SELECTED_NODE]: node } } });
      }
      for (const deadline = Date.now() + BIND_TIMEOUT_MS; !claimsBound(pod, this.volumes); ) {
        const seen = this.pods.get(keyOf(pod));
        // stopped, or the pod went (or was bound) meanwhile: nothing to report
        if (this.stopped || seen?.metadata.uid !== uid || seen.spec?.nodeName) return unassume();
        if (Date.now() > deadline) throw new Error('binding volumes: context deadline exceeded');
        await new Promise((r) => setTimeout(r, 50));
      }
      this.assumed.delete(uid);
      await this.bind(pod, node);
    })().catch(async (e) => {
      unassume();
      if (this.stopped) return;
      this.queue.addRateLimited(keyOf(pod));
      await this.event(pod, 'Warning', 'FailedScheduling', 'Scheduling', `running PreBind plugin "VolumeBinding": ${(e as Error).message}`).catch((err) => this.ctx.error(this.name, err));
    });
  }

  private listers() {
    return {
      services: (ns: string) => this.services.items().filter((s) => s.metadata.namespace === ns),
      controller: (ns: string, kind: string, name: string) => this.owners.get(kind)?.get(`${ns}/${name}`),
    };
  }

  private async bind(pod: KObject, node: string): Promise<void> {
    const ns = pod.metadata.namespace;
    const uid: string = pod.metadata.uid;
    // assumed on the node before the binding is sent, so that the other worker counts it (upstream's assume)
    this.assumed.add(uid);
    this.cache.setPod({ ...pod, spec: { ...pod.spec, nodeName: node } });
    try {
      await this.ctx.client.post(PODS, ns, pod.metadata.name, 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: ns, uid }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
    } catch (e) {
      this.assumed.delete(uid);
      const seen = this.pods.get(keyOf(pod));
      if (seen?.metadata.uid === uid) this.cache.setPod(seen);
      else this.cache.removePod(pod);
      // bound meanwhile, or gone
      if (isStatus(e, 409, 404)) return;
      throw e;
    }
    this.assumed.delete(uid);
    await this.event(pod, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${ns}/${pod.metadata.name} to ${node}`);
  }

  /** prepareCandidate: each victim gets DisruptionTarget, is deleted, and hears who preempted it; lower-priority pods nominated to the node lose the nomination. */
  private async evict(pod: KObject, c: Candidate, snap: Snapshot): Promise<void> {
    const condition = { type: 'DisruptionTarget', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(), reason: 'PreemptionByScheduler', message: `${pod.spec?.schedulerName ?? NAME}: preempting to accommodate a higher priority pod` };
    for (const v of c.victims) {
      try {
        await this.ctx.client.patch(PODS, v.metadata.namespace, v.metadata.name, 'strategic', { status: { conditions: [condition] } }, { subresource: 'status' });
        await this.ctx.client.delete(PODS, v.metadata.namespace, v.metadata.name);
      } catch (e) {
        if (!isStatus(e, 404, 409)) throw e;
        continue;
      }
      await this.event(v, 'Normal', 'Preempted', 'Preempting', `Preempted by pod ${pod.metadata.uid} on node ${c.node}`, pod);
    }
    for (const p of snap.nominated.get(c.node) ?? []) {
      if (p.metadata.uid === pod.metadata.uid || podPriority(p) >= podPriority(pod)) continue;
      await this.ctx.client.patch(PODS, p.metadata.namespace, p.metadata.name, 'merge', { status: { nominatedNodeName: null } }, { subresource: 'status' }).catch((e) => {
        if (!isStatus(e, 404, 409)) throw e;
      });
    }
  }

  private async markUnschedulable(pod: KObject, message: string, nominatedNodeName?: string): Promise<void> {
    const current = (pod.status?.conditions ?? []).find((c: KObject) => c.type === 'PodScheduled');
    const nominate = nominatedNodeName !== undefined && pod.status?.nominatedNodeName !== nominatedNodeName;
    if (current?.status === 'False' && current.message === message && !nominate) return;
    const condition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: rfc3339(), reason: 'Unschedulable', message };
    const status: KObject = { ...(pod.status ?? {}), phase: 'Pending', conditions: [...(pod.status?.conditions ?? []).filter((c: KObject) => c.type !== 'PodScheduled'), condition] };
    if (nominate) status.nominatedNodeName = nominatedNodeName;
    try {
      await this.ctx.client.update(PODS, pod.metadata.namespace, { ...pod, status }, { subresource: 'status' });
    } catch (e) {
      if (!isStatus(e, 409, 404)) throw e;
      return;
    }
    await this.event(pod, 'Warning', 'FailedScheduling', 'Scheduling', message);
  }

  private async event(pod: KObject, type: string, reason: string, action: string, note: string, related?: KObject): Promise<void> {
    const ns = pod.metadata.namespace;
    const ref = (p: KObject) => ({ kind: 'Pod', namespace: p.metadata.namespace, name: p.metadata.name, uid: p.metadata.uid, apiVersion: 'v1', resourceVersion: p.metadata.resourceVersion });
    await this.ctx.client
      .create(EVENTS_V1, ns, {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: `${pod.metadata.name}.${randomBytes(8).toString('hex')}`, namespace: ns },
        eventTime: microTime(),
        reportingController: NAME,
        reportingInstance: `${NAME}-minikapi`,
        action,
        reason,
        regarding: ref(pod),
        ...(related ? { related: ref(related) } : {}),
        note,
        type,
      })
      .catch((e) => {
        // events are best effort, as upstream's recorder
        if (!isStatus(e, 403, 404, 409, 422)) throw e;
      });
  }
}
