// LIST: JSON lists are assembled from the stored bytes (no parse, no re-serialisation of the items).
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { badRequest } from '../../apimachinery/errors.js';
import { goJSONOrdered, goJSONUnstructured, goString } from '../../apimachinery/go-json-encode.js';
import type { Store } from '../../registry/store.js';
import { apiVersionOf, type KObject, type ResourceDef } from '../../registry/types.js';
import { listBody } from '../../registry/stored-json.js';
import type { Env } from '../env.js';
import { encodeResult, send } from '../encode.js';
import { negotiate } from '../negotiation.js';
import { q } from './request.js';

/** Bodies above this go straight to the socket instead of through a web Response. */
const DIRECT_WRITE = 64 * 1024;
/** Size of the pieces a large list is written in. */
const CHUNK = 64 * 1024;
/** How long a written list may wait for its reader (upstream's default request timeout). */
const UNREAD_LIST_MS = 60_000;

/** An int64 query parameter, with the error Go's strconv gives when it is not one. */
export function parseInt64(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  if (!/^[+-]?\d+$/.test(v)) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  const n = BigInt(v);
  if (n > 9223372036854775807n || n < -9223372036854775808n) throw badRequest(`strconv.ParseInt: parsing ${JSON.stringify(v)}: value out of range`);
  return Number(n);
}

export async function handleList(c: Context<Env>, def: ResourceDef, store: Store, ns: string): Promise<Response> {
  const target = negotiate(c.req.header('accept'), { allowTable: true, listy: true });
  const r = await store.list(ns, {
    labelSelector: q(c, 'labelSelector'),
    fieldSelector: q(c, 'fieldSelector'),
    limit: parseInt64(q(c, 'limit')),
    continue: q(c, 'continue'),
    resourceVersion: q(c, 'resourceVersion'),
    resourceVersionMatch: q(c, 'resourceVersionMatch'),
    raw: target.kind === 'json',
  });
  const listMeta: KObject = {};
  // custom resource lists are unstructured: Go prints their (sorted) metadata with an empty continue
  if (r.continue || def.customResource) listMeta.continue = r.continue ?? '';
  if (r.remainingItemCount !== undefined) listMeta.remainingItemCount = r.remainingItemCount;
  listMeta.resourceVersion = r.resourceVersion;
  if (!r.rawItems) return send(c, 200, encodeResult(def, target, { items: r.items, listMeta }, (k) => q(c, k)), target);
  const kind = goString(`${def.kind}List`);
  const apiVersion = goString(apiVersionOf(def));
  const head = Buffer.from(def.customResource ? `{"apiVersion":${apiVersion},"items":[` : `{"kind":${kind},"apiVersion":${apiVersion},"metadata":${goJSONOrdered(typedListMeta(listMeta))},"items":[`);
  const tail = Buffer.from(def.customResource ? `],"kind":${kind},"metadata":${goJSONUnstructured(listMeta)}}\n` : ']}\n');
  const parts = listBody(head, r.rawItems, tail);
  let length = 0;
  for (const p of parts) length += p.length;
  const out = c.env?.outgoing;
  if (length < DIRECT_WRITE || !out) return c.body(Buffer.concat(parts, length) as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/json' });
  // the request timed out meanwhile and was answered
  if (out.headersSent) return RESPONSE_ALREADY_SENT;
  out.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(length) });
  writeParts(out, parts);
  out.end();
  // a client that does not read its list is cut off instead of holding the bytes forever
  const unread = setTimeout(() => out.writableFinished || c.env.incoming.socket.destroy(), UNREAD_LIST_MS).unref();
  out.once('finish', () => clearTimeout(unread));
  return RESPONSE_ALREADY_SENT;
}

/**
 * Large pieces go out as they are; runs of small ones (items not lying together in memory) are gathered
 * into CHUNK-sized buffers first rather than written one by one.
 */
function writeParts(out: { write(b: Buffer): boolean }, parts: Buffer[]): void {
  let small: Buffer[] = [];
  let smallLength = 0;
  const flush = (): void => {
    if (smallLength) out.write(small.length === 1 ? small[0]! : Buffer.concat(small, smallLength));
    small = [];
    smallLength = 0;
  };
  for (const p of parts) {
    if (p.length >= CHUNK) {
      flush();
      out.write(p);
      continue;
    }
    small.push(p);
    smallLength += p.length;
    if (smallLength >= CHUNK) flush();
  }
  flush();
}

/** ListMeta of a typed list in Go's field order. */
function typedListMeta(m: KObject): KObject {
  const out: KObject = { resourceVersion: m.resourceVersion };
  if (m.continue) out.continue = m.continue;
  if (m.remainingItemCount !== undefined) out.remainingItemCount = m.remainingItemCount;
  return out;
}
