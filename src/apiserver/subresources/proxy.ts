// Streams into simulated workloads (log, exec, attach, port-forward) and proxies to pods, services and
// nodes: nothing runs, so a log is one synthetic line and the rest answer a clear Status instead of a connection.
/* eslint-disable @typescript-eslint/no-explicit-any */
import type { Context } from 'hono';
import { StatusError, badRequest } from '../../apimachinery/errors.js';
import type { Store } from '../../registry/store.js';
import type { Env } from '../env.js';
import type { RequestInfo } from '../request-info.js';
import type { HandlerDeps } from '../handlers/request.js';

type Named = { name: string; image?: string };

/** The container a log or exec request is about, chosen and refused as upstream's pod strategy does. */
function chooseContainer(pod: Record<string, any>, asked: string | undefined): Named {
  const containers: Named[] = pod.spec?.containers ?? [];
  const inits: Named[] = pod.spec?.initContainers ?? [];
  const ephemeral: Named[] = pod.spec?.ephemeralContainers ?? [];
  const name = pod.metadata.name;
  if (!asked) {
    if (containers.length === 1) return containers[0]!;
    const list = (xs: Named[]) => `[${xs.map((x) => x.name).join(' ')}]`;
    let msg = `a container name must be specified for pod ${name}, choose one of: ${list(containers)}`;
    if (inits.length) msg += ` or one of the init containers: ${list(inits)}`;
    if (ephemeral.length) msg += ` or one of the ephemeral containers: ${list(ephemeral)}`;
    throw badRequest(msg);
  }
  const found = [...containers, ...inits, ...ephemeral].find((x) => x.name === asked);
  if (!found) throw badRequest(`container ${asked} is not valid for pod ${name}`);
  return found;
}

/** When the container whose log is asked for started, or the kubelet's refusal (validateContainerLogStatus). */
function containerLogStart(status: Record<string, any>, container: string, pod: string, previous: boolean): string {
  const state = status.state ?? {};
  const last = status.lastState?.terminated;
  if (previous) {
    if (!last?.containerID) throw badRequest(`previous terminated container "${container}" in pod "${pod}" not found`);
    return last.startedAt;
  }
  if (state.running) return state.running.startedAt;
  if (state.terminated) {
    if (state.terminated.containerID) return state.terminated.startedAt;
    if (last?.containerID) return last.startedAt;
    throw badRequest(`container "${container}" in pod "${pod}" is terminated`);
  }
  if (last) {
    if (!last.containerID) throw badRequest(`container "${container}" in pod "${pod}" is terminated`);
    return last.startedAt;
  }
  const reason: string = state.waiting?.reason ?? 'ContainerCreating';
  const why = reason === 'ErrImagePull' ? "image can't be pulled" : reason === 'ImagePullBackOff' ? 'trying and failing to pull image' : reason;
  throw badRequest(`container "${container}" in pod "${pod}" is waiting to start: ${why}`);
}

export async function handlePodStream(c: Context<Env>, _deps: HandlerDeps, pods: Store, ns: string, info: RequestInfo): Promise<Response> {
  const pod = await pods.get(ns, info.name);
  const container = chooseContainer(pod, c.req.query('container'));
  if (info.subresource !== 'log') throw badRequest(`minikapi simulates pods: pod "${info.name}" has no running containers, so ${info.subresource} is not possible`);
  // a pod on no node yet has no kubelet to ask: an empty log, as upstream's empty location streams
  if (!pod.spec?.nodeName) return c.body('', 200, { 'Content-Type': 'text/plain' });
  const statuses: Record<string, any>[] = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.ephemeralContainerStatuses ?? [])];
  const status = statuses.find((s) => s.name === container.name) ?? {};
  const since = containerLogStart(status, container.name, info.name, c.req.query('previous') === 'true');
  // nothing runs: a simulated container says so once, when it started (timestamps=true prefixes it as the kubelet does)
  const line = `minikapi: container "${container.name}" (image ${container.image ?? ''}) runs simulated on node "${pod.spec?.nodeName ?? ''}"; it writes no output`;
  const stamp = c.req.query('timestamps') === 'true' ? `${String(since).replace(/Z$/, '.000000000Z')} ` : '';
  return c.body(`${stamp}${line}\n`, 200, { 'Content-Type': 'text/plain' });
}

export async function handleProxy(c: Context<Env>, deps: HandlerDeps, store: Store, ns: string, info: RequestInfo): Promise<Response> {
  if (store.def.kind === 'Pod') return handlePodStream(c, deps, store, ns, info);
  await store.get(ns, info.name);
  if (store.def.kind === 'Service') throw new StatusError(503, 'ServiceUnavailable', `no endpoints available for service "${info.name}"`);
  throw new StatusError(503, 'ServiceUnavailable', `minikapi simulates nodes: node "${info.name}" has no kubelet to proxy to`);
}
