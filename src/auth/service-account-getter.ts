// The objects service-account tokens are checked against, read from the registry's watch cache: the cache hands out
// the same value until the object changes, so each value is parsed once however many requests present a token.
import { notFound } from '../apimachinery/errors.js';
import type { Registry, Store } from '../registry/index.js';
import type { KeyValue } from '../storage/backend.js';
import { LEGACY_TOKEN_INVALID_SINCE_LABEL, LEGACY_TOKEN_LAST_USED_LABEL, type ObjectFacts, type ServiceAccountObjectGetter } from './service-account-authenticator.js';

export class RegistryObjectGetter implements ServiceAccountObjectGetter {
  private readonly facts = new WeakMap<KeyValue, ObjectFacts>();
  private readonly serviceAccounts: Store;
  private readonly secrets: Store;
  private readonly pods: Store;
  private readonly nodes: Store;

  constructor(private readonly registry: Registry) {
    this.serviceAccounts = registry.mustStore('', 'serviceaccounts');
    this.secrets = registry.mustStore('', 'secrets');
    this.pods = registry.mustStore('', 'pods');
    this.nodes = registry.mustStore('', 'nodes');
  }

  private async lookup(store: Store, ns: string, name: string): Promise<ObjectFacts | undefined> {
    if (!name) return undefined;
    const kv = await this.registry.storage.get(store.key(ns, name));
    if (!kv) return undefined;
    let f = this.facts.get(kv);
    if (!f) {
      const o = JSON.parse(kv.value.toString('utf8'));
      f = { uid: o.metadata?.uid ?? '' };
      if (o.metadata?.deletionTimestamp) f.deletionTimestamp = o.metadata.deletionTimestamp;
      if (typeof o.data?.token === 'string') f.token = Buffer.from(o.data.token, 'base64').toString('utf8');
      const labels = o.metadata?.labels ?? {};
      if (labels[LEGACY_TOKEN_LAST_USED_LABEL]) f.lastUsed = labels[LEGACY_TOKEN_LAST_USED_LABEL];
      if (labels[LEGACY_TOKEN_INVALID_SINCE_LABEL]) f.invalidSince = labels[LEGACY_TOKEN_INVALID_SINCE_LABEL];
      this.facts.set(kv, f);
    }
    return f;
  }

  async serviceAccount(namespace: string, name: string): Promise<ObjectFacts> {
    const f = await this.lookup(this.serviceAccounts, namespace, name);
    if (!f) throw notFound(this.serviceAccounts.gr, name);
    return f;
  }

  secret(namespace: string, name: string): Promise<ObjectFacts | undefined> {
    return this.lookup(this.secrets, namespace, name);
  }

  pod(namespace: string, name: string): Promise<ObjectFacts | undefined> {
    return this.lookup(this.pods, namespace, name);
  }

  node(name: string): Promise<ObjectFacts | undefined> {
    return this.lookup(this.nodes, '', name);
  }

  markLegacyTokenUsed(namespace: string, name: string, uid: string, day: string): void {
    const ctx = { user: { username: 'system:apiserver', groups: ['system:masters'] }, dryRun: false, warnings: [], services: this.registry.services };
    void this.secrets
      .update(
        namespace,
        name,
        (cur) => {
          if (!cur || cur.metadata.uid !== uid || cur.metadata.labels?.[LEGACY_TOKEN_LAST_USED_LABEL] === day) return null;
          cur.metadata.labels = { ...(cur.metadata.labels ?? {}), [LEGACY_TOKEN_LAST_USED_LABEL]: day };
          return cur;
        },
        ctx,
        { raw: true },
      )
      .catch(() => {
        /* the next use tries again */
      });
  }
}
