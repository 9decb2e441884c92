// The CEL variables a ValidatingAdmissionPolicy sees (upstream's admission plugin cel package): their declared
// types (request as kubernetes.AdmissionRequest, namespaceObject as kubernetes.Namespace) and their values.
import { AUTHORIZER_TYPE, RESOURCE_CHECK_TYPE } from '../../../cel/lib-authz.js';
import type { VariableDecl } from '../../../cel/compile.js';
import { DECL_BOOL, DECL_DYN, DECL_INT, DECL_STRING, DECL_TIMESTAMP, listDecl, mapDecl, objectDecl, type DeclType } from '../../../cel/schema-types.js';
import { DYN } from '../../../cel/types.js';
import type { AdmissionAttributes, KObject, RequestContext } from '../../../registry/types.js';

const gvk = objectDecl('kubernetes.GroupVersionKind', { group: DECL_STRING, version: DECL_STRING, kind: DECL_STRING });
const gvr = objectDecl('kubernetes.GroupVersionResource', { group: DECL_STRING, version: DECL_STRING, resource: DECL_STRING });
const strings = listDecl(DECL_STRING, 0);
const userInfo = objectDecl('kubernetes.UserInfo', { username: DECL_STRING, uid: DECL_STRING, groups: strings, extra: mapDecl(strings, 0) });

/** BuildRequestType: the admission request without uid, object and oldObject. */
export const REQUEST_DECL: DeclType = objectDecl('kubernetes.AdmissionRequest', {
  kind: gvk, resource: gvr, subResource: DECL_STRING, requestKind: gvk, requestResource: gvr, requestSubResource: DECL_STRING,
  name: DECL_STRING, namespace: DECL_STRING, operation: DECL_STRING, userInfo, dryRun: DECL_BOOL, options: DECL_DYN,
});

const stringMap = mapDecl(DECL_STRING, 0);
const condition = objectDecl('kubernetes.NamespaceCondition', { status: DECL_STRING, type: DECL_STRING, lastTransitionTime: DECL_TIMESTAMP, message: DECL_STRING, reason: DECL_STRING });

/** BuildNamespaceType: the namespace without managedFields and ownerReferences. */
export const NAMESPACE_DECL: DeclType = objectDecl('kubernetes.Namespace', {
  metadata: objectDecl('kubernetes.NamespaceMetadata', {
    name: DECL_STRING, generateName: DECL_STRING, namespace: DECL_STRING, labels: stringMap, annotations: stringMap, UID: DECL_STRING,
    creationTimestamp: DECL_TIMESTAMP, deletionGracePeriodSeconds: DECL_INT, deletionTimestamp: DECL_TIMESTAMP, generation: DECL_INT,
    resourceVersion: DECL_STRING, finalizers: strings,
  }),
  spec: objectDecl('kubernetes.NamespaceSpec', { finalizers: strings }),
  status: objectDecl('kubernetes.NamespaceStatus', { conditions: listDecl(condition, 0), phase: DECL_STRING }),
});

/** The declarations of one policy's expressions (params only with a paramKind, as upstream's OptionalVariableDeclarations). */
export function policyVariables(hasParams: boolean, object: VariableDecl = DYN, params: VariableDecl = DYN): Record<string, VariableDecl> {
  const vars: Record<string, VariableDecl> = {
    object,
    oldObject: object,
    request: { declType: REQUEST_DECL },
    namespaceObject: { declType: NAMESPACE_DECL },
    authorizer: AUTHORIZER_TYPE,
    'authorizer.requestResource': RESOURCE_CHECK_TYPE,
  };
  if (hasParams) vars.params = params;
  return vars;
}

/** The matched group/version/resource and kind (an equivalent of the request's under matchPolicy Equivalent). */
export interface MatchedResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
}

/** CreateAdmissionRequest as JSON: the request, with the matched resource and the one the client asked for. */
export function admissionRequest(a: AdmissionAttributes, matched: MatchedResource, obj: KObject | undefined, ctx: RequestContext): KObject {
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
  // a create before name generation names the object by what it was sent with
  const name = a.name || obj?.metadata?.name || '';
  if (name) req.name = name;
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
