// Pretty-printed JSON as kube-apiserver gives it (negotiation's isPrettyPrint): for ?pretty=true, an accepted
// media type with pretty=1, or a user agent that is curl, Wget or a browser — json.MarshalIndent's two-space
// indentation with no newline at the end. Watches are never pretty-printed upstream; YAML has no pretty form.
import type { Context } from 'hono';
import type { Env } from './env.js';
import { parseMediaTypes } from './negotiation.js';

const TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True']);

/** Whether this request gets pretty-printed JSON. */
export function prettyRequested(c: Context<Env>): boolean {
  // asked on every JSON answer: node's own request line and parsed headers when there are (hono's lookups built them)
  const incoming = c.env?.incoming;
  const url = incoming ? (incoming.url ?? '') : c.req.url;
  const q = url.indexOf('?');
  if (q >= 0 && url.includes('pretty', q)) {
    const v = new URLSearchParams(url.slice(q + 1)).get('pretty');
    // strconv.ParseBool: anything but its true spellings is false (an error counts as false too)
    if (v) return TRUE.has(v);
  }
  const accept = incoming ? incoming.headers.accept : c.req.header('accept');
  if (accept?.includes('pretty')) {
    const first = parseMediaTypes(accept).find((mt) => mt.type === 'application/json');
    if (first?.params['pretty'] === '1') return true;
  }
  const ua = incoming ? incoming.headers['user-agent'] : c.req.header('user-agent');
  return ua !== undefined && (ua.startsWith('curl') || ua.startsWith('Wget') || ua.startsWith('Mozilla/5.0'));
}

/** Go's json.Indent(dst, src, "", "  ") of compact JSON, without the encoder's trailing newline. */
export function indentJSON(compact: string): string {
  const src = compact.endsWith('\n') ? compact.slice(0, -1) : compact;
  const out: string[] = [];
  let depth = 0;
  // after { or [: the line break waits for the first element, so that empty ones stay {} and []
  let needIndent = false;
  let from = 0;
  const newline = () => '\n' + '  '.repeat(depth);
  for (let i = 0; i < src.length; i++) {
    const ch = src.charCodeAt(i);
    const structural = ch === 0x7b || ch === 0x5b || ch === 0x7d || ch === 0x5d || ch === 0x2c || ch === 0x3a;
    if (needIndent && ch !== 0x7d && ch !== 0x5d) {
      depth++;
      out.push(src.slice(from, i), newline());
      needIndent = false;
      from = i;
    }
    if (ch === 0x22) {
      // a string is copied as it is, up to its closing quote
      let j = i + 1;
      while (j < src.length && src.charCodeAt(j) !== 0x22) j += src.charCodeAt(j) === 0x5c ? 2 : 1;
      i = j;
      continue;
    }
    if (!structural) continue;
    out.push(src.slice(from, i));
    from = i + 1;
    if (ch === 0x7d || ch === 0x5d) {
      if (needIndent) needIndent = false;
      else {
        depth--;
        out.push(newline());
      }
      out.push(src[i]!);
    } else if (ch === 0x7b || ch === 0x5b) {
      out.push(src[i]!);
      needIndent = true;
    } else if (ch === 0x2c) out.push(',', newline());
    else out.push(': ');
  }
  out.push(src.slice(from));
  return out.join('');
}
