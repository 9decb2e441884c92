// LIST: JSON lists are assembled from the stored bytes (no parse, no re-serialisation of the items).
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { badRequest } from '../../apimachinery/errors.js';
import { goJSONOrdered, goJSONUnstructured, goString } from '../../apimachinery/go-json-encode.js';
import type { Store } from '../../registry/store.js';
import { apiVersionOf, type KObject, type ResourceDef } from '../../registry/types.js';
import type { Env } from '../env.js';
import { encodeResult, send } from '../encode.js';
import { negotiate } from '../negotiation.js';
import { q } from './request.js';

const COMMA = Buffer.from(',');
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
  const items = r.rawItems;
  let length = head.length + tail.length + Math.max(0, items.length - 1);
  for (let i = 0; i < items.length; i++) length += items[i]!.length;
  const out = c.env?.outgoing;
  if (length < DIRECT_WRITE || !out) return c.body(Buffer.concat(listParts(head, items, tail)) as Uint8Array<ArrayBuffer>, 200, { 'Content-Type': 'application/json' });
  // the request timed out meanwhile and was answered
  if (out.headersSent) return RESPONSE_ALREADY_SENT;
  out.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(length) });
  writeChunked(out, head, items, tail);
  // a client that does not read its list is cut off instead of holding the bytes forever
  const unread = setTimeout(() => out.writableFinished || c.env.incoming.socket.destroy(), UNREAD_LIST_MS).unref();
  out.once('finish', () => clearTimeout(unread));
  return RESPONSE_ALREADY_SENT;
}

/** head, the items comma-separated, tail. */
function listParts(head: Buffer, items: Buffer[], tail: Buffer): Buffer[] {
  const parts: Buffer[] = [head];
  for (let i = 0; i < items.length; i++) {
    if (i) parts.push(COMMA);
    parts.push(items[i]!);
  }
  parts.push(tail);
  return parts;
}

/**
 * The body in chunks of CHUNK bytes: one copy of each item, into buffers small enough for the allocator to
 * reuse (a single buffer of the whole list is fresh memory, paid for page by page).
 */
function writeChunked(out: { write(b: Buffer): boolean; end(): void }, head: Buffer, items: Buffer[], tail: Buffer): void {
  let chunk = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  const put = (b: Buffer): void => {
    let from = 0;
    while (from < b.length) {
      const n = Math.min(b.length - from, CHUNK - used);
      b.copy(chunk, used, from, from + n);
      used += n;
      from += n;
      if (used === CHUNK) {
        out.write(chunk);
        chunk = Buffer.allocUnsafe(CHUNK);
        used = 0;
      }
    }
  };
  put(head);
  for (let i = 0; i < items.length; i++) {
    if (i) put(COMMA);
    put(items[i]!);
  }
  put(tail);
  if (used) out.write(chunk.subarray(0, used));
  out.end();
}

/** ListMeta of a typed list in Go's field order. */
function typedListMeta(m: KObject): KObject {
  const out: KObject = { resourceVersion: m.resourceVersion };
  if (m.continue) out.continue = m.continue;
  if (m.remainingItemCount !== undefined) out.remainingItemCount = m.remainingItemCount;
  return out;
}
