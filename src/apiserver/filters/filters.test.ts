import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { StatusError } from '../../apimachinery/errors.js';
import { BearerAuthenticator, TokenFileAuthenticator } from '../../auth/authenticators.js';
import { BasicUserAuthorizer, SuperuserAuthorizer, UnionAuthorizer } from '../../auth/authorizers.js';
import type { UserInfo } from '../../auth/types.js';
import type { Env } from '../env.js';
import { withAuthentication } from './authentication.js';
import { withAuthorization } from './authorization.js';
import { withImpersonation } from './impersonation.js';
import { withRequestInfo } from './request-info.js';
import { chain } from './chain.js';
import { withRequestTimeout } from './timeout.js';

const users = new Map<string, UserInfo>([
  ['admin-token', { username: 'admin', groups: ['system:masters', 'system:authenticated'] }],
  ['dev-token', { username: 'dev', groups: ['system:authenticated'] }],
]);

function app(anonymous = false): Hono<Env> {
  const a = new Hono<Env>();
  a.onError((err, c) => (err instanceof StatusError ? c.json(err.toStatus(), err.code as 400) : c.text(String(err), 500)));
  a.use('*', withRequestInfo());
  const authorizer = new UnionAuthorizer([new SuperuserAuthorizer(), new BasicUserAuthorizer()]);
  a.use('*', withAuthentication([new BearerAuthenticator([new TokenFileAuthenticator(users)])], anonymous));
  a.use('*', withImpersonation(authorizer));
  a.use('*', withAuthorization(authorizer));
  a.all('*', (c) => c.json({ user: c.get('user').username, groups: c.get('user').groups, extra: c.get('user').extra, verb: c.get('requestInfo').verb }));
  return a;
}

const as = (token?: string): RequestInit => ({ headers: token ? { authorization: `Bearer ${token}` } : {} });

