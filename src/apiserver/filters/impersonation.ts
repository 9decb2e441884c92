import type { Context, MiddlewareHandler, Next } from 'hono';
import type { Attributes, Authorizer, UserInfo } from '../../auth/types.js';
import type { Env } from '../env.js';
import { forbiddenError } from './authorization.js';

const USER = 'impersonate-user';
const GROUP = 'impersonate-group';
const UID = 'impersonate-uid';
const EXTRA = 'impersonate-extra-';
const SA_PREFIX = 'system:serviceaccount:';

interface Wanted {
  kind: 'User' | 'ServiceAccount' | 'Group' | 'UserExtra' | 'UID';
  namespace?: string;
  name: string;
  apiVersion?: string;
  fieldPath?: string;
}

/** Go's %v of the ObjectReference upstream builds for one impersonation header. */
function goRef(w: Wanted): string {
  return `{${w.kind} ${w.namespace ?? ''} ${w.name}  ${w.apiVersion ?? ''}  ${w.fieldPath ?? ''}}`;
}

function wanted(headers: Headers): Wanted[] {
  const out: Wanted[] = [];
  const user = headers.get(USER);
  if (user) {
    const parts = user.startsWith(SA_PREFIX) ? user.slice(SA_PREFIX.length).split(':') : [];
    if (parts.length === 2 && parts[0] && parts[1]) out.push({ kind: 'ServiceAccount', namespace: parts[0], name: parts[1] });
    else out.push({ kind: 'User', name: user });
  }
  for (const [h, v] of headers) {
    if (h === GROUP) for (const g of v.split(',').map((s) => s.trim())) out.push({ kind: 'Group', name: g });
  }
  for (const [h, v] of headers) {
    if (!h.startsWith(EXTRA)) continue;
    let key = h.slice(EXTRA.length);
    try {
      key = decodeURIComponent(key);
    } catch {
      // a malformed escape is kept as sent, as upstream does
    }
    for (const value of v.split(',').map((s) => s.trim())) out.push({ kind: 'UserExtra', name: value, apiVersion: 'authentication.k8s.io/v1', fieldPath: key });
  }
  const uid = headers.get(UID);
  if (uid) out.push({ kind: 'UID', name: uid, apiVersion: 'authentication.k8s.io/v1' });
  return out;
}

/** Whether any Impersonate-* header was sent; node's raw headers answer without building a Headers object. */
function asksImpersonation(raw: string[] | undefined, headersOf: () => Headers): boolean {
  if (!raw) {
    const headers = headersOf();
    return headers.has(USER) || headers.has(GROUP) || headers.has(UID) || [...headers.keys()].some((h) => h.startsWith(EXTRA));
  }
  for (let i = 0; i < raw.length; i += 2) {
    const h = raw[i]!.toLowerCase();
    if (h === USER || h === GROUP || h === UID || h.startsWith(EXTRA)) return true;
  }
  return false;
}

const RESOURCES: Record<Wanted['kind'], [group: string, resource: string]> = {
  User: ['', 'users'],
  ServiceAccount: ['', 'serviceaccounts'],
  Group: ['', 'groups'],
  UserExtra: ['authentication.k8s.io', 'userextras'],
  UID: ['authentication.k8s.io', 'uids'],
};

/**
 * Impersonate-User/-Group/-Uid/-Extra-*: each asked identity is authorized with the `impersonate` verb,
 * then the request runs as the impersonated user, as upstream's impersonation filter.
 */
export function withImpersonation(authorizer: Authorizer): MiddlewareHandler<Env> {
  // not async: without Impersonate-* headers the filter costs no promise of its own
  return function impersonation(c, next) {
    return asksImpersonation(c.env?.incoming?.rawHeaders, () => c.req.raw.headers) ? impersonate(c, next) : next();
  };

  async function impersonate(c: Context<Env>, next: Next): Promise<Response | void> {
    const headers = c.req.raw.headers;
    const asked = wanted(headers);
    if (!asked.some((w) => w.kind === 'User' || w.kind === 'ServiceAccount')) {
      const uri = c.env?.incoming?.url ?? new URL(c.req.url).pathname;
      return c.body(`Internal Server Error: ${JSON.stringify(uri)}: requested [${asked.map(goRef).join(' ')}] without impersonating a user\n`, 500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
    }
    const requestor = c.get('user');
    const groupsGiven = headers.has(GROUP);
    let username = '';
    let uid: string | undefined;
    let groups: string[] = [];
    const extra: Record<string, string[]> = {};
    for (const w of asked) {
      const [group, resource] = RESOURCES[w.kind];
      const a: Attributes = { user: requestor, verb: 'impersonate', isResourceRequest: true, path: '', apiGroup: group, apiVersion: 'v1', resource, subresource: w.kind === 'UserExtra' ? w.fieldPath! : '', namespace: w.namespace ?? '', name: w.name };
      const r = await authorizer.authorize(a);
      if (r.decision !== 'allow') throw forbiddenError(a, r.reason);
      if (w.kind === 'User') username = w.name;
      else if (w.kind === 'ServiceAccount') {
        username = `${SA_PREFIX}${w.namespace}:${w.name}`;
        if (!groupsGiven) groups = ['system:serviceaccounts', `system:serviceaccounts:${w.namespace}`];
      } else if (w.kind === 'Group') groups.push(w.name);
      else if (w.kind === 'UID') uid = w.name;
      else (extra[w.fieldPath!] ??= []).push(w.name);
    }
    if (username !== 'system:anonymous') {
      if (!groups.includes('system:authenticated') && !groups.includes('system:unauthenticated')) groups.push('system:authenticated');
    } else if (!groups.includes('system:unauthenticated')) groups.push('system:unauthenticated');
    const user: UserInfo = { username, groups };
    if (uid) user.uid = uid;
    if (Object.keys(extra).length) user.extra = extra;
    c.set('user', user);
    await next();
  }
}
