// What endpointslice-mirroring wants for one custom Endpoints object: per port set and address family one
// EndpointSlice holding at most 1000 of each subset's addresses (ready first, then not ready), its labels and
// annotations copied from the Endpoints, and the invalid or skipped address counts for the warning events.
import { isIPv6 } from 'node:net';
import type { KObject } from '../client/types.js';

export const MIRROR_MANAGED_BY = 'endpointslicemirroring-controller.k8s.io';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const SKIP_MIRROR_LABEL = 'endpointslice.kubernetes.io/skip-mirror';
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';
const NOT_COPIED = ['endpoints.kubernetes.io/last-change-trigger-time', 'kubectl.kubernetes.io/last-applied-configuration'];
/** --mirroring-max-endpoints-per-subset */
export const MAX_ENDPOINTS_PER_SUBSET = 1000;

export interface DesiredGroup {
  key: string;
  addressType: 'IPv4' | 'IPv6';
  ports: KObject[];
  endpoints: Map<string, KObject>;
}

export interface MirrorPlan {
  groups: Map<string, DesiredGroup>;
  invalid: number;
  skipped: number;
}

/** shouldMirror: not labelled skip-mirror, not a leader-election lock. */
export const shouldMirror = (ep: KObject): boolean => ep.metadata.labels?.[SKIP_MIRROR_LABEL] !== 'true' && !(LEADER_ANNOTATION in (ep.metadata.annotations ?? {}));

/** ParseIPSloppy's families: dotted quads (leading zeros allowed) are IPv4, anything else net accepts is IPv6. */
export function addressType(ip: string | undefined): 'IPv4' | 'IPv6' | undefined {
  if (!ip) return undefined;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(ip)) return ip.split('.').every((o) => Number(o) <= 255) ? 'IPv4' : undefined;
  if (!isIPv6(ip)) return undefined;
  // an IPv4-mapped address is IPv4 to Go
  return /^::ffff:\d{1,3}(\.\d{1,3}){3}$/i.test(ip) ? 'IPv4' : 'IPv6';
}

/** epPortsToEpsPorts: every field set, as upstream copies them. */
export function slicePorts(ports: KObject[] | undefined): KObject[] {
  return (ports ?? []).map((p) => {
    const out: KObject = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
    if (p.appProtocol !== undefined) out.appProtocol = p.appProtocol;
    return out;
  });
}

/** The address type and port set a slice is for (order-insensitive, as upstream's port map key). */
export function groupKey(addressType: string, ports: KObject[] | undefined): string {
  const norm = slicePorts(ports)
    .map((p) => [p.name, p.port, p.protocol, p.appProtocol ?? ''])
    .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  return `${addressType}|${JSON.stringify(norm)}`;
}

/** addressToEndpoint */
export function addressToEndpoint(a: KObject, ready: boolean): KObject {
  const e: KObject = { addresses: [a.ip], conditions: { ready } };
  if (a.hostname) e.hostname = a.hostname;
  if (a.targetRef) e.targetRef = a.targetRef;
  if (a.nodeName) e.nodeName = a.nodeName;
  return e;
}

/** The identity and content of an endpoint, for comparing the desired with what a slice holds. */
export const endpointKey = (e: KObject): string => JSON.stringify([e.addresses ?? [], e.conditions?.ready ?? null, e.hostname ?? '', e.nodeName ?? '', e.targetRef ?? null]);

export function desiredSlices(ep: KObject, max = MAX_ENDPOINTS_PER_SUBSET): MirrorPlan {
  const groups = new Map<string, DesiredGroup>();
  let invalid = 0;
  let skipped = 0;
  for (const subset of ep.subsets ?? []) {
    const ports = slicePorts(subset.ports);
    const keys = { IPv4: groupKey('IPv4', ports), IPv6: groupKey('IPv6', ports) };
    for (const t of ['IPv4', 'IPv6'] as const) if (!groups.has(keys[t])) groups.set(keys[t], { key: keys[t], addressType: t, ports, endpoints: new Map() });
    const all: [KObject, boolean][] = [...(subset.addresses ?? []).map((a: KObject) => [a, true] as [KObject, boolean]), ...(subset.notReadyAddresses ?? []).map((a: KObject) => [a, false] as [KObject, boolean])];
    let added = 0;
    for (const [a, ready] of all) {
      if (added >= max) break;
      const t = addressType(a.ip);
      if (!t) {
        invalid++;
        continue;
      }
      const e = addressToEndpoint(a, ready);
      groups.get(keys[t])!.endpoints.set(endpointKey(e), e);
      added++;
    }
    skipped += all.length - added;
  }
  return { groups, invalid, skipped };
}

const withoutKeys = (m: Record<string, string> | undefined, keys: string[]) => Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !keys.includes(k)));
const sameMap = (a: Record<string, string>, b: Record<string, string>) => {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
};

/** newEndpointSlice's metadata: the Endpoints' labels (service name and manager overwritten) and annotations (bar two), owned by it. */
export function sliceMeta(ep: KObject, name?: string): KObject {
  const meta: KObject = {
    labels: { ...(ep.metadata.labels ?? {}), [SERVICE_NAME_LABEL]: ep.metadata.name, [MANAGED_BY_LABEL]: MIRROR_MANAGED_BY },
    annotations: withoutKeys(ep.metadata.annotations, NOT_COPIED),
    ownerReferences: [{ apiVersion: 'v1', kind: 'Endpoints', name: ep.metadata.name, uid: ep.metadata.uid, controller: true, blockOwnerDeletion: true }],
    namespace: ep.metadata.namespace,
  };
  if (name) meta.name = name;
  else meta.generateName = ep.metadata.name.length < 253 ? `${ep.metadata.name}-` : 'endpointslice-';
  return meta;
}

/** Whether a mirrored slice already says what it should: same endpoints, labels, annotations and owner. */
export function sliceUpToDate(ep: KObject, slice: KObject, desired: Map<string, KObject>): boolean {
  const have: KObject[] = slice.endpoints ?? [];
  if (have.length !== desired.size || !have.every((e) => desired.has(endpointKey(e)))) return false;
  if (!sameMap(ep.metadata.labels ?? {}, withoutKeys(slice.metadata.labels, [MANAGED_BY_LABEL, SERVICE_NAME_LABEL]))) return false;
  if (!sameMap(withoutKeys(ep.metadata.annotations, NOT_COPIED), slice.metadata.annotations ?? {})) return false;
  // needRebuildExistingSlices: an Endpoints of the same name recreated
  return !(slice.metadata.ownerReferences ?? []).some((o: KObject) => o.kind === 'Endpoints' && o.name === ep.metadata.name && o.uid !== ep.metadata.uid);
}