describe('request filters', () => {
  test('request info and user reach the handler', async () => {
    const r = await app().request('/api/v1/namespaces/default/pods?watch=1', as('admin-token'));
    assert.equal(r.status, 200);
    assert.deepEqual(await r.json(), { user: 'admin', groups: ['system:masters', 'system:authenticated'], verb: 'watch' });
  });

  test('no credentials is 401 everywhere unless anonymous requests are on', async () => {
    for (const p of ['/api/v1/pods', '/healthz', '/livez', '/readyz', '/version']) {
      const r = await app().request(p, as());
      assert.equal(r.status, 401, p);
      assert.deepEqual(await r.json(), { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
    }
  });

  test('with anonymous requests on, system:anonymous gets what the authorizer gives it', async () => {
    for (const p of ['/healthz', '/livez', '/readyz', '/version']) assert.equal((await app(true).request(p, as())).status, 200, p);
    // system:public-info-viewer names the paths themselves, not the single checks below them
    const single = await app(true).request('/readyz/ping', as());
    assert.equal(single.status, 403);
    assert.equal(((await single.json()) as { message: string }).message, 'forbidden: User "system:anonymous" cannot get path "/readyz/ping"');
    const pods = await app(true).request('/api/v1/pods', as());
    assert.equal(pods.status, 403);
    assert.equal(((await pods.json()) as { message: string }).message, 'pods is forbidden: User "system:anonymous" cannot list resource "pods" in API group "" at the cluster scope');
  });

  test('an unknown bearer token is 401', async () => {
    assert.equal((await app().request('/version', as('nope'))).status, 401);
  });

  test('a user without rights gets upstream\'s 403 for a namespaced list', async () => {
    const r = await app().request('/api/v1/namespaces/team/pods', as('dev-token'));
    assert.equal(r.status, 403);
    const s = (await r.json()) as Record<string, unknown>;
    assert.equal(s.message, 'pods is forbidden: User "dev" cannot list resource "pods" in API group "" in the namespace "team"');
    assert.deepEqual(s.details, { kind: 'pods' });
  });

  test('named, grouped, cluster-scoped and subresource requests name what was refused', async () => {
    const cases: [string, string, string][] = [
      ['GET', '/apis/apps/v1/namespaces/a/deployments/web', 'deployments.apps "web" is forbidden: User "dev" cannot get resource "deployments" in API group "apps" in the namespace "a"'],
      ['GET', '/api/v1/nodes', 'nodes is forbidden: User "dev" cannot list resource "nodes" in API group "" at the cluster scope'],
      ['GET', '/api/v1/namespaces/a/pods/p/log', 'pods "p" is forbidden: User "dev" cannot get resource "pods/log" in API group "" in the namespace "a"'],
      ['DELETE', '/api/v1/namespaces/a/configmaps', 'configmaps is forbidden: User "dev" cannot deletecollection resource "configmaps" in API group "" in the namespace "a"'],
      ['GET', '/metrics', 'forbidden: User "dev" cannot get path "/metrics"'],
    ];
    for (const [method, path, message] of cases) {
      const r = await app().request(path, { method, ...as('dev-token') });
      assert.equal(r.status, 403, path);
      assert.equal(((await r.json()) as { message: string }).message, message);
    }
  });

  test('authenticated users may discover the API and review themselves', async () => {
    for (const p of ['/api', '/apis/apps/v1', '/openapi/v3', '/version']) assert.equal((await app().request(p, as('dev-token'))).status, 200, p);
    const r = await app().request('/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { method: 'POST', ...as('dev-token') });
    assert.equal(r.status, 200);
  });
});

describe('impersonation', () => {
  const imp = (token: string, headers: Record<string, string>): RequestInit => ({ headers: { authorization: `Bearer ${token}`, ...headers } });

  test('a user allowed to impersonate acts as the impersonated user, groups and extras included', async () => {
    const r = await app().request('/api/v1/namespaces/default/pods', imp('admin-token', { 'Impersonate-User': 'jane', 'Impersonate-Group': 'devs', 'Impersonate-Extra-Scopes': 'view' }));
    // jane has no rights: the request itself is then refused as jane
    assert.equal(r.status, 403);
    assert.match(((await r.json()) as { message: string }).message, /User "jane" cannot list resource "pods"/);
    const who = await app().request('/version', imp('admin-token', { 'Impersonate-User': 'jane', 'Impersonate-Group': 'devs', 'Impersonate-Extra-Scopes': 'view' }));
    assert.deepEqual(await who.json(), { user: 'jane', groups: ['devs', 'system:authenticated'], extra: { scopes: ['view'] }, verb: 'get' });
  });

  test('service accounts get their groups; impersonating system:masters keeps the group list as given', async () => {
    const sa = await app().request('/version', imp('admin-token', { 'Impersonate-User': 'system:serviceaccount:ns1:robot' }));
    assert.deepEqual(((await sa.json()) as { groups: string[] }).groups, ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated']);
  });

  test('impersonating without the impersonate verb is a 403 naming the identity', async () => {
    const r = await app().request('/version', imp('dev-token', { 'Impersonate-User': 'admin' }));
    assert.equal(r.status, 403);
    assert.equal(((await r.json()) as { message: string }).message, 'users "admin" is forbidden: User "dev" cannot impersonate resource "users" in API group "" at the cluster scope');
    const g = await app().request('/version', imp('dev-token', { 'Impersonate-User': 'system:serviceaccount:kube-system:x' }));
    assert.equal(((await g.json()) as { message: string }).message, 'serviceaccounts "x" is forbidden: User "dev" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "kube-system"');
  });

  test('groups without a user are refused as upstream (500, plain text)', async () => {
    const r = await app().request('/version', imp('admin-token', { 'Impersonate-Group': 'devs' }));
    assert.equal(r.status, 500);
    assert.equal(await r.text(), 'Internal Server Error: "/version": requested [{Group  devs    }] without impersonating a user\n');
  });
});

describe('filter chain', () => {
  const onError = (err: Error, c: Context<Env>) => (err instanceof StatusError ? c.json(err.toStatus(), err.code as 400) : c.text(String(err), 500));
  const chained = (filters: MiddlewareHandler<Env>[]): Hono<Env> => {
    const a = new Hono<Env>();
    a.onError(onError);
    a.use('*', chain(filters, onError));
    a.get('/ok', (c) => c.text('handler', 200));
    a.get('/fails', () => {
      throw new StatusError(404, 'NotFound', 'gone', {});
    });
    return a;
  };

  test('an outer filter sees an inner filter\'s or the handler\'s error as the error response, sync or async', async () => {
    for (const inner of [(): Promise<void> => Promise.reject(new StatusError(403, 'Forbidden', 'no', {})), (): Promise<void> => { throw new StatusError(403, 'Forbidden', 'no', {}); }]) {
      const seen: number[] = [];
      const outer: MiddlewareHandler<Env> = async (c, next) => {
        await next();
        seen.push(c.res.status);
      };
      const r = await chained([outer, inner]).request('/ok');
      assert.equal(r.status, 403);
      assert.deepEqual(seen, [403]);
    }
    const seen: number[] = [];
    const r = await chained([async (c, next) => { await next(); seen.push(c.res.status); }, (_c, next) => next()]).request('/fails');
    assert.equal(r.status, 404);
    assert.deepEqual(seen, [404]);
  });

  test('a filter answering itself ends the request there; the others run in order', async () => {
    const order: string[] = [];
    const r = await chained([(_c, next) => { order.push('a'); return next(); }, async (c) => { order.push('b'); return c.text('early', 429); }, (_c, next) => { order.push('c'); return next(); }]).request('/ok');
    assert.equal(r.status, 429);
    assert.equal(await r.text(), 'early');
    assert.deepEqual(order, ['a', 'b']);
    const all = await chained([(_c, next) => next(), async (_c, next) => { await next(); }]).request('/ok');
    assert.equal(await all.text(), 'handler');
  });
});

describe('request timeout', () => {
  const timed = (ms: number): Hono<Env> => {
    const a = new Hono<Env>();
    a.onError((err, c) => (err instanceof StatusError ? c.json(err.toStatus(), err.code as 400) : c.text(String(err), 500)));
    a.use('*', withRequestInfo());
    a.use('*', withRequestTimeout(ms));
    a.get('/wait/:ms', async (c) => {
      await new Promise((r) => setTimeout(r, Number(c.req.param('ms'))));
      return c.text('done', 200);
    });
    return a;
  };

  test('each slow request gets 504 at its own deadline while quick ones answer', async () => {
    const a = timed(150);
    const t0 = performance.now();
    const at = async (path: string) => {
      const r = await a.request(path);
      return { status: r.status, ms: performance.now() - t0, body: await r.text() };
    };
    const slow1 = at('/wait/1000');
    await new Promise((r) => setTimeout(r, 60));
    const slow2 = at('/wait/1000');
    const quick = await at('/wait/10');
    assert.equal(quick.status, 200);
    const [s1, s2] = await Promise.all([slow1, slow2]);
    assert.equal(s1.status, 504);
    assert.equal(s2.status, 504);
    assert.equal(JSON.parse(s1.body).message, 'Timeout: request did not complete within the allotted timeout');
    assert.ok(s1.ms >= 145 && s1.ms < 400, `first timed out after ${s1.ms} ms`);
    assert.ok(s2.ms >= 205 && s2.ms < 460, `second timed out after ${s2.ms} ms`);
    assert.ok(s2.ms - s1.ms >= 40, 'the second deadline is its own');
  });
});

test('next() is a promise even when the rest of the chain answered synchronously (an error included)', async () => {
  const onError = (err: Error, c: Context<Env>) => c.text(err.message, 403);
  const a = new Hono<Env>();
  a.onError(onError);
  const seen: number[] = [];
  a.use('*', chain([(c, next) => next().then(() => void seen.push(c.res.status)), () => { throw new Error('refused'); }], onError));
  a.get('/x', (c) => c.text('x'));
  const r = await a.request('/x');
  assert.equal(r.status, 403);
  assert.deepEqual(seen, [403]);
});
