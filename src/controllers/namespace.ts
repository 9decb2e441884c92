// namespace controller: a namespace being deleted is emptied of every namespaced object (custom resources
// included), its status conditions tell how that goes, and once nothing is left its `kubernetes`
// finalizer is removed through the finalize subresource, as kube-controller-manager's namespace deleter does.
import type { DiscoveredResource, KObject } from '../client/types.js';
import { NAMESPACES } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';

const FINALIZER = 'kubernetes';
const CONDITION_TYPES = ['NamespaceDeletionDiscoveryFailure', 'NamespaceDeletionGroupVersionParsingFailure', 'NamespaceDeletionContentFailure', 'NamespaceContentRemaining', 'NamespaceFinalizersRemaining'];
const OK: Record<string, [reason: string, message: string]> = {
  NamespaceDeletionDiscoveryFailure: ['ResourcesDiscovered', 'All resources successfully discovered'],
  NamespaceDeletionGroupVersionParsingFailure: ['ParsedGroupVersions', 'All legacy kube types successfully parsed'],
  NamespaceDeletionContentFailure: ['ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
  NamespaceContentRemaining: ['ContentRemoved', 'All content successfully removed'],
  NamespaceFinalizersRemaining: ['ContentHasNoFinalizers', 'All content-preserving finalizers finished'],
};

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

export class NamespaceController extends QueueController {
  private namespaces!: Informer;
  private discovery?: { at: number; resources: DiscoveredResource[] };

  constructor() {
    super('namespace', 5, 5_000);
  }

  protected register(): void {
    const check = (ns: KObject) => ns.metadata.deletionTimestamp && this.queue.add(ns.metadata.name);
    this.namespaces = this.ctx.informers.informer(NAMESPACES).on({ add: check, update: (_, ns) => check(ns) });
  }

  private async resources(): Promise<DiscoveredResource[]> {
    if (this.discovery && Date.now() - this.discovery.at < 1000) return this.discovery.resources;
    const resources = (await this.ctx.client.discover()).filter((r) => r.namespaced && r.verbs.includes('list') && r.verbs.includes('delete'));
    this.discovery = { at: Date.now(), resources };
    return resources;
  }

  protected async sync(name: string): Promise<void> {
    const ns = this.namespaces.get(name);
    if (!ns?.metadata.deletionTimestamp || !(ns.spec?.finalizers ?? []).includes(FINALIZER)) return;
    const conditions = new Map<string, { status: string; reason: string; message: string }>();
    let resources: DiscoveredResource[] = [];
    try {
      resources = await this.resources();
    } catch (e) {
      conditions.set('NamespaceDeletionDiscoveryFailure', { status: 'True', reason: 'DiscoveryFailed', message: `Discovery failed for some groups, 1 failing: ${(e as Error).message}` });
    }
    const failures: string[] = [];
    for (const r of resources) {
      try {
        if (r.verbs.includes('deletecollection')) await this.ctx.client.deleteCollection(r, name);
        else for (const o of (await this.ctx.client.list(r, name)).items) await this.ctx.client.delete(r, name, o.metadata.name).catch((e) => !isStatus(e, 404, 409) && Promise.reject(e));
      } catch (e) {
        if (!isStatus(e, 404, 405)) failures.push(`${(e as Error).message}`);
      }
    }
    if (failures.length) conditions.set('NamespaceDeletionContentFailure', { status: 'True', reason: 'ContentDeletionFailed', message: `Failed to delete all resource types, ${failures.length} remaining: ${failures.join(', ')}` });
    const remaining = new Map<string, number>();
    const finalizers = new Map<string, number>();
    for (const r of resources) {
      let items: KObject[] = [];
      try {
        items = (await this.ctx.client.list(r, name)).items;
      } catch {
        continue;
      }
      if (!items.length) continue;
      remaining.set(`${r.resource}.${r.group}`, items.length);
      for (const o of items) for (const f of o.metadata.finalizers ?? []) finalizers.set(f, (finalizers.get(f) ?? 0) + 1);
    }
    if (remaining.size)
      conditions.set('NamespaceContentRemaining', { status: 'True', reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${[...remaining].sort().map(([gr, n]) => `${gr} has ${n} resource instances`).join(', ')}` });
    if (finalizers.size)
      conditions.set('NamespaceFinalizersRemaining', { status: 'True', reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${[...finalizers].sort().map(([f, n]) => `${f} in ${n} resource instances`).join(', ')}` });
    await this.updateConditions(ns, conditions);
    if (remaining.size || failures.length) throw new Requeue(`namespace ${name}: content remains`);
    try {
      await this.ctx.client.update(NAMESPACES, '', { ...ns, spec: { ...ns.spec, finalizers: ns.spec.finalizers.filter((f: string) => f !== FINALIZER) } }, { subresource: 'finalize' });
    } catch (e) {
      if (!isStatus(e, 404, 409)) throw e;
      if (isStatus(e, 409)) this.queue.addRateLimited(name);
    }
  }

  /** Writes the five deletion conditions (failures given, the rest as upstream's "ok" ones) when they changed. */
  private async updateConditions(ns: KObject, failing: Map<string, { status: string; reason: string; message: string }>): Promise<void> {
    const old: Condition[] = ns.status?.conditions ?? [];
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    let changed = false;
    const next = CONDITION_TYPES.map((type) => {
      const want = failing.get(type) ?? { status: 'False', reason: OK[type]![0], message: OK[type]![1] };
      const prev = old.find((c) => c.type === type);
      if (prev && prev.status === want.status && prev.reason === want.reason && prev.message === want.message) return prev;
      changed = true;
      return { type, status: want.status, lastTransitionTime: prev && prev.status === want.status ? prev.lastTransitionTime : now, reason: want.reason, message: want.message };
    });
    if (!changed) return;
    const others = old.filter((c) => !CONDITION_TYPES.includes(c.type));
    try {
      await this.ctx.client.update(NAMESPACES, '', { ...ns, status: { ...ns.status, conditions: [...others, ...next] } }, { subresource: 'status' });
    } catch (e) {
      if (!isStatus(e, 404, 409)) throw e;
    }
  }
}
