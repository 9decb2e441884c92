// Service-account JWT claims as kube-apiserver writes them, and the signer (jose, compact JWS with the key's kid).
import { randomUUID } from 'node:crypto';
import { jose } from './jose.js';
import type { ServiceAccountKeys } from './service-account-keys.js';

/** The issuer of secret-based (legacy) tokens. */
export const LEGACY_ISSUER = 'kubernetes/serviceaccount';
/** What a projected volume asks for by default: a pod-bound token this long is extended (upstream's WarnOnlyBoundTokenExpirationSeconds). */
export const WARN_ONLY_BOUND_TOKEN_EXPIRATION_SECONDS = 3607;
/** How long such a token really lives (ExpirationExtensionSeconds: one year). */
export const EXPIRATION_EXTENSION_SECONDS = 24 * 365 * 60 * 60;

export interface ObjectRef {
  name: string;
  uid?: string;
}

export interface ServiceAccountRef {
  namespace: string;
  name: string;
  uid: string;
}

export interface BoundClaimsInput {
  issuer: string;
  serviceAccount: ServiceAccountRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: ObjectRef;
  audiences: string[];
  expirationSeconds: number;
  /** Seconds after which use is reported as stale (extended pod-bound tokens); 0 = none. */
  warnAfterSeconds?: number;
  now?: Date;
  jti?: string;
}

export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

const unix = (d: Date) => Math.floor(d.getTime() / 1000);

function ref(r: ObjectRef): ObjectRef {
  return r.uid ? { name: r.name, uid: r.uid } : { name: r.name };
}

/** The claims of a bound token (TokenRequest), as upstream's serviceaccount.Claims. */
export function boundClaims(input: BoundClaimsInput): Record<string, unknown> {
  const now = input.now ?? new Date();
  const iat = unix(now);
  const k8s: Record<string, unknown> = { namespace: input.serviceAccount.namespace, serviceaccount: { name: input.serviceAccount.name, uid: input.serviceAccount.uid } };
  if (input.secret && (input.pod || input.node)) throw new Error('internal error, token can only be bound to one object type');
  if (input.pod) {
    k8s.pod = ref(input.pod);
    if (input.node) k8s.node = ref(input.node);
  } else if (input.secret) k8s.secret = ref(input.secret);
  else if (input.node) k8s.node = ref(input.node);
  if (input.warnAfterSeconds) k8s.warnafter = iat + input.warnAfterSeconds;
  return {
    iss: input.issuer,
    sub: serviceAccountUsername(input.serviceAccount.namespace, input.serviceAccount.name),
    aud: input.audiences,
    exp: iat + input.expirationSeconds,
    iat,
    nbf: iat,
    jti: input.jti ?? randomUUID(),
    'kubernetes.io': k8s,
  };
}

/** The claims of a secret-based token (the tokens controller), as upstream's LegacyClaims. */
export function legacyClaims(serviceAccount: ServiceAccountRef, secretName: string): Record<string, unknown> {
  return {
    iss: LEGACY_ISSUER,
    sub: serviceAccountUsername(serviceAccount.namespace, serviceAccount.name),
    'kubernetes.io/serviceaccount/namespace': serviceAccount.namespace,
    'kubernetes.io/serviceaccount/secret.name': secretName,
    'kubernetes.io/serviceaccount/service-account.name': serviceAccount.name,
    'kubernetes.io/serviceaccount/service-account.uid': serviceAccount.uid,
  };
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** go-jose merges the claim sets into a map, so the payload has Go's JSON: keys sorted at every level, HTML characters escaped. */
export function claimsJSON(claims: Record<string, unknown>): string {
  return JSON.stringify(sortKeys(claims))
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Signs claims with the service-account key: header {"alg","kid"} as go-jose writes it. */
export async function signClaims(keys: ServiceAccountKeys, claims: Record<string, unknown>): Promise<string> {
  const { CompactSign } = await jose();
  return new CompactSign(Buffer.from(claimsJSON(claims), 'utf8')).setProtectedHeader({ alg: keys.signingAlg, kid: keys.signingKid }).sign(keys.signingKey);
}
