// /scale: the autoscaling/v1 Scale view of spec.replicas; PUT and PATCH change spec.replicas only.
import type { Context } from 'hono';
import { StatusError, methodNotAllowed, notFound, unsupportedMediaType } from '../../apimachinery/errors.js';
import { managerOrUserAgent, updateManagedFields } from '../../apimachinery/managedfields/index.js';
import { formatLabelSelector } from '../../apimachinery/selectors.js';
import type { Store } from '../../registry/store.js';
import type { KObject, ScalePaths } from '../../registry/types.js';
import type { Env } from '../env.js';
import { send } from '../encode.js';
import { baseContentType, decodeBody } from '../negotiation.js';
import type { RequestInfo } from '../request-info.js';
import { PATCH_TYPES, applyPatchBody } from '../handlers/body-checks.js';
import { dryRunOf, q, readBody, requestContext, type HandlerDeps } from '../handlers/request.js';

/** A value at a scale path (`.spec.replicas`). */
function atPath(obj: KObject, path: string): unknown {
  let cur: unknown = obj;
  for (const k of path.replace(/^\./, '').split('.')) cur = cur && typeof cur === 'object' ? (cur as KObject)[k] : undefined;
  return cur;
}

function setAtPath(obj: KObject, path: string, value: unknown): void {
  const keys = path.replace(/^\./, '').split('.');
  let cur = obj;
  for (const k of keys.slice(0, -1)) cur = cur[k] && typeof cur[k] === 'object' ? cur[k] : (cur[k] = {});
  cur[keys[keys.length - 1]!] = value;
}

/** The Scale of a custom resource, read through its CRD's scale paths. */
function customScale(obj: KObject, paths: ScalePaths): KObject {
  const replicas = atPath(obj, paths.specReplicasPath);
  const statusReplicas = atPath(obj, paths.statusReplicasPath);
  const selector = paths.labelSelectorPath ? atPath(obj, paths.labelSelectorPath) : undefined;
  const status: KObject = { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0 };
  if (typeof selector === 'string' && selector) status.selector = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: typeof replicas === 'number' ? replicas : 0 },
    status,
  };
}

export function toScale(obj: KObject, paths?: ScalePaths): KObject {
  if (paths) return customScale(obj, paths);
  const sel = obj.spec?.selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: obj.metadata.name, namespace: obj.metadata.namespace, uid: obj.metadata.uid, resourceVersion: obj.metadata.resourceVersion, creationTimestamp: obj.metadata.creationTimestamp },
    spec: { replicas: obj.spec?.replicas ?? 0 },
    status: { replicas: obj.status?.replicas ?? 0, selector: sel && (sel.matchLabels || sel.matchExpressions) ? formatLabelSelector(sel) : typeof sel === 'object' ? formatLabelSelector({ matchLabels: sel }) : '' },
  };
}

function invalidReplicas(name: string, replicas: unknown): StatusError {
  const message = `Invalid value: ${replicas}: must be greater than or equal to 0`;
  return new StatusError(422, 'Invalid', `Scale.autoscaling "${name}" is invalid: spec.replicas: ${message}`, {
    name, group: 'autoscaling', kind: 'Scale', causes: [{ reason: 'FieldValueInvalid', message, field: 'spec.replicas' }],
  });
}

export async function handleScale(c: Context<Env>, deps: HandlerDeps, store: Store, ns: string, info: RequestInfo): Promise<Response> {
  const { verb, name } = info;
  const def = store.def;
  if (verb === 'get') return send(c, 200, toScale(await store.get(ns, name), def.scale));
  if (verb !== 'update' && verb !== 'patch') throw methodNotAllowed();
  const ct = baseContentType(c.req.header('content-type'));
  if (verb === 'patch' && !PATCH_TYPES.includes(ct)) throw unsupportedMediaType(PATCH_TYPES);
  const body = await readBody(c);
  const manager = managerOrUserAgent(q(c, 'fieldManager'), c.req.header('user-agent'));
  const { obj } = await store.update(
    ns,
    name,
    (cur) => {
      if (!cur) throw notFound(store.gr, name);
      const scale = verb === 'update' ? (decodeBody(ct, body) as KObject) : applyPatchBody(ct, toScale(cur, def.scale), body);
      const replicas = scale.spec?.replicas;
      if (typeof replicas !== 'number' || replicas < 0 || !Number.isInteger(replicas)) throw invalidReplicas(name, replicas);
      if (def.scale) setAtPath(cur, def.scale.specReplicasPath, replicas);
      else cur.spec = { ...(cur.spec ?? {}), replicas };
      // a resourceVersion in the Scale is a precondition on the object
      const rv = scale.metadata?.resourceVersion;
      if (rv) cur.metadata.resourceVersion = rv;
      return cur;
    },
    requestContext(c, deps, dryRunOf(c)),
    { subresource: 'scale', beforeWrite: (next, cur) => updateManagedFields({ group: def.group, version: def.version, kind: def.kind, subresource: 'scale' }, cur, next, manager) },
  );
  return send(c, 200, toScale(obj, def.scale));
}
