// POST: decode, check, then the store's create with managedFields recorded just before the write.
import type { Context } from 'hono';
import { methodNotSupported } from '../../apimachinery/errors.js';
import { updateManagedFields } from '../../apimachinery/managedfields/index.js';
import type { Store } from '../../registry/store.js';
import type { KObject, ResourceDef } from '../../registry/types.js';
import type { Env } from '../env.js';
import { encodeResult, send } from '../encode.js';
import { baseContentType, decodeBody, negotiate } from '../negotiation.js';
import { checkStrictBody, fieldManagerScope } from './body-checks.js';
import { checkTypeMeta, q, readBody, requestContext, writeOptions, type HandlerDeps } from './request.js';

export async function handleCreate(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: true, listy: false });
  const ct = baseContentType(c.req.header('content-type'));
  const raw = await readBody(c);
  const opts = writeOptions(c, 'CreateOptions');
  const body: KObject = decodeBody(c.req.header('content-type'), raw);
  checkTypeMeta(def, body);
  const ctx = requestContext(c, deps, opts.dryRun);
  if (def.createOnly) return send(c, 201, await def.createOnly(body, { ...ctx, namespace: ns }), target);
  // a custom resource whose CRD is being deleted takes no new objects
  if (def.custom?.terminating()) throw methodNotSupported({ group: def.group, resource: def.resource }, 'create');
  checkStrictBody(c, def, ct, raw, body, opts.validation);
  const scope = fieldManagerScope(def, '');
  const obj = await store.create(ns, body, ctx, { beforeWrite: (o) => updateManagedFields(scope, undefined, o, opts.manager) });
  return send(c, 201, target.kind === 'json' ? store.printed(obj) : encodeResult(def, target, { object: obj }, (k) => q(c, k)), target);
}
