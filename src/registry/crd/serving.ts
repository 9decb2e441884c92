// What apiextensions-apiserver does beside the CRD store: the naming controller (accepted names, conflicts),
// the establishing controller, serving each established CRD's versions, and the finalizer that removes
// every custom resource of a deleted CRD before the CRD goes. Part of the API server, so it uses the
// registry directly.
import { logError } from '../../log/index.js';
import { StatusError } from '../../apimachinery/errors.js';
import type { Registry } from '../index.js';
import { CLEANUP_FINALIZER, crdCondition } from '../resources/apiextensions.js';
import type { Store } from '../store.js';
import type { KObject, RequestContext } from '../types.js';
import { customResourceDefs, storageVersionOf } from './custom-resources.js';
import { hasValidationRules, loadCel } from '../../cel/lazy.js';

const SYSTEM = { username: 'system:apiserver', groups: ['system:masters'] };

function condition(crd: KObject, type: string): KObject | undefined {
  return (crd.status?.conditions ?? []).find((c: KObject) => c.type === type);
}

/** The names another CRD of the same group already serves that this one asks for, as the naming controller reports them. */
function nameConflict(crd: KObject, others: KObject[]): { reason: string; message: string } | undefined {
  const n = crd.spec?.names ?? {};
  for (const o of others) {
    if (o.spec?.group !== crd.spec?.group || o.metadata.name === crd.metadata.name) continue;
    const a = o.status?.acceptedNames ?? {};
    const taken = new Set<string>([a.plural, a.singular, ...(a.shortNames ?? [])].filter(Boolean));
    if (taken.has(n.plural)) return { reason: 'PluralConflict', message: `"${n.plural}" is already in use` };
    if (n.singular && taken.has(n.singular)) return { reason: 'SingularConflict', message: `"${n.singular}" is already in use` };
    for (const s of n.shortNames ?? []) if (taken.has(s)) return { reason: 'ShortNamesConflict', message: `"${s}" is already in use` };
    const kinds = new Set<string>([a.kind, a.listKind].filter(Boolean));
    if (kinds.has(n.kind)) return { reason: 'KindConflict', message: `"${n.kind}" is already in use` };
    if (n.listKind && kinds.has(n.listKind)) return { reason: 'ListKindConflict', message: `"${n.listKind}" is already in use` };
  }
  return undefined;
}

export class CRDServing {
  private readonly crds = new Map<string, KObject>();
  private readonly queues = new Map<string, Promise<void>>();
  private stopWatch?: () => void;
  private readonly retries = new Set<NodeJS.Timeout>();
  private stopped = false;
  private readonly store: Store;

  constructor(private readonly registry: Registry) {
    this.store = registry.mustStore('apiextensions.k8s.io', 'customresourcedefinitions');
  }

  private ctx(): RequestContext {
    return { user: SYSTEM, dryRun: false, warnings: [], services: this.registry.services };
  }

  /** Serves every CRD already stored, then follows changes. */
  async start(): Promise<void> {
    const existing = await this.store.list('', {});
    for (const crd of existing.items) this.crds.set(crd.metadata.name, crd);
    await Promise.all(existing.items.map((crd) => this.sync(crd.metadata.name)));
    const h = await this.store.watch('', { resourceVersion: existing.resourceVersion }, {
      event: (type, crd) => {
        if (type === 'DELETED') this.crds.delete(crd.metadata.name);
        else this.crds.set(crd.metadata.name, crd);
        this.enqueue(crd.metadata.name);
      },
      error: () => {
        // the watch was cut (compaction): start over from a fresh list
        if (!this.stopped) void this.restart();
      },
    });
    this.stopWatch = () => h.stop();
  }

  private async restart(): Promise<void> {
    this.stopWatch?.();
    this.crds.clear();
    await this.start();
  }

  stop(): void {
    this.stopped = true;
    this.stopWatch?.();
    for (const t of this.retries) clearTimeout(t);
  }

  /** Resolves once every queued sync is done (tests). */
  async idle(): Promise<void> {
    while (this.queues.size) await Promise.all(this.queues.values());
  }

