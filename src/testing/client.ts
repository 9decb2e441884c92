// A raw HTTPS client for tests that assert exact status codes, headers and bodies.
import { request, Agent } from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';

export interface Creds {
  url: string;
  caCertPem: string;
  adminCertPem?: string;
  adminKeyPem?: string;
  token?: string;
}

export interface ApiResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

const agents = new WeakMap<Creds, Agent>();

function agentFor(c: Creds): Agent {
  let a = agents.get(c);
  if (!a) agents.set(c, (a = new Agent({ keepAlive: true, ca: c.caCertPem, cert: c.token ? undefined : c.adminCertPem, key: c.token ? undefined : c.adminKeyPem })));
  return a;
}

export function api(c: Creds, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    const h: Record<string, string> = { Accept: 'application/json', ...headers };
    if (data !== undefined && !h['Content-Type']) h['Content-Type'] = 'application/json';
    if (data !== undefined) h['Content-Length'] = String(Buffer.byteLength(data));
    if (c.token) h.Authorization = `Bearer ${c.token}`;
    const req = request(c.url + path, { method, agent: agentFor(c), headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown;
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', reject);
    req.setTimeout(30_000, () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.end(data);
  });
}

export interface WatchEvent {
  type: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  object: any;
}

/** Opens a watch and collects its events until close(); `ended` resolves when the server ends the stream. */
export function watch(c: Creds, path: string, headers: Record<string, string> = {}) {
  const events: WatchEvent[] = [];
  /** Each event's bytes as sent, newline included. */
  const lines: string[] = [];
  let status = 0;
  let responseHeaders: IncomingHttpHeaders = {};
  let buf = '';
  let endedResolve: () => void;
  const ended = new Promise<void>((r) => (endedResolve = r));
  let headersResolve: () => void;
  const gotHeaders = new Promise<void>((r) => (headersResolve = r));
  const h: Record<string, string> = { Accept: 'application/json', ...headers };
  if (c.token) h.Authorization = `Bearer ${c.token}`;
  const req = request(c.url + path, { method: 'GET', ca: c.caCertPem, cert: c.token ? undefined : c.adminCertPem, key: c.token ? undefined : c.adminKeyPem, headers: h }, (res) => {
    status = res.statusCode ?? 0;
    responseHeaders = res.headers;
    headersResolve();
    res.setEncoding('utf8');
    res.on('data', (d: string) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 1);
        if (line.trim()) {
          lines.push(line + '\n');
          events.push(JSON.parse(line));
        }
      }
    });
    res.on('end', () => endedResolve());
    res.on('close', () => endedResolve());
  });
  req.on('error', () => endedResolve());
  req.end();
  return {
    events,
    lines,
    ended,
    gotHeaders,
    get status() {
      return status;
    },
    get headers() {
      return responseHeaders;
    },
    async waitFor(pred: (evs: WatchEvent[]) => boolean, ms = 10_000): Promise<void> {
      const start = Date.now();
      while (!pred(events)) {
        if (Date.now() - start > ms) throw new Error(`timed out waiting for watch events; have ${JSON.stringify(events.map((e) => [e.type, e.object?.metadata?.name]))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    close() {
      req.destroy();
    },
  };
}
