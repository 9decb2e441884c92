// Service-account issuer discovery: the OpenID provider configuration and the key set relying parties verify tokens with.
import type { ServiceAccountKeys } from './service-account-keys.js';

export const OPENID_CONFIGURATION_PATH = '/.well-known/openid-configuration';
export const JWKS_PATH = '/openid/v1/jwks';

export interface IssuerDiscoveryDocuments {
  /** Body of /.well-known/openid-configuration (application/json). */
  configuration: string;
  /** Body of /openid/v1/jwks (application/jwk-set+json). */
  jwks: string;
}

/**
 * The documents as upstream's NewOpenIDMetadata builds them, or an error when discovery cannot be served (the
 * issuer and the key set URI must be https URLs). `jwksURI` defaults to the server's own address.
 */
export function issuerDiscoveryDocuments(issuer: string, keys: ServiceAccountKeys, jwksURI: string | undefined, externalAddress: string): IssuerDiscoveryDocuments {
  let issuerURL: URL;
  try {
    issuerURL = new URL(issuer);
  } catch {
    throw new Error(`issuer ${JSON.stringify(issuer)} is not a valid URL`);
  }
  if (issuerURL.protocol !== 'https:') throw new Error('issuer URL must use https scheme');
  if (issuerURL.search || issuerURL.hash || /[?#]/.test(issuer)) throw new Error('issuer URL must not have a query or fragment');
  let jwks = jwksURI;
  if (!jwks) {
    if (!externalAddress || externalAddress.includes('://')) throw new Error('either the JWKS URI or the default external address (host:port), or both, must be set');
    jwks = `https://${externalAddress}${JWKS_PATH}`;
  } else if (!URL.canParse(jwks) || new URL(jwks).protocol !== 'https:') throw new Error('jwks URI must use https scheme');
  const configuration = JSON.stringify({
    issuer,
    jwks_uri: jwks,
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: keys.algorithms(),
  });
  return { configuration, jwks: JSON.stringify(keys.jwks()) };
}

/** Why discovery cannot be served for this issuer, or undefined. */
export function issuerDiscoveryProblem(issuer: string, keys: ServiceAccountKeys): string | undefined {
  try {
    issuerDiscoveryDocuments(issuer, keys, undefined, 'localhost');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}