  private enqueue(name: string): void {
    const prev = this.queues.get(name) ?? Promise.resolve();
    const next = prev
      .then(() => this.sync(name))
      .catch((e) => {
        if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) logError('crd-serving', 'cannot update the CustomResourceDefinition', e, { crd: name });
      })
      .finally(() => {
        if (this.queues.get(name) === next) this.queues.delete(name);
      });
    this.queues.set(name, next);
  }

  private retry(name: string, ms: number): void {
    const t = setTimeout(() => {
      this.retries.delete(t);
      if (!this.stopped) this.enqueue(name);
    }, ms);
    t.unref();
    this.retries.add(t);
  }

  private async sync(name: string): Promise<void> {
    const crd = this.crds.get(name);
    if (!crd) return this.registry.removeCustomResources(name);
    if (crd.metadata.deletionTimestamp) return this.finalize(crd);
    const conflict = nameConflict(crd, [...this.crds.values()]);
    // its custom resources' validation runs the CRD's rules: the CEL library is loaded before they are served
    if (!conflict && hasValidationRules(crd.spec)) await loadCel();
    if (!conflict) this.registry.setCustomResources(name, customResourceDefs({ ...crd, status: { ...crd.status, acceptedNames: crd.spec.names } }, this.registry.services));
    await this.updateStatus(name, (cur) => {
      if (conflict) {
        crdCondition(cur, 'NamesAccepted', 'False', conflict.reason, conflict.message);
        if (condition(cur, 'Established')?.status !== 'True') crdCondition(cur, 'Established', 'False', 'NotAccepted', 'not all names are accepted');
        return;
      }
      const n = cur.spec.names;
      const accepted: KObject = { plural: n.plural ?? '' };
      if (n.singular) accepted.singular = n.singular;
      if (n.shortNames?.length) accepted.shortNames = [...n.shortNames];
      accepted.kind = n.kind ?? '';
      if (n.listKind) accepted.listKind = n.listKind;
      if (n.categories?.length) accepted.categories = [...n.categories];
      cur.status.acceptedNames = accepted;
      crdCondition(cur, 'NamesAccepted', 'True', 'NoConflicts', 'no conflicts found');
      crdCondition(cur, 'Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted');
    });
  }

  /** A status change by the controllers of apiextensions (written as they write it, through the status subresource). */
  private async updateStatus(name: string, change: (crd: KObject) => void): Promise<void> {
    await this.store.update('', name, (cur) => {
      if (!cur) return null;
      const before = JSON.stringify(cur.status);
      cur.status ??= {};
      change(cur);
      return JSON.stringify(cur.status) === before ? null : cur;
    }, this.ctx(), { raw: true });
  }

  /** The CRD finalizer: delete every custom resource, then let the CRD go. */
  private async finalize(crd: KObject): Promise<void> {
    const name = crd.metadata.name;
    if (!(crd.metadata.finalizers ?? []).includes(CLEANUP_FINALIZER)) return;
    await this.updateStatus(name, (cur) => crdCondition(cur, 'Terminating', 'True', 'InstanceDeletionInProgress', 'CustomResource deletion is in progress'));
    const defs = this.registry.defs.filter((d) => d.customResource && d.group === crd.spec.group && d.resource === crd.status?.acceptedNames?.plural);
    // the storage version, as upstream's finalizer: no conversion (webhook) call for objects stored in it
    const served = defs.find((d) => d.version === storageVersionOf(crd)) ?? defs[0];
    const store = served ? this.registry.store(served.group, served.version, served.resource) : undefined;
    let remaining = 0;
    if (store) {
      for (const o of (await store.list('', {})).items) {
        try {
          await store.delete(o.metadata.namespace ?? '', o.metadata.name, {}, this.ctx());
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
      remaining = (await store.list('', {})).items.length;
    }
    if (remaining > 0) {
      // objects with finalizers of their own are waited for, as upstream's CRD finalizer does
      await this.updateStatus(name, (cur) => crdCondition(cur, 'Terminating', 'True', 'InstanceDeletionCheck', `could not confirm zero CustomResources remaining: ${remaining} remain`));
      return this.retry(name, 1000);
    }
    await this.store.update('', name, (cur) => {
      if (!cur) return null;
      cur.metadata.finalizers = (cur.metadata.finalizers ?? []).filter((f: string) => f !== CLEANUP_FINALIZER);
      return cur;
    }, this.ctx(), { raw: true });
  }
}
