// Kubernetes URL library on a port of Go's net/url parsing rules (ParseRequestURI, Parse, EscapedPath, Query).
import { fn, memberOverload, overload, type FunctionDecl, type Impl } from './decls.js';
import { goQuote } from './string-format.js';
import { BOOL, STRING, listOf, mapOf, structType } from './types.js';
import { ArrayList, CelError, EntriesMap, OpaqueValue, type Val } from './values.js';

export const URL_TYPE = structType('kubernetes.URL');

interface GoUrl {
  scheme: string;
  opaque: string;
  user?: string;
  host: string;
  path: string;
  rawPath: string;
  forceQuery: boolean;
  rawQuery: string;
  fragment: string;
  omitHost: boolean;
}

class UrlError extends Error {}

const isHexDigit = (c: string) => /^[0-9a-fA-F]$/.test(c);

type Mode = 'path' | 'host' | 'query' | 'fragment' | 'user';

function unescape(s: string, mode: Mode): string {
  const bytes: number[] = [];
  for (let i = 0; i < s.length; ) {
    const c = s[i];
    if (c === '%') {
      if (i + 2 >= s.length || !isHexDigit(s[i + 1]) || !isHexDigit(s[i + 2])) throw new UrlError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      if (mode === 'host' && parseInt(s[i + 1], 16) < 8 && s.slice(i, i + 3) !== '%25') throw new UrlError(`invalid URL escape ${goQuote(s.slice(i, i + 3))}`);
      bytes.push(parseInt(s.slice(i + 1, i + 3), 16));
      i += 3;
    } else if (c === '+' && mode === 'query') {
      bytes.push(32);
      i++;
    } else {
      const cp = s.codePointAt(i)!;
      const ch = String.fromCodePoint(cp);
      bytes.push(...Buffer.from(ch, 'utf8'));
      i += ch.length;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

function shouldEscape(c: number, mode: Mode): boolean {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z0-9]/.test(ch)) return false;
  if ('-_.~'.includes(ch)) return false;
  if ('$&+,/:;=?@'.includes(ch)) {
    if (mode === 'path') return ch === '?';
    if (mode === 'query') return true;
    if (mode === 'fragment') return false;
  }
  if (mode === 'fragment' && '!()*'.includes(ch)) return false;
  return true;
}

function escape(s: string, mode: Mode): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    if (b === 32 && mode === 'query') out += '+';
    else if (shouldEscape(b, mode) || b >= 0x80) out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
    else out += String.fromCharCode(b);
  }
  return out;
}

const validPort = (p: string) => p === '' || /^:[0-9]*$/.test(p);

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validPort(colonPort)) throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
  } else {
    const i = host.lastIndexOf(':');
    if (i >= 0 && !validPort(host.slice(i))) throw new UrlError(`invalid port ${goQuote(host.slice(i))} after host`);
  }
  return unescape(host, 'host');
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (/[A-Za-z]/.test(c)) continue;
    if (/[0-9+\-.]/.test(c)) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === ':') {
      if (i === 0) throw new UrlError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

function parse(raw: string, viaRequest: boolean): GoUrl {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(raw)) throw new UrlError('net/url: invalid control character in URL');
  if (raw === '' && viaRequest) throw new UrlError('empty url');
  const u: GoUrl = { scheme: '', opaque: '', host: '', path: '', rawPath: '', forceQuery: false, rawQuery: '', fragment: '', omitHost: false };
  if (raw === '*') {
    u.path = '*';
    return u;
  }
  let [scheme, rest] = getScheme(raw);
  u.scheme = scheme.toLowerCase();
  if (rest.endsWith('?') && rest.split('?').length === 2) {
    u.forceQuery = true;
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) {
      u.rawQuery = rest.slice(q + 1);
      rest = rest.slice(0, q);
    }
  }
  if (!rest.startsWith('/')) {
    if (u.scheme !== '') {
      u.opaque = rest;
      return u;
    }
    if (viaRequest) throw new UrlError('invalid URI for request');
    const seg = rest.split('/')[0];
    if (seg.includes(':')) throw new UrlError('first path segment in URL cannot contain colon');
  }
  if ((u.scheme !== '' || (!viaRequest && !rest.startsWith('///'))) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const slash = authority.indexOf('/');
    if (slash >= 0) {
      rest = authority.slice(slash);
      authority = authority.slice(0, slash);
    }
    const at = authority.lastIndexOf('@');
    u.host = parseHost(at < 0 ? authority : authority.slice(at + 1));
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!/^[A-Za-z0-9\-._:~!$&'()*+,;=%@]*$/.test(userinfo)) throw new UrlError('net/url: invalid userinfo');
      u.user = userinfo;
    }
  } else if (u.scheme !== '' && rest.startsWith('/')) u.omitHost = true;
  u.path = unescape(rest, 'path');
  u.rawPath = escape(u.path, 'path') === rest ? '' : rest;
  return u;
}

