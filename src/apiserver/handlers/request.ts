// What every resource handler reads from the request: body, query options, dry run, write options.
import type { Context } from 'hono';
import { badRequest, forbiddenField, invalidError, notSupported, requestEntityTooLarge, required, tooLong, type FieldError } from '../../apimachinery/errors.js';
import { FIELD_MANAGER_MAX_LENGTH, isPrintable, managerOrUserAgent } from '../../apimachinery/managedfields/index.js';
import { FIELD_VALIDATION_VALUES, fieldValidationOf, type FieldValidation } from '../../apimachinery/field-validation.js';
import type { Registry } from '../../registry/index.js';
import type { KObject, RequestContext, ResourceDef } from '../../registry/types.js';
import type { Env } from '../env.js';

/** kube-apiserver's limit on a request body. */
export const MAX_BODY = 3 * 1024 * 1024;

export interface HandlerDeps {
  registry: Registry;
  /** Signalled when the server shuts down, so watches end cleanly. */
  shutdown: AbortSignal;
}

const tooLarge = () => requestEntityTooLarge(`limit is ${MAX_BODY}`);

/**
 * The request body, read up to the limit whatever the transfer encoding: a larger one is refused as soon
 * as the limit is passed (its connection is closed after the 413, so the rest is never buffered).
 */
export async function readBody(c: Context<Env>): Promise<Buffer> {
  const len = Number(c.req.header('content-length') ?? '0');
  const incoming = c.env?.incoming;
  if (len > MAX_BODY) {
    c.header('Connection', 'close');
    throw tooLarge();
  }
  if (!incoming) {
    const ab = await c.req.arrayBuffer();
    if (ab.byteLength > MAX_BODY) throw tooLarge();
    return remember(c, Buffer.from(ab));
  }
  // a declared length is enforced by node's parser: events read it without the cost of an async iterator
  if (len > 0 && c.req.header('transfer-encoding') === undefined) return remember(c, await readDeclared(incoming));
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of incoming) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) {
      incoming.pause();
      c.header('Connection', 'close');
      throw tooLarge();
    }
    chunks.push(chunk as Buffer);
  }
  return remember(c, Buffer.concat(chunks));
}

function remember(c: Context<Env>, body: Buffer): Buffer {
  const audit = c.get('audit');
  if (audit) audit.requestBody = { body, contentType: c.req.header('content-type') ?? '' };
  return body;
}

function readDeclared(incoming: NodeJS.ReadableStream & { readableEnded: boolean }): Promise<Buffer> {
  if (incoming.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const onData = (chunk: Buffer) => chunks.push(chunk);
    const done = (err?: Error) => {
      incoming.off('data', onData).off('end', done).off('error', done).off('close', closed);
      if (err) reject(err);
      else resolve(Buffer.concat(chunks));
    };
    // the client went away before the whole body came
    const closed = () => done(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    incoming.on('data', onData).on('end', done).on('error', done).on('close', closed);
  });
}

export function q(c: Context<Env>, k: string): string | undefined {
  return c.req.query(k);
}

export function dryRunOf(c: Context<Env>, body?: KObject): boolean {
  const vals = c.req.queries('dryRun') ?? (Array.isArray(body?.dryRun) ? (body!.dryRun as string[]) : []);
  for (const v of vals) if (v !== 'All') throw badRequest(`Invalid dryRun value: ${JSON.stringify(v)}; only "All" is supported`);
  return vals.length > 0;
}

export function requestContext(c: Context<Env>, deps: HandlerDeps, dryRun: boolean): RequestContext {
  const audit = c.get('audit');
  return { user: c.get('user'), dryRun, warnings: c.get('warnings'), services: deps.registry.services, admission: deps.registry.admission, auditAnnotations: audit?.annotations, auditLevel: audit?.config.level };
}

