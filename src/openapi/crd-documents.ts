// OpenAPI documents of custom resources as apiextensions-apiserver publishes them: one v3 document per CRD
// group-version (the specs of every CRD serving it merged, as MergeSpecsV3 does) and the paths and definitions
// each CRD version adds to the v2 document. Built once per CRD resourceVersion.
import { buildCRDOpenAPISchemas } from '../apiextensions/openapi-builder.js';
import { META, reachableTypes, resolveType } from '../schema/index.js';
import { crdPaths, crdTag } from './crd-paths.js';
import { commonGVK, operationV3, paramV3, typeSchemaV3, type Json, type Operation, type Param, type PathSpec } from './v3.js';

/** The part of one CRD version's spec that goes into a merged document. */
export interface CRDVersionSpec {
  paths: Record<string, Json>;
  schemas: Record<string, Json>;
  /** Built-in definitions the paths and schemas refer to. */
  references: string[];
}

function references(paths: PathSpec[], own: Set<string>): string[] {
  const roots = new Set([`${META}.ObjectMeta`, `${META}.ListMeta`]);
  for (const p of paths)
    for (const op of p.ops) {
      if (op.body === 'patch') roots.add(`${META}.Patch`);
      else if (op.body && !own.has(op.body)) roots.add(op.body);
      for (const r of Object.values(op.responses)) if (r && !own.has(r)) roots.add(r);
    }
  return reachableTypes(roots);
}

export interface Renderer {
  operation(op: Operation, tags: string[]): Json;
  param(p: Param): Json;
}

function renderPaths(paths: PathSpec[], tags: string[], r: Renderer): Record<string, Json> {
  const out: Record<string, Json> = {};
  for (const p of paths) {
    const item: Json = {};
    for (const m of ['get', 'put', 'post', 'delete', 'patch'] as const) {
      const op = p.ops.find((o) => o.method === m);
      if (op) item[m] = r.operation(op, tags);
    }
    if (p.params.length) item.parameters = p.params.map(r.param);
    out[p.path] = item;
  }
  return out;
}

/** builder.BuildOpenAPIV3 (or BuildOpenAPIV2 with the v2 renderer) of one version of a CRD, without the built-in definitions. */
export function buildCRDVersionSpec(crd: Json, version: string, opts: { v2?: Renderer } = {}): CRDVersionSpec {
  const paths = crdPaths(crd, version);
  const built = buildCRDOpenAPISchemas(crd, version, { v2: !!opts.v2 });
  const r = opts.v2 ?? { operation: operationV3, param: paramV3 };
  return { paths: renderPaths(paths, [crdTag(crd.spec.group, version)], r), schemas: built.schemas, references: references(paths, new Set(Object.keys(built.schemas))) };
}

const sortKeys = <T>(o: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

/** The /openapi/v3/apis/<group>/<version> document of the CRDs serving one group-version. */
export function buildCRDV3Document(specs: CRDVersionSpec[], allGVs: { group: string; version: string }[]): Json {
  const paths: Record<string, Json> = {};
  const schemas: Record<string, Json> = {};
  const refs = new Set<string>();
  for (const s of specs) {
    Object.assign(paths, s.paths);
    Object.assign(schemas, s.schemas);
    for (const r of s.references) refs.add(r);
  }
  for (const name of refs) {
    const t = resolveType(name);
    if (t) schemas[name] = typeSchemaV3(t, commonGVK(name, allGVs));
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' }, paths: sortKeys(paths), components: { schemas: sortKeys(schemas) } };
}
