// The node lifecycle controller's zones: nodes grouped by region and zone labels, each zone Normal,
// PartialDisruption or FullDisruption by how many of its nodes are not Ready, and the rate at which a
// zone's nodes may get NoExecute taints (kube-controller-manager's defaults).
import type { KObject } from '../client/types.js';

export type ZoneState = 'Normal' | 'PartialDisruption' | 'FullDisruption';

/** --node-eviction-rate, --secondary-node-eviction-rate, --large-cluster-size-threshold, --unhealthy-zone-threshold. */
export const EVICTION_QPS = 0.1;
export const SECONDARY_EVICTION_QPS = 0.01;
export const LARGE_CLUSTER_THRESHOLD = 50;
export const UNHEALTHY_ZONE_THRESHOLD = 0.55;

const label = (n: KObject, ga: string, beta: string): string => n.metadata?.labels?.[ga] ?? n.metadata?.labels?.[beta] ?? '';

/** Upstream's GetZoneKey: region and zone joined by ":\0:", or "" for an unlabelled node. */
export function zoneKey(node: KObject): string {
  const region = label(node, 'topology.kubernetes.io/region', 'failure-domain.beta.kubernetes.io/region');
  const zone = label(node, 'topology.kubernetes.io/zone', 'failure-domain.beta.kubernetes.io/zone');
  return region === '' && zone === '' ? '' : `${region}:\x00:${zone}`;
}

const ready = (n: KObject): boolean => (n.status?.conditions ?? []).some((c: KObject) => c.type === 'Ready' && c.status === 'True');

/** ComputeZoneState over one zone's nodes. */
export function zoneState(nodes: KObject[]): ZoneState {
  const readyCount = nodes.filter(ready).length;
  const notReady = nodes.length - readyCount;
  if (readyCount === 0 && notReady > 0) return 'FullDisruption';
  if (notReady > 2 && notReady / nodes.length >= UNHEALTHY_ZONE_THRESHOLD) return 'PartialDisruption';
  return 'Normal';
}

export interface Zones {
  /** Every zone in full disruption: the controller assumes its own network is at fault and evicts nothing. */
  allFullyDisrupted: boolean;
  state(zone: string): ZoneState;
  size(zone: string): number;
}

export function zonesOf(nodes: KObject[]): Zones {
  const byZone = new Map<string, KObject[]>();
  for (const n of nodes) {
    const k = zoneKey(n);
    const list = byZone.get(k);
    if (list) list.push(n);
    else byZone.set(k, [n]);
  }
  const states = new Map([...byZone].map(([k, list]) => [k, zoneState(list)]));
  return {
    allFullyDisrupted: states.size > 0 && [...states.values()].every((s) => s === 'FullDisruption'),
    state: (zone) => states.get(zone) ?? 'Normal',
    size: (zone) => byZone.get(zone)?.length ?? 0,
  };
}

/** The NoExecute tainting rate of a zone in this state (a small zone in partial disruption gets none). */
export function zoneTaintQPS(state: ZoneState, size: number): number {
  if (state === 'Normal') return EVICTION_QPS;
  if (state === 'PartialDisruption') return size > LARGE_CLUSTER_THRESHOLD ? SECONDARY_EVICTION_QPS : 0;
  return EVICTION_QPS;
}

/** A token bucket of burst 1, as flowcontrol's rate limiter the zone tainters use. */
export class TokenBucket {
  private tokens = 1;
  private last = Date.now();

  /** Takes a token at `qps`: 0 when taken, else the milliseconds until one is due (Infinity at qps 0). */
  take(qps: number, now = Date.now()): number {
    if (qps > 0) this.tokens = Math.min(1, this.tokens + ((now - this.last) / 1000) * qps);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return qps > 0 ? Math.ceil(((1 - this.tokens) / qps) * 1000) : Infinity;
  }
}
