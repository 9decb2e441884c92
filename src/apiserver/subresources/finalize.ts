// namespaces/<name>/finalize: only spec.finalizers change; a terminating namespace left without finalizers is removed.
import type { Context } from 'hono';
import { methodNotAllowed, notFound } from '../../apimachinery/errors.js';
import type { Store } from '../../registry/store.js';
import type { KObject } from '../../registry/types.js';
import type { Env } from '../env.js';
import { send } from '../encode.js';
import { decodeBody } from '../negotiation.js';
import type { RequestInfo } from '../request-info.js';
import { dryRunOf, readBody, requestContext, type HandlerDeps } from '../handlers/request.js';

export async function handleFinalize(c: Context<Env>, deps: HandlerDeps, store: Store, _ns: string, info: RequestInfo): Promise<Response> {
  if (info.verb !== 'update') throw methodNotAllowed();
  const body = decodeBody(c.req.header('content-type'), await readBody(c)) as KObject;
  const finalizers: string[] = body.spec?.finalizers ?? [];
  const { obj } = await store.update(
    '',
    info.name,
    (cur) => {
      if (!cur) throw notFound(store.gr, info.name);
      cur.spec = { ...(cur.spec ?? {}), finalizers };
      return cur;
    },
    requestContext(c, deps, dryRunOf(c)),
    { raw: true },
  );
  return send(c, 200, obj);
}
