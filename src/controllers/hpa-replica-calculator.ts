// The HPA's replica calculator for Resource metrics, as kube-controller-manager's: pods grouped into ready,
// unready, missing and ignored; the usage ratio against the target; missing pods counted at 100% (or the target)
// on a scale-down and 0 on a scale-up, unready pods at 0 on a scale-up; no change within the tolerance or when
// the adjusted ratio would reverse the direction.
import type { KObject } from '../client/types.js';
import { parseQty } from '../apimachinery/quantity-math.js';

export interface PodMetric {
  /** Milli-units (MilliValue of the summed container usage). */
  value: number;
  timestamp: number;
  windowMs: number;
}

export type PodMetricsInfo = Map<string, PodMetric>;

export interface CalculatorOptions {
  /** --horizontal-pod-autoscaler-tolerance (0.1). */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (5 minutes). */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (30 seconds). */
  delayOfInitialReadinessStatusMs: number;
  now?: number;
}

export const DEFAULT_CALCULATOR: CalculatorOptions = { tolerance: 0.1, cpuInitializationPeriodMs: 5 * 60_000, delayOfInitialReadinessStatusMs: 30_000 };

/** Quantity.MilliValue: the value in thousandths, rounded up. */
export function milliValue(q: unknown): number | undefined {
  const p = parseQty(q);
  if (!p) return undefined;
  const n = p.nano;
  const m = n / 1_000_000n + (n % 1_000_000n > 0n ? 1n : 0n);
  return Number(m);
}

const within = (ratio: number, tolerance: number) => Math.abs(1.0 - ratio) <= tolerance;
const time = (s: string | undefined) => (s ? Date.parse(s) : undefined);

export interface PodGroups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** groupPods: which pods count, which have no metrics, which are unready (CPU only), which are ignored. */
export function groupPods(pods: KObject[], metrics: PodMetricsInfo, resource: string, o: CalculatorOptions): PodGroups {
  const now = o.now ?? Date.now();
  const g: PodGroups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name;
    if (pod.metadata.deletionTimestamp || pod.status?.phase === 'Failed') {
      g.ignored.add(name);
      continue;
    }
    if (pod.status?.phase === 'Pending') {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === 'cpu') {
      const cond = (pod.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready');
      const start = time(pod.status?.startTime);
      let unready: boolean;
      if (!cond || start === undefined) unready = true;
      else {
        const transition = time(cond.lastTransitionTime) ?? 0;
        if (start + o.cpuInitializationPeriodMs > now) unready = cond.status === 'False' || metric.timestamp < transition + metric.windowMs;
        else unready = cond.status === 'False' && start + o.delayOfInitialReadinessStatusMs > transition;
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** calculatePodRequests: each pod's summed container requests (milli), or upstream's error for a missing one. */
export function podRequests(pods: KObject[], resource: string, container = ''): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    // regular containers and restartable (sidecar) init containers
    const containers: KObject[] = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? []).filter((c: KObject) => c.restartPolicy === 'Always')];
    for (const c of containers) {
      if (container && c.name !== container) continue;
      const r = c.resources?.requests?.[resource];
      if (r === undefined) throw new Error(`missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`);
      sum += milliValue(r) ?? 0;
    }
    out.set(pod.metadata.name, sum);
  }
  return out;
}

/** GetResourceUtilizationRatio: the ratio uses the whole-percent utilization, as upstream's integer maths. */
export function utilizationRatio(metrics: PodMetricsInfo, requests: Map<string, number>, target: number): { ratio: number; utilization: number; rawAverage: number } {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const req = requests.get(name);
    if (req === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += req;
    entries++;
  }
  if (requestsTotal === 0) throw new Error('no metrics returned matched known pods');
  const utilization = Math.trunc((metricsTotal * 100) / requestsTotal);
  return { ratio: utilization / target, utilization, rawAverage: Math.trunc(metricsTotal / entries) };
}

