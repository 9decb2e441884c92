// Content negotiation: what the client accepts (JSON, YAML, Table, PartialObjectMetadata) and what it sent.
import { parseYAML } from './lazy.js';
import { StatusError, badRequest, notAcceptable, unsupportedMediaType } from '../apimachinery/errors.js';
import { MAX_NESTING_DEPTH, nestingError } from '../apimachinery/json-depth.js';
import { typeMismatchOfType } from '../schema/type-check.js';
import { goJSONSyntaxError } from './go-json-syntax.js';

export interface MediaType {
  type: string;
  params: Record<string, string>;
}

export function parseMediaTypes(header: string | undefined | null): MediaType[] {
  if (!header) return [];
  const out: MediaType[] = [];
  for (const part of header.split(',')) {
    const [t, ...ps] = part.split(';');
    const type = t.trim().toLowerCase();
    if (!type) continue;
    const params: Record<string, string> = {};
    for (const p of ps) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"|"$/g, '');
    }
    out.push({ type, params });
  }
  return out;
}

export type Target =
  | { kind: 'json' }
  | { kind: 'yaml' }
  | { kind: 'table'; version: 'v1' | 'v1beta1'; yaml?: boolean }
  | { kind: 'partial'; version: 'v1' | 'v1beta1'; list: boolean; yaml?: boolean };

const JSON_TYPES = new Set(['application/json', '*/*', 'application/*', 'application/vnd.kubernetes.protobuf', 'application/vnd.kubernetes.protobuf;stream=watch']);

/** Pick the response form. `listy` tells whether the endpoint returns a list (PartialObjectMetadataList). */
/** Whether the response is printed as YAML: application/yaml itself, or a Table or metadata transform asked for as YAML. */
export function yamlTarget(t: Target): boolean {
  return t.kind === 'yaml' || ((t.kind === 'table' || t.kind === 'partial') && !!t.yaml);
}

/** upstream's NotAcceptable message, naming every media type the API serves. */
export const NOT_ACCEPTABLE = 'only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf';

export function negotiate(accept: string | undefined | null, opts: { allowTable: boolean; listy: boolean }): Target {
  const types = parseMediaTypes(accept);
  if (types.length === 0) return { kind: 'json' };
  let sawProtobuf = false;
  for (const mt of types) {
    const as = mt.params['as'];
    if (as) {
      if (mt.type !== 'application/json' && mt.type !== 'application/yaml') continue;
      const g = mt.params['g'];
      const v = mt.params['v'];
      if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
      // application/yaml;as=Table (or PartialObjectMetadata) is the same transform printed as YAML
      const yaml = mt.type === 'application/yaml' ? { yaml: true } : {};
      if (as === 'Table' && opts.allowTable) return { kind: 'table', version: v, ...yaml };
      if (as === 'PartialObjectMetadata' && !opts.listy) return { kind: 'partial', version: v, list: false, ...yaml };
      if (as === 'PartialObjectMetadataList' && opts.listy) return { kind: 'partial', version: v, list: true, ...yaml };
      continue;
    }
    if (mt.type === 'application/yaml') return { kind: 'yaml' };
    if (mt.type === 'application/vnd.kubernetes.protobuf') {
      sawProtobuf = true;
      continue;
    }
    if (JSON_TYPES.has(mt.type)) return { kind: 'json' };
  }
  if (sawProtobuf) return { kind: 'json' };
  throw notAcceptable(NOT_ACCEPTABLE);
}

export function baseContentType(ct: string | undefined | null): string {
  return (ct ?? '').split(';')[0].trim().toLowerCase();
}

export type ProtobufDecoder = (body: Uint8Array, defaults?: { apiVersion: string; kind: string }, kinds?: string[]) => Record<string, unknown>;

let protobufDecoder: ProtobufDecoder | undefined;
let protobufLoader: (() => Promise<ProtobufDecoder>) | undefined;

/** The protobuf decoder is large; it is loaded on the first protobuf request (see the app's filter). */
export function setProtobufDecoderLoader(load: () => Promise<ProtobufDecoder>): void {
  protobufLoader = load;
}

export async function loadProtobufDecoder(): Promise<void> {
  if (!protobufDecoder && protobufLoader) protobufDecoder = await protobufLoader();
}

/** Decode a create/update body: JSON, YAML or protobuf. */
export function decodeBody(contentType: string | undefined | null, body: Buffer): Record<string, unknown> {
  const ct = baseContentType(contentType);
  if (ct === '' || ct === 'application/json') return parseJSONObject(body);
  if (ct === 'application/yaml') {
    let v: unknown;
    try {
      v = parseYAML(body.toString('utf8'));
    } catch (e) {
      throw badRequest(`error converting YAML to JSON: ${(e as Error).message}`);
    }
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest('Object \'Kind\' is missing in the request body');
    return v as Record<string, unknown>;
  }
  if (ct === 'application/vnd.kubernetes.protobuf') {
    if (!protobufDecoder) throw unsupportedMediaType(['application/json', 'application/yaml']);
    try {
      return protobufDecoder(body);
    } catch (e) {
      if (e instanceof StatusError) throw e;
      throw badRequest(`failed to decode protobuf body: ${(e as Error).message}`);
    }
  }
  throw unsupportedMediaType(['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf']);
}

