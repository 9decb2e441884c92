// /status: the object as GET shows it; PUT and PATCH change only status (and labels/annotations). Pods'
// /ephemeralcontainers is served alike: the pod as GET shows it, PUT and PATCH change only its ephemeral containers.
import type { Context } from 'hono';
import { methodNotAllowed } from '../../apimachinery/errors.js';
import type { Store } from '../../registry/store.js';
import type { Env } from '../env.js';
import { handleGet } from '../handlers/get.js';
import { handlePatch } from '../handlers/patch.js';
import type { HandlerDeps } from '../handlers/request.js';
import { handleUpdate } from '../handlers/update.js';
import type { RequestInfo } from '../request-info.js';

export function handleStatus(c: Context<Env>, deps: HandlerDeps, store: Store, ns: string, info: RequestInfo): Promise<Response> {
  if (info.verb === 'get') return handleGet(c, store.def, store, ns, info.name);
  if (info.verb === 'update') return handleUpdate(c, deps, store.def, store, ns, info.name, info.subresource);
  if (info.verb === 'patch') return handlePatch(c, deps, store.def, store, ns, info.name, info.subresource);
  throw methodNotAllowed();
}
