// The swagger 2.0 document of every served group-version, as JSON and as the gnostic protobuf kubectl 1.27/1.28 read.
import { META, reachableTypes, resolveType, type FieldSchema, type TypeSchema } from '../schema/index.js';
import { encodeGnostic } from './gnostic.js';
import { CODE_TEXT, MEDIA, PATCH_MEDIA, WATCH_MEDIA, commonKindGVKs, pathsFor, rootTypes, tag, type GroupVersionDefs, type Json, type Operation } from './v3.js';

const REF = '#/definitions/';

function nodeV2(f: FieldSchema): Json {
  const s: Json = {};
  if (f.ref) s.$ref = REF + f.ref;
  if (f.description) s.description = f.description;
  if (f.enum) s.enum = f.enum;
  if (f.format) s.format = f.format;
  if (f.items) s.items = nodeV2(f.items);
  if (f.additionalProperties) s.additionalProperties = nodeV2(f.additionalProperties);
  if (f.type) s.type = f.type;
  if (f.listMapKeys) s['x-kubernetes-list-map-keys'] = f.listMapKeys;
  if (f.listType) s['x-kubernetes-list-type'] = f.listType;
  if (f.mapType) s['x-kubernetes-map-type'] = f.mapType;
  if (f.patchMergeKey) s['x-kubernetes-patch-merge-key'] = f.patchMergeKey;
  if (f.patchStrategy) s['x-kubernetes-patch-strategy'] = f.patchStrategy;
  return s;
}

function typeV2(t: TypeSchema, gvks?: ReturnType<typeof commonKindGVKs>): Json {
  const s: Json = {};
  if (t.description) s.description = t.description;
  // swagger 2.0 has no oneOf: IntOrString and Quantity are strings there, as upstream publishes them
  if (t.oneOf) s.type = 'string';
  if (t.format) s.format = t.format;
  if (t.properties) {
    s.properties = {};
    for (const [name, f] of Object.entries(t.properties)) s.properties[name] = nodeV2(f);
  }
  if (t.required?.length) s.required = t.required;
  if (t.type) s.type = t.type;
  const gvk = gvks ?? t.gvk;
  if (gvk?.length) s['x-kubernetes-group-version-kind'] = gvk.map((g) => ({ group: g.group, kind: g.kind, version: g.version }));
  if (t.mapType) s['x-kubernetes-map-type'] = t.mapType;
  return s;
}

export function paramV2(p: { name: string; in: string; description: string; type: string; required?: boolean }): Json {
  const s: Json = { uniqueItems: true, type: p.type, description: p.description, name: p.name, in: p.in };
  if (p.required) s.required = true;
  return s;
}

export function operationV2(op: Operation, tags: string[]): Json {
  const o: Json = { description: op.description };
  if (op.consumes) o.consumes = op.consumes;
  else if (op.body) o.consumes = op.body === 'patch' ? PATCH_MEDIA : ['*/*'];
  o.produces = op.produces ?? (Object.values(op.responses).some((r) => r === '') ? ['*/*'] : op.watchable ? WATCH_MEDIA : MEDIA);
  o.schemes = ['https'];
  o.tags = tags;
  o.operationId = op.operationId;
  const params: Json[] = [];
  if (op.body) params.push({ name: 'body', in: 'body', ...(op.bodyRequired ? { required: true } : {}), schema: { $ref: REF + (op.body === 'patch' ? `${META}.Patch` : op.body) } });
  params.push(...op.params.map(paramV2));
  if (params.length) o.parameters = params;
  o.responses = {};
  for (const [code, name] of Object.entries(op.responses)) o.responses[code] = { description: CODE_TEXT[code], schema: name ? { $ref: REF + name } : { type: 'string' } };
  o.responses['401'] = { description: 'Unauthorized' };
  if (op.action) o['x-kubernetes-action'] = op.action;
  if (op.gvk) o['x-kubernetes-group-version-kind'] = { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version };
  return o;
}

export function buildV2Document(gvs: GroupVersionDefs[], opts: { gitVersion: string }): Json {
  const doc: Json = { swagger: '2.0', info: { title: 'Kubernetes', version: opts.gitVersion }, paths: {}, definitions: {} };
  const roots = new Set<string>();
  for (const gv of gvs) {
    const paths = pathsFor(gv);
    const tags = [tag(gv.group, gv.version)];
    for (const p of paths) {
      const item: Json = {};
      for (const op of p.ops) item[op.method] = operationV2(op, tags);
      if (p.params.length) item.parameters = p.params.map(paramV2);
      doc.paths[p.path] = item;
    }
    for (const n of rootTypes(gv, paths)) roots.add(n);
  }
  doc.paths = Object.fromEntries(Object.entries(doc.paths as Json).sort(([a], [b]) => (a < b ? -1 : 1)));
  for (const name of reachableTypes(roots).sort()) {
    const gvks = name === `${META}.DeleteOptions` ? commonKindGVKs('DeleteOptions', gvs) : name === `${META}.WatchEvent` ? commonKindGVKs('WatchEvent', gvs) : undefined;
    doc.definitions[name] = typeV2(resolveType(name)!, gvks);
  }
  doc.securityDefinitions = { BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' } };
  doc.security = [{ BearerToken: [] }];
  return doc;
}

// JSON is YAML: gnostic keeps extension values and enum members as YAML text.
const anyPb = (v: unknown): Json => ({ yaml: `${JSON.stringify(v)}\n` });

function extensionsPb(s: Json): Json[] {
  return Object.entries(s)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, v]) => ({ name, value: anyPb(v) }));
}

