// The Client over HTTP requests given to a fetch-like transport: the API server's own app in-process
// (loopback, through every filter, admission and validation) or a remote server.
import { StatusError } from '../apimachinery/errors.js';
import type { Client, ClientWatch, ClientWatchEvent, DeleteOptions, DiscoveredResource, GVR, KObject, ListOptions, ListResult, PatchType, WatchOptions, WriteOptions } from './types.js';
import { WatchLines, type TransportEnv } from './watch-lines.js';

const PARTIAL = 'application/json;g=meta.k8s.io;v=v1';

/** `env`, for a transport into the app in-process, is passed on as the app's env (a remote one ignores it). */
export type Transport = (req: Request, env?: TransportEnv) => Promise<Response>;

const PATCH_CONTENT_TYPES: Record<PatchType, string> = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

export function resourcePath(r: GVR, ns: string, name?: string, subresource?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && ns) p += `/namespaces/${encodeURIComponent(ns)}`;
  p += `/${r.resource}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}

function writeQuery(opts: WriteOptions = {}): Record<string, string | boolean | undefined> {
  return { fieldManager: opts.fieldManager, dryRun: opts.dryRun ? 'All' : undefined, force: opts.force || undefined };
}

/** A Status body (or anything else) of a failed request as the StatusError it describes. */
async function errorOf(res: Response): Promise<StatusError> {
  const text = await res.text();
  try {
    const s = JSON.parse(text);
    if (s?.kind === 'Status') return new StatusError(s.code ?? res.status, s.reason ?? '', s.message ?? '', s.details);
  } catch {
    // not JSON: fall through
  }
  return new StatusError(res.status, '', text.trim() || `HTTP ${res.status}`);
}

const MAX_RETRIES = 10;

function deleteBody(opts: DeleteOptions): KObject {
  const body: KObject = { kind: 'DeleteOptions', apiVersion: 'v1' };
  if (opts.propagationPolicy) body.propagationPolicy = opts.propagationPolicy;
  if (opts.gracePeriodSeconds !== undefined) body.gracePeriodSeconds = opts.gracePeriodSeconds;
  if (opts.preconditions) body.preconditions = opts.preconditions;
  return body;
}

export class HttpClient implements Client {
  constructor(
    private readonly transport: Transport,
    private readonly headers: Record<string, string> = {},
    private readonly base = 'https://loopback',
  ) {}

  private async call(method: string, path: string, body?: unknown, contentType = 'application/json', accept = 'application/json'): Promise<KObject> {
    const headers: Record<string, string> = { Accept: accept, ...this.headers };
    let data: string | undefined;
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
      data = typeof body === 'string' ? body : JSON.stringify(body);
    }
    // as client-go: a 429 with Retry-After is tried again after that many seconds, up to 10 times
    for (let attempt = 0; ; attempt++) {
      const res = await this.transport(new Request(this.base + path, { method, headers, body: data }));
      const retryAfter = Number(res.headers.get('retry-after'));
      if (res.status === 429 && retryAfter > 0 && attempt < MAX_RETRIES) {
        await res.body?.cancel();
        await new Promise((r) => setTimeout(r, retryAfter * 1000));
        continue;
      }
      if (res.status >= 400) throw await errorOf(res);
      return (await res.json()) as KObject;
    }
  }

  async discover(): Promise<DiscoveredResource[]> {
    const out: DiscoveredResource[] = [];
    for (const path of ['/api', '/apis']) {
      const res = await this.transport(new Request(this.base + path, { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList', ...this.headers } }));
      if (res.status >= 400) throw await errorOf(res);
      const doc = (await res.json()) as KObject;
      for (const g of doc.items ?? []) {
        const v = g.versions?.[0];
        for (const r of v?.resources ?? [])
          out.push({ group: g.metadata?.name ?? '', version: v.version, resource: r.resource, namespaced: r.scope === 'Namespaced', kind: r.responseKind?.kind ?? '', verbs: r.verbs ?? [] });
      }
    }
    return out;
  }

  get(r: GVR, ns: string, name: string, subresource?: string): Promise<KObject> {
    return this.call('GET', resourcePath(r, ns, name, subresource));
  }

  async list(r: GVR, ns: string, opts: ListOptions = {}): Promise<ListResult> {
    const { metadataOnly, ...rest } = opts;
    const l = await this.call('GET', resourcePath(r, ns) + query({ ...rest }), undefined, undefined, metadataOnly ? `${PARTIAL};as=PartialObjectMetadataList,application/json` : undefined);
    return { items: l.items ?? [], resourceVersion: l.metadata?.resourceVersion ?? '', continue: l.metadata?.continue || undefined };
  }

  create(r: GVR, ns: string, obj: KObject, opts?: WriteOptions): Promise<KObject> {
    return this.call('POST', resourcePath(r, ns) + query(writeQuery(opts)), obj);
  }

  update(r: GVR, ns: string, obj: KObject, opts: WriteOptions & { subresource?: string } = {}): Promise<KObject> {
    return this.call('PUT', resourcePath(r, ns, obj.metadata.name, opts.subresource) + query(writeQuery(opts)), obj);
  }

  patch(r: GVR, ns: string, name: string, type: PatchType, patch: unknown, opts: WriteOptions & { subresource?: string } = {}): Promise<KObject> {
    return this.call('PATCH', resourcePath(r, ns, name, opts.subresource) + query(writeQuery(opts)), patch, PATCH_CONTENT_TYPES[type]);
  }

  delete(r: GVR, ns: string, name: string, opts: DeleteOptions = {}): Promise<KObject> {
    return this.call('DELETE', resourcePath(r, ns, name) + query({ dryRun: opts.dryRun ? 'All' : undefined }), deleteBody(opts));
  }

  deleteCollection(r: GVR, ns: string, opts: DeleteOptions & { labelSelector?: string } = {}): Promise<KObject> {
    return this.call('DELETE', resourcePath(r, ns) + query({ dryRun: opts.dryRun ? 'All' : undefined, labelSelector: opts.labelSelector }), deleteBody(opts));
  }

  post(r: GVR, ns: string, name: string, subresource: string, body: KObject): Promise<KObject> {
    return this.call('POST', resourcePath(r, ns, name, subresource), body);
  }

  watch(r: GVR, ns: string, opts: WatchOptions, onEvent: (ev: ClientWatchEvent) => void): ClientWatch {
    const abort = new AbortController();
    const { metadataOnly, ...rest } = opts;
    const path = resourcePath(r, ns) + query({ watch: 1, ...rest });
    const accept = metadataOnly ? `${PARTIAL};as=PartialObjectMetadata,application/json` : 'application/json';
    // an in-process server hands the events over directly; any other answers with a body
    const lines = new WatchLines((type, json) => onEvent({ type: type as ClientWatchEvent['type'], object: JSON.parse(json) as KObject }));
    abort.signal.addEventListener('abort', () => lines.cancel());
    const done = (async () => {
      const res = await this.transport(new Request(this.base + path, { headers: { Accept: accept, ...this.headers }, signal: abort.signal }), { watchLines: lines });
      if (res.status >= 400) {
        const err = await errorOf(res);
        onEvent({ type: 'ERROR', object: err.toStatus() as unknown as KObject });
        return;
      }
      if (lines.attached) {
        lines.start();
        return lines.done;
      }
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let buf = '';
      abort.signal.addEventListener('abort', () => void reader.cancel().catch(() => {}));
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        buf += decoder.decode(value, { stream: true });
        let i;
        while ((i = buf.indexOf('\n')) >= 0) {
          const line = buf.slice(0, i);
          buf = buf.slice(i + 1);
          if (line.trim() && !abort.signal.aborted) onEvent(JSON.parse(line) as ClientWatchEvent);
        }
      }
    })().catch(() => {
      // the stream ended (stopped, server gone): the informer decides what to do next
    });
    return { stop: () => abort.abort(), done };
  }
}
