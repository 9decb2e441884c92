// endpointslice-mirroring: the Endpoints of a Service without a selector (custom Endpoints) are mirrored into
// EndpointSlices managed by endpointslicemirroring-controller.k8s.io, as kube-controller-manager's controller
// does; slices of Endpoints that go away, get a selector'd Service or the skip-mirror label are deleted. Each
// event only queues a key; a sync looks at one Endpoints object and writes only what differs.
import type { KObject } from '../client/types.js';
import { EventRecorder } from './event-recorder.js';
import { desiredSlices, MANAGED_BY_LABEL, MAX_ENDPOINTS_PER_SUBSET, MIRROR_MANAGED_BY, SERVICE_NAME_LABEL, groupKey, shouldMirror, sliceMeta, sliceUpToDate } from './endpointslice-mirroring-plan.js';
import { ENDPOINTS, ENDPOINTSLICES, SERVICES } from './pod-endpoints.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { SliceTracker } from './slice-tracker.js';

const hasSelector = (svc: KObject) => Object.keys(svc.spec?.selector ?? {}).length > 0;

export class EndpointSliceMirroringController extends QueueController {
  private endpoints!: Informer;
  private services!: Informer;
  private slices!: Informer;
  private recorder!: EventRecorder;
  private readonly tracker = new SliceTracker();

  constructor(private readonly maxEndpointsPerSubset = MAX_ENDPOINTS_PER_SUBSET) {
    super('endpointslice-mirroring', 2, 10_000);
  }

  protected register(): void {
    this.recorder = new EventRecorder(() => this.ctx.client, 'endpoint-slice-mirroring-controller', { kind: 'Endpoints', apiVersion: 'v1' });
    const key = (o: KObject) => `${o.metadata.namespace}/${o.metadata.name}`;
    const byName = (o: KObject) => this.queue.add(key(o));
    // as upstream's handlers: only Endpoints that are (or were) mirrored, only Services without a selector
    const mirrored = (o: KObject) => shouldMirror(o) && byName(o);
    this.endpoints = this.ctx.informers.informer(ENDPOINTS).on({ add: mirrored, update: (a, b) => (shouldMirror(a) || shouldMirror(b)) && byName(b), delete: mirrored });
    const selectorless = (o: KObject) => !hasSelector(o) && byName(o);
    this.services = this.ctx.informers.informer(SERVICES).on({ add: selectorless, update: (a, b) => hasSelector(a) !== hasSelector(b) && byName(b), delete: selectorless });
    const bySlice = (s: KObject) => {
      const svc = s.metadata.labels?.[SERVICE_NAME_LABEL];
      if (svc) this.queue.add(`${s.metadata.namespace}/${svc}`);
    };
    this.slices = this.ctx.informers.informer(ENDPOINTSLICES, { labelSelector: `${MANAGED_BY_LABEL}=${MIRROR_MANAGED_BY}` }).on({ add: bySlice, update: (_, s) => bySlice(s), delete: bySlice });
  }

  private mirrored(ns: string, name: string): KObject[] {
    return this.slices.items().filter((s) => s.metadata.namespace === ns && s.metadata.labels?.[SERVICE_NAME_LABEL] === name);
  }

  protected async sync(key: string): Promise<void> {
    const [ns, name] = key.split('/') as [string, string];
    if (!this.tracker.satisfied(key, this.slices)) throw new Requeue(`endpointslices of ${key}: cache behind`);
    const ep = this.endpoints.get(key);
    const svc = this.services.get(key);
    const existing = this.mirrored(ns, name);
    if (!ep || !shouldMirror(ep) || !svc || hasSelector(svc)) {
      for (const s of existing) await this.tracker.delete(this.ctx.client, key, s);
      return;
    }
    const plan = desiredSlices(ep, this.maxEndpointsPerSubset);
    if (plan.invalid > 0) void this.recorder.event(ep, 'Warning', 'InvalidIPAddress', `Skipped ${plan.invalid} invalid IP addresses when mirroring to EndpointSlices`);
    if (plan.skipped > plan.invalid)
      void this.recorder.event(ep, 'Warning', 'TooManyAddressesToMirror', `A max of ${this.maxEndpointsPerSubset} addresses can be mirrored to EndpointSlices per Endpoints subset. ${plan.skipped} addresses were skipped`);
    const byKey = new Map<string, KObject[]>();
    for (const s of existing) {
      const k = groupKey(s.addressType, s.ports);
      byKey.set(k, [...(byKey.get(k) ?? []), s]);
    }
    const create: KObject[] = [];
    const update: KObject[] = [];
    const remove: KObject[] = [];
    for (const g of plan.groups.values()) {
      const have = byKey.get(g.key) ?? [];
      if (g.endpoints.size === 0) {
        remove.push(...have);
        continue;
      }
      remove.push(...have.slice(1));
      if (have[0] && sliceUpToDate(ep, have[0], g.endpoints)) continue;
      const slice = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: sliceMeta(ep, have[0]?.metadata.name), addressType: g.addressType, endpoints: [...g.endpoints.values()].slice(0, this.maxEndpointsPerSubset), ports: g.ports };
      (have[0] ? update : create).push(slice);
    }
    for (const [k, slices] of byKey) if (!plan.groups.has(k)) remove.push(...slices);
    // recycleSlices: a slice to delete becomes the one to create, of the same address type
    for (const c of [...create]) {
      const i = remove.findIndex((r) => r.addressType === c.addressType);
      if (i < 0) continue;
      c.metadata = sliceMeta(ep, remove[i]!.metadata.name);
      remove.splice(i, 1);
      create.splice(create.indexOf(c), 1);
      update.push(c);
    }
    if (!ep.metadata.deletionTimestamp) for (const s of create) await this.write(key, s, false);
    for (const s of update) await this.write(key, s, true);
    for (const s of remove) await this.tracker.delete(this.ctx.client, key, s);
  }

  private async write(key: string, slice: KObject, update: boolean): Promise<void> {
    const ns = slice.metadata.namespace;
    try {
      const out = update ? await this.ctx.client.update(ENDPOINTSLICES, ns, slice) : await this.ctx.client.create(ENDPOINTSLICES, ns, slice);
      this.tracker.expect(key, out.metadata.name, out.metadata.resourceVersion);
    } catch (e) {
      // a terminating namespace refuses creates for good
      if (!update && isStatus(e, 403)) return;
      if (isStatus(e, 409, 404)) throw new Requeue(`endpointslice ${slice.metadata.name}: ${(e as Error).message}`);
      throw new Error(`failed to ${update ? `update ${slice.metadata.name}` : 'create'} EndpointSlice for Endpoints ${key}: ${(e as Error).message}`);
    }
  }
}
