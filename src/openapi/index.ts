// /openapi/v3 (index + one document per group-version) and /openapi/v2 (gnostic protobuf or JSON), built lazily
// from the registry's resource definitions and cached until the served resources change.
import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { Env } from '../apiserver/env.js';
import type { ResourceDef } from '../registry/types.js';
import { parseMediaTypes } from '../apiserver/negotiation.js';
import { GO_DEFAULT_GZIP_LEVEL, GZIPHANDLER_MIN_SIZE, gzipBytes, gziphandlerAcceptsGzip, withVary } from '../apiserver/compression.js';
import { crdOf } from '../registry/crd/custom-resources.js';
import { buildCRDV3Document, buildCRDVersionSpec, type CRDVersionSpec, type Renderer } from './crd-documents.js';
import { buildV3Document, gvPath, type GroupVersionDefs, type Json } from './v3.js';

export { buildV3Document, pathsFor, gvPath } from './v3.js';

export interface OpenAPIOptions {
  /** Reported as info.version, e.g. v1.33.1. */
  gitVersion: string;
}

interface Cached {
  fingerprint: string;
  body: Buffer;
  etag: string;
  lastModified: string;
  /** The body gzip'ed, once asked for. */
  gzipped?: Promise<Buffer>;
}

const V2_PROTO_ACCEPT = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
const V2_PROTO_TYPE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/** kube-openapi's ETag: upper-case hex SHA-512 of the served bytes. */
export function computeETag(data: Uint8Array): string {
  return createHash('sha512').update(data).digest('hex').toUpperCase();
}

function groupVersions(defs: readonly ResourceDef[]): GroupVersionDefs[] {
  const m = new Map<string, GroupVersionDefs>();
  for (const d of defs) {
    // computed kinds (metrics.k8s.io) have no schema among the built-in models
    if (d.computed) continue;
    const k = gvPath(d.group, d.version);
    let gv = m.get(k);
    if (!gv) m.set(k, (gv = { group: d.group, version: d.version, defs: [] }));
    gv.defs.push(d);
  }
  return [...m.values()];
}

function fingerprintDefs(defs: readonly ResourceDef[]): string {
  return JSON.stringify(defs.map((d) => [d.group, d.version, d.resource, d.kind, d.namespaced, d.verbs, [...d.subresources.values()].map((s) => [s.name, s.group, s.version, s.kind, s.verbs])]));
}

interface State {
  /** Built-in group-versions. */
  gvs: GroupVersionDefs[];
  /** Custom resource group-versions: each served version of each CRD, by document path. */
  crs: Map<string, { crd: Json; version: string }[]>;
  all: string;
  builtinFingerprint: string;
  /** Document fingerprints by path, computed on first use. */
  fingerprints: Map<string, string>;
}

/** A CRD version's spec, built once per CRD resourceVersion. */
interface CRDCacheEntry {
  key: string;
  spec: CRDVersionSpec;
}

export class OpenAPIService {
  private readonly v3 = new Map<string, Cached>();
  private index?: Cached;
  private v2json?: Cached;
  private v2proto?: Cached;
  private lastDefs?: readonly ResourceDef[];
  private lastState?: State;
  private readonly crdV3 = new Map<string, CRDCacheEntry>();
  private readonly crdV2 = new Map<string, CRDCacheEntry>();
  private v2builtin?: { fp: string; doc: Json };

  constructor(
    private readonly registry: { readonly defs: readonly ResourceDef[] },
    private readonly opts: OpenAPIOptions,
  ) {}

  // the registry hands out the same array until the served resources change
  private state(): State {
    const defs = this.registry.defs;
    if (this.lastState && this.lastDefs === defs) return this.lastState;
    const builtin = defs.filter((d) => !d.customResource);
    const gvs = groupVersions(builtin);
    const crs = new Map<string, { crd: Json; version: string }[]>();
    for (const d of defs) {
      const crd = d.customResource ? crdOf(d) : undefined;
      if (!crd) continue;
      const p = gvPath(d.group, d.version);
      if (gvs.some((g) => gvPath(g.group, g.version) === p)) continue;
      const list = crs.get(p) ?? [];
      list.push({ crd, version: d.version });
      crs.set(p, list);
    }
    const live = new Set([...crs.values()].flat().map((e) => `${e.crd.metadata?.name}/${e.version}`));
    for (const m of [this.crdV3, this.crdV2]) for (const id of [...m.keys()]) if (!live.has(id)) m.delete(id);
    this.lastDefs = defs;
    this.lastState = { gvs, crs, all: gvs.map((g) => gvPath(g.group, g.version)).join(','), builtinFingerprint: fingerprintDefs(builtin), fingerprints: new Map() };
    return this.lastState;
  }

