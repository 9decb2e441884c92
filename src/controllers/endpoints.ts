// endpoints controller: every Service with a selector gets an Endpoints object of the same name listing
// its pods' addresses (ready ones in addresses, the others in notReadyAddresses) per resolved port set,
// capped at 1000 addresses with the over-capacity annotation, as kube-controller-manager's endpoint controller.
import type { KObject } from '../client/types.js';
import { PODS } from './gvr.js';
import { ENDPOINTS, HEADLESS_LABEL, SERVICES, TRIGGER_TIME, findPort, isHeadless, isPodReady, lastChangeTriggerTime, matchesSelector, podIPForService, selectsPods, servicesOfPods, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';

export const MAX_CAPACITY = 1000;
const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

type Subset = { addresses?: KObject[]; notReadyAddresses?: KObject[]; ports?: KObject[] };

const portKey = (p: KObject) => `${p.name ?? ''}/${p.port}/${p.protocol ?? ''}/${p.appProtocol ?? ''}`;
const addrKey = (a: KObject) => `${a.ip}/${a.targetRef?.uid ?? ''}/${a.hostname ?? ''}/${a.nodeName ?? ''}`;
const byIP = (a: KObject, b: KObject) => (a.ip < b.ip ? -1 : a.ip > b.ip ? 1 : (a.targetRef?.uid ?? '') < (b.targetRef?.uid ?? '') ? -1 : 1);

/** RepackSubsets: one subset per distinct port set, an address ready in any entry counts as ready, everything sorted. */
export function repackSubsets(entries: { address: KObject; port?: KObject; ready: boolean }[]): Subset[] {
  const byAddr = new Map<string, { address: KObject; ready: boolean; ports: Map<string, KObject> }>();
  for (const e of entries) {
    const k = addrKey(e.address);
    const cur = byAddr.get(k) ?? { address: e.address, ready: false, ports: new Map() };
    cur.ready ||= e.ready;
    if (e.port) cur.ports.set(portKey(e.port), e.port);
    byAddr.set(k, cur);
  }
  const groups = new Map<string, { ports: KObject[]; ready: KObject[]; notReady: KObject[] }>();
  for (const a of byAddr.values()) {
    const ports = [...a.ports.entries()].sort(([x], [y]) => (x < y ? -1 : 1)).map(([, p]) => p);
    const k = ports.map(portKey).join(',');
    const g = groups.get(k) ?? { ports, ready: [], notReady: [] };
    (a.ready ? g.ready : g.notReady).push(a.address);
    groups.set(k, g);
  }
  return [...groups.entries()]
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([, g]) => {
      const s: Subset = {};
      if (g.ready.length) s.addresses = g.ready.sort(byIP);
      if (g.notReady.length) s.notReadyAddresses = g.notReady.sort(byIP);
      if (g.ports.length) s.ports = g.ports;
      return s;
    });
}

/** truncateEndpoints: keeps MAX_CAPACITY addresses, ready ones first, spread over subsets in proportion. */
export function truncateSubsets(subsets: Subset[]): boolean {
  const ready = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const notReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (ready + notReady <= MAX_CAPACITY) return false;
  const truncateReady = ready > MAX_CAPACITY;
  const max = truncateReady ? MAX_CAPACITY : MAX_CAPACITY - ready;
  const total = truncateReady ? ready : notReady;
  let left = max;
  for (const s of subsets) {
    const n = (truncateReady ? s.addresses : s.notReadyAddresses)?.length ?? 0;
    const take = Math.min(left, Math.ceil((n / total) * max));
    if (truncateReady) {
      s.addresses = (s.addresses ?? []).slice(0, take);
      s.notReadyAddresses = [];
      left -= s.addresses.length;
    } else {
      s.notReadyAddresses = (s.notReadyAddresses ?? []).slice(0, take);
      left -= s.notReadyAddresses.length;
    }
  }
  return true;
}

