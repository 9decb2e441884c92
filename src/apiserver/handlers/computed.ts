// GET and LIST of a computed kind (metrics.k8s.io): answered from other kinds' objects, nothing stored.
import type { Context } from 'hono';
import type { ObjectReader, ResourceDef } from '../../registry/types.js';
import type { Env } from '../env.js';
import { encodeResult, send } from '../encode.js';
import { negotiate } from '../negotiation.js';
import { q, type HandlerDeps } from './request.js';

export async function handleComputed(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, ns: string, name: string): Promise<Response> {
  // from the watch cache (resourceVersion 0), as metrics-server reads its listers
  const read: ObjectReader = (group, resource) => {
    const store = deps.registry.mustStore(group, resource);
    return { get: (n, name) => store.get(n, name), list: (n, o) => store.list(n, { ...o, resourceVersion: '0' }) };
  };
  const computed = def.computed!;
  if (name) {
    const target = negotiate(c.req.header('accept'), { allowTable: true, listy: false });
    return send(c, 200, encodeResult(def, target, { object: await computed.get(ns, name, read) }, (k) => q(c, k)), target);
  }
  const target = negotiate(c.req.header('accept'), { allowTable: true, listy: true });
  const items = await computed.list(ns, { labelSelector: q(c, 'labelSelector'), fieldSelector: q(c, 'fieldSelector') }, read);
  return send(c, 200, encodeResult(def, target, { items, listMeta: {} }, (k) => q(c, k)), target);
}
