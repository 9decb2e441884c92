// POST pods/<name>/eviction: the disruption-budget check, then the delete.
import type { Context } from 'hono';
import { evictPod } from '../../registry/resources/policy-scheduling.js';
import type { Store } from '../../registry/store.js';
import type { KObject } from '../../registry/types.js';
import type { Env } from '../env.js';
import { send } from '../encode.js';
import { decodeBody } from '../negotiation.js';
import type { RequestInfo } from '../request-info.js';
import { dryRunOf, readBody, requestContext, type HandlerDeps } from '../handlers/request.js';

export async function handleEviction(c: Context<Env>, deps: HandlerDeps, pods: Store, ns: string, info: RequestInfo): Promise<Response> {
  const body = decodeBody(c.req.header('content-type'), await readBody(c)) as KObject;
  const pdbs = deps.registry.mustStore('policy', 'poddisruptionbudgets');
  const ctx = requestContext(c, deps, dryRunOf(c, body.deleteOptions));
  const deletePod = async (pns: string, pname: string, deleteOptions: KObject | undefined) => {
    await pods.delete(pns, pname, deleteOptions ?? {}, ctx);
  };
  return send(c, 201, await evictPod({ pods, pdbs, deletePod }, ns, info.name, body, ctx));
}
