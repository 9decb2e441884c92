// resourcequota: status.hard follows spec.hard and status.used is recomputed from the objects of the
// namespace; recomputed when a quota is created or its spec changes, when a charged object is deleted or
// a pod ends, and on a periodic full resync (admission raises used between recomputations).
import type { GVR, KObject } from '../client/types.js';
import { evaluatorFor, usageOf, type Evaluator } from '../registry/quota/evaluators.js';
import { addLists, fromJSON, toJSON, type ResourceList } from '../registry/quota/resource-list.js';
import { isPodResource, podCountsCompute } from '../registry/quota/pod-usage.js';
import { PODS, PVCS, CONFIGMAPS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

const core = (resource: string): GVR => ({ group: '', version: 'v1', resource, namespaced: true });
const RESOURCEQUOTAS = core('resourcequotas');
const SERVICES = core('services');
const SECRETS = core('secrets');
const RCS = core('replicationcontrollers');
// upstream's --resource-quota-sync-period
const RESYNC_MS = 5 * 60_000;
const SERVICE_NAMES = new Set(['services', 'count/services', 'services.loadbalancers', 'services.nodeports']);

/** The (group, resource) whose objects a quota name counts. */
export function resourceOfName(name: string): { group: string; resource: string } | undefined {
  if (isPodResource(name)) return { group: '', resource: 'pods' };
  if (SERVICE_NAMES.has(name)) return { group: '', resource: 'services' };
  if (name === 'persistentvolumeclaims' || name === 'requests.storage' || name.includes('.storageclass.storage.k8s.io/')) return { group: '', resource: 'persistentvolumeclaims' };
  if (['configmaps', 'secrets', 'replicationcontrollers', 'resourcequotas'].includes(name)) return { group: '', resource: name };
  if (!name.startsWith('count/')) return undefined;
  const rest = name.slice('count/'.length);
  const dot = rest.indexOf('.');
  return dot < 0 ? { group: '', resource: rest } : { group: rest.slice(dot + 1), resource: rest.slice(0, dot) };
}

export class ResourceQuotaController extends QueueController {
  private quotas!: Informer;
  private readonly core = new Map<string, Informer>();

  constructor() {
    super('resourcequota', 2);
  }

  protected register(): void {
    this.quotas = this.ctx.informers.informer(RESOURCEQUOTAS, { resyncMs: RESYNC_MS }).on({
      add: (q) => this.enqueue(q),
      update: (old, q) => {
        // status writes (admission's charges among them) do not call for a recomputation
        if (JSON.stringify(old.spec) !== JSON.stringify(q.spec) || JSON.stringify(q.spec?.hard ?? {}) !== JSON.stringify(q.status?.hard ?? {}) || old.metadata.resourceVersion === q.metadata.resourceVersion) this.enqueue(q);
      },
    });
    const replenish = (o: KObject) => this.enqueueNamespace(o.metadata.namespace);
    const pods = this.ctx.informers.informer(PODS).on({
      delete: replenish,
      update: (old, cur) => podCountsCompute(old) && !podCountsCompute(cur) && replenish(cur),
    });
    this.core.set('pods', pods);
    this.core.set('resourcequotas', this.quotas);
    this.core.set('services', this.ctx.informers.informer(SERVICES).on({ delete: replenish, update: (old, cur) => old.spec?.type !== cur.spec?.type && replenish(cur) }));
    this.core.set('persistentvolumeclaims', this.ctx.informers.informer(PVCS).on({ delete: replenish }));
    for (const gvr of [CONFIGMAPS, SECRETS, RCS]) this.core.set(gvr.resource, this.ctx.informers.informer(gvr, { metadataOnly: true }).on({ delete: replenish }));
  }

  private enqueue(q: KObject): void {
    this.queue.add(`${q.metadata.namespace}/${q.metadata.name}`);
  }

  private enqueueNamespace(ns: string): void {
    for (const q of this.quotas.items()) if (q.metadata.namespace === ns) this.enqueue(q);
  }

  protected async sync(key: string): Promise<void> {
    const quota = this.quotas.get(key);
    if (!quota) return;
    const ns = quota.metadata.namespace;
    const hardList = fromJSON(quota.spec?.hard);
    const hard = [...hardList.keys()];
    const byResource = new Map<string, { group: string; resource: string }>();
    for (const n of hard) {
      const r = resourceOfName(n);
      if (r) byResource.set(`${r.group}/${r.resource}`, r);
    }
    let used: ResourceList = new Map();
    for (const { group, resource } of byResource.values()) {
      const objects = await this.objects(ns, group, resource);
      if (!objects) continue;
      const ev: Evaluator = evaluatorFor(group, resource);
      used = addLists(used, usageOf(quota, hard, ev, objects));
    }
    const status = { hard: toJSON(hardList), used: toJSON(used) };
    if (JSON.stringify(status) === JSON.stringify({ hard: quota.status?.hard ?? {}, used: quota.status?.used ?? {} })) return;
    try {
      await this.ctx.client.update(RESOURCEQUOTAS, ns, { ...quota, status }, { subresource: 'status' });
    } catch (e) {
      if (isStatus(e, 404)) return;
      if (isStatus(e, 409)) this.queue.addRateLimited(key);
      else throw e;
    }
  }

  /** The namespace's objects of a resource: from an informer for the core ones, else listed (undefined: not served). */
  private async objects(ns: string, group: string, resource: string): Promise<KObject[] | undefined> {
    const inf = group === '' ? this.core.get(resource) : undefined;
    if (inf) return inf.items().filter((o) => o.metadata.namespace === ns);
    const served = (await this.ctx.client.discover()).find((d) => d.group === group && d.resource === resource && d.namespaced);
    if (!served) return undefined;
    const out: KObject[] = [];
    let cont: string | undefined;
    do {
      const page = await this.ctx.client.list({ group, version: served.version, resource, namespaced: true }, ns, { limit: 500, continue: cont, metadataOnly: true });
      out.push(...page.items);
      cont = page.continue;
    } while (cont);
    return out;
  }
}
