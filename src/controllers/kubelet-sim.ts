// The kubelets of the simulated nodes: a pod bound to one starts at once — Running and Ready with the
// status a kubelet reports (IPs, container statuses, conditions); a finite pod then completes (see below).
import type { KObject } from '../client/types.js';
import { NODES, PODS } from './gvr.js';
import { actuatedStatus, canResize, inProgressStatus, pendingStatus, resizeWanted, statusResources } from './kubelet-resize.js';
import { KubeletEventSink, containerStartEvents, ephemeralStartEvents } from './kubelet-events.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';
import type { Stage } from './stages-load.js';
import { StagePlayer } from './stages-player.js';
import { podStageHost } from './stages-hosts.js';
import { rfc3339 } from '../apimachinery/time.js';

export const RUN_SECONDS = 'minikapi.dev/run-seconds';
export const EXIT_CODE = 'minikapi.dev/exit-code';

/** Convention: a pod with restartPolicy Never/OnFailure that a Job owns, or that has the minikapi.dev/run-seconds annotation, exits after that many seconds (Job pods: 0.5) with minikapi.dev/exit-code (default 0). */
export function simulatedRunMs(pod: KObject): number | undefined {
  const rp = pod.spec?.restartPolicy;
  if (rp !== 'Never' && rp !== 'OnFailure') return undefined;
  const v = pod.metadata.annotations?.[RUN_SECONDS];
  const ownedByJob = (pod.metadata.ownerReferences ?? []).some((r: KObject) => r.controller && r.kind === 'Job');
  if (v === undefined && !ownedByJob) return undefined;
  const secs = v === undefined ? 0.5 : Number(v);
  return Number.isFinite(secs) && secs >= 0 ? secs * 1000 : 500;
}

export class KubeletSimulator extends QueueController {
  private pods!: Informer;
  private readonly nodeIndex: Map<string, number>;
  private readonly nextIP = new Map<string, number>();
  /** Each node's images, for the kubelet's "already present on machine". */
  private readonly images = new Map<string, Set<string>>();
  /** When the kubelet last started a pod: its events wait while pods keep coming. */
  private lastStart = 0;
  private readonly events = new KubeletEventSink(() => this.ctx.client, () => !this.queue.idle() || Date.now() - this.lastStart < 250);
  /** With Pod stages (--stages), the pods they match follow them instead of the lifecycle below. */
  private readonly stages?: StagePlayer;

  constructor(nodes: string[], stages: Stage[] = []) {
    super('kubelet-simulator', 16);
    this.nodeIndex = new Map(nodes.map((n, i) => [n, i]));
    const mine = stages.filter((s) => s.kind === 'Pod');
    if (mine.length) this.stages = new StagePlayer(mine, podStageHost(this.nodeIndex, (n) => this.podIP(n)), this.name);
  }

  override stop(): void {
    super.stop();
    this.stages?.stop();
    this.events.stop();
  }

  override idle(): boolean {
    return super.idle() && (this.stages?.idle() ?? true);
  }

  protected register(): void {
    const check = (pod: KObject) => {
      if (!this.nodeIndex.has(pod.spec?.nodeName) || pod.metadata.deletionTimestamp || this.stages?.claims(pod)) return;
      if (!pod.status?.startTime || (pod.status.phase === 'Running' && (simulatedRunMs(pod) !== undefined || unstartedEphemeral(pod).length || resizeWanted(pod)))) this.queue.add(`${pod.metadata.namespace}/${pod.metadata.name}`);
    };
    this.pods = this.ctx.informers.informer(PODS).on({ add: check, update: (_, p) => check(p) });
    this.stages?.setup(this.ctx);
  }

  private podIP(node: string): string {
    const i = this.nodeIndex.get(node)!;
    const n = (this.nextIP.get(node) ?? 1) + 1;
    this.nextIP.set(node, n > 254 ? 2 : n);
    return `10.244.${i}.${n > 254 ? 2 : n}`;
  }

  protected async sync(key: string): Promise<void> {
    const pod = this.pods.get(key);
    if (!pod || pod.metadata.deletionTimestamp || !this.nodeIndex.has(pod.spec?.nodeName) || this.stages?.claims(pod)) return;
    if (pod.status?.startTime) {
      if (pod.status.phase === 'Running' && unstartedEphemeral(pod).length) return this.startEphemeral(key, pod);
      if (resizeWanted(pod)) await this.resize(key, pod);
      return this.maybeExit(key, pod);
    }
    const node = pod.spec.nodeName as string;
    const now = rfc3339();
    const hostIP = `172.18.0.${this.nodeIndex.get(node)! + 2}`;
    const podIP = pod.spec.hostNetwork ? hostIP : this.podIP(node);
    const running = (c: KObject, i: number) => ({ ...runningStatus(c, now, `minikapi://${pod.metadata.uid.replace(/-/g, '')}${i}`, true), started: true, resources: statusResources(c) });
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
    if (!(await this.writeStatus(key, pod, status))) return;
    this.lastStart = Date.now();
    this.events.record(node, pod, containerStartEvents(pod, this.imagesOn(node)));
    const run = simulatedRunMs(pod);
    if (run !== undefined) this.queue.addAfter(key, run);
  }

  /** The images a node has pulled so far (what `already present on machine` events go by). */
  private imagesOn(node: string): Set<string> {
    let present = this.images.get(node);
    if (!present) this.images.set(node, (present = new Set()));
    return present;
  }

