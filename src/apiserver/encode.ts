// Response encoding: JSON, YAML, Table and PartialObjectMetadata forms of objects and lists.
import { goYAML } from '../apimachinery/go-yaml.js';
import type { Context } from 'hono';
import { badRequest } from '../apimachinery/errors.js';
import { goJSON, goJSONOrdered, goJSONUnstructured, goMessageJSON, goString, isTypedKind } from '../apimachinery/go-json-encode.js';
import type { KObject, ResourceDef } from '../registry/types.js';
import { defaultPrinter } from '../registry/printers/index.js';
import { yamlTarget, type Target } from './negotiation.js';
import type { Env } from './env.js';
import { apiBody } from './compression.js';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function parseIncludeObject(v: string | undefined): IncludeObject {
  if (v === undefined || v === '' || v === 'Metadata') return 'Metadata';
  if (v === 'None' || v === 'Object') return v;
  throw badRequest(`invalid value for includeObject: ${JSON.stringify(v)}; must be one of "None", "Metadata", "Object"`);
}

function partial(obj: KObject, version: string): KObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

export interface TableOptions {
  version: 'v1' | 'v1beta1';
  include: IncludeObject;
  noHeaders?: boolean;
}

export function toTable(def: ResourceDef, items: KObject[], listMeta: KObject, opts: TableOptions): KObject {
  const printer = def.printer ?? defaultPrinter;
  const now = Date.now();
  const t: KObject = { kind: 'Table', apiVersion: `meta.k8s.io/${opts.version}`, metadata: listMeta };
  if (!opts.noHeaders) t.columnDefinitions = printer.columns;
  t.rows = items.map((o) => tableRow(printer, o, now, opts));
  return t;
}

function tableRow(printer: NonNullable<ResourceDef['printer']>, o: KObject, now: number, opts: TableOptions): KObject {
  const r = printer.row(o, now);
  const row: KObject = { cells: r.cells };
  if (r.conditions) row.conditions = r.conditions;
  if (opts.include === 'Metadata') row.object = partial(o, opts.version);
  else if (opts.include === 'Object') row.object = o;
  return row;
}

export function listObject(def: ResourceDef, items: KObject[], listMeta: KObject): KObject {
  return { kind: `${def.kind}List`, apiVersion: def.group ? `${def.group}/${def.version}` : def.version, metadata: listMeta, items };
}