/** A body of the wrong kind or version: 400 as upstream's decoder says it. */
export function checkTypeMeta(def: ResourceDef, obj: KObject): void {
  const expectVersion = def.group ? `${def.group}/${def.version}` : def.version;
  if (obj.kind !== undefined && obj.kind !== '' && obj.kind !== def.kind)
    throw badRequest(`the object provided is unrecognized (must be of type ${def.kind}): ${obj.kind} in version "${obj.apiVersion ?? ''}" cannot be handled as a ${def.kind}`);
  if (obj.apiVersion !== undefined && obj.apiVersion !== '' && obj.apiVersion !== expectVersion)
    throw badRequest(`the API version in the data (${obj.apiVersion}) does not match the expected API version (${expectVersion})`);
}

export interface WriteOpts {
  dryRun: boolean;
  /** The manager recorded in managedFields: fieldManager, else the User-Agent's first token. */
  manager: string;
  fieldManager: string;
  validation: FieldValidation;
  force: boolean;
}

/** Query options of create/update/patch, validated as upstream's Validate{Create,Update,Patch}Options (422). */
export function writeOptions(c: Context<Env>, kind: 'CreateOptions' | 'UpdateOptions' | 'PatchOptions', apply = false): WriteOpts {
  const fieldManager = q(c, 'fieldManager') ?? '';
  const fieldValidation = q(c, 'fieldValidation') ?? '';
  const forceRaw = q(c, 'force');
  let force: boolean | undefined;
  if (forceRaw !== undefined) {
    const v = forceRaw.toLowerCase();
    if (['1', 't', 'true'].includes(v)) force = true;
    else if (['0', 'f', 'false'].includes(v)) force = false;
    else throw badRequest(`strconv.ParseBool: parsing ${JSON.stringify(forceRaw)}: invalid syntax`);
  }
  const errs: FieldError[] = [];
  if (kind === 'PatchOptions') {
    if (apply && !fieldManager) errs.push(required('fieldManager', 'is required for apply patch'));
    if (!apply && force !== undefined) errs.push(forbiddenField('force', 'may not be specified for non-apply patch'));
  }
  if (Buffer.byteLength(fieldManager) > FIELD_MANAGER_MAX_LENGTH) errs.push(tooLong('fieldManager', FIELD_MANAGER_MAX_LENGTH));
  let pos = 0;
  for (const ch of fieldManager) {
    if (!isPrintable(ch))
      errs.push({ type: 'FieldValueInvalid', field: 'fieldManager', omitValue: true, detail: `${goQuote(fieldManager)}: invalid character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} (at position ${pos})` });
    pos += Buffer.byteLength(ch);
  }
  const dryRunVals = c.req.queries('dryRun') ?? [];
  if (dryRunVals.some((v) => v !== 'All'))
    errs.push({ type: 'FieldValueNotSupported', field: 'dryRun', omitValue: true, detail: `[]string{${dryRunVals.map(goQuote).join(', ')}}: supported values: "All"` });
  if (!FIELD_VALIDATION_VALUES.includes(fieldValidation)) errs.push(notSupported('fieldValidation', fieldValidation, FIELD_VALIDATION_VALUES));
  if (errs.length) throw invalidError({ group: 'meta.k8s.io', kind }, '', errs);
  return {
    dryRun: dryRunOf(c),
    manager: managerOrUserAgent(fieldManager, c.req.header('user-agent')),
    fieldManager,
    validation: fieldValidationOf(fieldValidation),
    force: force ?? false,
  };
}

const GO_ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };

/** Go's %q of a string (how upstream prints bad values). */
export function goQuote(v: string): string {
  let out = '"';
  for (const ch of v) {
    const cp = ch.codePointAt(0)!;
    if (GO_ESCAPES[ch]) out += GO_ESCAPES[ch];
    else if (cp < 0x20 || cp === 0x7f) out += `\\x${cp.toString(16).padStart(2, '0')}`;
    else if (!isPrintable(ch)) out += cp > 0xffff ? `\\U${cp.toString(16).padStart(8, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + '"';
}
