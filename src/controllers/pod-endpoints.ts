// What the endpoints and endpointslice controllers share (upstream's endpointslice util): which pods
// count, which address and ports a pod offers a service, and when a change was triggered.
import type { GVR, KObject } from '../client/types.js';
import type { EventHandlers, Informer } from './runtime/informer.js';

export const SERVICES: GVR = { group: '', version: 'v1', resource: 'services', namespaced: true };
export const ENDPOINTS: GVR = { group: '', version: 'v1', resource: 'endpoints', namespaced: true };
export const ENDPOINTSLICES: GVR = { group: 'discovery.k8s.io', version: 'v1', resource: 'endpointslices', namespaced: true };

export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

export { isPodReady } from './replicaset-pods.js';

/** ShouldPodBeInEndpoints: an IP, not terminating (unless included), not finished for its restart policy. */
export function shouldPodBeInEndpoints(pod: KObject, includeTerminating: boolean): boolean {
  if (!pod.status?.podIP && !(pod.status?.podIPs ?? []).length) return false;
  if (!includeTerminating && pod.metadata.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  if (pod.spec?.restartPolicy === 'Never') return phase !== 'Failed' && phase !== 'Succeeded';
  if (pod.spec?.restartPolicy === 'OnFailure') return phase !== 'Succeeded';
  return true;
}

/** ShouldSetHostname: the pod's hostname when its subdomain names this service in the same namespace. */
export const shouldSetHostname = (pod: KObject, svc: KObject): boolean =>
  !!pod.spec?.hostname && pod.spec?.subdomain === svc.metadata.name && pod.metadata.namespace === svc.metadata.namespace;

/** The pod IP of the service's (first) IP family, or undefined when the pod has none of it. */
export function podIPForService(pod: KObject, svc: KObject): string | undefined {
  const ips: string[] = (pod.status?.podIPs ?? []).map((p: KObject) => p.ip).filter(Boolean);
  if (!ips.length && pod.status?.podIP) ips.push(pod.status.podIP);
  const family = svc.spec?.ipFamilies?.[0] ?? (String(svc.spec?.clusterIP ?? '').includes(':') ? 'IPv6' : 'IPv4');
  return ips.find((ip) => ip.includes(':') === (family === 'IPv6'));
}

/** FindPort: a numeric targetPort as is; a named one from the pod's container ports of that protocol. */
export function findPort(pod: KObject, svcPort: KObject): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(String(target))) return Number(target);
  for (const c of pod.spec?.containers ?? [])
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === (svcPort.protocol ?? 'TCP')) return p.containerPort;
  return undefined;
}

/** The newest Ready transition among the pods and the service's creation: what triggered this change (RFC3339Nano as Go prints it). */
export function lastChangeTriggerTime(svc: KObject, pods: KObject[]): string | undefined {
  let best = Date.parse(svc.metadata.creationTimestamp ?? '') || 0;
  for (const p of pods) {
    const ready = (p.status?.conditions ?? []).find((c: KObject) => c.type === 'Ready');
    const t = Date.parse(ready?.lastTransitionTime ?? '') || 0;
    if (t > best) best = t;
  }
  return best ? new Date(best).toISOString().replace(/\.000Z$/, 'Z') : undefined;
}

export const selectsPods = (svc: KObject): boolean => svc.spec?.type !== 'ExternalName' && svc.spec?.selector != null;

export function matchesSelector(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

export const isHeadless = (svc: KObject): boolean => !svc.spec?.clusterIP || svc.spec.clusterIP === 'None';

/** Pod handlers that enqueue each Service of the pods' namespace whose selector picks a pod that came, changed or went. */
export function servicesOfPods(services: Informer, enqueue: (svc: KObject) => void): EventHandlers {
  const changed = (...pods: KObject[]) => {
    for (const svc of services.items())
      if (svc.metadata.namespace === pods[0]!.metadata.namespace && selectsPods(svc) && pods.some((p) => matchesSelector(svc.spec.selector, p.metadata.labels))) enqueue(svc);
  };
  return { add: (p) => changed(p), update: (a, b) => changed(a, b), delete: (p) => changed(p) };
}
