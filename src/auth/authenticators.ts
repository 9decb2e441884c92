// Authenticators: x509 client certificates (verified by the TLS layer against the cluster CA) and a static token file.
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import type { UserInfo } from '../registry/types.js';

export interface Authenticator {
  authenticate(req: IncomingMessage): UserInfo | undefined | 'invalid';
}

export class X509Authenticator implements Authenticator {
  // the peer certificate cannot change on a TLS connection, so its answer is kept per socket
  private readonly cache = new WeakMap<object, UserInfo | undefined | 'invalid'>();

  authenticate(req: IncomingMessage): UserInfo | undefined | 'invalid' {
    const sock = req.socket as TLSSocket;
    if (this.cache.has(sock)) return this.cache.get(sock);
    const r = this.fromSocket(sock);
    this.cache.set(sock, r);
    return r;
  }

  private fromSocket(sock: TLSSocket): UserInfo | undefined | 'invalid' {
    if (typeof sock.getPeerCertificate !== 'function') return undefined;
    const cert = sock.getPeerCertificate();
    if (!cert || Object.keys(cert).length === 0) return undefined;
    if (!sock.authorized) return 'invalid';
    const subj = cert.subject as unknown as Record<string, string | string[]>;
    const cn = subj.CN;
    const username = Array.isArray(cn) ? cn[0] : cn;
    if (!username) return 'invalid';
    const o = subj.O;
    const orgs = o === undefined ? [] : Array.isArray(o) ? o : [o];
    return { username, groups: [...orgs, 'system:authenticated'] };
  }
}

/** Upstream's --token-auth-file format: token,user,uid,"group1,group2" (groups optional). */
export function parseTokenFile(text: string, path = 'token file'): Map<string, UserInfo> {
  const users = new Map<string, UserInfo>();
  let lineNo = 0;
  for (const raw of text.split(/\r?\n/)) {
    lineNo++;
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const fields = parseCSVLine(line);
    if (fields.length < 3) throw new Error(`${path}: line ${lineNo}: expected at least 3 columns (token,user,uid[,"groups"])`);
    const [token, user, uid, groups] = fields;
    if (!token) throw new Error(`${path}: line ${lineNo}: empty token`);
    if (users.has(token)) throw new Error(`${path}: line ${lineNo}: duplicate token`);
    const gs = groups ? groups.split(',').map((g) => g.trim()).filter(Boolean) : [];
    users.set(token, { username: user, uid, groups: [...gs, 'system:authenticated'] });
  }
  return users;
}

function parseCSVLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export class TokenFileAuthenticator implements Authenticator {
  private readonly users: Map<string, UserInfo>;
  constructor(pathOrUsers: string | Map<string, UserInfo>) {
    this.users = typeof pathOrUsers === 'string' ? parseTokenFile(readFileSync(pathOrUsers, 'utf8'), pathOrUsers) : pathOrUsers;
  }
  authenticate(req: IncomingMessage): UserInfo | undefined | 'invalid' {
    const h = req.headers.authorization;
    if (!h) return undefined;
    const m = /^Bearer\s+(.+)$/i.exec(h);
    if (!m) return undefined;
    const u = this.users.get(m[1].trim());
    return u ?? 'invalid';
  }
}

/** First authenticator with an answer wins; an invalid credential is a 401 even if another would pass. */
export function authenticate(auths: Authenticator[], req: IncomingMessage): UserInfo | undefined | 'invalid' {
  let sawInvalid = false;
  for (const a of auths) {
    const r = a.authenticate(req);
    if (r === 'invalid') sawInvalid = true;
    else if (r) return r;
  }
  return sawInvalid ? 'invalid' : undefined;
}
