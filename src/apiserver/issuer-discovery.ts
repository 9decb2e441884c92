// GET /.well-known/openid-configuration and /openid/v1/jwks, with upstream's content types and an hour of public caching.
import type { Hono } from 'hono';
import { JWKS_PATH, OPENID_CONFIGURATION_PATH, type IssuerDiscoveryDocuments } from '../auth/service-account-issuer-discovery.js';
import type { Env } from './env.js';

const CACHE_CONTROL = 'public, max-age=3600';

export function installIssuerDiscovery(app: Hono<Env>, documents: () => IssuerDiscoveryDocuments): void {
  app.all(OPENID_CONFIGURATION_PATH, (c) => c.body(documents().configuration, 200, { 'Content-Type': 'application/json', 'Cache-Control': CACHE_CONTROL }));
  app.all(JWKS_PATH, (c) => c.body(documents().jwks, 200, { 'Content-Type': 'application/jwk-set+json', 'Cache-Control': CACHE_CONTROL }));
}
