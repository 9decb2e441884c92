// The HPA's resource metrics client: PodMetrics listed from metrics.k8s.io/v1beta1 through the API, each pod's
// usage summed over its containers in milli-units, as upstream's REST metrics client reads metrics-server.
import type { Client, GVR, KObject } from '../client/types.js';
import { milliValue, type PodMetricsInfo } from './hpa-replica-calculator.js';

export const POD_METRICS: GVR = { group: 'metrics.k8s.io', version: 'v1beta1', resource: 'pods', namespaced: true };

/** Go's time.ParseDuration for the windows metrics-server prints ("15s", "1m0.5s", "10.044s"). */
function durationMs(s: string | undefined): number {
  if (!s) return 0;
  const units: Record<string, number> = { h: 3_600_000, m: 60_000, s: 1000, ms: 1, us: 0.001, 'µs': 0.001, ns: 0.000001 };
  let ms = 0;
  for (const m of s.matchAll(/(\d+(?:\.\d+)?)(h|ms|m|s|us|\u00b5s|ns)/g)) ms += Number(m[1]) * units[m[2]!]!;
  return ms;
}

/** GetResourceMetric: each pod's summed usage, or one container's when `container` is named. */
export async function resourceMetrics(client: Client, resource: string, ns: string, selector: string, container = ''): Promise<{ metrics: PodMetricsInfo; timestamp: number }> {
  let items: KObject[];
  try {
    items = (await client.list(POD_METRICS, ns, { labelSelector: selector })).items;
  } catch (e) {
    throw new Error(`unable to fetch metrics from resource metrics API: ${(e as Error).message}`);
  }
  if (items.length === 0) throw new Error('no metrics returned from resource metrics API');
  const metrics: PodMetricsInfo = new Map();
  for (const m of items) {
    const containers: KObject[] = m.containers ?? [];
    if (container) {
      const c = containers.find((x) => x.name === container);
      if (!c) throw new Error(`failed to get container metrics: container ${container} not present in metrics for pod ${m.metadata.namespace}/${m.metadata.name}`);
      const v = c.usage?.[resource];
      if (v !== undefined) metrics.set(m.metadata.name, { value: milliValue(v) ?? 0, timestamp: Date.parse(m.timestamp), windowMs: durationMs(m.window) });
      continue;
    }
    let sum = 0;
    // a pod missing the resource on any container has no metric at all
    let missing = containers.length === 0;
    for (const c of containers) {
      const v = c.usage?.[resource];
      if (v === undefined) {
        missing = true;
        break;
      }
      sum += milliValue(v) ?? 0;
    }
    if (!missing) metrics.set(m.metadata.name, { value: sum, timestamp: Date.parse(m.timestamp), windowMs: durationMs(m.window) });
  }
  return { metrics, timestamp: Date.parse(items[0]!.timestamp) };
}
