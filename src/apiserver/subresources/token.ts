// POST serviceaccounts/<name>/token: a TokenRequest answered with a bound service-account token.
import type { Context } from 'hono';
import { methodNotAllowed, serviceUnavailable } from '../../apimachinery/errors.js';
import type { Store } from '../../registry/store.js';
import type { KObject } from '../../registry/types.js';
import type { Env } from '../env.js';
import { send } from '../encode.js';
import { decodeBody } from '../negotiation.js';
import type { RequestInfo } from '../request-info.js';
import { dryRunOf, readBody, requestContext, type HandlerDeps } from '../handlers/request.js';

export async function handleToken(c: Context<Env>, deps: HandlerDeps, _store: Store, ns: string, info: RequestInfo): Promise<Response> {
  if (info.verb !== 'create') throw methodNotAllowed();
  const tokens = deps.registry.services.serviceAccountTokens;
  if (!tokens) throw serviceUnavailable('service account tokens are not configured');
  const body = decodeBody(c.req.header('content-type'), await readBody(c)) as KObject;
  return send(c, 201, await tokens.request(ns, info.name, body, requestContext(c, deps, dryRunOf(c))));
}
