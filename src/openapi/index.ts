// /openapi/v3 (index + one document per group-version) and /openapi/v2 (gnostic protobuf or JSON), built lazily
// from the registry's resource definitions and cached until the served resources change.
import { createHash } from 'node:crypto';
import type { Context, Hono } from 'hono';
import type { Env } from '../apiserver/env.js';
import type { ResourceDef } from '../registry/types.js';
import { parseMediaTypes } from '../apiserver/negotiation.js';
import { buildV3Document, gvPath, type GroupVersionDefs } from './v3.js';

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

export class OpenAPIService {
  private readonly v3 = new Map<string, Cached>();
  private index?: Cached;
  private v2json?: Cached;
  private v2proto?: Cached;

  constructor(
    private readonly registry: { readonly defs: readonly ResourceDef[] },
    private readonly opts: OpenAPIOptions,
  ) {}

  private state(): { gvs: GroupVersionDefs[]; all: string } {
    const gvs = groupVersions(this.registry.defs);
    return { gvs, all: gvs.map((g) => gvPath(g.group, g.version)).join(',') };
  }

  /** The document for `api/v1` or `apis/<group>/<version>`, or undefined when that group-version is not served. */
  v3Document(path: string): Cached | undefined {
    const { gvs, all } = this.state();
    const gv = gvs.find((g) => gvPath(g.group, g.version) === path);
    if (!gv) return undefined;
    const fp = `${all}\n${fingerprintDefs(gv.defs)}`;
    const hit = this.v3.get(path);
    if (hit?.fingerprint === fp) return hit;
    const doc = buildV3Document(gv, { gitVersion: this.opts.gitVersion, allGVs: gvs });
    const c = cached(fp, Buffer.from(JSON.stringify(doc)));
    this.v3.set(path, c);
    return c;
  }

  v3Index(): Cached {
    const { gvs } = this.state();
    const paths: Record<string, { serverRelativeURL: string }> = {};
    for (const gv of [...gvs].sort((a, b) => (gvPath(a.group, a.version) < gvPath(b.group, b.version) ? -1 : 1))) {
      const p = gvPath(gv.group, gv.version);
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${this.v3Document(p)!.etag}` };
    }
    const body = Buffer.from(JSON.stringify({ paths }));
    const fp = body.toString('latin1');
    if (this.index?.fingerprint !== fp) this.index = cached(fp, body);
    return this.index;
  }

  // v2 pulls in the protobuf descriptors (~100 ms to load): imported on the first request only
  private async v2Document(): Promise<{ fp: string; build: () => Record<string, unknown>; encode: (doc: Record<string, unknown>) => Uint8Array }> {
    const { buildV2Document, encodeV2 } = await import('./v2.js');
    const fp = `${this.opts.gitVersion}\n${fingerprintDefs(this.registry.defs)}`;
    return { fp, build: () => buildV2Document(groupVersions(this.registry.defs), { gitVersion: this.opts.gitVersion }), encode: encodeV2 };
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

function cached(fingerprint: string, body: Buffer): Cached {
  return { fingerprint, body, etag: computeETag(body), lastModified: new Date().toUTCString() };
}

function notModified(c: Context<Env>, doc: Cached): boolean {
  const inm = c.req.header('if-none-match');
  return !!inm && inm.split(',').some((t) => t.trim().replace(/^W\//, '') === `"${doc.etag}"`);
}

function serve(c: Context<Env>, doc: Cached, contentType: string, extra: Record<string, string> = {}): Response {
  const headers: Record<string, string> = { ...extra, ETag: `"${doc.etag}"`, 'Last-Modified': doc.lastModified };
  if (notModified(c, doc)) return c.body(null, 304, headers);
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
  const v2 = (protoOnly: boolean) => async (c: Context<Env>) => {
    const accept = c.req.header('accept');
    const wantsProto = protoOnly || parseMediaTypes(accept).some((t) => t.type === V2_PROTO_ACCEPT || t.type === V2_PROTO_TYPE);
    if (wantsProto) return serve(c, await svc.v2Proto(), V2_PROTO_TYPE, { Vary: 'Accept' });
    if (!acceptsJSON(accept)) return c.body(null, 406, { Vary: 'Accept' });
    return serve(c, await svc.v2JSON(), 'application/json', { Vary: 'Accept' });
  };
  app.get('/openapi/v2', v2(false));
  app.get('/swagger-2.0.0.pb-v1', v2(true));
  return svc;
}
