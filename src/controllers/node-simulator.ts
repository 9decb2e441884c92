// Simulated nodes (kwok-style): the cluster's Nodes exist with the status a kubelet reports — capacity,
// conditions, addresses, nodeInfo — each with the CSINode its kubelet registers, and renew their Leases in
// kube-node-lease every 10 seconds.
import { createHash } from 'node:crypto';
import { cpus, release, totalmem } from 'node:os';
import type { KObject } from '../client/types.js';
import { CSINODES, LEASES, NODES } from './gvr.js';
import type { Controller, ControllerContext } from './runtime/controller.js';
import { isStatus } from './runtime/queue-controller.js';
import { EventRecorder } from './event-recorder.js';
import type { Stage } from './stages-load.js';
import { StagePlayer } from './stages-player.js';
import { nodeStageHost } from './stages-hosts.js';
import { rfc3339, microTime } from '../apimachinery/time.js';
import { MIGRATED_PLUGINS } from './volume-matching.js';

const RENEW_MS = 10_000;

/** kind's names: one node is the control plane; more add `-worker`, `-worker2`, … */
export function simulatedNodeNames(cluster: string, count: number): string[] {
  const names: string[] = [];
  for (let i = 0; i < count; i++) names.push(i === 0 ? `${cluster}-control-plane` : `${cluster}-worker${i === 1 ? '' : i}`);
  return names;
}

const uuidOf = (s: string) => {
  const h = createHash('sha256').update(s).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

/** The status a kubelet posts for a healthy node. */
export function nodeStatus(name: string, index: number, version: string): KObject {
  const now = rfc3339();
  const capacity = { cpu: String(cpus().length), 'ephemeral-storage': '102400Mi', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0', memory: `${Math.floor(totalmem() / 1024)}Ki`, pods: '110' };
  const cond = (type: string, status: string, reason: string, message: string) => ({ type, status, lastHeartbeatTime: now, lastTransitionTime: now, reason, message });
  return {
    capacity,
    allocatable: capacity,
    conditions: [
      cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
      cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
      cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
      cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
    ],
    addresses: [
      { type: 'InternalIP', address: `172.18.0.${index + 2}` },
      { type: 'Hostname', address: name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: uuidOf(`machine/${name}`).replace(/-/g, ''),
      systemUUID: uuidOf(`system/${name}`),
      bootID: uuidOf(`boot/${name}/${process.pid}`),
      kernelVersion: release(),
      osImage: 'minikapi simulated node',
      containerRuntimeVersion: 'minikapi://simulated',
      kubeletVersion: version,
      // a 1.33 kubelet leaves it empty (DisableNodeKubeProxyVersion is on by default)
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: process.arch === 'x64' ? 'amd64' : process.arch,
    },
  };
}

// the in-tree volume plugins a 1.33 kubelet hands to CSI drivers (Portworx's migration is on by default since 1.31)
const MIGRATED = ['aws-ebs', 'azure-disk', 'azure-file', 'cinder', 'gce-pd', 'portworx-volume', 'vsphere-volume'].map((p) => `kubernetes.io/${p}`).join(',');

export class NodeSimulator implements Controller {
  readonly name = 'node-simulator';
  private ctx!: ControllerContext;
  private timer?: NodeJS.Timeout;
  private busy = 0;
  /** With Node stages (--stages), the nodes they match get their status from them instead of nodeStatus(). */
  private readonly stages?: StagePlayer;

  constructor(
    private readonly names: string[],
    private readonly version: string,
    stages: Stage[] = [],
  ) {
    const mine = stages.filter((s) => s.kind === 'Node');
    if (mine.length) this.stages = new StagePlayer(mine, nodeStageHost(names), this.name);
  }

  setup(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.stages?.setup(ctx);
  }

  run(): void {
    void this.tick(true);
    this.timer = setInterval(() => void this.tick(false), RENEW_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.stages?.stop();
  }

  idle(): boolean {
    return this.busy === 0 && (this.stages?.idle() ?? true);
  }

  private async tick(first: boolean): Promise<void> {
    this.busy++;
    try {
      for (const [i, name] of this.names.entries()) {
        if (first) await this.ensureNode(name, i);
        await this.renewLease(name);
      }
    } catch (e) {
      this.ctx.error(this.name, e);
    } finally {
      this.busy--;
    }
  }

  private async ensureNode(name: string, index: number): Promise<void> {
    const { client } = this.ctx;
    const status = nodeStatus(name, index, this.version);
    let node: KObject | undefined = await client.get(NODES, '', name).catch((e) => (isStatus(e, 404) ? undefined : Promise.reject(e)));
    if (!node) {
      const labels: Record<string, string> = { 'beta.kubernetes.io/arch': 'amd64', 'beta.kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux' };
      if (index === 0) labels['node-role.kubernetes.io/control-plane'] = '';
      const cidr = `10.244.${index}.0/24`;
      // registered with its status as the kubelet registers (Ready from the start, so node-lifecycle takes
      // off the not-ready taint TaintNodesByCondition adds), unless stage files may decide its status
      node = await client.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels, annotations: { 'volumes.kubernetes.io/controller-managed-attach-detach': 'true' } }, spec: { podCIDR: cidr, podCIDRs: [cidr], providerID: `minikapi://${name}` }, ...(this.stages ? {} : { status }) });
      if (this.stages?.claims(node)) return;
      if (!this.stages) {
        await this.ensureCSINode(node);
        return void this.startingEvents(node);
      }
    }
    if (this.stages?.claims(node)) return;
    await this.ensureCSINode(node);
    for (let attempt = 0; ; attempt++) {
      try {
        node = await client.update(NODES, '', { ...node, status }, { subresource: 'status' });
        break;
      } catch (e) {
        if (!isStatus(e, 409) || attempt >= 5) throw e;
        node = await client.get(NODES, '', name);
      }
    }
    void this.startingEvents(node);
  }

  /** The kubelet's CSINode for its node, owned by the node, with no CSI drivers registered. */
  private async ensureCSINode(node: KObject): Promise<void> {
    const name: string = node.metadata.name;
    try {
      await this.ctx.client.create(CSINODES, '', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'CSINode',
        metadata: { name, annotations: { [MIGRATED_PLUGINS]: MIGRATED }, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] },
        spec: { drivers: null },
      });
    } catch (e) {
      if (!isStatus(e, 409)) throw e;
    }
  }

  /** What a kubelet records as it starts: its node's reference carries the node name as uid, as the kubelet's does. */
  private async startingEvents(node: KObject): Promise<void> {
    const name = node.metadata.name as string;
    const events = new EventRecorder(() => this.ctx.client, 'kubelet', { kind: 'Node', apiVersion: '' }, name);
    const ref = { kind: 'Node', metadata: { name, uid: name } };
    await events.event(ref, 'Normal', 'Starting', 'Starting kubelet.');
    for (const s of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) await events.event(ref, 'Normal', s, `Node ${name} status is now: ${s}`);
    await events.event(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    await events.event(ref, 'Normal', 'NodeReady', `Node ${name} status is now: NodeReady`);
  }

  private async renewLease(name: string): Promise<void> {
    const { client } = this.ctx;
    const node = await client.get(NODES, '', name).catch(() => undefined);
    if (!node) return;
    const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime() };
    try {
      const lease = await client.get(LEASES, 'kube-node-lease', name);
      await client.update(LEASES, 'kube-node-lease', { ...lease, spec: { ...lease.spec, ...spec } });
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
      await client.create(LEASES, 'kube-node-lease', { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name, uid: node.metadata.uid }] }, spec });
    }
  }
}
