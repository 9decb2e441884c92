// OpenAPI v3 documents, one per served group-version, in kube-apiserver's shape (paths per resource and verb,
// x-kubernetes-group-version-kind on kind schemas and operations, components.schemas named io.k8s.…).
import type { ResourceDef, SubresourceDef } from '../registry/types.js';
import { META, reachableTypes, resolveType, schemaFor, type FieldSchema, type GVK, type TypeSchema } from '../schema/index.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Json = Record<string, any>;

export interface GroupVersionDefs {
  group: string;
  version: string;
  defs: ResourceDef[];
}

const REF = '#/components/schemas/';
export const MEDIA = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
export const WATCH_MEDIA = [...MEDIA, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];
export const PATCH_MEDIA = ['application/apply-patch+yaml', 'application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json'];
const CONNECT = new Set(['attach', 'exec', 'portforward', 'proxy']);

export function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** A property, item or map-value schema as kube-openapi renders it in v3 (properties refer to definitions through allOf). */
export function schemaNodeV3(f: FieldSchema, asProperty: boolean): Json {
  const s: Json = {};
  if (f.ref) {
    if (asProperty) s.allOf = [{ $ref: REF + f.ref }];
    else s.$ref = REF + f.ref;
  }
  if (f.description) s.description = f.description;
  if (f.enum) s.enum = f.enum;
  if (f.format) s.format = f.format;
  if (f.items) s.items = schemaNodeV3(f.items, false);
  if (f.additionalProperties) s.additionalProperties = schemaNodeV3(f.additionalProperties, false);
  if (f.type) s.type = f.type;
  if (f.listMapKeys) s['x-kubernetes-list-map-keys'] = f.listMapKeys;
  if (f.listType) s['x-kubernetes-list-type'] = f.listType;
  if (f.mapType) s['x-kubernetes-map-type'] = f.mapType;
  if (f.patchMergeKey) s['x-kubernetes-patch-merge-key'] = f.patchMergeKey;
  if (f.patchStrategy) s['x-kubernetes-patch-strategy'] = f.patchStrategy;
  return s;
}

export function typeSchemaV3(t: TypeSchema, gvkOverride?: GVK[]): Json {
  const s: Json = {};
  if (t.description) s.description = t.description;
  if (t.format) s.format = t.format;
  if (t.oneOf) s.oneOf = t.oneOf.map((type) => ({ type }));
  if (t.properties) {
    s.properties = {};
    for (const [name, f] of Object.entries(t.properties)) s.properties[name] = schemaNodeV3(f, true);
  }
  if (t.required?.length) s.required = t.required;
  if (t.type) s.type = t.type;
  const gvk = gvkOverride ?? t.gvk;
  if (gvk?.length) s['x-kubernetes-group-version-kind'] = gvk.map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
  if (t.mapType) s['x-kubernetes-map-type'] = t.mapType;
  return s;
}

function opGroupName(group: string): string {
  if (!group) return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split('.')
    .map((p) => p.charAt(0).toUpperCase() + p.slice(1))
    .join('');
}

/** The operation tag upstream uses, e.g. core_v1, rbacAuthorization_v1. */
export function tag(group: string, version: string): string {
  const g = opGroupName(group);
  return `${g.charAt(0).toLowerCase()}${g.slice(1)}_${version}`;
}

export interface Param {
  name: string;
  in: 'query' | 'path';
  description: string;
  type: 'string' | 'boolean' | 'integer';
  required?: boolean;
}

