// node-lifecycle: a node whose kubelet stops posting status and renewing its Lease for the grace period
// gets its conditions set Unknown (NodeStatusUnknown); Ready False/Unknown nodes get the not-ready or
// unreachable taints (NoSchedule, and NoExecute with timeAdded), spec.unschedulable the unschedulable one;
// pods on a node that is not ready are marked not Ready, as kube-controller-manager's node lifecycle controller;
// NoExecute taints come at each zone's rate, and none while every zone is fully disrupted.
import type { KObject } from '../client/types.js';
import { LEASES, NODES, PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { EventRecorder } from './event-recorder.js';
import { NOT_READY_TAINT, UNREACHABLE_TAINT } from './taints.js';
import { TokenBucket, zoneKey, zoneTaintQPS, zonesOf } from './node-zones.js';
import { rfc3339 } from '../apimachinery/time.js';

/** --node-monitor-grace-period (50 s since 1.32). */
export const GRACE_PERIOD_MS = 50_000;
const MONITOR_PERIOD_MS = 5_000;
const CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
const PRESSURE_TAINTS: Record<string, string> = { MemoryPressure: 'node.kubernetes.io/memory-pressure', DiskPressure: 'node.kubernetes.io/disk-pressure', PIDPressure: 'node.kubernetes.io/pid-pressure', NetworkUnavailable: 'node.kubernetes.io/network-unavailable' };
const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';
const MANAGED = new Set([NOT_READY_TAINT, UNREACHABLE_TAINT, UNSCHEDULABLE_TAINT, ...Object.values(PRESSURE_TAINTS)]);

const readyStatus = (n: KObject): string | undefined => (n.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready')?.status;

/**
 * What may happen to the not-ready/unreachable NoExecute taints: `add` them, `keep` only those present (the
 * zone's tainter is waiting for its rate), or `remove` them (every zone in full disruption).
 */
export type NoExecuteMode = 'add' | 'keep' | 'remove';

/** The taints the controller wants on a node: its own ones recomputed, everyone else's kept (timeAdded kept when unchanged). */
export function desiredTaints(node: KObject, noExecute: NoExecuteMode = 'add'): KObject[] {
  const ready = readyStatus(node);
  const old: KObject[] = node.spec?.taints ?? [];
  const want: KObject[] = [];
  const key = ready === 'False' ? NOT_READY_TAINT : ready === 'Unknown' ? UNREACHABLE_TAINT : undefined;
  if (key) want.push({ key, effect: 'NoSchedule' }, { key, effect: 'NoExecute' });
  for (const c of node.status?.conditions ?? []) if (PRESSURE_TAINTS[c.type] && c.status === 'True') want.push({ key: PRESSURE_TAINTS[c.type], effect: 'NoSchedule' });
  if (node.spec?.unschedulable) want.push({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' });
  const mine = want.flatMap((t) => {
    const prev = old.find((o) => o.key === t.key && o.effect === t.effect);
    if (t.effect !== 'NoExecute') return [prev ?? t];
    if (noExecute === 'remove' || (noExecute === 'keep' && !prev)) return [];
    return [prev?.timeAdded ? prev : { ...t, timeAdded: rfc3339() }];
  });
  return [...old.filter((t) => !MANAGED.has(t.key)), ...mine];
}

/** Every condition Unknown with upstream's reason, the heartbeat kept, the transition now. */
export function unknownConditions(node: KObject): KObject[] {
  const now = rfc3339();
  const conds: KObject[] = [...(node.status?.conditions ?? [])];
  for (const type of CONDITIONS) {
    const i = conds.findIndex((c) => c.type === type);
    if (i < 0) conds.push({ type, status: 'Unknown', lastHeartbeatTime: node.metadata.creationTimestamp, lastTransitionTime: now, reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.' });
    else if (conds[i].status !== 'Unknown') conds[i] = { ...conds[i], status: 'Unknown', lastTransitionTime: now, reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' };
  }
  return conds;
}

export class NodeLifecycleController extends QueueController {
  private nodes!: Informer;
  private leases!: Informer;
  private pods!: Informer;
  private timer?: NodeJS.Timeout;
  /** Per node: the last heartbeat and lease renewal seen, and when (local clock) either last changed. */
  private readonly health = new Map<string, { heartbeat?: string; renew?: string; at: number }>();
  /** Each zone's NoExecute tainting rate limiter. */
  private readonly tainters = new Map<string, TokenBucket>();
  /** Nodes this controller has registered (upstream's knownNodeSet), with the Ready status last seen. */
  private readonly known = new Map<string, string | undefined>();
  private readonly nodeEvents = new EventRecorder(() => this.ctx.client, 'node-controller', { kind: 'Node', apiVersion: 'v1' });
  private readonly podEvents = new EventRecorder(() => this.ctx.client, 'node-controller', { kind: 'Pod', apiVersion: 'v1' });

  constructor(private readonly gracePeriodMs = GRACE_PERIOD_MS) {
    super('node-lifecycle', 2, 10_000);
  }

  protected register(): void {
    const enqueue = (n: KObject) => this.queue.add(n.metadata.name);
    this.nodes = this.ctx.informers.informer(NODES).on({ add: enqueue, update: (_, n) => enqueue(n), delete: (n) => this.forget(n) });
    this.leases = this.ctx.informers.informer(LEASES, { namespace: 'kube-node-lease' }).on({ add: (l) => this.queue.add(l.metadata.name), update: (_, l) => this.queue.add(l.metadata.name) });
    this.pods = this.ctx.informers.informer(PODS);
  }

  override run(): void {
    super.run();
    this.timer = setInterval(() => {
      for (const n of this.nodes.items()) this.queue.add(n.metadata.name);
    }, MONITOR_PERIOD_MS);
    this.timer.unref();
  }

  override stop(): void {
    clearInterval(this.timer);
    super.stop();
  }

  private forget(node: KObject): void {
    this.health.delete(node.metadata.name);
    if (this.known.delete(node.metadata.name)) void this.nodeEvent(node, 'RemovingNode', `Removing Node ${node.metadata.name} from Controller`);
  }

  /** nodeutil.RecordNodeEvent's shape. */
  private nodeEvent(node: KObject, reason: string, event: string): Promise<void> {
    return this.nodeEvents.event(node, 'Normal', reason, `Node ${node.metadata.name} event: ${event}`);
  }

  /** Whether this node's NoExecute taints may be added now, by its zone's state and tainting rate. */
  private noExecuteMode(node: KObject): NoExecuteMode {
    const zones = zonesOf(this.nodes.items());
    if (zones.allFullyDisrupted) return 'remove';
    const ready = readyStatus(node);
    const key = ready === 'False' ? NOT_READY_TAINT : ready === 'Unknown' ? UNREACHABLE_TAINT : undefined;
    if (!key || (node.spec?.taints ?? []).some((t: KObject) => t.key === key && t.effect === 'NoExecute')) return 'add';
    const zone = zoneKey(node);
    let bucket = this.tainters.get(zone);
    if (!bucket) this.tainters.set(zone, (bucket = new TokenBucket()));
    const wait = bucket.take(zoneTaintQPS(zones.state(zone), zones.size(zone)));
    if (wait === 0) return 'add';
    if (Number.isFinite(wait)) this.queue.addAfter(node.metadata.name, wait);
    return 'keep';
  }

  /** Whether the kubelet has been silent for the grace period (status heartbeat and Lease both). */
  private silent(node: KObject): boolean {
    const name = node.metadata.name;
    const heartbeat = (node.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready')?.lastHeartbeatTime;
    const renew = this.leases.get(`kube-node-lease/${name}`)?.spec?.renewTime;
    const h = this.health.get(name);
    if (!h || h.heartbeat !== heartbeat || h.renew !== renew) {
      this.health.set(name, { heartbeat, renew, at: Date.now() });
      return false;
    }
    const left = h.at + this.gracePeriodMs - Date.now();
    if (left > 0) this.queue.addAfter(name, left);
    return left <= 0;
  }

  protected async sync(name: string): Promise<void> {
    let node = this.nodes.get(name);
    if (!node) return;
    if (!this.known.has(name)) {
      this.known.set(name, undefined);
      void this.nodeEvent(node, 'RegisteredNode', `Registered Node ${name} in Controller`);
    }
    const observed = this.known.get(name);
    try {
      if (this.silent(node) && readyStatus(node) !== 'Unknown') {
        node = await this.ctx.client.update(NODES, '', { ...node, status: { ...node.status, conditions: unknownConditions(node) } }, { subresource: 'status' });
      }
      this.known.set(name, readyStatus(node));
      if (observed === 'True' && readyStatus(node) !== 'True') void this.nodeEvents.event(node, 'Normal', 'NodeNotReady', `Node ${name} status is now: NodeNotReady`);
      const taints = desiredTaints(node, this.noExecuteMode(node));
      if (JSON.stringify(taints) !== JSON.stringify(node.spec?.taints ?? [])) {
        const spec = { ...node.spec, taints };
        if (!taints.length) delete spec.taints;
        node = await this.ctx.client.update(NODES, '', { ...node, spec });
      }
    } catch (e) {
      if (isStatus(e, 404)) return;
      if (isStatus(e, 409)) throw new Requeue(`node ${name}: conflict`);
      throw e;
    }
    if (readyStatus(node) !== 'True') await this.markPodsNotReady(name);
  }

  /** MarkPodsNotReady: the pods of a node that is not ready lose their Ready condition. */
  private async markPodsNotReady(node: string): Promise<void> {
    for (const p of this.pods.items()) {
      if (p.spec?.nodeName !== node || p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed') continue;
      const conds: KObject[] = p.status?.conditions ?? [];
      const i = conds.findIndex((c) => c.type === 'Ready');
      if (i < 0 || conds[i].status === 'False') continue;
      const next = [...conds];
      next[i] = { ...conds[i], status: 'False', lastTransitionTime: rfc3339() };
      const updated = await this.ctx.client.update(PODS, p.metadata.namespace, { ...p, status: { ...p.status, conditions: next } }, { subresource: 'status' }).catch((e) => (isStatus(e, 404, 409) ? undefined : Promise.reject(e)));
      if (updated) void this.podEvents.event(updated, 'Warning', 'NodeNotReady', 'Node is not ready');
    }
  }
}
