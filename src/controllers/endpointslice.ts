// endpointslice controller: every Service with a selector gets EndpointSlices (discovery.k8s.io/v1, named
// `<service>-<random>`) holding its pods as endpoints with ready/serving/terminating conditions, at most 100
// per slice and one slice family per port set, as kube-controller-manager's endpointslice controller.
import type { KObject } from '../client/types.js';
import { NODES, PODS } from './gvr.js';
import { ENDPOINTSLICES, HEADLESS_LABEL, SERVICES, TRIGGER_TIME, findPort, isHeadless, isPodReady, lastChangeTriggerTime, matchesSelector, selectsPods, servicesOfPods, shouldPodBeInEndpoints, shouldSetHostname } from './pod-endpoints.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { SliceTracker } from './slice-tracker.js';

export const MAX_ENDPOINTS_PER_SLICE = 100;
export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
const MANAGED_BY = 'endpointslice-controller.k8s.io';
const ZONE_LABEL = 'topology.kubernetes.io/zone';

export interface DesiredEndpoint {
  key: string;
  endpoint: KObject;
}

const portsKey = (ports: KObject[] | undefined) => JSON.stringify((ports ?? []).map((p) => [p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? '']));
const endpointKey = (e: KObject) => `${e.addresses?.[0]}/${e.targetRef?.uid ?? ''}`;
const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** The endpoint a pod is for a service (podToEndpoint), or undefined when it has no IP of that family. */
export function podToEndpoint(pod: KObject, svc: KObject, addressType: string, node?: KObject): KObject | undefined {
  const ips: string[] = (pod.status?.podIPs ?? []).map((p: KObject) => p.ip).filter(Boolean);
  if (!ips.length && pod.status?.podIP) ips.push(pod.status.podIP);
  const ip = ips.find((i) => i.includes(':') === (addressType === 'IPv6'));
  if (!ip) return undefined;
  const publish = !!svc.spec?.publishNotReadyAddresses;
  const serving = publish || isPodReady(pod);
  const terminating = !!pod.metadata.deletionTimestamp;
  const ep: KObject = { addresses: [ip], conditions: { ready: publish || (serving && !terminating), serving, terminating } };
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec.hostname;
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[ZONE_LABEL];
  if (zone) ep.zone = zone;
  return ep;
}