const P = (name: string, type: Param['type'], description: string): Param => ({ name, in: 'query', type, description });
export const PARAMS = {
  pretty: P('pretty', 'string', "If 'true', the output is pretty printed."),
  dryRun: P('dryRun', 'string', "When present (the only valid value is 'All'), the request is processed but nothing is persisted."),
  fieldManager: P('fieldManager', 'string', 'A name for the actor making the change, recorded in managedFields; required for apply patches.'),
  fieldValidation: P(
    'fieldValidation',
    'string',
    'How the server treats unknown and duplicate fields in the request body: Ignore drops them, Warn drops them and returns a warning per field, Strict fails the request.',
  ),
  force: P('force', 'boolean', 'Apply patches only: take ownership of fields other managers own instead of failing with a conflict.'),
  allowWatchBookmarks: P('allowWatchBookmarks', 'boolean', 'Watch only: the client accepts BOOKMARK events, which the server may send at any time.'),
  continue: P('continue', 'string', 'The token from a previous paged list to fetch the next page.'),
  fieldSelector: P('fieldSelector', 'string', 'Restricts the results by field values. Defaults to everything.'),
  labelSelector: P('labelSelector', 'string', 'Restricts the results by labels. Defaults to everything.'),
  limit: P('limit', 'integer', 'The most items to return in one page; a continue token is returned when more remain.'),
  resourceVersion: P('resourceVersion', 'string', 'Which version of the data the request may be served from; see the resourceVersion semantics of list and watch.'),
  resourceVersionMatch: P('resourceVersionMatch', 'string', 'How resourceVersion applies to a list: Exact or NotOlderThan.'),
  sendInitialEvents: P('sendInitialEvents', 'boolean', 'Watch only: start with synthetic ADDED events for the current state, followed by a bookmark.'),
  timeoutSeconds: P('timeoutSeconds', 'integer', 'How long a list or watch call may last.'),
  watch: P('watch', 'boolean', 'Watch for changes and return them as a stream of add, update and remove notifications.'),
  gracePeriodSeconds: P('gracePeriodSeconds', 'integer', 'Seconds before the object should be deleted; zero means immediately.'),
  ignoreStoreReadErrorWithClusterBreakingPotential: P(
    'ignoreStoreReadErrorWithClusterBreakingPotential',
    'boolean',
    'Delete an object that cannot be read from storage (corrupt data). Dangerous; needs the unsafe-delete-ignore-read-errors permission.',
  ),
  orphanDependents: P('orphanDependents', 'boolean', 'Deprecated: use propagationPolicy. Whether dependents are orphaned.'),
  propagationPolicy: P('propagationPolicy', 'string', 'Whether and how garbage collection is performed: Orphan, Background or Foreground.'),
};
const LIST_PARAMS = [PARAMS.allowWatchBookmarks, PARAMS.continue, PARAMS.fieldSelector, PARAMS.labelSelector, PARAMS.limit, PARAMS.resourceVersion, PARAMS.resourceVersionMatch, PARAMS.sendInitialEvents, PARAMS.timeoutSeconds, PARAMS.watch];
const WRITE_PARAMS = [PARAMS.dryRun, PARAMS.fieldManager, PARAMS.fieldValidation];
const DELETE_PARAMS = [PARAMS.dryRun, PARAMS.gracePeriodSeconds, PARAMS.ignoreStoreReadErrorWithClusterBreakingPotential, PARAMS.orphanDependents, PARAMS.propagationPolicy];
const PATH_NAME = (what: string): Param => ({ name: 'name', in: 'path', type: 'string', required: true, description: `name of the ${what}` });
const PATH_NAMESPACE: Param = { name: 'namespace', in: 'path', type: 'string', required: true, description: 'object name and auth scope, such as for teams and projects' };

export interface Operation {
  method: 'get' | 'put' | 'post' | 'patch' | 'delete';
  action: string;
  operationId: string;
  description: string;
  params: Param[];
  /** Request body: a definition name, or 'patch' for the four patch media types. */
  body?: string | 'patch';
  bodyRequired?: boolean;
  /** Response codes → definition name ('' for a plain string). */
  responses: Record<string, string>;
  watchable?: boolean;
  gvk?: GVK;
  /** Media types of the responses and the request body when they differ from the built-in ones (custom resources). */
  produces?: string[];
  consumes?: string[];
}

export interface PathSpec {
  path: string;
  params: Param[];
  ops: Operation[];
}

