// serviceaccount-controller: every active namespace has a `default` ServiceAccount.
import type { KObject } from '../client/types.js';
import { NAMESPACES, SERVICEACCOUNTS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

export class ServiceAccountsController extends QueueController {
  private namespaces!: Informer;
  private accounts!: Informer;

  constructor() {
    super('serviceaccount', 2);
  }

  protected register(): void {
    this.namespaces = this.ctx.informers.informer(NAMESPACES).on({ add: (ns) => this.queue.add(ns.metadata.name), update: (_, ns) => this.queue.add(ns.metadata.name) });
    this.accounts = this.ctx.informers.informer(SERVICEACCOUNTS).on({ delete: (sa: KObject) => sa.metadata.name === 'default' && this.queue.add(sa.metadata.namespace) });
  }

  protected async sync(ns: string): Promise<void> {
    const namespace = this.namespaces.get(ns);
    if (!namespace || namespace.metadata.deletionTimestamp || this.accounts.get(`${ns}/default`)) return;
    try {
      await this.ctx.client.create(SERVICEACCOUNTS, ns, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default' } });
    } catch (e) {
      // already there, or the namespace went away or started terminating meanwhile
      if (!isStatus(e, 409, 404, 403)) throw e;
    }
  }
}
