// metrics.k8s.io/v1beta1 NodeMetrics and PodMetrics, as metrics-server answers them, from simulated usage:
// a running pod uses what its annotations minikapi.dev/cpu-usage and minikapi.dev/memory-usage say (the pod's
// total, reported on its first container) or a small default per container; a node uses its running pods'
// sum plus a base. Computed on each request from the watch cache; nothing is stored.
import { notFound } from '../../apimachinery/errors.js';
import { ZERO, addQty, formatQty, parseQty, type Qty } from '../../apimachinery/quantity-math.js';
import { rfc3339 } from '../../apimachinery/time.js';
import { defineResource } from '../define.js';
import { col } from '../printers/columns.js';
import type { TablePrinter } from '../printers/types.js';
import type { KObject, ObjectReader, ResourceDef } from '../types.js';

export const CPU_USAGE_ANNOTATION = 'minikapi.dev/cpu-usage';
export const MEMORY_USAGE_ANNOTATION = 'minikapi.dev/memory-usage';
/** A container's usage when its pod says nothing. */
const DEFAULT_CONTAINER = { cpu: parseQty('1m')!, memory: parseQty('4Mi')! };
/** What a node uses beyond its pods (kubelet, runtime, system daemons). */
const NODE_BASE = { cpu: parseQty('100m')!, memory: parseQty('512Mi')! };
/** metrics-server's default resolution: each sample spans this window. */
export const METRICS_WINDOW = '15s';
const GROUP = 'metrics.k8s.io';
const API_VERSION = 'metrics.k8s.io/v1beta1';

