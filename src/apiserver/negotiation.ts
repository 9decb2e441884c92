// Content negotiation: what the client accepts (JSON, YAML, Table, PartialObjectMetadata) and what it sent.
import { yaml } from './lazy.js';
import { StatusError, badRequest, notAcceptable, unsupportedMediaType } from '../apimachinery/errors.js';
import { nestingError } from '../apimachinery/json-depth.js';

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
  | { kind: 'table'; version: 'v1' | 'v1beta1' }
  | { kind: 'partial'; version: 'v1' | 'v1beta1'; list: boolean };

const JSON_TYPES = new Set(['application/json', '*/*', 'application/*', 'application/vnd.kubernetes.protobuf', 'application/vnd.kubernetes.protobuf;stream=watch']);

/** Pick the response form. `listy` tells whether the endpoint returns a list (PartialObjectMetadataList). */
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
      if (as === 'Table' && opts.allowTable) return { kind: 'table', version: v };
      if (as === 'PartialObjectMetadata' && !opts.listy) return { kind: 'partial', version: v, list: false };
      if (as === 'PartialObjectMetadataList' && opts.listy) return { kind: 'partial', version: v, list: true };
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
  throw notAcceptable('only the following media types are accepted: application/json, application/yaml, application/vnd.kubernetes.protobuf');
}

export function baseContentType(ct: string | undefined | null): string {
  return (ct ?? '').split(';')[0].trim().toLowerCase();
}

export type ProtobufDecoder = (body: Uint8Array) => Record<string, unknown>;

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
      v = yaml().parse(body.toString('utf8'));
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
  let v: unknown;
  const text = body.toString('utf8');
  const deep = nestingError(text);
  if (deep) throw badRequest(`couldn't get version/kind; json parse error: ${deep}`);
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
  if (!v || typeof v !== 'object' || Array.isArray(v)) throw badRequest("couldn't get version/kind; json parse error: json: cannot unmarshal into Go value of type struct");
  return v as Record<string, unknown>;
}