/** The subsets a service's pods make. */
export function subsetsFor(svc: KObject, pods: KObject[]): Subset[] {
  const publish = !!svc.spec?.publishNotReadyAddresses;
  const entries: { address: KObject; port?: KObject; ready: boolean }[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publish)) continue;
    const ip = podIPForService(pod, svc);
    if (!ip) continue;
    const address: KObject = { ip, nodeName: pod.spec?.nodeName ?? '', targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid } };
    if (shouldSetHostname(pod, svc)) address.hostname = pod.spec.hostname;
    const ready = publish || isPodReady(pod);
    const ports: KObject[] = svc.spec?.ports ?? [];
    if (!ports.length) {
      if (svc.spec?.clusterIP === 'None') entries.push({ address, ready });
      continue;
    }
    for (const sp of ports) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      const ep: KObject = { name: sp.name, port, protocol: sp.protocol };
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      entries.push({ address, port: ep, ready });
    }
  }
  return repackSubsets(entries);
}

const withoutHeadless = (labels: Record<string, string> | undefined) => {
  const { [HEADLESS_LABEL]: _, ...rest } = labels ?? {};
  return rest;
};
const sameJSON = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
const stripRV = (subsets: Subset[] | undefined) =>
  (subsets ?? []).map((s) => {
    const strip = (l?: KObject[]) => l?.map((a) => (a.targetRef ? { ...a, targetRef: { ...a.targetRef, resourceVersion: undefined } } : a));
    return { addresses: strip(s.addresses), notReadyAddresses: strip(s.notReadyAddresses), ports: s.ports };
  });

export class EndpointsController extends QueueController {
  private services!: Informer;
  private pods!: Informer;
  private endpoints!: Informer;

  constructor() {
    super('endpoints', 4, 10_000);
  }

  protected register(): void {
    const enqueue = (o: KObject) => this.queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    this.services = this.ctx.informers.informer(SERVICES).on({ add: enqueue, update: (_, s) => enqueue(s), delete: enqueue });
    this.pods = this.ctx.informers.informer(PODS).on(servicesOfPods(this.services, enqueue));
    this.endpoints = this.ctx.informers.informer(ENDPOINTS).on({ delete: enqueue, add: (ep) => !this.services.get(`${ep.metadata.namespace}/${ep.metadata.name}`) && enqueue(ep) });
  }

  protected async sync(key: string): Promise<void> {
    const [ns, name] = key.split('/') as [string, string];
    const svc = this.services.get(key);
    if (!svc) {
      const ep = this.endpoints.get(key);
      if (!ep || ep.metadata.annotations?.[LEADER_ANNOTATION]) return;
      await this.ctx.client.delete(ENDPOINTS, ns, name).catch((e) => !isStatus(e, 404) && Promise.reject(e));
      return;
    }
    if (!selectsPods(svc)) return;
    const pods = this.pods.items().filter((p) => p.metadata.namespace === ns && matchesSelector(svc.spec.selector, p.metadata.labels));
    const subsets = subsetsFor(svc, pods);
    const current = this.endpoints.get(key);
    const total = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);
    const capacityOk = total <= MAX_CAPACITY && !current?.metadata.annotations?.[OVER_CAPACITY];
    if (current && sameJSON(stripRV(current.subsets), stripRV(subsets)) && sameJSON(withoutHeadless(current.metadata.labels), svc.metadata.labels ?? {}) && capacityOk) return;
    const next: KObject = current ? structuredClone(current) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name } };
    const annotations: Record<string, string> = { ...(next.metadata.annotations ?? {}) };
    const trigger = lastChangeTriggerTime(svc, pods);
    if (trigger) annotations[TRIGGER_TIME] = trigger;
    else delete annotations[TRIGGER_TIME];
    if (truncateSubsets(subsets)) annotations[OVER_CAPACITY] = 'truncated';
    else delete annotations[OVER_CAPACITY];
    next.metadata.annotations = annotations;
    const labels = withoutHeadless(svc.metadata.labels);
    if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
    next.metadata.labels = labels;
    if (subsets.length) next.subsets = subsets;
    else delete next.subsets;
    try {
      if (current) await this.ctx.client.update(ENDPOINTS, ns, next);
      else await this.ctx.client.create(ENDPOINTS, ns, next);
    } catch (e) {
      // a terminating namespace refuses creates: nothing to do until it is gone
      if (!current && isStatus(e, 403)) return;
      if (isStatus(e, 404, 409)) throw new Requeue(`endpoints ${key}: conflict`);
      throw e;
    }
  }
}