const running = (p: KObject) => p.status?.phase === 'Running' && !!p.spec?.nodeName;
/** A node whose kubelet does not report Ready gives metrics-server nothing, for itself or its pods. */
const reporting = (n: KObject | undefined) => !!n && (n.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True');
async function reportingNodes(read: ObjectReader): Promise<Set<string>> {
  return new Set((await read('', 'nodes').list('', {})).items.filter(reporting).map((n) => n.metadata.name));
}

function annotated(p: KObject, key: string, fallback: Qty): Qty {
  const v = p.metadata?.annotations?.[key];
  return (v !== undefined && parseQty(v)) || fallback;
}

/** Each container's usage: the annotated pod total on the first container, or the default on each. */
export function containerUsage(p: KObject): { name: string; cpu: Qty; memory: Qty }[] {
  const containers: KObject[] = p.spec?.containers ?? [];
  const scale = (q: Qty) => ({ nano: q.nano * BigInt(containers.length || 1), binary: q.binary });
  const cpu = annotated(p, CPU_USAGE_ANNOTATION, scale(DEFAULT_CONTAINER.cpu));
  const memory = annotated(p, MEMORY_USAGE_ANNOTATION, scale(DEFAULT_CONTAINER.memory));
  const ann = p.metadata?.annotations ?? {};
  return containers.map((c, i) => ({
    name: c.name,
    cpu: CPU_USAGE_ANNOTATION in ann ? (i === 0 ? cpu : ZERO) : DEFAULT_CONTAINER.cpu,
    memory: MEMORY_USAGE_ANNOTATION in ann ? (i === 0 ? memory : { nano: 0n, binary: true }) : DEFAULT_CONTAINER.memory,
  }));
}

const usageJSON = (cpu: Qty, memory: Qty) => ({ cpu: formatQty(cpu), memory: formatQty({ ...memory, binary: true }) });

export function podMetrics(p: KObject, timestamp = rfc3339()): KObject {
  const meta: KObject = { name: p.metadata.name, namespace: p.metadata.namespace, creationTimestamp: timestamp };
  if (p.metadata.labels) meta.labels = p.metadata.labels;
  return {
    kind: 'PodMetrics',
    apiVersion: API_VERSION,
    metadata: meta,
    timestamp,
    window: METRICS_WINDOW,
    containers: containerUsage(p).map((c) => ({ name: c.name, usage: usageJSON(c.cpu, c.memory) })),
  };
}

export function nodeMetrics(node: KObject, pods: KObject[], timestamp = rfc3339()): KObject {
  let cpu = NODE_BASE.cpu;
  let memory = NODE_BASE.memory;
  for (const p of pods) {
    if (!running(p) || p.spec.nodeName !== node.metadata.name) continue;
    for (const c of containerUsage(p)) {
      cpu = addQty(cpu, c.cpu);
      memory = addQty(memory, c.memory);
    }
  }
  const meta: KObject = { name: node.metadata.name, creationTimestamp: timestamp };
  if (node.metadata.labels) meta.labels = node.metadata.labels;
  return { kind: 'NodeMetrics', apiVersion: API_VERSION, metadata: meta, timestamp, window: METRICS_WINDOW, usage: usageJSON(cpu, memory) };
}

const sum = (o: KObject, k: 'cpu' | 'memory') => (o.containers as KObject[] | undefined)?.reduce((a: Qty, c: KObject) => addQty(a, parseQty(c?.usage?.[k]) ?? ZERO), ZERO) ?? parseQty(o.usage?.[k]) ?? ZERO;

/** metrics-server's table: Name, one column per resource (sorted), Window. */
const metricsPrinter: TablePrinter = {
  columns: [col('Name', 'string', 'Name of the resource', 0, 'name'), col('cpu', 'string', '', 0, 'quantity'), col('memory', 'string', '', 0, 'quantity'), col('Window', 'string', '', 0, 'duration')],
  row: (o: KObject) => ({ cells: [o?.metadata?.name ?? '', formatQty(sum(o ?? {}, 'cpu')), formatQty({ ...sum(o ?? {}, 'memory'), binary: true }), o?.window ?? ''] }),
};

const byNamespaceName = (a: KObject, b: KObject) => (a.metadata.namespace === b.metadata.namespace ? (a.metadata.name < b.metadata.name ? -1 : 1) : a.metadata.namespace < b.metadata.namespace ? -1 : 1);

const cached = (read: ObjectReader, resource: string) => read('', resource);

export const podMetricsResource = defineResource({
  group: GROUP,
  version: 'v1beta1',
  resource: 'pods',
  kind: 'PodMetrics',
  singular: '',
  verbs: ['get', 'list'],
  printer: metricsPrinter,
  keyPrefix: '/registry/metrics.k8s.io/pods/',
  computed: {
    async get(ns, name, read) {
      // a missing pod answers as the pod lister does; a pod without metrics as podmetrics
      const pod = await cached(read, 'pods').get(ns, name);
      if (!running(pod) || !(await reportingNodes(read)).has(pod.spec.nodeName)) throw notFound({ group: GROUP, resource: 'podmetrics' }, `${ns}/${name}`);
      return podMetrics(pod);
    },
    async list(ns, opts, read) {
      const nodes = await reportingNodes(read);
      const pods = (await cached(read, 'pods').list(ns, opts)).items.filter((p) => running(p) && nodes.has(p.spec.nodeName)).sort(byNamespaceName);
      const ts = rfc3339();
      return pods.map((p) => podMetrics(p, ts));
    },
  },
});

export const nodeMetricsResource = defineResource({
  group: GROUP,
  version: 'v1beta1',
  resource: 'nodes',
  kind: 'NodeMetrics',
  singular: '',
  namespaced: false,
  verbs: ['get', 'list'],
  printer: metricsPrinter,
  keyPrefix: '/registry/metrics.k8s.io/nodes/',
  computed: {
    async get(_ns, name, read) {
      const node = await cached(read, 'nodes').get('', name);
      if (!reporting(node)) throw notFound({ group: GROUP, resource: 'nodemetrics' }, name);
      const pods = (await cached(read, 'pods').list('', { fieldSelector: `spec.nodeName=${name}` })).items;
      return nodeMetrics(node, pods);
    },
    async list(_ns, opts, read) {
      const nodes = (await cached(read, 'nodes').list('', opts)).items.filter(reporting).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
      const pods = (await cached(read, 'pods').list('', {})).items;
      const ts = rfc3339();
      return nodes.map((n) => nodeMetrics(n, pods, ts));
    },
  },
});

export const metricsResources: ResourceDef[] = [nodeMetricsResource, podMetricsResource];
