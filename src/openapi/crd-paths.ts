// The routes apiextensions' OpenAPI builder describes for one CRD version (controller/openapi/builder): every verb
// on the collection and the object, status and scale when the version has them, with the option parameters of
// each verb and the parameters all routes of a path share moved up to the path.
import { definitionName } from '../apiextensions/openapi-builder.js';
import { META } from '../schema/index.js';
import { PARAMS, type Operation, type Param, type PathSpec } from './v3.js';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const JSON_YAML = ['application/json', 'application/yaml'];
const PATCH_TYPES = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];
const SCALE = 'io.k8s.api.autoscaling.v1.Scale';
const STATUS = `${META}.Status`;
const DELETE_OPTIONS = `${META}.DeleteOptions`;

const GET_PARAMS: Param[] = [{ name: 'resourceVersion', in: 'query', type: 'string', description: 'Which version of the object the read may be served from; see the resourceVersion semantics of get.' }];
const LIST_PARAMS = [PARAMS.labelSelector, PARAMS.fieldSelector, PARAMS.watch, PARAMS.allowWatchBookmarks, PARAMS.resourceVersion, PARAMS.resourceVersionMatch, PARAMS.timeoutSeconds, PARAMS.limit, PARAMS.continue, PARAMS.sendInitialEvents];
const CREATE_PARAMS = [PARAMS.dryRun, PARAMS.fieldManager, PARAMS.fieldValidation];
const PATCH_PARAMS = [PARAMS.dryRun, PARAMS.force, PARAMS.fieldManager, PARAMS.fieldValidation];
const DELETE_PARAMS = [PARAMS.gracePeriodSeconds, PARAMS.orphanDependents, PARAMS.propagationPolicy, PARAMS.dryRun, PARAMS.ignoreStoreReadErrorWithClusterBreakingPotential];
const NAMESPACE: Param = { name: 'namespace', in: 'path', type: 'string', required: true, description: 'object name and auth scope, such as for teams and projects' };

/** apiserver's ToValidOperationID: letters and underscores kept, each other character starts a capitalised word. */
export function toValidOperationID(s: string, capitalizeFirst: boolean): string {
  let out = '';
  let cap = capitalizeFirst;
  [...s].forEach((r, i) => {
    if (/\p{L}/u.test(r) || r === '_' || (i !== 0 && /\p{Nd}/u.test(r))) {
      out += cap ? r.toUpperCase() : r;
      cap = false;
    } else cap = true;
  });
  return out;
}

/** The operation tag of a group-version, e.g. certManagerIo_v1 (a `.k8s.io` suffix is dropped). */
export function crdTag(group: string, version: string): string {
  return `${toValidOperationID(group.replace(/\.k8s\.io$/, ''), false)}_${toValidOperationID(version, false)}`;
}

/** endpoints.GetArticleForNoun with single-space padding. */
function article(noun: string): string {
  if (!noun.endsWith('ss') && noun.endsWith('s')) return ' ';
  return /^[aeiou]/i.test(noun) ? ' an ' : ' a ';
}

interface Route {
  path: string;
  op: Operation;
  /** Every parameter of the route; those all routes of a path share go to the path. */
  all: Param[];
}

const byNameIn = (a: Param, b: Param) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.in < b.in ? -1 : a.in > b.in ? 1 : 0);