  private crdSpec(cache: Map<string, CRDCacheEntry>, crd: Json, version: string, v2?: Renderer): CRDVersionSpec {
    const id = `${crd.metadata?.name}/${version}`;
    const key = `${crd.metadata?.uid}/${crd.metadata?.resourceVersion}`;
    const hit = cache.get(id);
    if (hit?.key === key) return hit.spec;
    const spec = buildCRDVersionSpec(crd, version, { v2 });
    cache.set(id, { key, spec });
    return spec;
  }

  /** The document for `api/v1` or `apis/<group>/<version>`, or undefined when that group-version is not served. */
  v3Document(path: string): Cached | undefined {
    const { gvs, crs, all, fingerprints } = this.state();
    const crEntries = crs.get(path);
    if (crEntries) {
      let fp = fingerprints.get(path);
      if (fp === undefined) fingerprints.set(path, (fp = `${all}\n${crEntries.map((e) => `${e.crd.metadata?.uid}/${e.crd.metadata?.resourceVersion}/${e.version}`).join(',')}`));
      const hit = this.v3.get(path);
      if (hit?.fingerprint === fp) return hit;
      const doc = buildCRDV3Document(
        crEntries.map((e) => this.crdSpec(this.crdV3, e.crd, e.version)),
        gvs,
      );
      const c = cached(fp, Buffer.from(JSON.stringify(doc)));
      this.v3.set(path, c);
      return c;
    }
    const gv = gvs.find((g) => gvPath(g.group, g.version) === path);
    if (!gv) return undefined;
    let fp = fingerprints.get(path);
    if (fp === undefined) fingerprints.set(path, (fp = `${all}\n${fingerprintDefs(gv.defs)}`));
    const hit = this.v3.get(path);
    if (hit?.fingerprint === fp) return hit;
    const doc = buildV3Document(gv, { gitVersion: this.opts.gitVersion, allGVs: gvs });
    const c = cached(fp, Buffer.from(JSON.stringify(doc)));
    this.v3.set(path, c);
    return c;
  }

