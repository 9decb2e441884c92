// node-lifecycle: a node whose kubelet stops posting status and renewing its Lease for the grace period
// gets its conditions set Unknown (NodeStatusUnknown); Ready False/Unknown nodes get the not-ready or
// unreachable taints (NoSchedule, and NoExecute with timeAdded), spec.unschedulable the unschedulable one;
// pods on a node that is not ready are marked not Ready, as kube-controller-manager's node lifecycle controller.
import type { KObject } from '../client/types.js';
import { LEASES, NODES, PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { NOT_READY_TAINT, UNREACHABLE_TAINT } from './taints.js';

/** --node-monitor-grace-period (50 s since 1.32). */
export const GRACE_PERIOD_MS = 50_000;
const MONITOR_PERIOD_MS = 5_000;
const CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
const PRESSURE_TAINTS: Record<string, string> = { MemoryPressure: 'node.kubernetes.io/memory-pressure', DiskPressure: 'node.kubernetes.io/disk-pressure', PIDPressure: 'node.kubernetes.io/pid-pressure', NetworkUnavailable: 'node.kubernetes.io/network-unavailable' };
const UNSCHEDULABLE_TAINT = 'node.kubernetes.io/unschedulable';
const MANAGED = new Set([NOT_READY_TAINT, UNREACHABLE_TAINT, UNSCHEDULABLE_TAINT, ...Object.values(PRESSURE_TAINTS)]);

const rfc3339 = (t = Date.now()) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const readyStatus = (n: KObject): string | undefined => (n.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready')?.status;

/** The taints the controller wants on a node: its own ones recomputed, everyone else's kept (timeAdded kept when unchanged). */
export function desiredTaints(node: KObject): KObject[] {
  const ready = readyStatus(node);
  const old: KObject[] = node.spec?.taints ?? [];
  const want: KObject[] = [];
  const key = ready === 'False' ? NOT_READY_TAINT : ready === 'Unknown' ? UNREACHABLE_TAINT : undefined;
  if (key) want.push({ key, effect: 'NoSchedule' }, { key, effect: 'NoExecute' });
  // a node that has posted no Ready condition yet keeps the not-ready taint TaintNodesByCondition gave it
  else if (ready === undefined && old.some((t) => t.key === NOT_READY_TAINT && t.effect === 'NoSchedule')) want.push({ key: NOT_READY_TAINT, effect: 'NoSchedule' });
  for (const c of node.status?.conditions ?? []) if (PRESSURE_TAINTS[c.type] && c.status === 'True') want.push({ key: PRESSURE_TAINTS[c.type], effect: 'NoSchedule' });
  if (node.spec?.unschedulable) want.push({ key: UNSCHEDULABLE_TAINT, effect: 'NoSchedule' });
  const mine = want.map((t) => {
    const prev = old.find((o) => o.key === t.key && o.effect === t.effect);
    if (t.effect !== 'NoExecute') return prev ?? t;
    return prev?.timeAdded ? prev : { ...t, timeAdded: rfc3339() };
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

  constructor(private readonly gracePeriodMs = GRACE_PERIOD_MS) {
    super('node-lifecycle', 2, 10_000);
  }

  protected register(): void {
    const enqueue = (n: KObject) => this.queue.add(n.metadata.name);
    this.nodes = this.ctx.informers.informer(NODES).on({ add: enqueue, update: (_, n) => enqueue(n), delete: (n) => this.health.delete(n.metadata.name) });
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
    try {
      if (this.silent(node) && readyStatus(node) !== 'Unknown') {
        node = await this.ctx.client.update(NODES, '', { ...node, status: { ...node.status, conditions: unknownConditions(node) } }, { subresource: 'status' });
      }
      const taints = desiredTaints(node);
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
      await this.ctx.client.update(PODS, p.metadata.namespace, { ...p, status: { ...p.status, conditions: next } }, { subresource: 'status' }).catch((e) => !isStatus(e, 404, 409) && Promise.reject(e));
    }
  }
}