function schemaPb(s: Json): Json {
  const o: Json = {};
  if (s.$ref) o.ref = s.$ref;
  if (s.format) o.format = s.format;
  if (s.title) o.title = s.title;
  if (s.description) o.description = s.description;
  if (s.default !== undefined) o.default = anyPb(s.default);
  for (const k of ['multipleOf', 'maximum', 'exclusiveMaximum', 'minimum', 'exclusiveMinimum', 'maxLength', 'minLength', 'pattern', 'maxItems', 'minItems', 'maxProperties', 'minProperties']) if (s[k] !== undefined) o[k] = s[k];
  if (s.uniqueItems) o.uniqueItems = true;
  if (s.required) o.required = s.required;
  if (s.enum) o.enum = s.enum.map(anyPb);
  if (typeof s.additionalProperties === 'boolean') o.additionalProperties = { oneof: { case: 'boolean', value: s.additionalProperties } };
  else if (s.additionalProperties) o.additionalProperties = { oneof: { case: 'schema', value: schemaPb(s.additionalProperties) } };
  if (s.type) o.type = { value: [s.type] };
  if (s.items) o.items = { schema: [schemaPb(s.items)] };
  if (s.allOf) o.allOf = s.allOf.map(schemaPb);
  if (s.properties) o.properties = { additionalProperties: Object.entries(s.properties).map(([name, v]) => ({ name, value: schemaPb(v as Json) })) };
  const ext = extensionsPb(s);
  if (ext.length) o.vendorExtension = ext;
  return o;
}

function paramPb(p: Json): Json {
  if (p.in === 'body') return { oneof: { case: 'parameter', value: { oneof: { case: 'bodyParameter', value: { name: p.name, in: p.in, required: !!p.required, schema: schemaPb(p.schema) } } } } };
  const sub = { required: !!p.required, in: p.in, description: p.description, name: p.name, type: p.type, uniqueItems: !!p.uniqueItems };
  const which = p.in === 'path' ? 'pathParameterSubSchema' : 'queryParameterSubSchema';
  return { oneof: { case: 'parameter', value: { oneof: { case: 'nonBodyParameter', value: { oneof: { case: which, value: sub } } } } } };
}

function operationPb(o: Json): Json {
  const out: Json = { tags: o.tags, description: o.description, operationId: o.operationId, produces: o.produces, consumes: o.consumes ?? [], schemes: o.schemes };
  out.parameters = (o.parameters ?? []).map(paramPb);
  out.responses = {
    responseCode: Object.entries(o.responses as Record<string, Json>).map(([name, r]) => ({
      name,
      value: { oneof: { case: 'response', value: { description: r.description, ...(r.schema ? { schema: { oneof: { case: 'schema', value: schemaPb(r.schema) } } } : {}) } } },
    })),
  };
  out.vendorExtension = extensionsPb(o);
  return out;
}

/** The gnostic openapi_v2.Document of a swagger 2.0 document, protobuf-encoded. */
export function encodeV2(doc: Json): Uint8Array {
  const init: Json = {
    swagger: doc.swagger,
    info: doc.info,
    paths: {
      path: Object.entries(doc.paths as Record<string, Json>).map(([name, item]) => {
        const v: Json = {};
        for (const m of ['get', 'put', 'post', 'delete', 'patch']) if (item[m]) v[m] = operationPb(item[m]);
        v.parameters = (item.parameters ?? []).map(paramPb);
        return { name, value: v };
      }),
    },
    definitions: { additionalProperties: Object.entries(doc.definitions as Record<string, Json>).map(([name, s]) => ({ name, value: schemaPb(s) })) },
    security: (doc.security as Json[]).map((r) => ({ additionalProperties: Object.entries(r).map(([name, v]) => ({ name, value: { value: v } })) })),
    securityDefinitions: {
      additionalProperties: Object.entries(doc.securityDefinitions as Record<string, Json>).map(([name, s]) => ({ name, value: { oneof: { case: 'apiKeySecurity', value: s } } })),
    },
  };
  return encodeGnostic('Document', init);
}
