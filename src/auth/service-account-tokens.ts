// Service-account tokens of one cluster: TokenRequest (upstream's TokenREST), TokenReview over the real token
// authenticators, secret-based tokens for the tokens controller, and the authenticators themselves.
import { badRequest, conflict, internalError, invalid, invalidError, StatusError } from '../apimachinery/errors.js';
import type { Registry } from '../registry/index.js';
import { groupVersionKind, gvkString, TOKEN_REQUEST_GK, tokenRequestFromBody, validateTokenRequest } from '../registry/resources/token-requests.js';
import type { KObject, RequestContext, ServiceAccountTokenService } from '../registry/types.js';
import {
  boundClaims,
  EXPIRATION_EXTENSION_SECONDS,
  legacyClaims,
  signClaims,
  WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS,
  type ObjectRef,
  type ServiceAccountRef,
} from './service-account-claims.js';
import { ServiceAccountTokenAuthenticator, type ServiceAccountObjectGetter } from './service-account-authenticator.js';
import { RegistryObjectGetter } from './service-account-getter.js';
import type { ServiceAccountKeys } from './service-account-keys.js';
import type { TokenAuthenticator, UserInfo } from './types.js';

export const DEFAULT_SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface ServiceAccountTokensOptions {
  registry: Registry;
  keys: ServiceAccountKeys;
  /** --service-account-issuer (the first one signs). */
  issuers?: string[];
  /** --api-audiences (default: the issuers). */
  apiAudiences?: string[];
  /** --service-account-max-token-expiration in seconds (0: no limit). */
  maxExpirationSeconds?: number;
  /** --service-account-extend-token-expiration (default true). */
  extendExpiration?: boolean;
  getter?: ServiceAccountObjectGetter;
  now?: () => Date;
}

function intersect(a: string[], b: string[]): string[] {
  return a.filter((x) => b.includes(x));
}

function userInfoJSON(u: UserInfo): KObject {
  const out: KObject = { username: u.username };
  if (u.uid) out.uid = u.uid;
  out.groups = u.groups;
  if (u.extra && Object.keys(u.extra).length) out.extra = Object.fromEntries(Object.keys(u.extra).sort().map((k) => [k, u.extra![k]]));
  return out;
}

export class ServiceAccountTokens implements ServiceAccountTokenService {
  readonly issuer: string;
  readonly issuers: string[];
  readonly apiAudiences: string[];
  /** Bound tokens of the configured issuers. */
  readonly boundAuthenticator: ServiceAccountTokenAuthenticator;
  /** Secret-based tokens. */
  readonly legacyAuthenticator: ServiceAccountTokenAuthenticator;
  /** Token authenticators that know nothing of audiences (static tokens, loopback): they answer for the API audiences only. */
  private audienceAgnostic: TokenAuthenticator[] = [];

  constructor(private readonly opts: ServiceAccountTokensOptions) {
    this.issuers = opts.issuers?.length ? opts.issuers : [DEFAULT_SERVICE_ACCOUNT_ISSUER];
    this.issuer = this.issuers[0]!;
    this.apiAudiences = opts.apiAudiences?.length ? opts.apiAudiences : this.issuers;
    const authOpts = { keys: opts.keys, getter: opts.getter ?? new RegistryObjectGetter(opts.registry), apiAudiences: this.apiAudiences, now: opts.now };
    this.boundAuthenticator = ServiceAccountTokenAuthenticator.bound(authOpts, this.issuers);
    this.legacyAuthenticator = ServiceAccountTokenAuthenticator.legacy(authOpts);
  }

