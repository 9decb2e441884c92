// Watch streams: newline-delimited JSON events over a chunked response, as kube-apiserver writes them.
import type { Context } from 'hono';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { StatusError, badRequest, invalidError, notAcceptable } from '../apimachinery/errors.js';
import type { EventJSON, Store, WatchHandle } from '../registry/store.js';
import type { KObject, ResourceDef } from '../registry/types.js';
import { apiVersionOf } from '../registry/types.js';
import type { Env } from './env.js';
import { parseIncludeObject, toJSON, toTable } from './encode.js';
import { normalizeLikeGo } from '../apimachinery/go-json.js';
import { NOT_ACCEPTABLE, negotiate, yamlTarget } from './negotiation.js';
import { parseInt64 } from './handlers/list.js';

/** Bytes a watcher may have unread before it is cut off (a slow reader must not grow memory). */
const MAX_BUFFERED = 16 * 1024 * 1024;
/** Unread bytes all watchers together may hold; past it the one holding most is cut off. */
const GLOBAL_BUDGET = 256 * 1024 * 1024;
/** Below this a watcher is not worth checking against the global budget. */
const CHECK_GLOBAL_ABOVE = 1024 * 1024;
const openStreams = new Set<{ buffered(): number; cutOff(): void }>();

function enforceGlobalBudget(): void {
  let total = 0;
  let worst: { buffered(): number; cutOff(): void } | undefined;
  for (const s of openStreams) {
    const b = s.buffered();
    total += b;
    if (!worst || b > worst.buffered()) worst = s;
  }
  if (total > GLOBAL_BUDGET) worst?.cutOff();
}
const BOOKMARK_INTERVAL_MS = 60_000;

/** A bool query parameter as upstream's conversion reads it: only "0" and "false" (any case) are false. */
function boolParam(v: string | undefined): boolean | undefined {
  if (v === undefined) return undefined;
  return !(v === '0' || v.toLowerCase() === 'false');
}