export function parseJSONObject(body: Buffer): Record<string, unknown> {
  const v = parseGoJSON(body);
  // null decodes into Go's struct as nothing at all
  if (v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(notAnObject(v));
  return v as Record<string, unknown>;
}

/** JSON.parse, or the error Go's decoder gives while looking for apiVersion and kind. */
function parseGoJSON(body: Buffer): unknown {
  const text = body.toString('utf8');
  // valid JSON is valid for Go too: the scans below only name what is wrong, so they run when something is
  // (too deep needs more than twice the depth limit in brackets)
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return parseGoJSONSlow(body, text);
  }
  if (text.length > 2 * MAX_NESTING_DEPTH) {
    const deep = nestingError(text);
    if (deep) throw badRequest(`couldn't get version/kind; json parse error: ${deep}`);
  }
  return v;
}

function parseGoJSONSlow(body: Buffer, text: string): unknown {
  const deep = nestingError(text);
  if (deep) throw badRequest(`couldn't get version/kind; json parse error: ${deep}`);
  const syntax = goJSONSyntaxError(body);
  if (syntax) throw badRequest(`couldn't get version/kind; json parse error: ${syntax}`);
  return JSON.parse(text);
}

function notAnObject(v: unknown): string {
  return `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKindName(v)} into Go value of type ${FIND_KIND}`;
}

const META_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
// the scheme that upstream's meta codecs name in their errors
const META_SCHEME = 'k8s.io/apimachinery/pkg/apis/meta/internalversion/scheme/register.go:27';
// Go's reflect name of the struct the JSON serializer first reads apiVersion and kind into
const FIND_KIND = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }';

/** v1.33 hands a DeleteOptions decoding error on as it is: a 500 with no reason. */
function decodeFailure(message: string): StatusError {
  return new StatusError(500, '', message);
}

/** A JSON null leaves a Go pointer, slice or struct field unset. */
function withoutNulls(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === null) continue;
    out[k] = v && typeof v === 'object' && !Array.isArray(v) ? withoutNulls(v as Record<string, unknown>) : v;
  }
  return out;
}

function jsonKindName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v;
}

/**
 * Decodes the body of a DELETE (one object or a collection) into DeleteOptions as kube-apiserver v1.33
 * does: with the meta codecs chosen by Content-Type (JSON when absent, YAML, protobuf); kind DeleteOptions
 * under any apiVersion, or none. Returns the options' JSON without kind and apiVersion.
 */
export function decodeDeleteOptions(contentType: string | undefined | null, body: Buffer): Record<string, unknown> {
  const ct = baseContentType(contentType) || 'application/json';
  if (!META_MEDIA_TYPES.includes(ct)) throw unsupportedMediaType(META_MEDIA_TYPES);
  const defaults = { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions' };
  let obj: Record<string, unknown>;
  if (ct === 'application/vnd.kubernetes.protobuf') {
    if (!protobufDecoder) throw unsupportedMediaType(['application/json', 'application/yaml']);
    try {
      obj = protobufDecoder(body, defaults, ['DeleteOptions']);
    } catch (e) {
      const err = e as Error & { unsupported?: boolean; apiVersion?: string; kind?: string };
      if (err.unsupported) throw decodeFailure(`no kind ${JSON.stringify(err.kind)} is registered for version ${JSON.stringify(err.apiVersion)} in scheme ${JSON.stringify(META_SCHEME)}`);
      throw decodeFailure(err.message);
    }
  } else {
    let v: unknown;
    let text = body.toString('utf8');
    if (ct === 'application/yaml') {
      try {
        v = parseYAML(text);
      } catch (e) {
        throw decodeFailure(`error converting YAML to JSON: ${(e as Error).message}`);
      }
      text = JSON.stringify(v ?? null);
    }
    try {
      v = parseGoJSON(Buffer.from(text));
    } catch (e) {
      throw decodeFailure((e as Error).message);
    }
    if (v !== null && (typeof v !== 'object' || Array.isArray(v))) throw decodeFailure(notAnObject(v));
    obj = (v ?? {}) as Record<string, unknown>;
    for (const k of ['apiVersion', 'kind']) {
      if (obj[k] !== undefined && obj[k] !== null && typeof obj[k] !== 'string')
        throw decodeFailure(`couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKindName(obj[k])} into Go struct field .${k} of type string`);
    }
    const kind = (obj.kind as string | undefined) || defaults.kind;
    if (kind !== 'DeleteOptions') {
      const apiVersion = (obj.apiVersion as string | undefined) || defaults.apiVersion;
      throw decodeFailure(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme ${JSON.stringify(META_SCHEME)}`);
    }
    const mistyped = typeMismatchOfType(obj, 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions');
    if (mistyped) throw decodeFailure(mistyped);
  }
  const { kind: _k, apiVersion: _v, ...opts } = obj;
  return withoutNulls(opts);
}
