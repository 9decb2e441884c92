// Streams into simulated workloads (log, exec, attach, port-forward) and proxies to pods, services and
// nodes: nothing runs, so each answers a clear Status instead of a connection.
import type { Context } from 'hono';
import { StatusError, badRequest } from '../../apimachinery/errors.js';
import type { Store } from '../../registry/store.js';
import type { Env } from '../env.js';
import type { RequestInfo } from '../request-info.js';
import type { HandlerDeps } from '../handlers/request.js';

export async function handlePodStream(c: Context<Env>, _deps: HandlerDeps, pods: Store, ns: string, info: RequestInfo): Promise<Response> {
  const pod = await pods.get(ns, info.name);
  const container = c.req.query('container') || pod.spec?.containers?.[0]?.name || '';
  if (info.subresource === 'log') throw badRequest(`container "${container}" in pod "${info.name}" is waiting to start: ContainerCreating`);
  throw badRequest(`minikapi simulates pods: pod "${info.name}" has no running containers, so ${info.subresource} is not possible`);
}

export async function handleProxy(c: Context<Env>, deps: HandlerDeps, store: Store, ns: string, info: RequestInfo): Promise<Response> {
  if (store.def.kind === 'Pod') return handlePodStream(c, deps, store, ns, info);
  await store.get(ns, info.name);
  if (store.def.kind === 'Service') throw new StatusError(503, 'ServiceUnavailable', `no endpoints available for service "${info.name}"`);
  throw new StatusError(503, 'ServiceUnavailable', `minikapi simulates nodes: node "${info.name}" has no kubelet to proxy to`);
}
