// Authenticators: x509 client certificates (verified by the TLS layer against the cluster CA) and bearer
// tokens (a static token file, in-process loopback identities; service-account JWTs plug in the same way).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { TLSSocket } from 'node:tls';
import type { AuthRequest, AuthResult, Authenticator, TokenAuthenticator, UserInfo } from './types.js';

export type { Authenticator, TokenAuthenticator } from './types.js';

export class X509Authenticator implements Authenticator {
  // the peer certificate cannot change on a TLS connection, so its answer is kept per socket
  private readonly cache = new WeakMap<object, AuthResult>();

  authenticate(req: AuthRequest): AuthResult {
    const sock = req.socket as TLSSocket | undefined;
    if (!sock || typeof sock.getPeerCertificate !== 'function') return undefined;
    if (this.cache.has(sock)) return this.cache.get(sock);
    const r = this.fromSocket(sock);
    this.cache.set(sock, r);
    return r;
  }

  private fromSocket(sock: TLSSocket): AuthResult {
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
    users.set(token, { username: user!, uid, groups: [...gs, 'system:authenticated'] });
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

/** Static tokens from an upstream-format file. */
export class TokenFileAuthenticator implements TokenAuthenticator {
  private readonly users: Map<string, UserInfo>;
  constructor(pathOrUsers: string | Map<string, UserInfo>) {
    this.users = typeof pathOrUsers === 'string' ? parseTokenFile(readFileSync(pathOrUsers, 'utf8'), pathOrUsers) : pathOrUsers;
  }
  authenticateToken(token: string): UserInfo | undefined {
    return this.users.get(token);
  }
}

/** Random tokens minted in this process for in-process clients (controllers), one per identity. */
export class LoopbackTokens implements TokenAuthenticator {
  private readonly users = new Map<string, UserInfo>();

  mint(user: UserInfo): string {
    const token = randomBytes(32).toString('base64url');
    this.users.set(token, user);
    return token;
  }

  authenticateToken(token: string): UserInfo | undefined {
    return this.users.get(token);
  }
}

/** `Authorization: Bearer <token>`: the first token authenticator that knows the token wins; nobody knowing it is a 401. */
export class BearerAuthenticator implements Authenticator {
  constructor(private readonly tokens: TokenAuthenticator[]) {}

  // synchronous while the token authenticators answer synchronously (static and loopback tokens)
  authenticate(req: AuthRequest): AuthResult | Promise<AuthResult> {
    const h = req.header('authorization');
    if (!h) return undefined;
    const m = /^Bearer\s+(.+)$/i.exec(h);
    if (!m) return undefined;
    const token = m[1]!.trim();
    for (let i = 0; i < this.tokens.length; i++) {
      const u = this.tokens[i]!.authenticateToken(token);
      if (u instanceof Promise) return this.rest(token, i, u);
      if (u) return u;
    }
    return 'invalid';
  }

  private async rest(token: string, i: number, pending: Promise<UserInfo | undefined>): Promise<AuthResult> {
    const u = await pending;
    if (u) return u;
    for (i++; i < this.tokens.length; i++) {
      const next = await this.tokens[i]!.authenticateToken(token);
      if (next) return next;
    }
    return 'invalid';
  }
}

/** First authenticator with an answer wins; an invalid credential is a 401 even if another would pass. */
export function authenticate(auths: Authenticator[], req: AuthRequest): AuthResult | Promise<AuthResult> {
  let sawInvalid = false;
  for (let i = 0; i < auths.length; i++) {
    const r = auths[i]!.authenticate(req);
    if (r instanceof Promise) return authenticateRest(auths, req, i, r, sawInvalid);
    if (r === 'invalid') sawInvalid = true;
    else if (r) return r;
  }
  return sawInvalid ? 'invalid' : undefined;
}

async function authenticateRest(auths: Authenticator[], req: AuthRequest, i: number, pending: Promise<AuthResult>, sawInvalid: boolean): Promise<AuthResult> {
  let r = await pending;
  for (;;) {
    if (r === 'invalid') sawInvalid = true;
    else if (r) return r;
    if (++i >= auths.length) return sawInvalid ? 'invalid' : undefined;
    r = await auths[i]!.authenticate(req);
  }
}