function parseError(raw: string, e: unknown): CelError {
  if (!(e instanceof UrlError)) throw e;
  return new CelError(`URL parse error during conversion from string: parse ${goQuote(raw)}: ${e.message}`);
}

function escapedPath(u: GoUrl): string {
  if (u.rawPath !== '') {
    try {
      if (unescape(u.rawPath, 'path') === u.path) return u.rawPath;
    } catch {
      // fall through to escaping the decoded path
    }
  }
  if (u.path === '*') return '*';
  return escape(u.path, 'path');
}

function splitHostPort(hostPort: string): [string, string] {
  let host = hostPort;
  let port = '';
  const colon = host.lastIndexOf(':');
  if (colon >= 0 && validPort(host.slice(colon))) {
    port = host.slice(colon + 1);
    host = host.slice(0, colon);
  }
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return [host, port];
}

export class UrlValue extends OpaqueValue {
  readonly celType = URL_TYPE;
  constructor(readonly url: GoUrl, readonly raw: string) {
    super();
  }
  override equals(other: Val): boolean {
    return other instanceof UrlValue && other.toString() === this.toString();
  }
  override toString(): string {
    const u = this.url;
    let s = '';
    if (u.scheme) s += `${u.scheme}:`;
    if (u.opaque) s += u.opaque;
    else {
      if (u.scheme || u.host || u.user !== undefined) {
        if (u.host || u.path || u.user !== undefined) s += '//';
        if (u.user !== undefined) s += `${u.user}@`;
        s += u.host;
      }
      s += escapedPath(u);
    }
    if (u.forceQuery || u.rawQuery) s += `?${u.rawQuery}`;
    if (u.fragment) s += `#${escape(u.fragment, 'fragment')}`;
    return s;
  }
}

/** url.ParseRequestURI's error text, or undefined when the string is a request URI. */
export function parseRequestUri(raw: string): string | undefined {
  try {
    parse(raw, true);
    return undefined;
  } catch (e) {
    if (!(e instanceof UrlError)) throw e;
    return `parse ${goQuote(raw)}: ${e.message}`;
  }
}

const toUrl: Impl = ([s]) => {
  const raw = s as string;
  try {
    parse(raw, true);
    const hash = raw.indexOf('#');
    const u = parse(hash >= 0 ? raw.slice(0, hash) : raw, false);
    if (hash >= 0) u.fragment = unescape(raw.slice(hash + 1), 'fragment');
    return new UrlValue(u, raw);
  } catch (e) {
    return parseError(raw, e);
  }
};

const isUrl: Impl = ([s]) => parseRequestUri(s as string) === undefined;

/** Go's url.ParseQuery as URL.Query uses it: invalid pairs are dropped. */
function query(raw: string): Val {
  const m = new Map<string, string[]>();
  for (const part of raw.split('&')) {
    if (part === '' || part.includes(';')) continue;
    const eq = part.indexOf('=');
    try {
      const k = unescape(eq >= 0 ? part.slice(0, eq) : part, 'query');
      const v = unescape(eq >= 0 ? part.slice(eq + 1) : '', 'query');
      m.set(k, [...(m.get(k) ?? []), v]);
    } catch {
      continue;
    }
  }
  return new EntriesMap([...m].map(([k, vs]): [Val, Val] => [k, new ArrayList(vs)]));
}

const urlArg = (f: (u: GoUrl) => Val): Impl => ([u]) => (u instanceof UrlValue ? f(u.url) : new CelError('no such overload'));

export const URL_LIBRARY: FunctionDecl[] = [
  fn('url', [overload('string_to_url', [STRING], URL_TYPE, toUrl)]),
  fn('getScheme', [memberOverload('url_get_scheme', [URL_TYPE], STRING, urlArg((u) => u.scheme))]),
  fn('getHost', [memberOverload('url_get_host', [URL_TYPE], STRING, urlArg((u) => u.host))]),
  fn('getHostname', [memberOverload('url_get_hostname', [URL_TYPE], STRING, urlArg((u) => splitHostPort(u.host)[0]))]),
  fn('getPort', [memberOverload('url_get_port', [URL_TYPE], STRING, urlArg((u) => splitHostPort(u.host)[1]))]),
  fn('getEscapedPath', [memberOverload('url_get_escaped_path', [URL_TYPE], STRING, urlArg(escapedPath))]),
  fn('getQuery', [memberOverload('url_get_query', [URL_TYPE], mapOf(STRING, listOf(STRING)), urlArg((u) => query(u.rawQuery)))]),
  fn('isURL', [overload('is_url_string', [STRING], BOOL, isUrl)]),
];