/** The paths of one CRD version, as the builder's web service describes them. */
export function crdPaths(crd: Json, version: string): PathSpec[] {
  const spec = crd.spec ?? {};
  const group: string = spec.group;
  const names = spec.names ?? {};
  const kind: string = names.kind;
  const listKind: string = names.listKind || `${kind}List`;
  const namespaced = spec.scope !== 'Cluster';
  const v = (spec.versions ?? []).find((x: Json) => x.name === version) ?? {};
  const obj = definitionName(group, version, kind);
  const list = definitionName(group, version, listKind);
  const gvk = { group, version, kind };
  const prefix = toValidOperationID(group.replace(/\.k8s\.io$/, ''), true) + toValidOperationID(version, true);
  const ns = namespaced ? 'Namespaced' : '';
  const routes: Route[] = [];
  const add = (path: string, sub: string, method: Operation['method'], action: string, verb: string, responses: Record<string, string>, opts: { body?: string; bodyRequired?: boolean; params: Param[]; id?: string }) => {
    const all = [PARAMS.pretty, ...opts.params];
    if (path.includes('{namespace}')) all.push(NAMESPACE);
    if (path.includes('{name}')) all.push({ name: 'name', in: 'path', type: 'string', required: true, description: `name of the ${kind}` });
    const S = sub ? sub.charAt(0).toUpperCase() + sub.slice(1) : '';
    const rest = opts.id ?? `${ns}${kind}${S}`;
    // GetOperationIDAndTags: the verb, then the group and version, then the rest of the builder's operation name
    const verbPrefix = verb === 'deletecollection' ? 'delete' : verb;
    const restName = verb === 'deletecollection' ? `collection${rest}` : rest;
    routes.push({
      path,
      all,
      op: { method, action, operationId: verbPrefix + prefix + toValidOperationID(restName, true), description: describe(verb, sub, kind), params: [], body: opts.body, bodyRequired: opts.bodyRequired, responses, gvk, produces: JSON_YAML, consumes: method === 'patch' ? PATCH_TYPES : JSON_YAML },
    });
  };
  let root = `/apis/${group}/${version}/${names.plural}`;
  if (namespaced) {
    add(root, '', 'get', 'list', 'list', { '200': list }, { params: LIST_PARAMS, id: `${kind}ForAllNamespaces` });
    root = `/apis/${group}/${version}/namespaces/{namespace}/${names.plural}`;
  }
  add(root, '', 'get', 'list', 'list', { '200': list }, { params: LIST_PARAMS });
  add(root, '', 'post', 'post', 'create', { '200': obj, '201': obj, '202': obj }, { params: CREATE_PARAMS, body: obj, bodyRequired: true });
  add(root, '', 'delete', 'deletecollection', 'deletecollection', { '200': STATUS }, { params: LIST_PARAMS });
  const item = `${root}/{name}`;
  add(item, '', 'get', 'get', 'read', { '200': obj }, { params: GET_PARAMS });
  add(item, '', 'put', 'put', 'replace', { '200': obj, '201': obj }, { params: CREATE_PARAMS, body: obj, bodyRequired: true });
  add(item, '', 'delete', 'delete', 'delete', { '200': STATUS, '202': STATUS }, { params: DELETE_PARAMS, body: DELETE_OPTIONS });
  add(item, '', 'patch', 'patch', 'patch', { '200': obj }, { params: PATCH_PARAMS, body: 'patch', bodyRequired: true });
  for (const [sub, model] of [
    ['status', obj],
    ['scale', SCALE],
  ] as const) {
    if (!v.subresources?.[sub]) continue;
    const p = `${item}/${sub}`;
    add(p, sub, 'get', 'get', 'read', { '200': model }, { params: GET_PARAMS });
    add(p, sub, 'put', 'put', 'replace', { '200': model, '201': model }, { params: CREATE_PARAMS, body: model, bodyRequired: true });
    add(p, sub, 'patch', 'patch', 'patch', { '200': model }, { params: PATCH_PARAMS, body: 'patch', bodyRequired: true });
  }
  const out: PathSpec[] = [];
  for (const path of [...new Set(routes.map((r) => r.path))]) {
    const rs = routes.filter((r) => r.path === path);
    const common = rs[0]!.all.filter((p) => rs.every((r) => r.all.some((q) => q.name === p.name && q.in === p.in)));
    const isCommon = (p: Param) => common.some((q) => q.name === p.name && q.in === p.in);
    out.push({ path, params: [...common].sort(byNameIn), ops: rs.map((r) => ({ ...r.op, params: r.all.filter((p) => !isCommon(p)).sort(byNameIn) })) });
  }
  return out;
}

function describe(verb: string, sub: string, kind: string): string {
  const of = sub ? ` ${sub} of` : '';
  switch (verb) {
    case 'list':
      return `list${of} objects of kind ${kind}`;
    case 'read':
    case 'replace':
      return `${verb}${of} the specified ${kind}`;
    case 'patch':
      return `partially update${of} the specified ${kind}`;
    case 'deletecollection':
      return `delete collection of${sub ? `${of} a` : ''} ${kind}`;
    default:
      return `${verb}${of}${article(kind)}${kind}`;
  }
}
