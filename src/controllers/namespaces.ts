// In-process controllers for namespaces: every namespace gets a `default` ServiceAccount and the
// `kube-root-ca.crt` ConfigMap; a terminating namespace is emptied and then finalized.
import { StatusError } from '../apimachinery/errors.js';
import type { Registry } from '../registry/index.js';
import type { KObject, StrategyContext } from '../registry/types.js';

const SYSTEM_USER = { username: 'system:kube-controller-manager', groups: ['system:masters', 'system:authenticated'] };

export class NamespaceControllers {
  private stopWatch?: () => void;
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly registry: Registry,
    private readonly caCertPem: string,
  ) {}

  private ctx(): Omit<StrategyContext, 'namespace'> {
    return { user: SYSTEM_USER, dryRun: false, warnings: [], services: this.registry.services };
  }

  async start(): Promise<void> {
    const nsStore = this.registry.mustStore('', 'namespaces');
    const h = await nsStore.watch('', {}, {
      event: (type, obj) => {
        if (type === 'DELETED') return;
        this.enqueue(() => this.sync(obj));
      },
      error: () => {},
    });
    this.stopWatch = () => h.stop();
  }

  private enqueue(fn: () => Promise<void>): void {
    this.queue = this.queue.then(fn).catch((e) => {
      if (!(e instanceof StatusError)) console.error('minikapi: namespace controller:', e);
    });
  }

  /** Wait for queued work (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  stop(): void {
    this.stopWatch?.();
  }

  private async sync(ns: KObject): Promise<void> {
    const name: string = ns.metadata.name;
    if (ns.metadata.deletionTimestamp) return this.finalize(name);
    await this.ensure('', 'serviceaccounts', name, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: name } });
    await this.ensure('', 'configmaps', name, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace: name, annotations: { 'kubernetes.io/description': 'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.' } },
      data: { 'ca.crt': this.caCertPem },
    });
  }

  private async ensure(group: string, resource: string, ns: string, obj: KObject): Promise<void> {
    const store = this.registry.mustStore(group, resource);
    try {
      await store.get(ns, obj.metadata.name);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
      try {
        await store.create(ns, obj, this.ctx());
      } catch (e2) {
        if (!(e2 instanceof StatusError && (e2.code === 409 || e2.code === 403 || e2.code === 404))) throw e2;
      }
    }
  }

  private async finalize(name: string): Promise<void> {
    for (const store of this.registry.allStores()) {
      if (!store.def.namespaced || store.def.createOnly) continue;
      const l = await store.list(name, {});
      for (const o of l.items) {
        try {
          await store.delete(name, o.metadata.name, {}, this.ctx());
        } catch (e) {
          if (!(e instanceof StatusError && e.code === 404)) throw e;
        }
      }
    }
    // objects held by finalizers keep the namespace until they go
    for (const store of this.registry.allStores()) {
      if (!store.def.namespaced || store.def.createOnly) continue;
      const l = await store.list(name, { limit: 1 });
      if (l.items.length) {
        setTimeout(() => this.enqueue(async () => {
          try {
            const ns = await this.registry.mustStore('', 'namespaces').get('', name);
            await this.sync(ns);
          } catch {
            /* gone */
          }
        }), 1000).unref();
        return;
      }
    }
    // as the finalize subresource: the namespace goes once its spec.finalizers are empty
    await this.registry.mustStore('', 'namespaces').update('', name, (cur) => {
      if (!cur?.metadata.deletionTimestamp) return null;
      cur.spec = { ...(cur.spec ?? {}), finalizers: [] };
      return cur;
    }, this.ctx(), { raw: true }).catch((e) => {
      if (!(e instanceof StatusError && (e.code === 404 || e.code === 409))) throw e;
    });
  }
}
