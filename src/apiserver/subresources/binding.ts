// POST bindings or pods/<name>/binding: assigns the pod to a node; answers a Success Status with 201.
import type { Context } from 'hono';
import { bindPod } from '../../registry/resources/core-extra.js';
import type { Store } from '../../registry/store.js';
import type { KObject } from '../../registry/types.js';
import type { Env } from '../env.js';
import { send } from '../encode.js';
import { decodeBody } from '../negotiation.js';
import { dryRunOf, readBody, requestContext, type HandlerDeps } from '../handlers/request.js';

export async function handleBinding(c: Context<Env>, deps: HandlerDeps, _store: Store, ns: string, podName: string): Promise<Response> {
  const body = decodeBody(c.req.header('content-type'), await readBody(c)) as KObject;
  const pods = deps.registry.mustStore('', 'pods');
  const out = await bindPod(pods, ns, body, requestContext(c, deps, dryRunOf(c)), podName || body.metadata?.name);
  return send(c, 201, out);
}
