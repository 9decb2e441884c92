// DELETE of one object and of a collection, with DeleteOptions from the body or the query.
import type { Context } from 'hono';
import { StatusError, statusBody } from '../../apimachinery/errors.js';
import type { DeleteOptions, Store } from '../../registry/store.js';
import { apiVersionOf, type KObject, type ResourceDef } from '../../registry/types.js';
import type { Env } from '../env.js';
import { send } from '../encode.js';
import { negotiate } from '../negotiation.js';
import { deleteOptionsFrom, isDryRun } from './delete-options.js';
import { q, readBody, requestContext, type HandlerDeps } from './request.js';

export async function handleDelete(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string, name: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: false, listy: false });
  const opts = deleteOptionsFrom(c, await readBody(c));
  const dryRun = isDryRun(opts);
  const { obj, gone } = await store.delete(ns, name, opts, requestContext(c, deps, dryRun));
  // as upstream: 202 only for a deferred delete that asked orphanDependents=false; otherwise 200
  if (!gone) return send(c, opts.orphanDependents === false ? 202 : 200, obj, target);
  if (def.returnDeletedObject) return send(c, 200, obj, target);
  return send(c, 200, statusBody('Success', 0, undefined, undefined, { name, group: def.group, kind: def.resource, uid: obj.metadata.uid }) as KObject, target);
}

export async function handleDeleteCollection(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: false, listy: true });
  const opts = deleteOptionsFrom(c, await readBody(c));
  const ctx = requestContext(c, deps, isDryRun(opts));
  const l = await store.list(ns, { labelSelector: q(c, 'labelSelector'), fieldSelector: q(c, 'fieldSelector') });
  const items: KObject[] = [];
  for (const o of l.items) {
    try {
      items.push((await store.delete(o.metadata.namespace ?? '', o.metadata.name, opts, ctx)).obj);
    } catch (e) {
      if (!(e instanceof StatusError && e.code === 404)) throw e;
    }
  }
  return send(c, 200, { kind: `${def.kind}List`, apiVersion: apiVersionOf(def), metadata: { resourceVersion: l.resourceVersion }, items }, target);
}
