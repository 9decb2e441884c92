// Subresources are served by the handler of their name; the resource definition says which exist.
import type { Context } from 'hono';
import { methodNotAllowed } from '../../apimachinery/errors.js';
import type { Store } from '../../registry/store.js';
import type { Env } from '../env.js';
import type { HandlerDeps } from '../handlers/request.js';
import type { RequestInfo } from '../request-info.js';
import { handleApproval } from './approval.js';
import { handleBinding } from './binding.js';
import { handleEviction } from './eviction.js';
import { handleFinalize } from './finalize.js';
import { handlePodStream, handleProxy } from './proxy.js';
import { handleScale } from './scale.js';
import { handleStatus } from './status.js';
import { handleToken } from './token.js';

export type SubresourceHandler = (c: Context<Env>, deps: HandlerDeps, store: Store, ns: string, info: RequestInfo) => Promise<Response>;

const HANDLERS: Record<string, SubresourceHandler> = {
  status: handleStatus,
  ephemeralcontainers: handleStatus,
  resize: handleStatus,
  scale: handleScale,
  finalize: handleFinalize,
  binding: (c, deps, store, ns, info) => handleBinding(c, deps, store, ns, info.name),
  eviction: handleEviction,
  approval: handleApproval,
  log: handlePodStream,
  exec: handlePodStream,
  attach: handlePodStream,
  portforward: handlePodStream,
  proxy: handleProxy,
  token: handleToken,
};

export function handleSubresource(c: Context<Env>, deps: HandlerDeps, store: Store, ns: string, info: RequestInfo): Promise<Response> {
  const h = HANDLERS[info.subresource];
  if (!h) throw methodNotAllowed();
  return h(c, deps, store, ns, info);
}
