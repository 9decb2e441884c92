// LIST: JSON lists are assembled from the stored bytes, Tables and metadata lists printed an object at a time; large ones go to the socket piece by piece.
import type { Writable } from 'node:stream';
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { badRequest } from '../../apimachinery/errors.js';
import { goJSONOrdered, goJSONUnstructured, goString } from '../../apimachinery/go-json-encode.js';
import type { Store } from '../../registry/store.js';
import type { KeyValue } from '../../storage/backend.js';
import { apiVersionOf, type KObject, type ResourceDef } from '../../registry/types.js';
import { ListBody } from '../../registry/list-items.js';
import type { Env } from '../env.js';
import { prettyRequested } from '../pretty.js';
import { encodeResult, listEncoder, send, warningHeader } from '../encode.js';
import { negotiate, yamlTarget } from '../negotiation.js';
import { q } from './request.js';
import { apiBody, gzipHeaders, gzipStream, gzipsBody } from '../compression.js';

/** Bodies above this go straight to the socket instead of through a web Response. */
const DIRECT_WRITE = 64 * 1024;
/** Size of the pieces a large list is written in, one at a time (TLS copies pieces written together into one buffer first). */
const PIECE = 256 * 1024;
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
  // a pretty-printed (curl, ?pretty=true) or YAML Table/metadata list is printed whole, not streamed from the stored bytes
  const whole = prettyRequested(c) || yamlTarget(target);
  const r = await store.list(ns, {
    labelSelector: q(c, 'labelSelector'),
    fieldSelector: q(c, 'fieldSelector'),
    limit: parseInt64(q(c, 'limit')),
    continue: q(c, 'continue'),
    resourceVersion: q(c, 'resourceVersion'),
    resourceVersionMatch: q(c, 'resourceVersionMatch'),
    raw: target.kind === 'json' && !whole,
    lazy: !whole && (target.kind === 'table' || target.kind === 'partial'),
  });
  const listMeta: KObject = {};
  // custom resource lists are unstructured: Go prints their (sorted) metadata with an empty continue
  if (r.continue || def.customResource) listMeta.continue = r.continue ?? '';
  if (r.remainingItemCount !== undefined) listMeta.remainingItemCount = r.remainingItemCount;
  listMeta.resourceVersion = r.resourceVersion;
  const encoder = r.storedItems && !whole && listEncoder(def, target, listMeta, (k) => q(c, k));
  if (encoder) return respond(c, encodeInPieces(encoder, r.storedItems!, (kv) => store.decode(kv)));
  if (!r.rawItems) return send(c, 200, encodeResult(def, target, { items: r.storedItems?.map((kv) => store.decode(kv)) ?? r.items, listMeta }, (k) => q(c, k)), target);
  const kind = goString(`${def.kind}List`);
  const apiVersion = goString(apiVersionOf(def));
  const head = Buffer.from(def.customResource ? `{"apiVersion":${apiVersion},"items":[` : `{"kind":${kind},"apiVersion":${apiVersion},"metadata":${goJSONOrdered(typedListMeta(listMeta))},"items":[`);
  const tail = Buffer.from(def.customResource ? `],"kind":${kind},"metadata":${goJSONUnstructured(listMeta)}}\n` : ']}\n');
  const body = new ListBody(head, r.rawItems, tail);
  return respond(c, {
    length: body.length,
    next: () => {
      const piece = takePiece();
      const n = body.read(piece);
      if (n === 0) releasePiece(piece);
      return n === 0 ? undefined : n === PIECE ? piece : piece.subarray(0, n);
    },
  });
}

/** A body of known length, handed out piece by piece. */
interface Pieces {
  length: number;
  next(): Buffer | undefined;
}

