// PUT of the main resource or of /status: the body replaces the object (or creates it where the kind allows).
import type { Context } from 'hono';
import { updateManagedFields } from '../../apimachinery/managedfields/index.js';
import { checkNameMatches } from '../../registry/prepare.js';
import type { Store } from '../../registry/store.js';
import type { KObject, ResourceDef } from '../../registry/types.js';
import type { Env } from '../env.js';
import { encodeResult, send } from '../encode.js';
import { baseContentType, decodeBody, negotiate } from '../negotiation.js';
import { checkStrictBody, fieldManagerScope, pruneBody } from './body-checks.js';
import { checkTypeMeta, q, readBody, requestContext, writeOptions, type HandlerDeps } from './request.js';

export async function handleUpdate(c: Context<Env>, deps: HandlerDeps, def: ResourceDef, store: Store, ns: string, name: string, sub: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: true, listy: false });
  const ct = baseContentType(c.req.header('content-type'));
  const raw = await readBody(c);
  const opts = writeOptions(c, 'UpdateOptions');
  const body: KObject = decodeBody(c.req.header('content-type'), raw);
  if (!sub) checkTypeMeta(def, body);
  checkStrictBody(c, def, ct, raw, body, opts.validation);
  checkNameMatches(body, name);
  // the first attempt writes the decoded body itself; a retry after a lost race decodes it again
  let attempts = 0;
  const fresh = (): KObject => {
    if (attempts++ === 0) return body;
    const again: KObject = decodeBody(c.req.header('content-type'), raw);
    pruneBody(def, again);
    return again;
  };
  const { obj, created } = await store.update(ns, name, fresh, requestContext(c, deps, opts.dryRun), {
    subresource: sub,
    replaces: true,
    createIfMissing: def.allowCreateOnUpdate && !sub,
    beforeWrite: (next, cur) => updateManagedFields(fieldManagerScope(def, cur ? sub : ''), cur, next, opts.manager),
  });
  return send(c, created ? 201 : 200, target.kind === 'json' ? store.printed(obj) : encodeResult(def, target, { object: obj }, (k) => q(c, k)), target);
}