/** The endpoint ports a pod serves for a service (named targetPorts resolved per pod). */
export function endpointPorts(svc: KObject, pod: KObject): KObject[] {
  const out: KObject[] = [];
  for (const sp of svc.spec?.ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: KObject = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

/** Fills slices: keeps desired endpoints where they are, drops the others, then packs new ones into free room and new slices. */
export function planSlices(existing: KObject[], desired: Map<string, KObject>, max = MAX_ENDPOINTS_PER_SLICE): { keep: KObject[]; create: KObject[][]; remove: KObject[] } {
  const placed = new Set<string>();
  const kept = existing.map((s) => {
    const eps = (s.endpoints ?? []).filter((e: KObject) => desired.has(endpointKey(e)) && !placed.has(endpointKey(e))).map((e: KObject) => {
      placed.add(endpointKey(e));
      return desired.get(endpointKey(e))!;
    });
    return { slice: s, endpoints: eps as KObject[] };
  });
  const pending = [...desired.entries()].filter(([k]) => !placed.has(k)).sort(([a], [b]) => (a < b ? -1 : 1)).map(([, e]) => e);
  for (const k of kept) while (pending.length && k.endpoints.length < max) k.endpoints.push(pending.shift()!);
  const create: KObject[][] = [];
  while (pending.length) create.push(pending.splice(0, max));
  const keep: KObject[] = [];
  const remove: KObject[] = [];
  for (const k of kept) {
    if (k.endpoints.length) keep.push({ ...k.slice, endpoints: k.endpoints });
    else remove.push(k.slice);
  }
  return { keep, create, remove };
}

export class EndpointSliceController extends QueueController {
  private services!: Informer;
  private pods!: Informer;
  private nodes!: Informer;
  private slices!: Informer;
  private readonly tracker = new SliceTracker();

  constructor() {
    super('endpointslice', 4, 10_000);
  }

  protected register(): void {
    const enqueue = (o: KObject) => this.queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    this.services = this.ctx.informers.informer(SERVICES).on({ add: enqueue, update: (_, s) => enqueue(s), delete: enqueue });
    this.pods = this.ctx.informers.informer(PODS).on(servicesOfPods(this.services, enqueue));
    this.nodes = this.ctx.informers.informer(NODES);
    const sliceChanged = (s: KObject) => {
      if (s.metadata.labels?.[MANAGED_BY_LABEL] !== MANAGED_BY) return;
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
      if (svc) this.queue.add(`${s.metadata.namespace}/${svc}`);
    };
    this.slices = this.ctx.informers.informer(ENDPOINTSLICES).on({ add: sliceChanged, update: (_, s) => sliceChanged(s), delete: sliceChanged });
  }

  protected async sync(key: string): Promise<void> {
    const [ns, name] = key.split('/') as [string, string];
    if (!this.tracker.satisfied(key, this.slices)) throw new Requeue(`endpointslices of ${key}: cache behind`);
    const owned = this.slices.items().filter((s) => s.metadata.namespace === ns && s.metadata.labels?.[SERVICE_NAME_LABEL] === name && s.metadata.labels?.[MANAGED_BY_LABEL] === MANAGED_BY);
    const svc = this.services.get(key);
    // a deleted service's slices go with it through their owner reference (garbage collector)
    if (!svc || !selectsPods(svc)) {
      if (svc) for (const s of owned) await this.tracker.delete(this.ctx.client, key, s);
      return;
    }
    if (svc.metadata.deletionTimestamp) return;
    const pods = this.pods.items().filter((p) => p.metadata.namespace === ns && matchesSelector(svc.spec.selector, p.metadata.labels));
    const families: string[] = svc.spec?.ipFamilies?.length ? svc.spec.ipFamilies : ['IPv4'];
    const desired = new Map<string, { addressType: string; ports: KObject[]; endpoints: Map<string, KObject> }>();
    for (const addressType of families)
      for (const pod of pods) {
        if (!shouldPodBeInEndpoints(pod, true)) continue;
        const ports = endpointPorts(svc, pod);
        if (!ports.length && (svc.spec?.ports ?? []).length) continue;
        const ep = podToEndpoint(pod, svc, addressType, pod.spec?.nodeName ? this.nodes.get(pod.spec.nodeName) : undefined);
        if (!ep) continue;
        const k = `${addressType}|${portsKey(ports)}`;
        const group = desired.get(k) ?? { addressType, ports, endpoints: new Map() };
        group.endpoints.set(endpointKey(ep), ep);
        desired.set(k, group);
      }
    const labels = this.labelsFor(svc);
    const annotations = (s: KObject) => {
      const a: Record<string, string> = { ...(s.metadata?.annotations ?? {}) };
      const t = lastChangeTriggerTime(svc, pods);
      if (t) a[TRIGGER_TIME] = t;
      return a;
    };
    const byGroup = new Map<string, KObject[]>();
    for (const s of owned) {
      const k = `${s.addressType}|${portsKey(s.ports)}`;
      byGroup.set(k, [...(byGroup.get(k) ?? []), s]);
    }
    const writes: Promise<unknown>[] = [];
    for (const [k, group] of desired) {
      const plan = planSlices(byGroup.get(k) ?? [], group.endpoints);
      byGroup.delete(k);
      for (const s of plan.keep) {
        const old = owned.find((o) => o.metadata.name === s.metadata.name)!;
        if (same(old.endpoints, s.endpoints) && same(old.metadata.labels, labels)) continue;
        writes.push(this.write(key, { ...s, metadata: { ...s.metadata, labels, annotations: annotations(s) } }));
      }
      for (const s of plan.remove) writes.push(this.tracker.delete(this.ctx.client, key, s));
      for (const eps of plan.create) writes.push(this.write(key, this.newSlice(svc, group.addressType, group.ports, eps, labels, annotations({}))));
    }
    const stale = [...byGroup.values()].flat();
    // a service without endpoints keeps one placeholder slice
    if (!desired.size) {
      const placeholder = stale.find((s) => !(s.endpoints ?? []).length && !(s.ports ?? []).length && s.addressType === families[0]);
      if (placeholder) stale.splice(stale.indexOf(placeholder), 1);
      else writes.push(this.write(key, this.newSlice(svc, families[0]!, [], [], labels, annotations({}))));
    }
    for (const s of stale) writes.push(this.tracker.delete(this.ctx.client, key, s));
    await Promise.all(writes);
  }

  private labelsFor(svc: KObject): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const [k, v] of Object.entries(svc.metadata.labels ?? {})) if (k !== SERVICE_NAME_LABEL && k !== MANAGED_BY_LABEL && k !== HEADLESS_LABEL) labels[k] = v as string;
    labels[SERVICE_NAME_LABEL] = svc.metadata.name;
    labels[MANAGED_BY_LABEL] = MANAGED_BY;
    if (isHeadless(svc)) labels[HEADLESS_LABEL] = '';
    return labels;
  }

  private newSlice(svc: KObject, addressType: string, ports: KObject[], endpoints: KObject[], labels: Record<string, string>, annotations: Record<string, string>): KObject {
    const prefix = svc.metadata.name.length > 57 ? svc.metadata.name.slice(0, 57) : svc.metadata.name;
    const slice: KObject = {
      apiVersion: 'discovery.k8s.io/v1',
      kind: 'EndpointSlice',
      metadata: {
        generateName: `${prefix}-`,
        namespace: svc.metadata.namespace,
        labels,
        annotations,
        ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name: svc.metadata.name, uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }],
      },
      addressType,
    };
    // an empty slice reads back as `endpoints: null`, as protobuf round trips leave it upstream
    slice.endpoints = endpoints.length ? endpoints : null;
    if (ports.length) slice.ports = ports;
    return slice;
  }

  private async write(key: string, slice: KObject): Promise<void> {
    try {
      const out = slice.metadata.resourceVersion ? await this.ctx.client.update(ENDPOINTSLICES, slice.metadata.namespace, slice) : await this.ctx.client.create(ENDPOINTSLICES, slice.metadata.namespace, slice);
      this.tracker.expect(key, out.metadata.name, out.metadata.resourceVersion);
    } catch (e) {
      if (!slice.metadata.resourceVersion && isStatus(e, 403)) return;
      if (isStatus(e, 404, 409)) throw new Requeue(`endpointslice for ${key}: conflict`);
      throw e;
    }
  }
}