/** 200 with body as JSON: through hono when small, else straight to the socket piece by piece. */
function respond(c: Context<Env>, body: Pieces): Response | Promise<Response> {
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  const warning = warningHeader(c.get('warnings') ?? []);
  if (warning) headers['Warning'] = warning;
  const out = c.env?.outgoing;
  // hono answers HEAD with a Response of its own made from this one: it must not be written already
  if (body.length < DIRECT_WRITE || !out || c.req.method === 'HEAD') {
    const buf = Buffer.allocUnsafe(body.length);
    let o = 0;
    for (let p = body.next(); p; p = body.next()) {
      o += p.copy(buf, o);
      releasePiece(p);
    }
    return apiBody(c, 200, buf, headers);
  }
  // the request timed out meanwhile and was answered
  if (out.headersSent) return RESPONSE_ALREADY_SENT;
  if (gzipsBody(c, body.length)) {
    // chunked: the compressed length is known only at the end; compression runs in the thread pool
    out.writeHead(200, gzipHeaders(c, headers));
    const gz = gzipStream();
    gz.pipe(out);
    out.once('close', () => gz.destroy());
    pump(gz, body);
  } else {
    out.writeHead(200, { ...headers, 'Content-Length': String(body.length) });
    pump(out, body);
  }
  // a client that does not read its list is cut off instead of holding the bytes forever
  const unread = setTimeout(() => out.writableFinished || c.env.incoming.socket.destroy(), UNREAD_LIST_MS).unref();
  out.once('finish', () => clearTimeout(unread));
  return RESPONSE_ALREADY_SENT;
}

/** Pieces a large list is written in, reused once written: copying into warm memory costs less than touching fresh. */
const pieces: Buffer[] = [];
const MAX_KEPT_PIECES = 4;

function takePiece(): Buffer {
  return pieces.pop() ?? Buffer.allocUnsafeSlow(PIECE);
}

/** Keeps a written piece (or a part of one) for the next list, when it is one of ours. */
function releasePiece(b: Buffer): void {
  if (b.byteOffset === 0 && b.buffer.byteLength === PIECE && pieces.length < MAX_KEPT_PIECES) pieces.push(b.length === PIECE ? b : Buffer.from(b.buffer));
}

/**
 * Writes body a piece at a time, the next once the socket drained: what waits for the client (and TLS's copy
 * of it) stays one piece instead of the whole list.
 */
function pump(out: Writable, body: Pieces): void {
  const next = (): void => {
    while (!out.destroyed) {
      const piece = body.next();
      if (!piece) {
        out.end();
        return;
      }
      if (!out.write(piece, (err) => err || releasePiece(piece))) {
        out.once('drain', next);
        return;
      }
    }
  };
  next();
}

/** The encoder's text for every item, each object decoded just before it is printed, gathered in pieces. */
function encodeInPieces(encoder: { head: string; item(o: KObject): string; tail: string }, stored: KeyValue[], decode: (kv: KeyValue) => KObject): Pieces {
  const filled: Buffer[] = [];
  let cur: Buffer | undefined;
  let used = 0;
  let length = 0;
  const add = (text: string): void => {
    const n = Buffer.byteLength(text);
    length += n;
    if (!cur || used + n > cur.length) {
      if (cur) filled.push(cur.subarray(0, used));
      cur = undefined;
      if (n > PIECE) {
        filled.push(Buffer.from(text));
        return;
      }
      cur = takePiece();
      used = 0;
    }
    used += cur.write(text, used);
  };
  add(encoder.head);
  for (let i = 0; i < stored.length; i++) add((i ? ',' : '') + encoder.item(decode(stored[i]!)));
  add(encoder.tail);
  if (cur) filled.push(cur.subarray(0, used));
  let i = 0;
  return { length, next: () => filled[i++] };
}

/** ListMeta of a typed list in Go's field order. */
function typedListMeta(m: KObject): KObject {
  const out: KObject = { resourceVersion: m.resourceVersion };
  if (m.continue) out.continue = m.continue;
  if (m.remainingItemCount !== undefined) out.remainingItemCount = m.remainingItemCount;
  return out;
}