/** Encode one object (or list) for the negotiated target. */
export function encodeResult(def: ResourceDef, target: Target, value: { object?: KObject; items?: KObject[]; listMeta?: KObject }, query: (k: string) => string | undefined): KObject {
  if (target.kind === 'table') {
    const include = parseIncludeObject(query('includeObject'));
    if (value.items) return toTable(def, value.items, value.listMeta ?? {}, { version: target.version, include });
    return toTable(def, [value.object!], { resourceVersion: value.object!.metadata?.resourceVersion }, { version: target.version, include });
  }
  if (target.kind === 'partial') {
    if (value.items)
      return { kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${target.version}`, metadata: value.listMeta ?? {}, items: value.items.map((o) => partial(o, target.version)) };
    return partial(value.object!, target.version);
  }
  if (value.items) return listObject(def, value.items, value.listMeta ?? {});
  return value.object!;
}

/** ListMeta in Go's field order. */
function listMetaJSON(m: KObject | undefined): string {
  const parts: string[] = [];
  for (const k of ['selfLink', 'resourceVersion', 'continue', 'remainingItemCount']) if (m?.[k] !== undefined && m[k] !== '') parts.push(`${goString(k)}:${goJSONOrdered(m[k])}`);
  return `{${parts.join(',')}}`;
}

function head(o: KObject): string {
  return `{"kind":${goString(o.kind)},"apiVersion":${goString(o.apiVersion)}`;
}

function partialJSON(o: KObject): string {
  return `${head(o)},"metadata":${goMessageJSON('meta.ObjectMeta', o.metadata ?? {})}}`;
}

/** A Table's JSON up to its first row. */
function tableHead(t: KObject): string {
  let out = `${head(t)},"metadata":${listMetaJSON(t.metadata)}`;
  if (t.columnDefinitions) out += `,"columnDefinitions":${goJSONOrdered(t.columnDefinitions)}`;
  return out + ',"rows":[';
}

function rowJSON(r: KObject): string {
  let row = `{"cells":${goJSONOrdered(r.cells)}`;
  if (r.conditions?.length) row += `,"conditions":${goJSONOrdered(r.conditions)}`;
  if (r.object) row += `,"object":${toJSON(r.object)}`;
  return row + '}';
}

function tableJSON(t: KObject): string {
  return `${tableHead(t)}${(t.rows as KObject[]).map(rowJSON).join(',')}]}`;
}

function partialListHead(o: KObject): string {
  return `${head(o)},"metadata":${listMetaJSON(o.metadata)},"items":[`;
}

/**
 * A Table or PartialObjectMetadataList of a list, its items encoded one at a time (each object can go
 * as soon as it is printed): the same bytes as toJSON of encodeResult's answer, newline included.
 * undefined for other forms.
 */
export function listEncoder(def: ResourceDef, target: Target, listMeta: KObject, query: (k: string) => string | undefined): { head: string; item(o: KObject): string; tail: string } | undefined {
  if (target.kind === 'table') {
    const opts: TableOptions = { version: target.version, include: parseIncludeObject(query('includeObject')) };
    const t = toTable(def, [], listMeta, opts);
    const printer = def.printer ?? defaultPrinter;
    const now = Date.now();
    return { head: tableHead(t), item: (o) => rowJSON(tableRow(printer, o, now, opts)), tail: ']}\n' };
  }
  if (target.kind === 'partial') {
    const version = target.version;
    return { head: partialListHead({ kind: 'PartialObjectMetadataList', apiVersion: `meta.k8s.io/${version}`, metadata: listMeta }), item: (o) => partialJSON(partial(o, version)), tail: ']}\n' };
  }
  return undefined;
}

/**
 * JSON of a response body as kube-apiserver's encoder prints it: built-in kinds in Go's field order
 * (list items without their TypeMeta, as typed lists print them), the meta.k8s.io envelopes in theirs,
 * custom resources and their lists with sorted keys.
 */
export function toJSON(o: KObject): string {
  const { kind, apiVersion } = o;
  if (typeof kind !== 'string' || typeof apiVersion !== 'string') return goJSONUnstructured(o);
  if (apiVersion === 'v1' && kind === 'Status') return goJSONOrdered(o);
  if (apiVersion.startsWith('meta.k8s.io/')) {
    if (kind === 'Table') return tableJSON(o);
    if (kind === 'PartialObjectMetadata') return partialJSON(o);
    if (kind === 'PartialObjectMetadataList') return `${partialListHead(o)}${(o.items as KObject[]).map(partialJSON).join(',')}]}`;
  }
  if (kind.endsWith('List') && Array.isArray(o.items) && isTypedKind(apiVersion, kind.slice(0, -4)))
    return `${head(o)},"metadata":${listMetaJSON(o.metadata)},"items":[${(o.items as KObject[]).map((i) => goJSON(i, { omitTypeMeta: true })).join(',')}]}`;
  return goJSON(o);
}

const TRUNCATE_AT_TOTAL_RUNES = 4 * 1024;
const TRUNCATE_ITEM_RUNES = 256;
// unicode.IsControl, and lone surrogates (not valid UTF-8): upstream drops such a warning
const UNSENDABLE = /[\u0000-\u001f\u007f-\u009f]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The Warning header as upstream's recorder writes it: `299 - "text"` with only `"` and `\` escaped,
 * repeated texts once, texts with control characters dropped, long sets truncated per item; the value
 * carries the UTF-8 bytes (a header is a byte string).
 */
export function warningHeader(warnings: string[]): string | undefined {
  const texts = [...new Set(warnings)].filter((w) => w !== '' && !UNSENDABLE.test(w));
  if (texts.length === 0) return undefined;
  const runes = (t: string) => [...t].length;
  const total = texts.reduce((n, t) => n + runes(t), 0);
  const items = total <= TRUNCATE_AT_TOTAL_RUNES ? texts : texts.map((t) => (runes(t) > TRUNCATE_ITEM_RUNES ? [...t].slice(0, TRUNCATE_ITEM_RUNES).join('') : t));
  const value = items.map((t) => `299 - "${t.replace(/["\\]/g, (ch) => `\\${ch}`)}"`).join(', ');
  return Buffer.from(value, 'utf8').toString('latin1');
}

export function send(c: Context<Env>, status: number, body: KObject | Buffer, target: Target = { kind: 'json' }): Response | Promise<Response> {
  const headers: Record<string, string> = {};
  const warnings = c.get('warnings');
  const warning = warnings?.length ? warningHeader(warnings) : undefined;
  if (warning) headers['Warning'] = warning;
  if (yamlTarget(target)) {
    headers['Content-Type'] = 'application/yaml';
    return apiBody(c, status, goYAML(Buffer.isBuffer(body) ? JSON.parse(body.toString('utf8')) : body), headers);
  }
  headers['Content-Type'] = 'application/json';
  // Go's encoder ends every document with a newline (JSON itself never ends with one: a body that does has it already)
  if (Buffer.isBuffer(body)) return apiBody(c, status, body[body.length - 1] === 0x0a ? body : Buffer.concat([body, NEWLINE]), headers);
  return apiBody(c, status, toJSON(body) + '\n', headers);
}

const NEWLINE = Buffer.from('\n');
