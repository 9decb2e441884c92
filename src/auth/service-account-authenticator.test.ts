import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { notFound } from '../apimachinery/errors.js';
import { ServiceAccountTokenAuthenticator, type ObjectFacts, type ServiceAccountObjectGetter } from './service-account-authenticator.js';
import { boundClaims, claimsJSON, legacyClaims, signClaims } from './service-account-claims.js';
import { ServiceAccountKeys } from './service-account-keys.js';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';
const keys = new ServiceAccountKeys(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
const SA = { namespace: 'ns', name: 'app', uid: 'sa-uid' };

class FakeGetter implements ServiceAccountObjectGetter {
  objects = new Map<string, ObjectFacts>([['sa/ns/app', { uid: 'sa-uid' }]]);
  async serviceAccount(ns: string, name: string): Promise<ObjectFacts> {
    const f = this.objects.get(`sa/${ns}/${name}`);
    if (!f) throw notFound({ group: '', resource: 'serviceaccounts' }, name);
    return f;
  }
  async secret(ns: string, name: string) {
    return this.objects.get(`secret/${ns}/${name}`);
  }
  async pod(ns: string, name: string) {
    return this.objects.get(`pod/${ns}/${name}`);
  }
  async node(name: string) {
    return this.objects.get(`node/${name}`);
  }
}

function setup() {
  const getter = new FakeGetter();
  const opts = { keys, getter, apiAudiences: [ISSUER] };
  return { getter, bound: ServiceAccountTokenAuthenticator.bound(opts, [ISSUER]), legacy: ServiceAccountTokenAuthenticator.legacy(opts) };
}

const bound = (extra: Partial<Parameters<typeof boundClaims>[0]> = {}) =>
  signClaims(keys, boundClaims({ issuer: ISSUER, serviceAccount: SA, audiences: [ISSUER], expirationSeconds: 3600, jti: 'the-jti', ...extra }));

describe('service-account claims', () => {
  test('bound claims carry iss, sub, aud, exp, iat, nbf, jti and the kubernetes.io claim', () => {
    const now = new Date('2026-01-01T00:00:00.750Z');
    const c = boundClaims({ issuer: ISSUER, serviceAccount: SA, pod: { name: 'p', uid: 'pu' }, node: { name: 'n' }, audiences: ['a', 'b'], expirationSeconds: 600, warnAfterSeconds: 300, now, jti: 'j' });
    assert.equal(
      claimsJSON(c),
      '{"aud":["a","b"],"exp":1767226200,"iat":1767225600,"iss":"https://kubernetes.default.svc.cluster.local","jti":"j","kubernetes.io":{"namespace":"ns","node":{"name":"n"},"pod":{"name":"p","uid":"pu"},"serviceaccount":{"name":"app","uid":"sa-uid"},"warnafter":1767225900},"nbf":1767225600,"sub":"system:serviceaccount:ns:app"}',
    );
    assert.throws(() => boundClaims({ issuer: ISSUER, serviceAccount: SA, secret: { name: 's', uid: 'u' }, pod: { name: 'p', uid: 'u' }, audiences: [], expirationSeconds: 600 }), /token can only be bound to one object type/);
  });

  test('legacy claims have the secret-based layout', () => {
    assert.equal(
      claimsJSON(legacyClaims(SA, 'app-token')),
      '{"iss":"kubernetes/serviceaccount","kubernetes.io/serviceaccount/namespace":"ns","kubernetes.io/serviceaccount/secret.name":"app-token","kubernetes.io/serviceaccount/service-account.name":"app","kubernetes.io/serviceaccount/service-account.uid":"sa-uid","sub":"system:serviceaccount:ns:app"}',
    );
  });

  test('claims JSON escapes HTML characters as Go does', () => {
    assert.equal(claimsJSON({ b: '<&>', a: 1 }), '{"a":1,"b":"\\u003c\\u0026\\u003e"}');
  });
});

describe('service-account token authenticator', () => {
  test('a valid bound token is the service account with its groups, uid and credential id', async () => {
    const { bound: a } = setup();
    const r = await a.check(await bound());
    assert.deepEqual(r, {
      handled: true,
      audiences: [ISSUER],
      user: { username: 'system:serviceaccount:ns:app', uid: 'sa-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'], extra: { 'authentication.kubernetes.io/credential-id': ['JTI=the-jti'] } },
    });
  });

  test('tokens of other issuers and non-JWTs are left to other authenticators', async () => {
    const { bound: a, legacy } = setup();
    assert.deepEqual(await a.check('abc'), { handled: false });
    assert.deepEqual(await a.check('{"iss":"x"}.a.b'), { handled: false });
    assert.deepEqual(await legacy.check(await bound()), { handled: false });
    assert.deepEqual(await a.check(await signClaims(keys, { iss: 'someone-else', sub: 'x' })), { handled: false });
  });

  test('time checks allow a minute of skew, then fail with upstream messages', async () => {
    const { bound: a } = setup();
    const ago = (s: number) => new Date(Date.now() - s * 1000);
    assert.equal(((await a.check(await bound({ now: ago(630), expirationSeconds: 600 }))) as { user?: unknown }).user !== undefined, true);
    assert.deepEqual(await a.check(await bound({ now: ago(700), expirationSeconds: 600 })), { handled: true, error: 'service account token has expired' });
    assert.deepEqual(await a.check(await bound({ now: ago(-120) })), { handled: true, error: 'service account token is not valid yet' });
  });

  test('audiences: the intersection with the requested ones, else upstream\'s message', async () => {
    const { bound: a } = setup();
    const t = await bound({ audiences: ['vault', 'api'] });
    assert.deepEqual(await a.check(t), { handled: true, error: `token audiences ["vault" "api"] is invalid for the target audiences ["${ISSUER}"]` });
    const ok = await a.check(t, ['api', 'other']);
    assert.deepEqual((ok as { audiences: string[] }).audiences, ['api']);
  });

  test('the service account must exist with the same uid', async () => {
    const { bound: a, getter } = setup();
    const t = await bound();
    getter.objects.set('sa/ns/app', { uid: 'new-uid' });
    assert.deepEqual(await a.check(t), { handled: true, error: 'service account UID (new-uid) does not match claim (sa-uid)' });
    getter.objects.delete('sa/ns/app');
    assert.deepEqual(await a.check(t), { handled: true, error: 'serviceaccounts "app" not found' });
    getter.objects.set('sa/ns/app', { uid: 'sa-uid', deletionTimestamp: new Date(Date.now() - 120_000).toISOString() });
    assert.deepEqual(await a.check(t), { handled: true, error: 'service account ns/app has been deleted' });
  });

  test('bound objects must exist with the same uid; pod tokens add pod and node to extra', async () => {
    const { bound: a, getter } = setup();
    const podTok = await bound({ pod: { name: 'p', uid: 'pod-1' }, node: { name: 'n1', uid: 'node-1' } });
    assert.deepEqual(await a.check(podTok), { handled: true, error: 'service account token has been invalidated' });
    getter.objects.set('pod/ns/p', { uid: 'pod-2' });
    assert.deepEqual(await a.check(podTok), { handled: true, error: 'pod UID (pod-2) does not match service account pod ref claim (pod-1)' });
    getter.objects.set('pod/ns/p', { uid: 'pod-1' });
    const r = (await a.check(podTok)) as { user: { extra: Record<string, string[]> } };
    assert.deepEqual(Object.keys(r.user.extra), [
      'authentication.kubernetes.io/credential-id',
      'authentication.kubernetes.io/node-name',
      'authentication.kubernetes.io/node-uid',
      'authentication.kubernetes.io/pod-name',
      'authentication.kubernetes.io/pod-uid',
    ]);
    const secretTok = await bound({ secret: { name: 's', uid: 'sec-1' } });
    getter.objects.set('secret/ns/s', { uid: 'sec-2' });
    assert.deepEqual(await a.check(secretTok), { handled: true, error: 'secret UID (sec-2) does not match service account secret ref claim (sec-1)' });
    const nodeTok = await bound({ node: { name: 'n1', uid: 'node-1' } });
    assert.deepEqual(await a.check(nodeTok), { handled: true, error: 'service account token has been invalidated' });
    getter.objects.set('node/n1', { uid: 'node-1' });
    assert.deepEqual((await a.check(nodeTok) as { user: { extra: Record<string, string[]> } }).user.extra['authentication.kubernetes.io/node-uid'], ['node-1']);
  });

  test('a token signed by another key fails in go-jose\'s words', async () => {
    const { bound: a } = setup();
    const other = new ServiceAccountKeys(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const t = await signClaims(other, boundClaims({ issuer: ISSUER, serviceAccount: SA, audiences: [ISSUER], expirationSeconds: 3600 }));
    assert.deepEqual(await a.check(t), { handled: true, error: 'go-jose/go-jose: error in cryptographic primitive' });
  });

  test('legacy tokens must match the Secret\'s copy and their service account', async () => {
    const { legacy, getter } = setup();
    const t = await signClaims(keys, legacyClaims(SA, 'app-token'));
    assert.deepEqual(await legacy.check(t), { handled: true, error: 'token has been invalidated' });
    getter.objects.set('secret/ns/app-token', { uid: 's', token: 'other' });
    assert.deepEqual(await legacy.check(t), { handled: true, error: "token does not match server's copy" });
    getter.objects.set('secret/ns/app-token', { uid: 's', token: t });
    const ok = (await legacy.check(t)) as { user: unknown; audiences: string[] };
    assert.deepEqual(ok.user, { username: 'system:serviceaccount:ns:app', uid: 'sa-uid', groups: ['system:serviceaccounts', 'system:serviceaccounts:ns', 'system:authenticated'] });
    assert.deepEqual(ok.audiences, [ISSUER]);
    getter.objects.set('sa/ns/app', { uid: 'x' });
    assert.deepEqual(await legacy.check(t), { handled: true, error: 'ServiceAccount UID (x) does not match claim (sa-uid)' });
    const noSecret = await signClaims(keys, { iss: 'kubernetes/serviceaccount', sub: 'system:serviceaccount:ns:app', 'kubernetes.io/serviceaccount/namespace': 'ns' });
    assert.deepEqual(await legacy.check(noSecret), { handled: true, error: 'secretName claim is missing' });
    const badSub = await signClaims(keys, { ...legacyClaims(SA, 'app-token'), sub: 'system:serviceaccount:ns:other' });
    assert.deepEqual(await legacy.check(badSub), { handled: true, error: 'sub claim is invalid' });
  });
});