function kindSchemaName(group: string, version: string, kind: string): string | undefined {
  return schemaFor(group, version, kind)?.name;
}

/** The paths kube-apiserver serves for one group-version, described verb by verb. */
export function pathsFor(gv: GroupVersionDefs): PathSpec[] {
  const prefix = `/${gvPath(gv.group, gv.version)}`;
  const G = opGroupName(gv.group);
  const V = gv.version.charAt(0).toUpperCase() + gv.version.slice(1);
  const out: PathSpec[] = [{ path: `${prefix}/`, params: [], ops: [{ method: 'get', action: '', operationId: `get${G}${V}APIResources`, description: 'get available resources', params: [], responses: { '200': `${META}.APIResourceList` } }] }];
  for (const d of gv.defs) {
    const gvk: GVK = { group: d.group, version: d.version, kind: d.kind };
    const obj = kindSchemaName(d.group, d.version, d.kind) ?? '';
    const list = kindSchemaName(d.group, d.version, `${d.kind}List`) ?? '';
    const ns = d.namespaced ? 'Namespaced' : '';
    const base = d.namespaced ? `${prefix}/namespaces/{namespace}/${d.resource}` : `${prefix}/${d.resource}`;
    const nsParams = d.namespaced ? [PATH_NAMESPACE] : [];
    const has = (v: string) => d.verbs.includes(v as never);
    const K = d.kind;
    const collection: Operation[] = [];
    if (has('list'))
      collection.push({ method: 'get', action: 'list', operationId: `list${G}${V}${ns}${K}`, description: `list or watch objects of kind ${K}`, params: LIST_PARAMS, responses: { '200': list }, watchable: true, gvk });
    if (has('create')) {
      const createOnly = !has('get');
      collection.push({
        method: 'post',
        action: 'post',
        operationId: `create${G}${V}${ns}${K}`,
        description: `create ${article(K)} ${K}`,
        params: createOnly ? [PARAMS.dryRun, PARAMS.fieldManager, PARAMS.fieldValidation] : WRITE_PARAMS,
        body: obj,
        bodyRequired: true,
        responses: { '200': obj, '201': obj, '202': obj },
        gvk,
      });
    }
    if (has('deletecollection'))
      collection.push({ method: 'delete', action: 'deletecollection', operationId: `delete${G}${V}Collection${ns}${K}`, description: `delete collection of ${K}`, params: [...DELETE_PARAMS, ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks')], body: `${META}.DeleteOptions`, responses: { '200': `${META}.Status` }, gvk });
    if (d.namespaced && has('list'))
      out.push({ path: `${prefix}/${d.resource}`, params: [PARAMS.pretty], ops: [{ method: 'get', action: 'list', operationId: `list${G}${V}${K}ForAllNamespaces`, description: `list or watch objects of kind ${K}`, params: LIST_PARAMS, responses: { '200': list }, watchable: true, gvk }] });
    if (collection.length) out.push({ path: base, params: [...nsParams, PARAMS.pretty], ops: collection });
    const item: Operation[] = [];
    if (has('get')) item.push({ method: 'get', action: 'get', operationId: `read${G}${V}${ns}${K}`, description: `read the specified ${K}`, params: [], responses: { '200': obj }, gvk });
    if (has('update')) item.push({ method: 'put', action: 'put', operationId: `replace${G}${V}${ns}${K}`, description: `replace the specified ${K}`, params: WRITE_PARAMS, body: obj, bodyRequired: true, responses: { '200': obj, '201': obj }, gvk });
    if (has('patch')) item.push({ method: 'patch', action: 'patch', operationId: `patch${G}${V}${ns}${K}`, description: `partially update the specified ${K}`, params: [...WRITE_PARAMS, PARAMS.force], body: 'patch', bodyRequired: true, responses: { '200': obj, '201': obj }, gvk });
    if (has('delete')) item.push({ method: 'delete', action: 'delete', operationId: `delete${G}${V}${ns}${K}`, description: `delete ${article(K)} ${K}`, params: DELETE_PARAMS, body: `${META}.DeleteOptions`, responses: { '200': `${META}.Status`, '202': `${META}.Status` }, gvk });
    if (item.length) out.push({ path: `${base}/{name}`, params: [PATH_NAME(K), ...nsParams, PARAMS.pretty], ops: item });
    for (const s of d.subresources.values()) out.push(subresourcePath(d, s, base, nsParams, G, V, ns));
  }
  return out;
}

function subresourcePath(d: ResourceDef, s: SubresourceDef, base: string, nsParams: Param[], G: string, V: string, ns: string): PathSpec {
  const gvk: GVK = { group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind ?? d.kind };
  const obj = kindSchemaName(gvk.group, gvk.version, gvk.kind) ?? '';
  const K = d.kind;
  const S = s.name.charAt(0).toUpperCase() + s.name.slice(1);
  const what = `${s.name} of the specified ${K}`;
  const has = (v: string) => s.verbs.includes(v as never);
  const ops: Operation[] = [];
  if (CONNECT.has(s.name)) {
    const methods: [Operation['method'], string, string][] = [
      ['get', 'get', 'Get'],
      ['post', 'create', 'Post'],
      ['put', 'update', 'Put'],
      ['patch', 'patch', 'Patch'],
      ['delete', 'delete', 'Delete'],
    ];
    for (const [method, verb, M] of methods)
      if (has(verb)) ops.push({ method, action: 'connect', operationId: `connect${G}${V}${M}${ns}${K}${S}`, description: `connect ${M} requests to ${s.name} of ${K}`, params: [], responses: { '200': '' }, gvk });
  } else if (s.name === 'log') {
    ops.push({ method: 'get', action: 'get', operationId: `read${G}${V}${ns}${K}Log`, description: `read log of the specified ${K}`, params: [], responses: { '200': '' }, gvk });
  } else {
    if (has('get')) ops.push({ method: 'get', action: 'get', operationId: `read${G}${V}${ns}${K}${S}`, description: `read ${what}`, params: [], responses: { '200': obj }, gvk });
    if (has('create')) ops.push({ method: 'post', action: 'post', operationId: `create${G}${V}${ns}${K}${S}`, description: `create ${s.name} of ${article(K)} ${K}`, params: WRITE_PARAMS, body: obj, bodyRequired: true, responses: { '200': obj, '201': obj, '202': obj }, gvk });
    if (has('update')) ops.push({ method: 'put', action: 'put', operationId: `replace${G}${V}${ns}${K}${S}`, description: `replace ${what}`, params: WRITE_PARAMS, body: obj, bodyRequired: true, responses: { '200': obj, '201': obj }, gvk });
    if (has('patch')) ops.push({ method: 'patch', action: 'patch', operationId: `patch${G}${V}${ns}${K}${S}`, description: `partially update ${what}`, params: [...WRITE_PARAMS, PARAMS.force], body: 'patch', bodyRequired: true, responses: { '200': obj, '201': obj }, gvk });
  }
  return { path: `${base}/{name}/${s.name}`, params: [{ ...PATH_NAME(s.name === 'log' || CONNECT.has(s.name) ? `${K}Options` : S), description: `name of the ${s.kind ?? K}` }, ...nsParams, ...(CONNECT.has(s.name) ? [] : [PARAMS.pretty])], ops };
}

function article(kind: string): string {
  return /^[AEIOU]/.test(kind) ? 'an' : 'a';
}

/** Definition names a group-version's documents carry: every kind it serves, their lists, and what they reach. */
export function rootTypes(gv: GroupVersionDefs, paths: PathSpec[]): string[] {
  const roots = new Set<string>();
  for (const p of paths)
    for (const op of p.ops) {
      if (op.body && op.body !== 'patch') roots.add(op.body);
      if (op.body === 'patch') roots.add(`${META}.Patch`);
      for (const r of Object.values(op.responses)) if (r) roots.add(r);
    }
  for (const d of gv.defs) {
    const n = kindSchemaName(d.group, d.version, d.kind);
    if (n) roots.add(n);
  }
  roots.add(`${META}.WatchEvent`);
  return reachableTypes(roots);
}

/** The group-versions whose DeleteOptions/WatchEvent kinds exist (upstream lists every served group-version). */
export function commonKindGVKs(kind: string, allGVs: { group: string; version: string }[]): GVK[] {
  const seen = new Set<string>();
  const out: GVK[] = [];
  for (const gv of [{ group: '', version: 'v1' }, ...allGVs]) {
    const k = `${gv.group}/${gv.version}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push({ group: gv.group, version: gv.version, kind });
  }
  return out.sort((a, b) => a.group.localeCompare(b.group) || a.version.localeCompare(b.version));
}

export function paramV3(p: Param): Json {
  const s: Json = { name: p.name, in: p.in, description: p.description };
  if (p.required) s.required = true;
  s.schema = { type: p.type, uniqueItems: true };
  return s;
}

function content(name: string, media: string[]): Json {
  const c: Json = {};
  const schema = name ? { $ref: REF + name } : { type: 'string' };
  for (const m of name ? media : ['*/*']) c[m] = { schema };
  return c;
}

export const CODE_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

export function operationV3(op: Operation, tags: string[]): Json {
  const o: Json = { tags, description: op.description, operationId: op.operationId };
  if (op.params.length) o.parameters = op.params.map(paramV3);
  if (op.body) {
    const name = op.body === 'patch' ? `${META}.Patch` : op.body;
    const media = op.consumes ? [...op.consumes].sort() : op.body === 'patch' ? PATCH_MEDIA : ['*/*'];
    o.requestBody = { content: Object.fromEntries(media.map((m) => [m, { schema: { $ref: REF + name } }])) };
    if (op.bodyRequired) o.requestBody.required = true;
  }
  o.responses = {};
  for (const [code, name] of Object.entries(op.responses)) o.responses[code] = { description: CODE_TEXT[code], content: content(name, op.produces ?? (op.watchable ? WATCH_MEDIA : MEDIA)) };
  o.responses['401'] = { description: 'Unauthorized' };
  if (op.action) o['x-kubernetes-action'] = op.action;
  if (op.gvk) o['x-kubernetes-group-version-kind'] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return o;
}

export interface V3Options {
  gitVersion: string;
  /** Every served group-version (for the group-version-kinds of DeleteOptions and WatchEvent). */
  allGVs: { group: string; version: string }[];
}

export function buildV3Document(gv: GroupVersionDefs, opts: V3Options): Json {
  const paths = pathsFor(gv);
  const tags = [tag(gv.group, gv.version)];
  const doc: Json = { openapi: '3.0.0', info: { title: 'Kubernetes', version: opts.gitVersion }, paths: {}, components: { schemas: {}, securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer Token authentication', name: 'authorization', in: 'header' } } } };
  // keys sorted as Go's encoding/json writes upstream's maps
  for (const p of [...paths].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    const item: Json = {};
    for (const op of p.ops) item[op.method] = operationV3(op, tags);
    if (p.params.length) item.parameters = p.params.map(paramV3);
    doc.paths[p.path] = item;
  }
  for (const name of rootTypes(gv, paths).sort()) doc.components.schemas[name] = typeSchemaV3(resolveType(name)!, commonGVK(name, opts.allGVs));
  doc.security = [{ BearerToken: [] }];
  return doc;
}

export function commonGVK(name: string, allGVs: { group: string; version: string }[]): GVK[] | undefined {
  if (name === `${META}.DeleteOptions`) return commonKindGVKs('DeleteOptions', allGVs);
  if (name === `${META}.WatchEvent`) return commonKindGVKs('WatchEvent', allGVs);
  return undefined;
}
