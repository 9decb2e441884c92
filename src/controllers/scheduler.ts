// default-scheduler: binds pending pods to Ready nodes that fit (nodeSelector, required node affinity,
// taints and tolerations, cordoned nodes, requested resources and pod count, required inter-pod affinity),
// spreading them; a pod that fits nowhere gets PodScheduled=False
// with the scheduler's summary of why, and events as the real scheduler writes them.
import { randomBytes } from 'node:crypto';
import type { KObject } from '../client/types.js';
import { EVENTS_V1, NAMESPACES, NODES, PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';
import { insufficient, nodeUsage, podRequests } from './scheduler-resources.js';
import { interPodAffinityProblem } from './scheduler-affinity.js';

const NAME = 'default-scheduler';
const rfc3339 = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const microTime = () => new Date().toISOString().replace(/Z$/, '000Z');

function matchExpression(labels: Record<string, string>, e: KObject): boolean {
  const v = labels[e.key];
  switch (e.operator) {
    case 'In':
      return v !== undefined && (e.values ?? []).includes(v);
    case 'NotIn':
      return v === undefined || !(e.values ?? []).includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
      return v !== undefined && Number(v) > Number(e.values?.[0]);
    case 'Lt':
      return v !== undefined && Number(v) < Number(e.values?.[0]);
    default:
      return false;
  }
}

function affinityMatches(pod: KObject, node: KObject): boolean {
  const labels: Record<string, string> = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((pod.spec.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const terms: KObject[] = pod.spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return true;
  return terms.some((t) => (t.matchExpressions ?? []).every((e: KObject) => matchExpression(labels, e)) && (t.matchFields ?? []).every((f: KObject) => matchExpression({ 'metadata.name': node.metadata.name }, f)));
}

function tolerates(tolerations: KObject[], taint: KObject): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** Why a node does not fit, in the scheduler's words, or undefined when it fits. */
function unfit(pod: KObject, node: KObject): string | undefined {
  const tolerations: KObject[] = pod.spec.tolerations ?? [];
  if (node.spec?.unschedulable && !tolerates(tolerations, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' })) return 'node(s) were unschedulable';
  if (!affinityMatches(pod, node)) return "node(s) didn't match Pod's node affinity/selector";
  const taint = ((node.spec?.taints ?? []) as KObject[]).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(tolerations, t));
  if (taint) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  const ready = (node.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready');
  if (ready?.status !== 'True') return 'node(s) had untolerated taint {node.kubernetes.io/not-ready: }';
  return undefined;
}

export class Scheduler extends QueueController {
  private pods!: Informer;
  private nodes!: Informer;
  private namespaces!: Informer;
  /** Pods bound by this scheduler that the informer does not show bound yet (upstream's assumed pods). */
  private readonly assumed = new Map<string, KObject>();

  constructor() {
    super(NAME, 2, 5_000);
  }

  protected register(): void {
    const pending = (pod: KObject) => !pod.spec?.nodeName && !pod.metadata.deletionTimestamp && (pod.spec?.schedulerName ?? NAME) === NAME;
    const add = (pod: KObject) => pending(pod) && this.queue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
    this.pods = this.ctx.informers.informer(PODS).on({ add, update: (_, p) => add(p) });
    // a node that comes, changes or goes may fit pods that waited
    const retry = () => this.pods.items().forEach(add);
    this.namespaces = this.ctx.informers.informer(NAMESPACES);
    this.nodes = this.ctx.informers.informer(NODES).on({ add: retry, update: (o, n) => JSON.stringify(o.spec) !== JSON.stringify(n.spec) || o.metadata.labels !== n.metadata.labels ? retry() : undefined, delete: retry });
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.spec?.nodeName || pod.metadata.deletionTimestamp || (pod.spec?.schedulerName ?? NAME) !== NAME) return;
    const nodes = this.nodes.items();
    const reasons = new Map<string, number>();
    const fit: KObject[] = [];
    // what each node's pods request, counting the pods bound here that the informer has not caught up with
    const pods = this.pods.items();
    for (const [k, p] of this.assumed) {
      const seen = this.pods.get(k);
      if (!seen || seen.spec?.nodeName) this.assumed.delete(k);
      else pods.push(p);
    }
    const usage = nodeUsage(pods);
    const requests = podRequests(pod);
    // nodes that only lack room could be freed by preemption; the others could not
    let roomOnly = 0;
    const placed = pods.filter((p) => p.spec?.nodeName && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const view = { pods: placed, nodeByName: new Map(nodes.map((n) => [n.metadata.name as string, n])), namespaceLabels: (n: string) => this.namespaces.get(n)?.metadata?.labels };
    for (const n of nodes) {
      const why = unfit(pod, n);
      const lacking = why ? [] : insufficient(requests, n, usage.get(n.metadata.name));
      const affinity = why || lacking.length ? undefined : interPodAffinityProblem(pod, n, view);
      if (why) reasons.set(why, (reasons.get(why) ?? 0) + 1);
      else if (lacking.length) {
        roomOnly++;
        for (const r of lacking) reasons.set(r, (reasons.get(r) ?? 0) + 1);
      } else if (affinity) {
        if (!affinity.unresolvable) roomOnly++;
        reasons.set(affinity.reason, (reasons.get(affinity.reason) ?? 0) + 1);
      } else fit.push(n);
    }
    const ns = pod.metadata.namespace;
    if (fit.length === 0) {
      const detail = [...reasons].sort(([a], [b]) => (a < b ? -1 : 1)).map(([r, n]) => `${n} ${r}`).join(', ');
      let preemption: string;
      if (pod.spec?.preemptionPolicy === 'Never') preemption = 'not eligible due to preemptionPolicy=Never.';
      else {
        const parts = [roomOnly ? `${roomOnly} No preemption victims found for incoming pod` : '', nodes.length - roomOnly ? `${nodes.length - roomOnly} Preemption is not helpful for scheduling` : ''].filter(Boolean);
        preemption = `0/${nodes.length} nodes are available: ${parts.join(', ')}.`;
      }
      const message = nodes.length === 0 ? 'no nodes available to schedule pods' : `0/${nodes.length} nodes are available: ${detail}. preemption: ${preemption}`;
      await this.markUnschedulable(pod, message);
      return;
    }
    // spread: the node with the fewest pods
    fit.sort((a, b) => (usage.get(a.metadata.name)?.pods ?? 0) - (usage.get(b.metadata.name)?.pods ?? 0) || (a.metadata.name < b.metadata.name ? -1 : 1));
    const node = fit[0]!.metadata.name as string;
    try {
      await this.ctx.client.post(PODS, ns, pod.metadata.name, 'binding', { apiVersion: 'v1', kind: 'Binding', metadata: { name: pod.metadata.name, namespace: ns, uid: pod.metadata.uid }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
    } catch (e) {
      // bound meanwhile, or gone
      if (isStatus(e, 409, 404)) return;
      throw e;
    }
    this.assumed.set(key, { ...pod, spec: { ...pod.spec, nodeName: node } });
    await this.event(pod, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${ns}/${pod.metadata.name} to ${node}`);
  }

  private async markUnschedulable(pod: KObject, message: string): Promise<void> {
    const current = (pod.status?.conditions ?? []).find((c: KObject) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.message === message) return;
    const condition = { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime: rfc3339(), reason: 'Unschedulable', message };
    const status = { ...(pod.status ?? {}), phase: 'Pending', conditions: [...(pod.status?.conditions ?? []).filter((c: KObject) => c.type !== 'PodScheduled'), condition] };
    try {
      await this.ctx.client.update(PODS, pod.metadata.namespace, { ...pod, status }, { subresource: 'status' });
    } catch (e) {
      if (!isStatus(e, 409, 404)) throw e;
      return;
    }
    await this.event(pod, 'Warning', 'FailedScheduling', 'Scheduling', message);
  }

  private async event(pod: KObject, type: string, reason: string, action: string, note: string): Promise<void> {
    const ns = pod.metadata.namespace;
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
        regarding: { kind: 'Pod', namespace: ns, name: pod.metadata.name, uid: pod.metadata.uid, apiVersion: 'v1', resourceVersion: pod.metadata.resourceVersion },
        note,
        type,
      })
      .catch((e) => {
        // events are best effort, as upstream's recorder
        if (!isStatus(e, 403, 404, 409, 422)) throw e;
      });
  }
}
