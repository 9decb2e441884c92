// The events a kubelet records about a pod's containers (Pulling, Pulled, Created, Started, Killing), in its
// words, and a bounded queue that writes them behind the status updates they describe, as the kubelet's
// event broadcaster does (events never hold up a pod: during a burst of pods they wait until the kubelet has
// been quiet a moment, or for at most 15 s; when too many wait, the newest are dropped).
import { createHash } from 'node:crypto';
import type { Client, KObject } from '../client/types.js';
import { EventRecorder } from './event-recorder.js';

export interface ContainerEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  fieldPath: string;
}

/** Go's time.Duration.String() for whole milliseconds. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 1000) return `${ms}ms`;
  const s = Math.floor(ms / 1000);
  const frac = String(ms % 1000).padStart(3, '0').replace(/0+$/, '');
  const m = Math.floor(s / 60);
  const secs = `${s % 60}${frac ? `.${frac}` : ''}s`;
  if (m === 0) return secs;
  return m >= 60 ? `${Math.floor(m / 60)}h${m % 60}m${secs}` : `${m}m${secs}`;
}

/** A made-up but stable pull time and size per image, so repeated runs print the same. */
function pullFigures(image: string): { ms: number; bytes: number } {
  const h = createHash('sha256').update(image).digest();
  return { ms: 300 + (h.readUInt16BE(0) % 2200), bytes: 5_000_000 + (h.readUInt32BE(2) % 95_000_000) };
}

/** What a kubelet records while it starts each init container, then each container; `present` is the node's image store. */
export function containerStartEvents(pod: KObject, present: Set<string>): ContainerEvent[] {
  return [...startEvents(pod.spec?.initContainers, 'initContainers', present), ...startEvents(pod.spec?.containers, 'containers', present)];
}

/** The same for ephemeral containers added to a running pod (kubectl debug). */
export function ephemeralStartEvents(containers: KObject[], present: Set<string>): ContainerEvent[] {
  return startEvents(containers, 'ephemeralContainers', present);
}

function startEvents(list: KObject[] | undefined, field: string, present: Set<string>): ContainerEvent[] {
  const out: ContainerEvent[] = [];
  for (const c of list ?? []) {
    const fieldPath = `spec.${field}{${c.name}}`;
    const image = String(c.image ?? '');
    const pull = c.imagePullPolicy === 'Always' || (c.imagePullPolicy !== 'Never' && !present.has(image));
    if (pull) {
      const { ms, bytes } = pullFigures(image);
      out.push({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"`, fieldPath });
      out.push({ type: 'Normal', reason: 'Pulled', message: `Successfully pulled image "${image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting). Image size: ${bytes} bytes.`, fieldPath });
      present.add(image);
    } else {
      out.push({ type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine`, fieldPath });
    }
    out.push({ type: 'Normal', reason: 'Created', message: `Created container: ${c.name}`, fieldPath });
    out.push({ type: 'Normal', reason: 'Started', message: `Started container ${c.name}`, fieldPath });
  }
  return out;
}

/** What a kubelet records when it stops a running pod's containers. */
export function containerStopEvents(pod: KObject): ContainerEvent[] {
  return (pod.spec?.containers ?? []).map((c: KObject) => ({ type: 'Normal' as const, reason: 'Killing', message: `Stopping container ${c.name}`, fieldPath: `spec.containers{${c.name}}` }));
}

const MAX_PENDING = 5000;
const IN_FLIGHT = 2;
/** How long an event waits for the kubelet to be idle before it is written anyway. */
const MAX_DEFER_MS = 15_000;
const RETRY_MS = 50;

/** The simulated kubelets' event writer: one recorder per node, a few writes at a time. */
export class KubeletEventSink {
  private readonly recorders = new Map<string, EventRecorder>();
  private readonly pending: { write: () => Promise<void>; at: number }[] = [];
  private running = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly client: () => Client,
    /** Whether the kubelet has work waiting (events then wait, up to MAX_DEFER_MS). */
    private readonly busy: () => boolean = () => false,
  ) {}

  record(node: string, pod: KObject, events: ContainerEvent[]): void {
    let r = this.recorders.get(node);
    if (!r) this.recorders.set(node, (r = new EventRecorder(this.client, 'kubelet', { kind: 'Pod', apiVersion: 'v1' }, node)));
    const rec = r;
    const at = Date.now();
    for (const e of events) {
      if (this.pending.length >= MAX_PENDING) break;
      this.pending.push({ write: () => rec.event(pod, e.type, e.reason, e.message, { fieldPath: e.fieldPath }), at });
    }
    this.pump();
  }

  /** Stops writing: what waits is dropped. */
  stop(): void {
    clearTimeout(this.timer);
    this.pending.length = 0;
  }

  private pump(): void {
    while (this.running < IN_FLIGHT && this.pending.length) {
      if (this.busy() && Date.now() - this.pending[0]!.at < MAX_DEFER_MS) {
        this.timer ??= setTimeout(() => {
          this.timer = undefined;
          this.pump();
        }, RETRY_MS);
        return;
      }
      const { write } = this.pending.shift()!;
      this.running++;
      void write().finally(() => {
        this.running--;
        this.pump();
      });
    }
  }
}
