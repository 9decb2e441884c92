// Response compression as kube-apiserver 1.33 does it (APIResponseCompression, on by default): API responses
// larger than 128 KiB go gzip'ed at level 1 to clients whose Accept-Encoding names gzip; watches never.
import { promisify } from 'node:util';
import { createGzip, gzip, type Gzip } from 'node:zlib';
import type { Context } from 'hono';
import type { Env } from './env.js';
import { indentJSON, prettyRequested } from './pretty.js';

/** Bodies of at most this many bytes go uncompressed (responsewriters' defaultGzipThresholdBytes). */
export const GZIP_THRESHOLD = 128 * 1024;
/** responsewriters' defaultGzipContentEncodingLevel: the least CPU for a ratio near the default level's. */
export const GZIP_LEVEL = 1;

const gzipAsync = promisify(gzip);

/**
 * Whether Accept-Encoding names gzip as upstream reads it: one comma-separated token equal to `gzip` once
 * trimmed, so `gzip;q=0.5`, `GZIP` and `*` do not count.
 */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  if (acceptEncoding === 'gzip') return true;
  return acceptEncoding.split(',').some((t) => t.trim() === 'gzip');
}

/** Whether a body of `length` bytes answering this request goes gzip'ed (HEAD answers stay as they are). */
export function gzipsBody(c: Context<Env>, length: number): boolean {
  return length > GZIP_THRESHOLD && c.req.method !== 'HEAD' && acceptsGzip(c.req.header('accept-encoding'));
}

/** UTF-8 length of s when it may matter, else a bound on the right side of the threshold. */
function byteLength(s: string): number {
  if (s.length > GZIP_THRESHOLD) return s.length;
  if (s.length * 3 <= GZIP_THRESHOLD) return s.length;
  return Buffer.byteLength(s);
}

/**
 * headers with Vary carrying values, one header line each as Go's Header.Add writes them: set on the node
 * response (a web Response would join them into one line), or joined when there is none.
 */
export function withVary(c: Context<Env>, headers: Record<string, string>, values: string[]): Record<string, string> {
  const out = c.env?.outgoing;
  const { Vary: _, ...rest } = headers;
  if (out && values.length > 1 && !out.headersSent) {
    out.setHeader('Vary', values);
    return rest;
  }
  return { ...rest, Vary: values.join(', ') };
}

/** The headers of a gzip'ed answer: upstream sets Content-Encoding and adds Accept-Encoding to Vary. */
export function gzipHeaders(c: Context<Env>, headers: Record<string, string>): Record<string, string> {
  return withVary(c, { ...headers, 'Content-Encoding': 'gzip' }, headers.Vary ? [headers.Vary, 'Accept-Encoding'] : ['Accept-Encoding']);
}

/**
 * An API response body (object, list, Status, discovery document): gzip'ed in the thread pool when the client
 * accepts gzip and it is larger than the threshold, else exactly as c.body sends it.
 */
export function apiBody(c: Context<Env>, status: number, body: string | Uint8Array, headers: Record<string, string>): Response | Promise<Response> {
  if (headers['Content-Type']?.startsWith('application/json') && prettyRequested(c)) body = indentJSON(typeof body === 'string' ? body : Buffer.from(body).toString('utf8'));
  // the length last: a string's costs a pass over it
  if (c.req.method === 'HEAD' || !acceptsGzip(c.req.header('accept-encoding')) || (typeof body === 'string' ? byteLength(body) : body.length) <= GZIP_THRESHOLD) return c.body(body as string, status as 200, headers);
  return gzipAsync(body, { level: GZIP_LEVEL }).then((gz) => c.body(gz as Uint8Array<ArrayBuffer>, status as 200, gzipHeaders(c, headers)));
}

/** A gzip stream at upstream's level, for a body written piece by piece. */
export function gzipStream(): Gzip {
  return createGzip({ level: GZIP_LEVEL, chunkSize: 64 * 1024 });
}

/** github.com/NYTimes/gziphandler, which kube-openapi wraps /openapi/v2 in: its DefaultMinSize. */
export const GZIPHANDLER_MIN_SIZE = 1400;
/** Go's gzip.DefaultCompression (flate level 6): gziphandler's level and promhttp's. */
export const GO_DEFAULT_GZIP_LEVEL = 6;

const GO_FLOAT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i;

/**
 * Whether Accept-Encoding accepts gzip as gziphandler reads it: codings with q-values, the last mention of a
 * coding winning, a q of 0 refusing; a coding's q is the one in its last parameter (1 when that is not q=).
 */
export function gziphandlerAcceptsGzip(acceptEncoding: string | undefined): boolean {
  const q = new Map<string, number>();
  for (const item of (acceptEncoding ?? '').split(',')) {
    let coding = '';
    let qvalue = 1;
    let bad = false;
    item.split(';').forEach((raw, n) => {
      const part = raw.trim();
      qvalue = 1;
      if (n === 0) coding = part.toLowerCase();
      else if (part.startsWith('q=')) {
        const v = part.slice(2);
        if (!GO_FLOAT.test(v)) {
          bad = true;
          qvalue = 0;
        } else qvalue = Math.min(1, Math.max(0, Number(v.replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'))));
      }
    });
    if (coding !== '' && !bad) q.set(coding, qvalue);
  }
  return (q.get('gzip') ?? 0) > 0;
}

/** body gzip'ed in the thread pool at level. */
export function gzipBytes(body: Uint8Array, level: number): Promise<Buffer> {
  return gzipAsync(body, { level });
}

const TOKEN_SLASH = /^[!#$%&'*+\-.^_`|~0-9A-Za-z/]*/;
const SPACE = /^[ \t\r\n]*/;

/** Accept-Encoding as client_golang's copy of gddo's header.ParseAccept reads it: a bad item ends the list. */
function parseAcceptEncoding(s: string): { value: string; q: number }[] {
  const specs: { value: string; q: number }[] = [];
  for (;;) {
    const value = TOKEN_SLASH.exec(s)![0];
    if (value === '') return specs;
    s = s.slice(value.length).replace(SPACE, '');
    let q = 1;
    if (s.startsWith(';')) {
      s = s.slice(1).replace(SPACE, '');
      const m = /^q=([01])(?:\.(\d*))?/.exec(s);
      if (!m) return specs;
      q = Number(m[1]) + (m[2] ? Number(m[2]) / 10 ** m[2].length : 0);
      s = s.slice(m[0].length);
    }
    specs.push({ value, q });
    s = s.replace(SPACE, '');
    if (!s.startsWith(',')) return specs;
    s = s.slice(1).replace(SPACE, '');
  }
}

/**
 * Whether promhttp (client_golang 1.22, kube-apiserver's /metrics) answers gzip: it offers identity then gzip and
 * takes the first offer of the highest q (`*` matching either), none when that q is 0; no size threshold.
 */
export function promhttpAcceptsGzip(acceptEncoding: string | undefined): boolean {
  const specs = parseAcceptEncoding(acceptEncoding ?? '');
  let best = 'identity';
  let bestQ = -1;
  for (const offer of ['identity', 'gzip'])
    for (const s of specs)
      if (s.q > bestQ && (s.value === '*' || s.value === offer)) {
        bestQ = s.q;
        best = offer;
      }
  return bestQ !== 0 && best === 'gzip';
}
