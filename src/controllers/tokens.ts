// serviceaccount-token controller: a Secret of type kubernetes.io/service-account-token naming a service account gets
// its token, ca.crt and namespace (and the account's uid annotation); tokens of deleted accounts are deleted.
import type { GVR, KObject } from '../client/types.js';
import { SERVICEACCOUNTS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

const SECRETS: GVR = { group: '', version: 'v1', resource: 'secrets', namespaced: true };
export const SERVICE_ACCOUNT_TOKEN_TYPE = 'kubernetes.io/service-account-token';
export const SERVICE_ACCOUNT_NAME_KEY = 'kubernetes.io/service-account.name';
export const SERVICE_ACCOUNT_UID_KEY = 'kubernetes.io/service-account.uid';

/** Signs secret-based tokens (the server's service-account key). */
export interface LegacyTokenGenerator {
  legacyToken(serviceAccount: { namespace: string; name: string; uid: string }, secretName: string): Promise<string>;
}

const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');
const unb64 = (s: string | undefined) => (s ? Buffer.from(s, 'base64').toString('utf8') : '');

export class TokensController extends QueueController {
  private secrets!: Informer;
  private accounts!: Informer;

  constructor(private readonly generator: LegacyTokenGenerator) {
    super('serviceaccount-token', 2);
  }

  protected register(): void {
    const secret = (s: KObject) => this.queue.add(`secret/${s.metadata.namespace}/${s.metadata.name}`);
    this.secrets = this.ctx.informers.informer(SECRETS, { fieldSelector: `type=${SERVICE_ACCOUNT_TOKEN_TYPE}` }).on({ add: secret, update: (_, s) => secret(s), delete: secret });
    const account = (sa: KObject) => this.queue.add(`sa/${sa.metadata.namespace}/${sa.metadata.name}/${sa.metadata.uid ?? ''}`);
    this.accounts = this.ctx.informers.informer(SERVICEACCOUNTS).on({ delete: account });
  }

  protected async sync(key: string): Promise<void> {
    const [what, ns, name, uid] = key.split('/') as [string, string, string, string?];
    if (what === 'sa') return this.deleteTokensOf(ns, name, uid ?? '');
    const s = this.secrets.get(`${ns}/${name}`);
    if (!s) return this.forgetSecret(ns, name);
    const saName = s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_KEY] ?? '';
    const saUID = s.metadata.annotations?.[SERVICE_ACCOUNT_UID_KEY] ?? '';
    const sa = await this.serviceAccount(ns, saName, saUID);
    if (!sa) return this.deleteToken(s);
    await this.populate(sa, s);
  }

  /** The account from the cache, else from the API; none when missing or another account of that name. */
  private async serviceAccount(ns: string, name: string, uid: string): Promise<KObject | undefined> {
    let sa = this.accounts.get(`${ns}/${name}`);
    if (!sa) {
      try {
        sa = await this.ctx.client.get(SERVICEACCOUNTS, ns, name);
      } catch (e) {
        if (isStatus(e, 404)) return undefined;
        throw e;
      }
    }
    if (uid && sa.metadata.uid !== uid) return undefined;
    return sa;
  }

  private needs(s: KObject): boolean {
    const d = s.data ?? {};
    return unb64(d['ca.crt']) !== this.ctx.caCertPem || !d.namespace || !d.token;
  }

  private async populate(sa: KObject, cached: KObject): Promise<void> {
    if (!this.needs(cached)) return;
    let live: KObject;
    try {
      live = await this.ctx.client.get(SECRETS, cached.metadata.namespace, cached.metadata.name);
    } catch (e) {
      if (isStatus(e, 404)) return;
      throw e;
    }
    // our view is behind: the update event brings us back
    if (live.metadata.resourceVersion !== cached.metadata.resourceVersion || !this.needs(live)) return;
    const data: Record<string, string> = { ...(live.data ?? {}) };
    if (unb64(data['ca.crt']) !== this.ctx.caCertPem) data['ca.crt'] = b64(this.ctx.caCertPem);
    if (!data.namespace) data.namespace = b64(live.metadata.namespace);
    if (!data.token) data.token = b64(await this.generator.legacyToken({ namespace: sa.metadata.namespace, name: sa.metadata.name, uid: sa.metadata.uid }, live.metadata.name));
    live.data = data;
    live.metadata.annotations = { ...(live.metadata.annotations ?? {}), [SERVICE_ACCOUNT_NAME_KEY]: sa.metadata.name, [SERVICE_ACCOUNT_UID_KEY]: sa.metadata.uid };
    try {
      await this.ctx.client.update(SECRETS, live.metadata.namespace, live);
    } catch (e) {
      // someone else changed it (an update event follows) or it is gone
      if (!isStatus(e, 409, 404)) throw e;
    }
  }

  /** A deleted token Secret no longer appears in its account's `secrets`. */
  private async forgetSecret(ns: string, name: string): Promise<void> {
    for (const sa of this.accounts.items()) {
      if (sa.metadata.namespace !== ns || !(sa.secrets ?? []).some((r: KObject) => r.name === name)) continue;
      const next = structuredClone(sa);
      next.secrets = next.secrets.filter((r: KObject) => r.name !== name);
      try {
        await this.ctx.client.update(SERVICEACCOUNTS, ns, next);
      } catch (e) {
        if (!isStatus(e, 404)) throw e;
      }
    }
  }

  private async deleteToken(s: KObject): Promise<void> {
    try {
      await this.ctx.client.delete(SECRETS, s.metadata.namespace, s.metadata.name, { preconditions: { uid: s.metadata.uid } });
    } catch (e) {
      if (!isStatus(e, 404, 409)) throw e;
    }
  }

  private async deleteTokensOf(ns: string, name: string, uid: string): Promise<void> {
    for (const s of this.secrets.items()) {
      if (s.metadata.namespace !== ns || s.metadata.annotations?.[SERVICE_ACCOUNT_NAME_KEY] !== name) continue;
      const secretUID = s.metadata.annotations?.[SERVICE_ACCOUNT_UID_KEY];
      if (secretUID && uid && secretUID !== uid) continue;
      await this.deleteToken(s);
    }
  }
}
