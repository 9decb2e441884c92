// Test stand-in for a scheduler and kubelets until simulated nodes exist: watches pods and, for each new one,
// binds it to a node and reports it Running and Ready through pods/status, as a kubelet would.
import { api, watch, type Creds } from './client.js';

export interface PodReadinessOptions {
  /** Wait this long after seeing a pod before making it ready (default 0). */
  delayMs?: number;
  /** Only pods for which this returns true become ready (default: all). */
  filter?(pod: PodLike): boolean;
  /** Node the pods are bound to (default `node-1`). */
  node?: string;
}

export interface PodLike {
  metadata: { name: string; namespace: string; uid: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: { nodeName?: string; containers: { name: string; image?: string }[] };
  status?: { phase?: string; conditions?: { type: string; status: string }[] };
}

export interface PodReadiness {
  /** Names (`ns/name`) of the pods made ready so far, in order. */
  readied: string[];
  /** Stop making pods ready (pods seen meanwhile wait for resume). */
  pause(): void;
  resume(): void;
  stop(): void;
}

const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const isReady = (p: PodLike) => (p.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

export function startPodReadiness(c: Creds, opts: PodReadinessOptions = {}): PodReadiness {
  const node = opts.node ?? 'node-1';
  const latest = new Map<string, PodLike>();
  const scheduled = new Set<string>();
  const readied: string[] = [];
  let paused = false;
  let stopped = false;
  let w: ReturnType<typeof watch> | undefined;
  let seq = 0;

  const makeReady = async (key: string) => {
    const pod = latest.get(key);
    if (!pod || stopped || pod.metadata.deletionTimestamp || isReady(pod)) return;
    const { namespace: ns, name, uid } = pod.metadata;
    if (!pod.spec.nodeName) await api(c, 'POST', `/api/v1/namespaces/${ns}/pods/${name}/binding`, { apiVersion: 'v1', kind: 'Binding', metadata: { name, uid }, target: { apiVersion: 'v1', kind: 'Node', name: node } });
    const t = now();
    const cond = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: t });
    const ip = `10.244.0.${(seq++ % 250) + 2}`;
    const status = {
      phase: 'Running',
      conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(cond),
      hostIP: '172.18.0.2',
      hostIPs: [{ ip: '172.18.0.2' }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: t,
      containerStatuses: pod.spec.containers.map((k, i) => ({
        name: k.name,
        image: k.image ?? '',
        imageID: '',
        containerID: `containerd://${uid.replace(/-/g, '')}${i}`,
        ready: true,
        started: true,
        restartCount: 0,
        state: { running: { startedAt: t } },
      })),
    };
    const r = await api(c, 'PATCH', `/api/v1/namespaces/${ns}/pods/${name}/status`, { status }, { 'Content-Type': 'application/merge-patch+json' });
    if (r.status === 200) readied.push(key);
  };

  const consider = (key: string) => {
    const pod = latest.get(key);
    if (!pod || paused || stopped || scheduled.has(key) || pod.metadata.deletionTimestamp || isReady(pod)) return;
    if (opts.filter && !opts.filter(pod)) return;
    scheduled.add(key);
    setTimeout(() => void makeReady(key).catch(() => scheduled.delete(key)), opts.delayMs ?? 0);
  };

  const open = () => {
    if (stopped) return;
    w = watch(c, '/api/v1/pods?watch=1');
    let seen = 0;
    const pump = setInterval(() => {
      for (; seen < w!.events.length; seen++) {
        const ev = w!.events[seen]!;
        const pod = ev.object as PodLike;
        if (!pod?.metadata?.name) continue;
        const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
        if (ev.type === 'DELETED') {
          latest.delete(key);
          scheduled.delete(key);
          continue;
        }
        if (latest.get(key)?.metadata.uid !== pod.metadata.uid) scheduled.delete(key);
        latest.set(key, pod);
        consider(key);
      }
    }, 10);
    void w.ended.then(() => {
      clearInterval(pump);
      if (!stopped) setTimeout(open, 50);
    });
  };
  open();

  return {
    readied,
    pause: () => void (paused = true),
    resume() {
      paused = false;
      for (const k of latest.keys()) consider(k);
    },
    stop() {
      stopped = true;
      w?.close();
    },
  };
}
