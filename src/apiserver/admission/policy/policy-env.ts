// The values of the CEL variables a ValidatingAdmissionPolicy sees: the admission request (with the matched
// resource) and the namespace, shaped as upstream's CreateAdmissionRequest and CreateNamespaceObject.
import type { AdmissionAttributes, KObject, RequestContext } from '../../../registry/types.js';

/** The matched group/version/resource and kind (an equivalent of the request's under matchPolicy Equivalent). */
export interface MatchedResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
}

/** CreateAdmissionRequest as JSON: the request, with the matched resource and the one the client asked for. */
export function admissionRequest(a: AdmissionAttributes, matched: MatchedResource, ctx: RequestContext): KObject {
  const { def } = a;
  const user: KObject = { username: ctx.user.username };
  if (ctx.user.uid) user.uid = ctx.user.uid;
  if (ctx.user.groups?.length) user.groups = ctx.user.groups;
  if (ctx.user.extra && Object.keys(ctx.user.extra).length) user.extra = ctx.user.extra;
  const req: KObject = {
    uid: '',
    kind: { group: matched.group, version: matched.version, kind: matched.kind },
    resource: { group: matched.group, version: matched.version, resource: matched.resource },
  };
  if (a.subresource) req.subResource = a.subresource;
  req.requestKind = { group: def.group, version: def.version, kind: def.kind };
  req.requestResource = { group: def.group, version: def.version, resource: def.resource };
  if (a.subresource) req.requestSubResource = a.subresource;
  // a generated name is not the request's (upstream's create handler takes it from the object sent)
  if (a.name) req.name = a.name;
  if (a.namespace) req.namespace = a.namespace;
  req.operation = a.operation;
  req.userInfo = user;
  req.object = null;
  req.oldObject = null;
  req.dryRun = ctx.dryRun;
  const optionsKind = a.operation === 'CREATE' ? 'CreateOptions' : a.operation === 'UPDATE' ? 'UpdateOptions' : 'DeleteOptions';
  req.options = { kind: optionsKind, apiVersion: 'meta.k8s.io/v1', ...(ctx.dryRun ? { dryRun: ['All'] } : {}) };
  return req;
}

/** CreateNamespaceObject: the fields of a namespace policies may read. */
export function namespaceObject(ns: KObject | undefined): KObject | null {
  if (!ns) return null;
  const m = ns.metadata ?? {};
  const meta: KObject = {};
  for (const k of ['name', 'generateName', 'namespace', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'labels', 'annotations', 'finalizers']) {
    if (m[k] !== undefined) meta[k] = m[k];
  }
  const out: KObject = { metadata: meta, spec: ns.spec ?? {}, status: ns.status ?? {} };
  return out;
}
