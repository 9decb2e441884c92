// Resource requests: find the resource, check the verb, then the handler of the verb or subresource.
import type { Context } from 'hono';
import { methodNotAllowed, methodNotSupported, resourceNotFound } from '../../apimachinery/errors.js';
import type { Verb } from '../../registry/types.js';
import type { Env } from '../env.js';
import { serveWatch } from '../watch.js';
import { handleSubresource } from '../subresources/index.js';
import { handleBinding } from '../subresources/binding.js';
import { handleCreate } from './create.js';
import { handleDelete, handleDeleteCollection } from './delete.js';
import { handleComputed } from './computed.js';
import { handleGet } from './get.js';
import { handleList } from './list.js';
import { handlePatch } from './patch.js';
import type { HandlerDeps } from './request.js';
import { handleUpdate } from './update.js';

export type { HandlerDeps } from './request.js';

export async function handleResource(c: Context<Env>, deps: HandlerDeps): Promise<Response> {
  const info = c.get('requestInfo');
  const store = deps.registry.store(info.apiGroup, info.apiVersion, info.resource);
  if (!store) throw resourceNotFound();
  const def = store.def;
  const subDef = info.subresource ? def.subresources.get(info.subresource) : undefined;
  if (info.parts.length > 3 || (info.subresource && !subDef)) throw resourceNotFound();
  // namespaced resources need a namespace for everything but list/watch across namespaces
  if (def.namespaced && !info.namespace && (info.name || (info.verb !== 'list' && info.verb !== 'watch'))) throw methodNotAllowed();
  if (!def.namespaced && info.parts[0] !== 'namespaces' && c.req.path.includes('/namespaces/')) throw resourceNotFound();
  const verb = info.verb as Verb;
  if (!(subDef ? subDef.verbs : def.verbs).includes(verb)) {
    // create-only kinds answer other verbs as a route with no such method does upstream
    if (def.createOnly || subDef) throw methodNotAllowed();
    throw methodNotSupported({ group: def.group, resource: def.resource }, verb);
  }
  if (def.deprecationWarning) c.get('warnings').push(def.deprecationWarning);
  const ns = def.namespaced ? info.namespace : '';
  if (def.computed) return handleComputed(c, deps, def, ns, info.name);
  if (subDef) return handleSubresource(c, deps, store, ns, info);
  if (def.resource === 'bindings' && !def.group) return handleBinding(c, deps, store, ns, '');
  switch (verb) {
    case 'get':
      return handleGet(c, def, store, ns, info.name);
    case 'list':
      return handleList(c, def, store, ns);
    case 'watch':
      return serveWatch(c, def, store, ns, info.name, deps.shutdown);
    case 'create':
      return handleCreate(c, deps, def, store, ns);
    case 'update':
      return handleUpdate(c, deps, def, store, ns, info.name, '');
    case 'patch':
      return handlePatch(c, deps, def, store, ns, info.name, '');
    case 'delete':
      return handleDelete(c, deps, def, store, ns, info.name);
    case 'deletecollection':
      return handleDeleteCollection(c, deps, def, store, ns);
  }
  throw methodNotAllowed();
}
