// The service-account signing key and the public keys tokens are verified with (--service-account-key-file),
// with key ids and the JWKS document as kube-apiserver derives them.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';

export type JwsAlgorithm = 'RS256' | 'ES256' | 'ES384' | 'ES512';

export interface VerificationKey {
  kid: string;
  alg: JwsAlgorithm;
  key: KeyObject;
}

/** Upstream's key id: base64url (unpadded) of the SHA-256 of the PKIX (SPKI DER) public key. */
export function keyIdFor(publicKey: KeyObject): string {
  const pub = publicKey.type === 'public' ? publicKey : createPublicKey(publicKey);
  const der = pub.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

/** The JWS algorithm a key signs with, as upstream picks it (RSA: RS256; EC: by curve). */
export function algorithmFor(key: KeyObject): JwsAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === 'prime256v1') return 'ES256';
    if (curve === 'secp384r1') return 'ES384';
    if (curve === 'secp521r1') return 'ES512';
  }
  throw new Error(`unsupported service-account key type ${key.asymmetricKeyType ?? 'unknown'}`);
}

export class ServiceAccountKeys {
  readonly signingKey: KeyObject;
  readonly signingKid: string;
  readonly signingAlg: JwsAlgorithm;
  readonly verificationKeys: VerificationKey[];

  /** `privateKeyPem` signs (--service-account-signing-key-file); tokens verify with its public key and any of `extraPublicKeyPems`. */
  constructor(privateKeyPem: string, extraPublicKeyPems: string[] = []) {
    this.signingKey = createPrivateKey(privateKeyPem);
    const pub = createPublicKey(this.signingKey);
    this.signingKid = keyIdFor(pub);
    this.signingAlg = algorithmFor(pub);
    const keys = [pub, ...extraPublicKeyPems.map((p) => createPublicKey(p))];
    const seen = new Set<string>();
    this.verificationKeys = [];
    for (const key of keys) {
      const kid = keyIdFor(key);
      if (seen.has(kid)) continue;
      seen.add(kid);
      this.verificationKeys.push({ kid, alg: algorithmFor(key), key });
    }
  }

  /** The keys to try for a token: the one its kid names, else all of them (tokens without a kid). */
  keysFor(kid: string | undefined): VerificationKey[] {
    if (!kid) return this.verificationKeys;
    return this.verificationKeys.filter((k) => k.kid === kid);
  }

  /** /openid/v1/jwks: go-jose's JSONWebKey fields in its order (use, kty, kid, crv, alg, x, y, n, e). */
  jwks(): { keys: Record<string, string>[] } {
    return {
      keys: this.verificationKeys.map(({ kid, alg, key }) => {
        const jwk = key.export({ format: 'jwk' }) as Record<string, string>;
        const out: Record<string, string> = { use: 'sig', kty: jwk.kty!, kid };
        if (jwk.crv) out.crv = jwk.crv;
        out.alg = alg;
        if (jwk.kty === 'EC') {
          out.x = jwk.x!;
          out.y = jwk.y!;
        } else {
          out.n = jwk.n!;
          out.e = jwk.e!;
        }
        return out;
      }),
    };
  }

  /** The signing algorithms the keys use, sorted as upstream lists them. */
  algorithms(): JwsAlgorithm[] {
    return [...new Set(this.verificationKeys.map((k) => k.alg))].sort();
  }
}
