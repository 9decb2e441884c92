// DELETE of one object and of a collection, with DeleteOptions from the body and the query.
import type { Context } from 'hono';
import { StatusError, badRequest, statusBody } from '../../apimachinery/errors.js';
import type { DeleteOptions, Store } from '../../registry/store.js';
import { apiVersionOf, type KObject, type ResourceDef } from '../../registry/types.js';
import type { Env } from '../env.js';
import { send } from '../encode.js';
import { decodeBody, negotiate } from '../negotiation.js';
import { dryRunOf, q, readBody, requestContext, type HandlerDeps } from './request.js';

function deleteOptionsFrom(c: Context<Env>, body: Buffer): DeleteOptions {
  let opts: DeleteOptions = {};
  // as upstream, the body is decoded with the serializer its Content-Type names (helm and client-go send protobuf)
  if (body.length > 0) opts = decodeBody(c.req.header('content-type') || 'application/json', body) as DeleteOptions;
  const gp = q(c, 'gracePeriodSeconds');
  if (gp !== undefined) {
    if (!/^-?\d+$/.test(gp)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(gp)}: invalid syntax`);
    opts.gracePeriodSeconds = Number(gp);
  }
  if (opts.gracePeriodSeconds !== undefined && (typeof opts.gracePeriodSeconds !== 'number' || !Number.isInteger(opts.gracePeriodSeconds)))
    throw badRequest(`DeleteOptions in version "v1" cannot be handled as a DeleteOptions: json: cannot unmarshal ${typeof opts.gracePeriodSeconds} into Go struct field DeleteOptions.gracePeriodSeconds of type int64`);
  if (opts.preconditions !== undefined && opts.preconditions !== null && (typeof opts.preconditions !== 'object' || Array.isArray(opts.preconditions)))
    throw badRequest(`DeleteOptions in version "v1" cannot be handled as a DeleteOptions: json: cannot unmarshal ${Array.isArray(opts.preconditions) ? 'array' : typeof opts.preconditions} into Go struct field DeleteOptions.preconditions of type v1.Preconditions`);
  const pp = q(c, 'propagationPolicy');
  if (pp !== undefined) opts.propagationPolicy = pp;
  if (opts.propagationPolicy && !['Orphan', 'Background', 'Foreground'].includes(opts.propagationPolicy))
    throw badRequest(`propagationPolicy: Unsupported value: "${opts.propagationPolicy}": supported values: "Foreground", "Background", "Orphan"`);
  return opts;
}

export async function handleDelete(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string, name: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: false, listy: false });
  const opts = deleteOptionsFrom(c, await readBody(c));
  const dryRun = dryRunOf(c, opts as KObject);
  const { obj, gone } = await store.delete(ns, name, opts, requestContext(c, deps, dryRun));
  // as upstream: 202 only for a deferred delete that asked orphanDependents=false; otherwise 200
  if (!gone) return send(c, opts.orphanDependents === false ? 202 : 200, obj, target);
  if (def.returnDeletedObject) return send(c, 200, obj, target);
  return send(c, 200, statusBody('Success', 0, undefined, undefined, { name, group: def.group, kind: def.resource, uid: obj.metadata.uid }) as KObject, target);
}

export async function handleDeleteCollection(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: false, listy: true });
  const opts = deleteOptionsFrom(c, await readBody(c));
  const ctx = requestContext(c, deps, dryRunOf(c, opts as KObject));
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