/** GetMetricUsageRatio: the average (truncated) against the target average. */
export function usageRatio(metrics: PodMetricsInfo, target: number): { ratio: number; usage: number } {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = Math.trunc(total / metrics.size);
  return { ratio: usage / target, usage };
}

export interface UtilizationProposal {
  replicas: number;
  utilization: number;
  rawUtilization: number;
}

/** GetResourceReplicas for an averageUtilization target (percent of requests). */
export function resourceReplicas(currentReplicas: number, target: number, resource: string, pods: KObject[], metricsIn: PodMetricsInfo, o: CalculatorOptions, container = ''): UtilizationProposal {
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const metrics = new Map(metricsIn);
  const g = groupPods(pods, metrics, resource, o);
  for (const n of [...g.ignored, ...g.unready]) metrics.delete(n);
  if (metrics.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const requests = podRequests(pods, resource, container);
  const { ratio, utilization, rawAverage } = utilizationRatio(metrics, requests, target);
  const result = (replicas: number) => ({ replicas, utilization, rawUtilization: rawAverage });
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (within(ratio, o.tolerance)) return result(currentReplicas);
    return result(Math.ceil(ratio * g.readyPodCount));
  }
  if (g.missing.size > 0) {
    // on a scale-down missing pods use all their request (or the target above 100%); on a scale-up nothing
    const fallback = Math.max(100, target);
    if (ratio < 1.0) for (const n of g.missing) metrics.set(n, { value: Math.trunc(((requests.get(n) ?? 0) * fallback) / 100), timestamp: 0, windowMs: 0 });
    else if (ratio > 1.0) for (const n of g.missing) metrics.set(n, { value: 0, timestamp: 0, windowMs: 0 });
  }
  if (scaleUpWithUnready) for (const n of g.unready) metrics.set(n, { value: 0, timestamp: 0, windowMs: 0 });
  const next = utilizationRatio(metrics, requests, target).ratio;
  if (within(next, o.tolerance) || (ratio < 1.0 && next > 1.0) || (ratio > 1.0 && next < 1.0)) return result(currentReplicas);
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1.0 && replicas > currentReplicas) || (next > 1.0 && replicas < currentReplicas)) return result(currentReplicas);
  return result(replicas);
}

/** GetRawResourceReplicas (calcPlainMetricReplicas) for an averageValue target (milli-units). */
export function rawResourceReplicas(currentReplicas: number, target: number, resource: string, pods: KObject[], metricsIn: PodMetricsInfo, o: CalculatorOptions): { replicas: number; usage: number } {
  if (pods.length === 0) throw new Error('no pods returned by selector while calculating replica count');
  const metrics = new Map(metricsIn);
  const g = groupPods(pods, metrics, resource, o);
  for (const n of [...g.ignored, ...g.unready]) metrics.delete(n);
  if (metrics.size === 0) throw new Error('did not receive metrics for targeted pods (pods might be unready)');
  const { ratio, usage } = usageRatio(metrics, target);
  const scaleUpWithUnready = g.unready.size > 0 && ratio > 1.0;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (within(ratio, o.tolerance)) return { replicas: currentReplicas, usage };
    return { replicas: Math.ceil(ratio * g.readyPodCount), usage };
  }
  // on a scale-down missing pods use exactly the target; on a scale-up nothing
  if (ratio < 1.0) for (const n of g.missing) metrics.set(n, { value: target, timestamp: 0, windowMs: 0 });
  else if (ratio > 1.0) for (const n of g.missing) metrics.set(n, { value: 0, timestamp: 0, windowMs: 0 });
  if (scaleUpWithUnready) for (const n of g.unready) metrics.set(n, { value: 0, timestamp: 0, windowMs: 0 });
  const next = usageRatio(metrics, target).ratio;
  if (within(next, o.tolerance) || (ratio < 1.0 && next > 1.0) || (ratio > 1.0 && next < 1.0)) return { replicas: currentReplicas, usage };
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1.0 && replicas > currentReplicas) || (next > 1.0 && replicas < currentReplicas)) return { replicas: currentReplicas, usage };
  return { replicas, usage };
}