  v3Index(): Cached {
    const { gvs, crs } = this.state();
    const all = [...gvs.map((g) => gvPath(g.group, g.version)), ...crs.keys()].sort();
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const p of all) paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${this.v3Document(p)!.etag}` };
    for (const p of [...this.v3.keys()]) if (!paths[p]) this.v3.delete(p);
    const body = Buffer.from(JSON.stringify({ paths }));
    const fp = body.toString('latin1');
    if (this.index?.fingerprint !== fp) this.index = cached(fp, body);
    return this.index;
  }

  // v2 pulls in the protobuf descriptors (~100 ms to load): imported on the first request only
  private async v2Document(): Promise<{ fp: string; build: () => Record<string, unknown>; encode: (doc: Record<string, unknown>) => Uint8Array }> {
    const { buildV2Document, encodeV2, operationV2, paramV2 } = await import('./v2.js');
    const st = this.state();
    const entries = [...st.crs.values()].flat();
    const fp = `${this.opts.gitVersion}\n${st.builtinFingerprint}\n${entries.map((e) => `${e.crd.metadata?.uid}/${e.crd.metadata?.resourceVersion}/${e.version}`).join(',')}`;
    const build = () => {
      const bfp = `${this.opts.gitVersion}\n${st.builtinFingerprint}`;
      if (this.v2builtin?.fp !== bfp) this.v2builtin = { fp: bfp, doc: buildV2Document(st.gvs, { gitVersion: this.opts.gitVersion }) };
      const base = this.v2builtin.doc;
      if (!entries.length) return base;
      const renderer: Renderer = { operation: operationV2, param: paramV2 };
      // the built-in paths and definitions win, as upstream's merge keeps the static spec's
      const paths: Json = {};
      const definitions: Json = {};
      for (const e of entries) {
        const s = this.crdSpec(this.crdV2, e.crd, e.version, renderer);
        Object.assign(paths, s.paths);
        Object.assign(definitions, s.schemas);
      }
      return { ...base, paths: sortKeys({ ...paths, ...base.paths }), definitions: sortKeys({ ...definitions, ...base.definitions }) };
    };
    return { fp, build, encode: encodeV2 };
  }

  async v2JSON(): Promise<Cached> {
    const { fp, build } = await this.v2Document();
    if (this.v2json?.fingerprint !== fp) this.v2json = cached(fp, Buffer.from(JSON.stringify(build())));
    return this.v2json;
  }

  async v2Proto(): Promise<Cached> {
    const { fp, build, encode } = await this.v2Document();
    if (this.v2proto?.fingerprint !== fp) this.v2proto = cached(fp, Buffer.from(encode(build())));
    return this.v2proto;
  }
}

function sortKeys(o: Json): Json {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function cached(fingerprint: string, body: Buffer): Cached {
  return { fingerprint, body, etag: computeETag(body), lastModified: new Date().toUTCString() };
}

function notModified(c: Context<Env>, doc: Cached): boolean {
  const inm = c.req.header('if-none-match');
  return !!inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === `"${doc.etag}"`);
}

function serve(c: Context<Env>, doc: Cached, contentType: string, extra: Record<string, string> = {}, gzip = false): Response | Promise<Response> {
  const headers: Record<string, string> = { ...extra, ETag: `"${doc.etag}"`, 'Last-Modified': doc.lastModified };
  if (notModified(c, doc)) return c.body(null, 304, headers);
  if (gzip && doc.body.length >= GZIPHANDLER_MIN_SIZE) {
    // the same bytes every time for one document: compressed once
    doc.gzipped ??= gzipBytes(doc.body, GO_DEFAULT_GZIP_LEVEL);
    return doc.gzipped.then((gz) => c.body(new Uint8Array(gz), 200, { ...headers, 'Content-Type': contentType, 'Content-Encoding': 'gzip' }));
  }
  return c.body(new Uint8Array(doc.body), 200, { ...headers, 'Content-Type': contentType });
}

function acceptsJSON(accept: string | undefined): boolean {
  const types = parseMediaTypes(accept || '*/*');
  return types.length === 0 || types.some((t) => t.type === 'application/json' || t.type === '*/*' || t.type === 'application/*');
}

/** Mounts the OpenAPI endpoints on the app. */
export function openapiRoutes(app: Hono<Env>, registry: { readonly defs: readonly ResourceDef[] }, opts: OpenAPIOptions): OpenAPIService {
  const svc = new OpenAPIService(registry, opts);
  app.get('/openapi/v3', (c) => serve(c, svc.v3Index(), 'application/json'));
  app.get('/openapi/v3/*', (c) => {
    const path = c.req.path.slice('/openapi/v3/'.length);
    const doc = svc.v3Document(path);
    if (!doc) return c.text('404 page not found\n', 404);
    if (!acceptsJSON(c.req.header('accept'))) return c.body(null, 406, { Vary: 'Accept' });
    const hash = c.req.query('hash');
    if (hash && hash !== doc.etag) return c.redirect(`/openapi/v3/${path}?hash=${doc.etag}`, 301);
    const extra: Record<string, string> = { Vary: 'Accept' };
    if (hash) {
      extra['Cache-Control'] = 'public, immutable';
      const expires = new Date();
      expires.setUTCFullYear(expires.getUTCFullYear() + 1);
      extra.Expires = expires.toUTCString();
    }
    return serve(c, doc, 'application/json', extra);
  });
  // kube-openapi serves v2 through gziphandler, which adds Vary: Accept-Encoding to every answer (the handler then Accept)
  const v2 = (protoOnly: boolean) => async (c: Context<Env>) => {
    const accept = c.req.header('accept');
    const vary = withVary(c, {}, ['Accept-Encoding', 'Accept']);
    const gzip = c.req.method !== 'HEAD' && gziphandlerAcceptsGzip(c.req.header('accept-encoding'));
    const wantsProto = protoOnly || parseMediaTypes(accept).some((t) => t.type === V2_PROTO_ACCEPT || t.type === V2_PROTO_TYPE);
    if (wantsProto) return serve(c, await svc.v2Proto(), V2_PROTO_TYPE, vary, gzip);
    if (!acceptsJSON(accept)) return c.body(null, 406, vary);
    return serve(c, await svc.v2JSON(), 'application/json', vary, gzip);
  };
  app.get('/openapi/v2', v2(false));
  app.get('/swagger-2.0.0.pb-v1', v2(true));
  return svc;
}