  /** Ephemeral containers added to a running pod (kubectl debug) start at once; the kubelet reports them not ready. */
  private async startEphemeral(key: string, pod: KObject): Promise<void> {
    const now = rfc3339();
    const uid = pod.metadata.uid.replace(/-/g, '');
    const added = unstartedEphemeral(pod);
    const started = added.map((c: KObject) => runningStatus(c, now, `minikapi://${uid}e${c.name}`, false));
    if (!(await this.writeStatus(key, pod, { ...pod.status, ephemeralContainerStatuses: [...(pod.status.ephemeralContainerStatuses ?? []), ...started] }))) return;
    const node = pod.spec.nodeName as string;
    this.events.record(node, pod, ephemeralStartEvents(added, this.imagesOn(node)));
  }

  /** An accepted pods/resize: PodResizeInProgress then actuated when the node has room, else PodResizePending (Deferred ones retried). */
  private async resize(key: string, pod: KObject): Promise<void> {
    const node = await this.ctx.client.get(NODES, '', pod.spec.nodeName).catch(() => undefined);
    if (!node) return;
    const others = this.pods.items().filter((p: KObject) => p.spec?.nodeName === pod.spec.nodeName && p.metadata.uid !== pod.metadata.uid && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    const verdict = canResize(pod, node, others);
    const now = rfc3339();
    if (verdict.fits) {
      const applying = (pod.status.conditions ?? []).some((c: KObject) => c.type === 'PodResizeInProgress');
      // allocated first, applied on the next pass: watchers see PodResizeInProgress as a real kubelet shows it
      if (!applying && (await this.writeStatus(key, pod, inProgressStatus(pod, now)))) return this.queue.addAfter(key, 100);
      if (applying) await this.writeStatus(key, pod, actuatedStatus(pod, now));
      return;
    }
    const prev = (pod.status.conditions ?? []).find((c: KObject) => c.type === 'PodResizePending');
    if (prev?.reason !== verdict.reason || prev?.message !== verdict.message) await this.writeStatus(key, pod, pendingStatus(pod, verdict.reason, verdict.message, now));
    if (verdict.reason === 'Deferred') this.queue.addAfter(key, 2000);
  }

  /** Whether the status was written. */
  private async writeStatus(key: string, pod: KObject, status: KObject): Promise<boolean> {
    try {
      await this.ctx.client.update(PODS, pod.metadata.namespace, { ...pod, status }, { subresource: 'status' });
      return true;
    } catch (e) {
      if (isStatus(e, 409)) this.queue.addRateLimited(key);
      else if (!isStatus(e, 404)) throw e;
      return false;
    }
  }

  /** A finite pod's containers exit once its run time is over: Succeeded, Failed, or restarted (OnFailure). */
  private async maybeExit(key: string, pod: KObject): Promise<void> {
    const run = simulatedRunMs(pod);
    if (run === undefined || pod.status.phase !== 'Running') return;
    const started = Math.max(...(pod.status.containerStatuses ?? []).map((c: KObject) => Date.parse(c.state?.running?.startedAt ?? pod.status.startTime)));
    const left = started + run - Date.now();
    if (left > 0) return this.queue.addAfter(key, left);
    const code = Number(pod.metadata.annotations?.[EXIT_CODE] ?? 0) || 0;
    const now = rfc3339();
    const terminated = (c: KObject) => ({ exitCode: code, reason: code === 0 ? 'Completed' : 'Error', startedAt: c.state?.running?.startedAt ?? now, finishedAt: now, containerID: c.containerID });
    if (code !== 0 && pod.spec.restartPolicy === 'OnFailure') {
      const containerStatuses = pod.status.containerStatuses.map((c: KObject) => ({ ...c, state: { running: { startedAt: now } }, lastState: { terminated: terminated(c) }, restartCount: (c.restartCount ?? 0) + 1 }));
      await this.writeStatus(key, pod, { ...pod.status, containerStatuses });
      return this.queue.addAfter(key, run);
    }
    const reason = code === 0 ? 'PodCompleted' : 'PodFailed';
    const conditions = pod.status.conditions.map((c: KObject) => {
      if (c.type === 'Ready' || c.type === 'ContainersReady') return { ...c, status: 'False', lastTransitionTime: now, reason };
      if (c.type === 'PodReadyToStartContainers') return { ...c, status: 'False', lastTransitionTime: now };
      return c;
    });
    const containerStatuses = pod.status.containerStatuses.map((c: KObject) => ({ ...c, state: { terminated: terminated(c) }, ready: false, started: false }));
    await this.writeStatus(key, pod, { ...pod.status, phase: code === 0 ? 'Succeeded' : 'Failed', conditions, containerStatuses });
  }
}

/** The pod's ephemeral containers that have no status yet. */
function unstartedEphemeral(pod: KObject): KObject[] {
  const seen = new Set(((pod.status?.ephemeralContainerStatuses ?? []) as KObject[]).map((c) => c.name));
  return ((pod.spec?.ephemeralContainers ?? []) as KObject[]).filter((c) => !seen.has(c.name));
}

/** A container's status once started: its image as the runtime reports it (docker.io/library/…:latest for a bare name). */
function runningStatus(c: KObject, now: string, containerID: string, ready: boolean): KObject {
  return {
    name: c.name,
    state: { running: { startedAt: now } },
    lastState: {},
    ready,
    restartCount: 0,
    image: c.image?.includes('/') || c.image?.includes(':') ? c.image : `docker.io/library/${c.image}:latest`,
    imageID: `sha256:${Buffer.from(`${c.image}`).toString('hex').padEnd(64, '0').slice(0, 64)}`,
    containerID,
  };
}
