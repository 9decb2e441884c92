// Service-account JWTs as kube-apiserver authenticates them: one authenticator for bound tokens (the configured
// issuers) and one for secret-based tokens (issuer kubernetes/serviceaccount), each checking signature, issuer,
// audiences, time, and that the service account and bound object still exist with the same uid.
import { jose } from './jose.js';
import { LEGACY_ISSUER, serviceAccountUsername } from './service-account-claims.js';
import type { ServiceAccountKeys } from './service-account-keys.js';
import type { TokenAuthenticator, UserInfo } from './types.js';

/** What the validators need to know of an object: it exists with this uid, maybe deleted. */
export interface ObjectFacts {
  uid: string;
  deletionTimestamp?: string;
  /** Secrets: the `token` data, decoded. */
  token?: string;
  /** Secrets: the legacy-token-last-used and legacy-token-invalid-since labels. */
  lastUsed?: string;
  invalidSince?: string;
}

/** Lookups of the live objects, answered from memory (a watch cache), never a storage read per request. */
export interface ServiceAccountObjectGetter {
  /** Throws the NotFound StatusError (`serviceaccounts "x" not found`) when missing. */
  serviceAccount(namespace: string, name: string): Promise<ObjectFacts>;
  secret(namespace: string, name: string): Promise<ObjectFacts | undefined>;
  pod(namespace: string, name: string): Promise<ObjectFacts | undefined>;
  node(name: string): Promise<ObjectFacts | undefined>;
  /** Labels a legacy token's Secret with the day it was used (in the background; failures are harmless). */
  markLegacyTokenUsed?(namespace: string, name: string, uid: string, day: string): void;
}

export const LEGACY_TOKEN_LAST_USED_LABEL = 'kubernetes.io/legacy-token-last-used';
export const LEGACY_TOKEN_INVALID_SINCE_LABEL = 'kubernetes.io/legacy-token-invalid-since';

export type TokenCheck = { handled: false } | { handled: true; error: string } | { handled: true; user: UserInfo; audiences: string[] };

export const EXTRA_POD_NAME = 'authentication.kubernetes.io/pod-name';
export const EXTRA_POD_UID = 'authentication.kubernetes.io/pod-uid';
export const EXTRA_NODE_NAME = 'authentication.kubernetes.io/node-name';
export const EXTRA_NODE_UID = 'authentication.kubernetes.io/node-uid';
export const EXTRA_CREDENTIAL_ID = 'authentication.kubernetes.io/credential-id';

/** go-jose's tolerance for clock skew. */
const LEEWAY_SECONDS = 60;
const CRYPTO_FAILURE = 'go-jose/go-jose: error in cryptographic primitive';

interface ServiceAccountInfo {
  namespace: string;
  name: string;
  uid: string;
  podName?: string;
  podUID?: string;
  nodeName?: string;
  nodeUID?: string;
  credentialID?: string;
}

