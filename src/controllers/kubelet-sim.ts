// The kubelets of the simulated nodes: a pod bound to one starts at once — Running and Ready with the
// status a kubelet reports (IPs, container statuses, conditions) — and nothing else happens to it.
import type { KObject } from '../client/types.js';
import { PODS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

const rfc3339 = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

export class KubeletSimulator extends QueueController {
  private pods!: Informer;
  private readonly nodeIndex: Map<string, number>;
  private readonly nextIP = new Map<string, number>();

  constructor(nodes: string[]) {
    super('kubelet-simulator', 4);
    this.nodeIndex = new Map(nodes.map((n, i) => [n, i]));
  }

  protected register(): void {
    const check = (pod: KObject) => {
      if (this.nodeIndex.has(pod.spec?.nodeName) && !pod.metadata.deletionTimestamp && !pod.status?.startTime) this.queue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
    };
    this.pods = this.ctx.informers.informer(PODS).on({ add: check, update: (_, p) => check(p) });
  }

  private podIP(node: string): string {
    const i = this.nodeIndex.get(node)!;
    const n = (this.nextIP.get(node) ?? 1) + 1;
    this.nextIP.set(node, n > 254 ? 2 : n);
    return `10.244.${i}.${n > 254 ? 2 : n}`;
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.status?.startTime || pod.metadata.deletionTimestamp || !this.nodeIndex.has(pod.spec?.nodeName)) return;
    const node = pod.spec.nodeName as string;
    const now = rfc3339();
    const hostIP = `172.18.0.${this.nodeIndex.get(node)! + 2}`;
    const podIP = pod.spec.hostNetwork ? hostIP : this.podIP(node);
    const running = (c: KObject, i: number) => ({
      name: c.name,
      state: { running: { startedAt: now } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: c.image?.includes('/') || c.image?.includes(':') ? c.image : `docker.io/library/${c.image}:latest`,
      imageID: `sha256:${Buffer.from(`${c.image}`).toString('hex').padEnd(64, '0').slice(0, 64)}`,
      containerID: `minikapi://${pod.metadata.uid.replace(/-/g, '')}${i}`,
      started: true,
    });
    const inits = (pod.spec.initContainers ?? []).map((c: KObject, i: number) => ({
      name: c.name,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now, containerID: `minikapi://${pod.metadata.uid.replace(/-/g, '')}i${i}` } },
      lastState: {},
      ready: true,
      restartCount: 0,
      image: c.image,
      imageID: '',
      containerID: `minikapi://${pod.metadata.uid.replace(/-/g, '')}i${i}`,
      started: false,
    }));
    const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
    const status: KObject = {
      phase: 'Running',
      conditions: [cond('PodReadyToStartContainers'), cond('Initialized'), cond('Ready'), cond('ContainersReady'), ...(pod.status?.conditions ?? []).filter((c: KObject) => c.type === 'PodScheduled')],
      hostIP,
      hostIPs: [{ ip: hostIP }],
      podIP,
      podIPs: [{ ip: podIP }],
      startTime: now,
      containerStatuses: (pod.spec.containers ?? []).map(running),
      qosClass: pod.status?.qosClass,
    };
    if (inits.length) status.initContainerStatuses = inits;
    if (!status.conditions.some((c: KObject) => c.type === 'PodScheduled')) status.conditions.push(cond('PodScheduled'));
    try {
      await this.ctx.client.update(PODS, pod.metadata.namespace, { ...pod, status }, { subresource: 'status' });
    } catch (e) {
      if (isStatus(e, 409)) this.queue.addRateLimited(key);
      else if (!isStatus(e, 404)) throw e;
    }
  }
}