export async function serveWatch(c: Context<Env>, def: ResourceDef, store: Store, ns: string, name: string, shutdown: AbortSignal): Promise<Response> {
  // each event carries one object: client-go's metadata informers ask for as=PartialObjectMetadata
  const target = negotiate(c.req.header('accept'), { allowTable: true, listy: false });
  // YAML has no streaming form: a watch whose first acceptable type is YAML is refused, as upstream's NegotiateOutputMediaTypeStream
  if (yamlTarget(target)) throw notAcceptable(NOT_ACCEPTABLE);
  const q = (k: string) => c.req.query(k);
  const include = target.kind === 'table' ? parseIncludeObject(q('includeObject')) : 'Metadata';
  let fieldSelector = q('fieldSelector');
  if (name) fieldSelector = fieldSelector ? `${fieldSelector},metadata.name=${name}` : `metadata.name=${name}`;
  const allowBookmarks = boolParam(q('allowWatchBookmarks')) ?? false;
  const sendInitialEvents = boolParam(q('sendInitialEvents'));
  const rvMatch = q('resourceVersionMatch');
  if (sendInitialEvents !== undefined) {
    const errs = [];
    if (rvMatch !== 'NotOlderThan') errs.push({ type: 'FieldValueForbidden' as const, field: 'sendInitialEvents', detail: `sendInitialEvents is forbidden for watch unless resourceVersionMatch is set to ${'NotOlderThan'}` });
    if (sendInitialEvents && !allowBookmarks) errs.push({ type: 'FieldValueForbidden' as const, field: 'allowWatchBookmarks', detail: 'allowWatchBookmarks must be set to true when sendInitialEvents is set' });
    if (errs.length) throw invalidError({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', errs);
  } else if (rvMatch) {
    throw invalidError({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [{ type: 'FieldValueForbidden', field: 'resourceVersionMatch', detail: 'resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided' }]);
  }
  const ts = parseInt64(q('timeoutSeconds'));
  // as upstream: without timeoutSeconds (or with 0), a random duration between the minimum request timeout and twice it
  const timeoutSeconds = ts || 1800 + Math.random() * 1800;
  // node's timers hold at most 2^31-1 ms (24.8 days); a longer watch is as good as endless
  const timeoutMs = Math.min(Math.max(0, timeoutSeconds) * 1000, 2 ** 31 - 1);

  store.checkSelectors(q('labelSelector'), fieldSelector);
  const contentType = target.kind === 'table' ? `application/json;as=Table;v=${target.version};g=meta.k8s.io` : 'application/json';
  const out = openStream(c, contentType);

  const apiVersion = apiVersionOf(def);
  let closed = false;
  let sentHeaders = false;
  let lastRV = 0;
  let handle: WatchHandle | undefined;
  const timers: NodeJS.Timeout[] = [];

  const finish = () => {
    if (closed) return;
    closed = true;
    for (const t of timers) clearTimeout(t);
    handle?.stop();
    shutdown.removeEventListener('abort', finish);
    openStreams.delete(self);
    out.end();
  };

  const cutOff = () => {
    finish();
    out.abort();
  };
  const self = { buffered: () => out.buffered(), cutOff };
  openStreams.add(self);
  const send = (type: string, objectJSON: string) => {
    out.event(type, objectJSON);
    // a watcher that stops reading is cut off instead of growing memory
    const buffered = out.buffered();
    if (buffered > MAX_BUFFERED) cutOff();
    else if (buffered > CHECK_GLOBAL_ABOVE) enforceGlobalBudget();
  };

  const partialVersion = target.kind === 'partial' ? target.version : '';
  const partialKind = `partial/${partialVersion}`;
  const partialHead = `{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/${partialVersion}","metadata":`;
  const partial = (obj: KObject): KObject => ({ kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${partialVersion}`, metadata: obj.metadata });
  // a built-in kind's metadata is taken as its JSON prints it, not decoded and printed again
  const partialJSON = (json: EventJSON) => {
    const m = json.metadata();
    return m === undefined ? toJSON(partial(json.object())) : `${partialHead}${m}}`;
  };

  const write = (type: string, obj: KObject, json?: EventJSON) => {
    if (closed) return;
    // an event's JSON (full, or as PartialObjectMetadata) is printed once and shared by every watcher
    if (json && target.kind === 'json') return send(type, json.full());
    if (json && target.kind === 'partial') return send(type, json.form(partialKind, () => partialJSON(json)));
    let payload = obj;
    if (target.kind === 'table' && type !== 'ERROR' && type !== 'BOOKMARK') {
      payload = toTable(def, [obj], { resourceVersion: obj.metadata?.resourceVersion }, { version: target.version, include, noHeaders: sentHeaders });
      sentHeaders = true;
    } else if (target.kind === 'partial' && type !== 'ERROR' && type !== 'BOOKMARK') {
      payload = partial(obj);
    }
    send(type, toJSON(payload));
  };

  // a bookmark is the kind's zero object carrying only a resourceVersion, printed as Go prints it
  const bookmark = (annotations?: Record<string, string>) => {
    const meta: KObject = { resourceVersion: String(lastRV) };
    if (annotations) meta.annotations = annotations;
    const obj: KObject = { kind: def.kind, apiVersion, metadata: meta };
    if (!def.customResource) normalizeLikeGo(obj, apiVersion, def.kind);
    write('BOOKMARK', obj);
  };

  out.onClose(finish);
  shutdown.addEventListener('abort', finish);
  timers.push(
    setTimeout(() => {
      if (allowBookmarks) bookmark();
      finish();
    }, timeoutMs),
  );

  try {
    handle = await store.watch(
      ns,
      {
        labelSelector: q('labelSelector'),
        fieldSelector,
        resourceVersion: q('resourceVersion'),
        resourceVersionMatch: rvMatch,
        sendInitialEvents,
      },
      {
        event(type, obj, revision, json) {
          if (revision > lastRV) lastRV = revision;
          write(type, obj, json);
        },
        // JSON and PartialObjectMetadata watchers print from the event's JSON: its object is decoded only for tables
        encoded:
          target.kind === 'json' || target.kind === 'partial'
            ? (type, revision, json) => {
                if (revision > lastRV) lastRV = revision;
                if (!closed) send(type, target.kind === 'json' ? json.full() : json.form(partialKind, () => partialJSON(json)));
              }
            : undefined,
        error(err: StatusError) {
          write('ERROR', err.toStatus() as unknown as KObject);
          finish();
        },
        end: finish,
      },
    );
    if (closed) handle.stop();
    lastRV = Math.max(lastRV, handle.startRevision);
    if (sendInitialEvents && allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
    if (allowBookmarks) {
      const tick = () => {
        if (closed) return;
        bookmark();
        timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS).unref());
      };
      timers.push(setTimeout(tick, BOOKMARK_INTERVAL_MS).unref());
    }
  } catch (e) {
    const se = e instanceof StatusError ? e : new StatusError(500, 'InternalError', `Internal error occurred: ${(e as Error).message}`);
    write('ERROR', se.toStatus() as unknown as KObject);
    finish();
  }
  return out.response;
}

interface WatchStream {
  /** One event line: `{"type":…,"object":…}`. */
  event(type: string, objectJSON: string): void;
  end(): void;
  /** Bytes written and not yet taken by the client. */
  buffered(): number;
  /** Drops the connection (a reader too slow to keep). */
  abort(): void;
  onClose(cb: () => void): void;
  response: Response;
}

const line = (type: string, objectJSON: string) => `{"type":"${type}","object":${objectJSON}}\n`;

/**
 * The chunked response: straight to the node socket; for in-process (loopback) requests the events go to
 * the sink the request carries, else into a web stream.
 */
function openStream(c: Context<Env>, contentType: string): WatchStream {
  const headers = { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' };
  const lines = c.env?.watchLines;
  if (lines) {
    lines.attach();
    return {
      event: (type, objectJSON) => lines.event(type, objectJSON),
      end: () => lines.end(),
      buffered: () => lines.buffered(),
      abort: () => lines.abort(),
      onClose: (cb) => lines.onClose(cb),
      response: new Response(null, { status: 200, headers }),
    };
  }
  const res = c.env?.outgoing;
  if (res) {
    res.writeHead(200, { ...headers, 'Transfer-Encoding': 'chunked' });
    res.flushHeaders();
    c.env.incoming.socket.setNoDelay(true);
    return {
      event: (type, objectJSON) => void res.write(line(type, objectJSON)),
      end: () => {
        if (!res.writableEnded) res.end();
      },
      buffered: () => res.writableLength,
      abort: () => c.env.incoming.socket.destroy(),
      onClose: (cb) => void res.on('close', cb),
      response: RESPONSE_ALREADY_SENT,
    };
  }
  const encoder = new TextEncoder();
  let ctrl!: ReadableStreamDefaultController<Uint8Array>;
  let ended = false;
  const closers: (() => void)[] = [];
  const stream = new ReadableStream<Uint8Array>(
    {
      start: (cc) => void (ctrl = cc),
      cancel: () => {
        ended = true;
        for (const cb of closers) cb();
      },
    },
    { highWaterMark: MAX_BUFFERED, size: (chunk) => chunk.byteLength },
  );
  return {
    event: (type, objectJSON) => {
      if (!ended) ctrl.enqueue(encoder.encode(line(type, objectJSON)));
    },
    end: () => {
      if (ended) return;
      ended = true;
      ctrl.close();
    },
    buffered: () => MAX_BUFFERED - (ctrl.desiredSize ?? 0),
    abort: () => {
      if (!ended) ctrl.error(new Error('watch reader too slow'));
      ended = true;
    },
    onClose: (cb) => void closers.push(cb),
    response: new Response(stream, { status: 200, headers }),
  };
}