/** user.Info of a service account (upstream's ServiceAccountInfo.UserInfo, then the authenticated group). */
export function serviceAccountUser(sa: ServiceAccountInfo): UserInfo {
  const extra: Record<string, string[]> = {};
  if (sa.credentialID) extra[EXTRA_CREDENTIAL_ID] = [sa.credentialID];
  if (sa.nodeName) {
    extra[EXTRA_NODE_NAME] = [sa.nodeName];
    if (sa.nodeUID) extra[EXTRA_NODE_UID] = [sa.nodeUID];
  }
  if (sa.podName && sa.podUID) {
    extra[EXTRA_POD_NAME] = [sa.podName];
    extra[EXTRA_POD_UID] = [sa.podUID];
  }
  const user: UserInfo = {
    username: serviceAccountUsername(sa.namespace, sa.name),
    uid: sa.uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${sa.namespace}`, 'system:authenticated'],
  };
  if (Object.keys(extra).length) user.extra = extra;
  return user;
}

/** Go's %q of a []string: ["a" "b"]. */
function goQuoteList(xs: string[]): string {
  return `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;
}

function intersect(a: string[], b: string[]): string[] {
  return a.filter((x) => b.includes(x));
}

function decodeSegment(s: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(Buffer.from(s, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

type Claims = Record<string, unknown>;
type Validate = (token: string, claims: Claims) => Promise<ServiceAccountInfo | string>;

export interface ServiceAccountAuthenticatorOptions {
  keys: ServiceAccountKeys;
  getter: ServiceAccountObjectGetter;
  /** The API audiences (--api-audiences, default the issuers): what a token without `aud` or a request without audiences means. */
  apiAudiences: string[];
  now?: () => Date;
}

/** One JWT authenticator (upstream's jwtTokenAuthenticator) over a set of issuers and a validator. */
export class ServiceAccountTokenAuthenticator implements TokenAuthenticator {
  private readonly issuers: Set<string>;
  private readonly validate: Validate;

  private constructor(
    private readonly opts: ServiceAccountAuthenticatorOptions,
    issuers: string[],
    kind: 'bound' | 'legacy',
  ) {
    this.issuers = new Set(issuers);
    this.validate = kind === 'bound' ? (_t, c) => this.validateBound(c) : (t, c) => this.validateLegacy(t, c);
  }

  /** Bound tokens (TokenRequest, projected volumes) of these issuers (--service-account-issuer). */
  static bound(opts: ServiceAccountAuthenticatorOptions, issuers: string[]): ServiceAccountTokenAuthenticator {
    return new ServiceAccountTokenAuthenticator(opts, issuers, 'bound');
  }

  /** Secret-based tokens (issuer kubernetes/serviceaccount) that still match their Secret. */
  static legacy(opts: ServiceAccountAuthenticatorOptions): ServiceAccountTokenAuthenticator {
    return new ServiceAccountTokenAuthenticator(opts, [LEGACY_ISSUER], 'legacy');
  }

  async authenticateToken(token: string): Promise<UserInfo | undefined> {
    const r = await this.check(token);
    return r.handled && 'user' in r ? r.user : undefined;
  }

  /** The verdict on a token for these audiences (default: the API audiences); unhandled when the issuer is not ours. */
  async check(token: string, requestedAudiences?: string[]): Promise<TokenCheck> {
    if (token.trim().startsWith('{')) return { handled: false };
    const parts = token.split('.');
    if (parts.length !== 3) return { handled: false };
    const unverified = decodeSegment(parts[1]!);
    if (!unverified || typeof unverified.iss !== 'string' || !this.issuers.has(unverified.iss)) return { handled: false };
    const header = decodeSegment(parts[0]!);
    if (!header || typeof header.alg !== 'string') return { handled: false };
    const kid = typeof header.kid === 'string' ? header.kid : undefined;
    let keys = this.opts.keys.keysFor(kid);
    if (!keys.length) keys = this.opts.keys.verificationKeys;
    let claims: Claims | undefined;
    for (const k of keys) {
      try {
        const { payload } = await (await jose()).compactVerify(token, k.key, { algorithms: [k.alg] });
        claims = JSON.parse(Buffer.from(payload).toString('utf8')) as Claims;
        break;
      } catch {
        /* the next key may verify it */
      }
    }
    if (!claims || typeof claims !== 'object') return { handled: true, error: CRYPTO_FAILURE };
    if (typeof claims.iss !== 'string' || !this.issuers.has(claims.iss)) return { handled: true, error: `token issuer ${JSON.stringify(claims.iss ?? '')} is invalid` };

    const aud = claims.aud;
    let tokenAudiences = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud.filter((a): a is string => typeof a === 'string') : [];
    // tokens without an audience (legacy ones) are for the API server only
    if (!tokenAudiences.length) tokenAudiences = this.opts.apiAudiences;
    const requested = requestedAudiences?.length ? requestedAudiences : this.opts.apiAudiences;
    const audiences = intersect(tokenAudiences, requested);
    if (!audiences.length && this.opts.apiAudiences.length)
      return { handled: true, error: `token audiences ${goQuoteList(tokenAudiences)} is invalid for the target audiences ${goQuoteList(requested)}` };

    const sa = await this.validate(token, claims);
    if (typeof sa === 'string') return { handled: true, error: sa };
    return { handled: true, user: serviceAccountUser(sa), audiences };
  }

  private now(): number {
    return (this.opts.now?.() ?? new Date()).getTime() / 1000;
  }

  private async validateBound(c: Claims): Promise<ServiceAccountInfo | string> {
    const now = this.now();
    const num = (v: unknown) => (typeof v === 'number' ? v : undefined);
    const nbf = num(c.nbf);
    const exp = num(c.exp);
    const iat = num(c.iat);
    if (nbf !== undefined && now + LEEWAY_SECONDS < nbf) return 'service account token is not valid yet';
    if (exp !== undefined && now - LEEWAY_SECONDS > exp) return 'service account token has expired';
    if (iat !== undefined && now + LEEWAY_SECONDS < iat) return 'service account token is issued in the future';

    // objects deleted before now-leeway no longer back a token
    const deletedLongAgo = (o: ObjectFacts) => o.deletionTimestamp !== undefined && Date.parse(o.deletionTimestamp) / 1000 < now - LEEWAY_SECONDS;
    const k8s = (c['kubernetes.io'] ?? {}) as Record<string, any>;
    const namespace = String(k8s.namespace ?? '');
    const saRef = (k8s.serviceaccount ?? {}) as Record<string, string>;
    const saName = saRef.name ?? '';
    const saUID = saRef.uid ?? '';
    let sa: ObjectFacts;
    try {
      sa = await this.opts.getter.serviceAccount(namespace, saName);
    } catch (e) {
      return (e as Error).message;
    }
    if (sa.uid !== saUID) return `service account UID (${sa.uid}) does not match claim (${saUID})`;
    if (deletedLongAgo(sa)) return `service account ${namespace}/${saName} has been deleted`;

    const secretRef = k8s.secret as Record<string, string> | undefined;
    if (secretRef) {
      const secret = await this.opts.getter.secret(namespace, secretRef.name ?? '');
      if (!secret) return 'service account token has been invalidated';
      if ((secretRef.uid ?? '') !== secret.uid) return `secret UID (${secret.uid}) does not match service account secret ref claim (${secretRef.uid ?? ''})`;
      if (deletedLongAgo(secret)) return 'service account token has been invalidated';
    }
    const info: ServiceAccountInfo = { namespace, name: saName, uid: saUID };
    const podRef = k8s.pod as Record<string, string> | undefined;
    if (podRef) {
      const pod = await this.opts.getter.pod(namespace, podRef.name ?? '');
      if (!pod) return 'service account token has been invalidated';
      if ((podRef.uid ?? '') !== pod.uid) return `pod UID (${pod.uid}) does not match service account pod ref claim (${podRef.uid ?? ''})`;
      if (deletedLongAgo(pod)) return 'service account token has been invalidated';
      info.podName = podRef.name;
      info.podUID = podRef.uid;
    }
    const nodeRef = k8s.node as Record<string, string> | undefined;
    if (nodeRef) {
      if (podRef) {
        // a pod-bound token names its node for information only
        info.nodeName = nodeRef.name;
        info.nodeUID = nodeRef.uid;
      } else {
        const node = await this.opts.getter.node(nodeRef.name ?? '');
        if (!node) return 'service account token has been invalidated';
        if ((nodeRef.uid ?? '') !== node.uid) return `node UID (${node.uid}) does not match service account node ref claim (${nodeRef.uid ?? ''})`;
        if (deletedLongAgo(node)) return 'service account token has been invalidated';
        info.nodeName = nodeRef.name;
        info.nodeUID = nodeRef.uid;
      }
    }
    if (typeof c.jti === 'string' && c.jti) info.credentialID = `JTI=${c.jti}`;
    return info;
  }

  private async validateLegacy(token: string, c: Claims): Promise<ServiceAccountInfo | string> {
    const str = (k: string) => (typeof c[k] === 'string' ? (c[k] as string) : '');
    const sub = str('sub');
    if (!sub) return 'sub claim is missing';
    const namespace = str('kubernetes.io/serviceaccount/namespace');
    if (!namespace) return 'namespace claim is missing';
    const secretName = str('kubernetes.io/serviceaccount/secret.name');
    if (!secretName) return 'secretName claim is missing';
    const saName = str('kubernetes.io/serviceaccount/service-account.name');
    if (!saName) return 'serviceAccountName claim is missing';
    const saUID = str('kubernetes.io/serviceaccount/service-account.uid');
    if (!saUID) return 'serviceAccountUID claim is missing';
    if (sub !== serviceAccountUsername(namespace, saName) || namespace.includes(':') || saName.includes(':')) return 'sub claim is invalid';

    const secret = await this.opts.getter.secret(namespace, secretName);
    if (!secret || secret.deletionTimestamp) return 'token has been invalidated';
    if (secret.token !== token) return "token does not match server's copy";
    let sa: ObjectFacts;
    try {
      sa = await this.opts.getter.serviceAccount(namespace, saName);
    } catch (e) {
      return (e as Error).message;
    }
    if (sa.deletionTimestamp) return `ServiceAccount ${namespace}/${saName} has been deleted`;
    if (sa.uid !== saUID) return `ServiceAccount UID (${sa.uid}) does not match claim (${saUID})`;
    this.noteLegacyUse(namespace, secretName, secret);
    if (secret.invalidSince)
      return `the token in secret ${namespace}/${secretName} for service account ${namespace}/${saName} has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the '${LEGACY_TOKEN_INVALID_SINCE_LABEL}' label from the secret to temporarily allow use of this token`;
    return { namespace, name: saName, uid: saUID };
  }

  /** Legacy token tracking: the Secret says on which day (UTC) its token was last used. */
  private noteLegacyUse(namespace: string, name: string, secret: ObjectFacts): void {
    const now = new Date(this.now() * 1000);
    const day = (d: Date) => d.toISOString().slice(0, 10);
    const today = day(now);
    if (secret.lastUsed === today || secret.lastUsed === day(new Date(now.getTime() + 86_400_000))) return;
    this.opts.getter.markLegacyTokenUsed?.(namespace, name, secret.uid, today);
  }
}
