// Subresources with their own logic: pods/binding (and bindings), pods/eviction, CSR approval.
import type { Context } from 'hono';
import { StatusError, invalidError, methodNotAllowed, notFound, unsupportedMediaType } from '../apimachinery/errors.js';
import { jsonPatch, mergePatch } from '../apimachinery/patch.js';
import type { Store } from '../registry/store.js';
import type { KObject } from '../registry/types.js';
import { bindPod } from '../registry/resources/core-extra.js';
import { evictPod } from '../registry/resources/policy-scheduling.js';
import { prepareCSRApproval } from '../registry/resources/certificates.js';
import type { Env } from './env.js';
import { send } from './encode.js';
import { baseContentType, decodeBody } from './negotiation.js';
import { dryRunOf, readBody, strategyCtx, type HandlerDeps } from './handlers.js';

/** POST bindings or pods/<name>/binding: assigns the pod to a node; answers a Success Status with 201. */
export async function handleBinding(c: Context<Env>, deps: HandlerDeps, ns: string, podName: string): Promise<Response> {
  const body = decodeBody(c.req.header('content-type'), await readBody(c)) as KObject;
  const pods = deps.registry.mustStore('', 'pods');
  const out = await bindPod(pods, ns, body, { ...strategyCtx(c, deps, dryRunOf(c)), namespace: ns }, podName || body.metadata?.name);
  return send(c, 201, out);
}

/** POST pods/<name>/eviction: the disruption-budget check, then the delete. */
export async function handleEviction(c: Context<Env>, deps: HandlerDeps, ns: string, name: string): Promise<Response> {
  const body = decodeBody(c.req.header('content-type'), await readBody(c)) as KObject;
  const pods = deps.registry.mustStore('', 'pods');
  const pdbs = deps.registry.mustStore('policy', 'poddisruptionbudgets');
  const ctx = strategyCtx(c, deps, dryRunOf(c, body.deleteOptions));
  const out = await evictPod(
    {
      pods,
      pdbs,
      deletePod: async (pns, pname, deleteOptions) => {
        await pods.delete(pns, pname, deleteOptions ?? {}, ctx);
      },
    },
    ns,
    name,
    body,
    ctx,
  );
  return send(c, 201, out);
}

/** certificatesigningrequests/<name>/approval: only the Approved/Denied conditions change. */
export async function handleApproval(c: Context<Env>, deps: HandlerDeps, store: Store, name: string, verb: string): Promise<Response> {
  if (verb === 'get') return send(c, 200, await store.get('', name));
  if (verb !== 'update' && verb !== 'patch') throw methodNotAllowed();
  const ct = baseContentType(c.req.header('content-type'));
  const body = await readBody(c);
  const ctx = { ...strategyCtx(c, deps, dryRunOf(c)), namespace: '' };
  const { obj } = await store.guaranteedUpdate(
    '',
    name,
    async (cur) => {
      if (!cur) throw notFound(store.gr, name);
      let next: KObject;
      if (verb === 'update') next = decodeBody(ct, body) as KObject;
      else if (ct === 'application/merge-patch+json') next = mergePatch(cur, JSON.parse(body.toString('utf8'))) as KObject;
      else if (ct === 'application/json-patch+json') next = jsonPatch(cur, JSON.parse(body.toString('utf8'))) as KObject;
      else throw unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json']);
      const rv = next.metadata?.resourceVersion;
      if (rv && rv !== cur.metadata.resourceVersion) throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${store.gr.resource}.${store.gr.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`, { name, group: store.gr.group, kind: store.gr.resource });
      const errs = prepareCSRApproval(next, cur);
      if (errs.length) throw invalidError(store.gk, name, errs);
      next.metadata.resourceVersion = cur.metadata.resourceVersion;
      return next;
    },
    { dryRun: ctx.dryRun },
  );
  return send(c, 200, obj);
}