  /** The token authenticators of requests, in upstream's order: the audience-agnostic ones, then legacy, then bound tokens. */
  tokenAuthenticators(audienceAgnostic: TokenAuthenticator[]): TokenAuthenticator[] {
    this.audienceAgnostic = audienceAgnostic;
    return [...audienceAgnostic, this.legacyAuthenticator, this.boundAuthenticator];
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  /** A secret-based token for a service account's `kubernetes.io/service-account-token` Secret. */
  legacyToken(serviceAccount: ServiceAccountRef, secretName: string): Promise<string> {
    return signClaims(this.opts.keys, legacyClaims(serviceAccount, secretName));
  }

  async request(namespace: string, name: string, body: KObject, ctx: RequestContext): Promise<KObject> {
    const req = tokenRequestFromBody(body);
    if (req.metadata.name && req.metadata.name !== name)
      throw invalidError(TOKEN_REQUEST_GK, name, [invalid('metadata.name', req.metadata.name, 'must match the service account name if specified')]);
    if (req.metadata.namespace && req.metadata.namespace !== namespace)
      throw invalidError(TOKEN_REQUEST_GK, name, [invalid('metadata.namespace', req.metadata.namespace, 'must match the service account namespace if specified')]);
    const { registry } = this.opts;
    const sa = await registry.mustStore('', 'serviceaccounts').get(namespace, name);
    const spec = req.spec;
    if (!Array.isArray(spec.audiences) || spec.audiences.length === 0) spec.audiences = [...this.apiAudiences];
    const now = this.now();
    const metadata: KObject = { name: req.metadata.name || sa.metadata.name, namespace: req.metadata.namespace || sa.metadata.namespace };
    for (const [k, v] of Object.entries(req.metadata)) if (!(k in metadata) && k !== 'creationTimestamp') metadata[k] = v;
    metadata.creationTimestamp = now.toISOString().replace(/\.\d+Z$/, 'Z');
    // boundObjectRef has no omitempty upstream: an unbound request answers null
    spec.boundObjectRef ??= null;
    const out: KObject = { kind: 'TokenRequest', apiVersion: 'authentication.k8s.io/v1', metadata, spec };
    const errs = validateTokenRequest(out);
    if (errs.length) throw invalidError(TOKEN_REQUEST_GK, '', errs);

    let pod: ObjectRef | undefined;
    let secret: ObjectRef | undefined;
    let node: ObjectRef | undefined;
    const ref = spec.boundObjectRef as KObject | null;
    if (ref) {
      const gvk = groupVersionKind(ref.apiVersion, ref.kind);
      const refName = String(ref.name ?? '');
      let uid: string;
      if (gvk.group === '' && gvk.kind === 'Pod') {
        const p = await registry.mustStore('', 'pods').get(namespace, refName);
        if (name !== (p.spec?.serviceAccountName ?? '')) throw badRequest(`cannot bind token for serviceaccount ${JSON.stringify(name)} to pod running with different serviceaccount name.`);
        uid = p.metadata.uid;
        pod = { name: p.metadata.name, uid };
        const nodeName = p.spec?.nodeName;
        if (nodeName) {
          try {
            const n = await registry.mustStore('', 'nodes').get('', nodeName);
            node = { name: n.metadata.name, uid: n.metadata.uid };
          } catch (e) {
            // a node that is gone still names where the pod ran, without a uid
            if (!(e instanceof StatusError && e.code === 404)) throw internalError(e);
            node = { name: nodeName };
          }
        }
      } else if (gvk.group === '' && gvk.kind === 'Node') {
        const n = await registry.mustStore('', 'nodes').get('', refName);
        uid = n.metadata.uid;
        node = { name: n.metadata.name, uid };
      } else if (gvk.group === '' && gvk.kind === 'Secret') {
        const s = await registry.mustStore('', 'secrets').get(namespace, refName);
        uid = s.metadata.uid;
        secret = { name: s.metadata.name, uid };
      } else {
        throw badRequest(`cannot bind token to object of type ${gvkString(gvk)}`);
      }
      if (ref.uid && ref.uid !== uid)
        throw conflict({ group: gvk.group, resource: gvk.kind }, refName, `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`);
    }

    const max = this.opts.maxExpirationSeconds ?? 0;
    if (max > 0 && spec.expirationSeconds > max) {
      ctx.warnings.push(`requested expiration of ${spec.expirationSeconds} seconds shortened to ${max} seconds`);
      spec.expirationSeconds = max;
    }
    // a projected volume's default token is valid for a year but reported as stale after its hour (safe rollout of bound tokens)
    let exp = spec.expirationSeconds as number;
    let warnAfter = 0;
    const kubeAudiences = (spec.audiences as string[]).every((a) => this.apiAudiences.includes(a));
    if ((this.opts.extendExpiration ?? true) && pod && exp === WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS && kubeAudiences) {
      warnAfter = exp;
      exp = EXPIRATION_EXTENSION_SECONDS;
    }
    const claims = boundClaims({
      issuer: this.issuer,
      serviceAccount: { namespace: sa.metadata.namespace, name: sa.metadata.name, uid: sa.metadata.uid },
      pod,
      secret,
      node,
      audiences: spec.audiences,
      expirationSeconds: exp,
      warnAfterSeconds: warnAfter,
      now,
    });
    const token = await signClaims(this.opts.keys, claims);
    const expiration = new Date(Math.floor(now.getTime() / 1000) * 1000 + spec.expirationSeconds * 1000);
    out.status = { token, expirationTimestamp: expiration.toISOString().replace(/\.\d+Z$/, 'Z') };
    return out;
  }

  async review(token: string, audiences: string[]): Promise<KObject> {
    const requested = audiences.length ? audiences : this.apiAudiences;
    const ok = (user: UserInfo, auds: string[]) => {
      const status: KObject = { authenticated: true, user: userInfoJSON(user) };
      if (auds.length) status.audiences = auds;
      return status;
    };
    const implicit = intersect(this.apiAudiences, requested);
    if (implicit.length) {
      for (const a of this.audienceAgnostic) {
        const u = await a.authenticateToken(token);
        if (u) return ok(u, implicit);
      }
    }
    const errors: string[] = [];
    for (const a of [this.legacyAuthenticator, this.boundAuthenticator]) {
      const r = await a.check(token, requested);
      if (!r.handled) continue;
      if ('user' in r) return ok(r.user, r.audiences);
      errors.push(r.error);
    }
    // kube-apiserver's union of authenticators reports the bearer-token failure beside the authenticator's own
    const error = errors.length ? `[invalid bearer token, ${errors.join(', ')}]` : 'invalid bearer token';
    return { user: {}, error };
  }
}
