// Service-account tokens end to end with real kubectl: TokenRequest (`kubectl create token`), bound and legacy tokens
// authenticating and failing as upstream, TokenReview, issuer discovery, and other clients using a token.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { startTestCluster, runKubectl, type TestCluster } from '../testing/harness.js';
import { BIN } from '../testing/cli.js';
import { api } from '../testing/client.js';
import { eventually } from '../testing/eventually.js';
import { boundClaims, signClaims } from '../auth/service-account-claims.js';
import { ServiceAccountKeys, keyIdFor } from '../auth/service-account-keys.js';
import { createPublicKey } from 'node:crypto';

const ISSUER = 'https://kubernetes.default.svc.cluster.local';

function claimsOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
}

function headerOf(token: string): Record<string, any> {
  return JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
}

describe('service-account tokens', () => {
  let c: TestCluster;
  let n = 0;
  const creds = () => ({ url: c.url, caCertPem: c.caCertPem, adminCertPem: c.adminCertPem, adminKeyPem: c.adminKeyPem });
  const withToken = (token: string) => ({ url: c.url, caCertPem: c.caCertPem, token });
  /** kubectl with a kubeconfig that holds only the token (a client certificate would win over it, as upstream). */
  const asToken = (token: string, args: string[]) => {
    const kc = join(c.tmp, `token-${++n}.kubeconfig`);
    writeFileSync(
      kc,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: x\n  cluster:\n    server: ${c.url}\n    certificate-authority-data: ${Buffer.from(c.caCertPem).toString('base64')}\nusers:\n- name: x\n  user:\n    token: ${token}\ncontexts:\n- name: x\n  context:\n    cluster: x\n    user: x\ncurrent-context: x\n`,
    );
    return runKubectl(kc, join(c.tmp, `cache-${n}`), args);
  };
  const review = async (token: string, audiences?: string[]) => {
    const r = await api(creds(), 'POST', '/apis/authentication.k8s.io/v1/tokenreviews', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: audiences ? { token, audiences } : { token } });
    assert.equal(r.status, 201, r.text);
    return r.json.status;
  };
  const uidOf = async (path: string) => (await api(creds(), 'GET', path)).json.metadata.uid as string;

  before(async () => {
    c = await startTestCluster();
    await eventually('the default service account', async () => ((await api(creds(), 'GET', '/api/v1/namespaces/default/serviceaccounts/default')).status === 200 ? true : undefined));
  });
  after(() => c?.cleanup());

  test('kubectl create token: an RS256 JWT with the kid and claims of upstream', async () => {
    const token = (await c.k(['create', 'token', 'default'])).trim();
    const saUID = await uidOf('/api/v1/namespaces/default/serviceaccounts/default');
    const kid = keyIdFor(createPublicKey(c.pki.saPubPem));
    assert.deepEqual(headerOf(token), { alg: 'RS256', kid });
    assert.equal(Buffer.from(token.split('.')[0]!, 'base64url').toString(), `{"alg":"RS256","kid":"${kid}"}`);
    const claims = claimsOf(token);
    assert.deepEqual(Object.keys(claims), ['aud', 'exp', 'iat', 'iss', 'jti', 'kubernetes.io', 'nbf', 'sub']);
    assert.deepEqual(claims.aud, [ISSUER]);
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.sub, 'system:serviceaccount:default:default');
    assert.equal(claims.exp - claims.iat, 3600);
    assert.equal(claims.nbf, claims.iat);
    assert.match(claims.jti, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(claims['kubernetes.io'], { namespace: 'default', serviceaccount: { name: 'default', uid: saUID } });
  });

  test('the token authenticates: kubectl auth whoami prints the service account, its uid, groups and credential id', async () => {
    const token = (await c.k(['create', 'token', 'default'])).trim();
    const saUID = await uidOf('/api/v1/namespaces/default/serviceaccounts/default');
    const who = await asToken(token, ['auth', 'whoami']);
    assert.equal(who.code, 0, who.stderr);
    assert.equal(
      who.stdout,
      [
        'ATTRIBUTE                                           VALUE',
        'Username                                            system:serviceaccount:default:default',
        `UID                                                 ${saUID}`,
        'Groups                                              [system:serviceaccounts system:serviceaccounts:default system:authenticated]',
        `Extra: authentication.kubernetes.io/credential-id   [JTI=${claimsOf(token).jti}]`,
        '',
      ].join('\n'),
    );
  });

  test('TokenRequest over the API: 201 with the request echoed, defaults filled and the expiration', async () => {
    const before = Math.floor(Date.now() / 1000);
    const r = await api(creds(), 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { audiences: ['vault'], expirationSeconds: 1200 } });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.kind, 'TokenRequest');
    assert.equal(r.json.apiVersion, 'authentication.k8s.io/v1');
    assert.equal(r.json.metadata.name, 'default');
    assert.equal(r.json.metadata.namespace, 'default');
    assert.deepEqual(r.json.spec, { audiences: ['vault'], expirationSeconds: 1200, boundObjectRef: null });
    const exp = Date.parse(r.json.status.expirationTimestamp) / 1000;
    assert.ok(exp >= before + 1200 && exp <= before + 1202, r.json.status.expirationTimestamp);
    assert.deepEqual(Object.keys(r.json.status), ['token', 'expirationTimestamp']);
    assert.deepEqual(claimsOf(r.json.status.token).aud, ['vault']);
    const mismatch = await api(creds(), 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', metadata: { name: 'other' }, spec: {} });
    assert.equal(mismatch.status, 422);
    assert.equal(mismatch.json.message, 'TokenRequest.authentication.k8s.io "default" is invalid: metadata.name: Invalid value: "other": must match the service account name if specified');
  });

  test('kubectl create token refuses what upstream refuses', async () => {
    const short = await c.kubectl(['create', 'token', 'default', '--duration', '1m']);
    assert.equal(short.code, 1);
    assert.equal(short.stderr, 'error: failed to create token: TokenRequest.authentication.k8s.io "" is invalid: spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes\n');
    const missing = await c.kubectl(['create', 'token', 'nobody']);
    assert.equal(missing.stderr, 'error: failed to create token: serviceaccounts "nobody" not found\n');
    const noPod = await c.kubectl(['create', 'token', 'default', '--bound-object-kind', 'Pod', '--bound-object-name', 'ghost']);
    assert.equal(noPod.stderr, 'error: failed to create token: pods "ghost" not found\n');
    const conflict = await api(creds(), 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', {
      spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'kube-thing', uid: 'x' } },
    });
    assert.equal(conflict.status, 404);
    await c.k(['create', 'secret', 'generic', 'bind-me', '--from-literal=a=b']);
    const wrongUID = await api(creds(), 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { spec: { boundObjectRef: { kind: 'Secret', apiVersion: 'v1', name: 'bind-me', uid: 'not-it' } } });
    assert.equal(wrongUID.status, 409);
    assert.equal(wrongUID.json.message, 'Operation cannot be fulfilled on Secret "bind-me": the UID in the bound object reference (not-it) does not match the UID in record. The object might have been deleted and then recreated');
    assert.deepEqual(wrongUID.json.details, { name: 'bind-me', kind: 'Secret' });
    const badKind = await api(creds(), 'POST', '/api/v1/namespaces/default/serviceaccounts/default/token', { spec: { boundObjectRef: { kind: 'ConfigMap', apiVersion: 'v1', name: 'x' } } });
    assert.equal(badKind.status, 400);
    assert.equal(badKind.json.message, 'cannot bind token to object of type /v1, Kind=ConfigMap');
  });

  test('a token for another audience is refused by the API (401) and reviewed for that audience', async () => {
    const token = (await c.k(['create', 'token', 'default', '--audience', 'vault'])).trim();
    assert.equal((await api(withToken(token), 'GET', '/api')).status, 401);
    const bad = await review(token);
    assert.deepEqual(bad, { user: {}, error: `[invalid bearer token, token audiences ["vault"] is invalid for the target audiences ["${ISSUER}"]]` });
    const ok = await review(token, ['vault', 'other']);
    assert.equal(ok.authenticated, true);
    assert.deepEqual(ok.audiences, ['vault']);
    assert.equal(ok.user.username, 'system:serviceaccount:default:default');
  });

  test('TokenReview through kubectl answers from the real authenticators', async () => {
    const token = (await c.k(['create', 'token', 'default'])).trim();
    const saUID = await uidOf('/api/v1/namespaces/default/serviceaccounts/default');
    const out = JSON.parse(await c.k(['create', '-o', 'json', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token } }) }));
    assert.deepEqual(out.status, {
      authenticated: true,
      user: {
        username: 'system:serviceaccount:default:default',
        uid: saUID,
        groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'],
        extra: { 'authentication.kubernetes.io/credential-id': [`JTI=${claimsOf(token).jti}`] },
      },
      audiences: [ISSUER],
    });
    assert.deepEqual(await review('not-a-token'), { user: {}, error: 'invalid bearer token' });
  });

  test('an expired token is 401 and reviewed as expired', async () => {
    const saUID = await uidOf('/api/v1/namespaces/default/serviceaccounts/default');
    const keys = new ServiceAccountKeys(c.pki.saKeyPem);
    const token = await signClaims(keys, boundClaims({ issuer: ISSUER, serviceAccount: { namespace: 'default', name: 'default', uid: saUID }, audiences: [ISSUER], expirationSeconds: 600, now: new Date(Date.now() - 3600_000) }));
    const r = await api(withToken(token), 'GET', '/api');
    assert.equal(r.status, 401);
    assert.equal(r.json.message, 'Unauthorized');
    assert.deepEqual(await review(token), { user: {}, error: '[invalid bearer token, service account token has expired]' });
    const who = await asToken(token, ['auth', 'whoami']);
    assert.equal(who.code, 1);
    assert.equal(who.stderr, 'error: You must be logged in to the server (Unauthorized)\n');
  });

  test('a token signed by another key is refused', async () => {
    const { generateServiceAccountKeyPair } = await import('../pki/index.js');
    const other = new ServiceAccountKeys(generateServiceAccountKeyPair().privateKeyPem);
    const saUID = await uidOf('/api/v1/namespaces/default/serviceaccounts/default');
    const token = await signClaims(other, boundClaims({ issuer: ISSUER, serviceAccount: { namespace: 'default', name: 'default', uid: saUID }, audiences: [ISSUER], expirationSeconds: 600 }));
    assert.equal((await api(withToken(token), 'GET', '/api')).status, 401);
    assert.deepEqual(await review(token), { user: {}, error: '[invalid bearer token, go-jose/go-jose: error in cryptographic primitive]' });
  });

  test('deleting the service account invalidates its tokens, also when one of the same name comes back', async () => {
    await c.k(['create', 'serviceaccount', 'robot']);
    const token = (await c.k(['create', 'token', 'robot'])).trim();
    assert.equal((await api(withToken(token), 'GET', '/api')).status, 200);
    await c.k(['delete', 'serviceaccount', 'robot']);
    assert.equal((await api(withToken(token), 'GET', '/api')).status, 401);
    assert.deepEqual(await review(token), { user: {}, error: '[invalid bearer token, serviceaccounts "robot" not found]' });
    await c.k(['create', 'serviceaccount', 'robot']);
    const uid = await uidOf('/api/v1/namespaces/default/serviceaccounts/robot');
    assert.equal((await api(withToken(token), 'GET', '/api')).status, 401);
    assert.deepEqual(await review(token), { user: {}, error: `[invalid bearer token, service account UID (${uid}) does not match claim (${claimsOf(token)['kubernetes.io'].serviceaccount.uid})]` });
  });

  test('a pod-bound token names the pod (and its node) and dies with the pod', async () => {
    await c.k(['create', 'serviceaccount', 'runner']);
    await api(creds(), 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-a' } });
    const pod = await api(creds(), 'POST', '/api/v1/namespaces/default/pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'worker' },
      spec: { serviceAccountName: 'runner', nodeName: 'node-a', containers: [{ name: 'c', image: 'busybox' }] },
    });
    assert.equal(pod.status, 201, pod.text);
    const podUID = pod.json.metadata.uid;
    const nodeUID = await uidOf('/api/v1/nodes/node-a');
    const wrongSA = await c.kubectl(['create', 'token', 'default', '--bound-object-kind', 'Pod', '--bound-object-name', 'worker']);
    assert.equal(wrongSA.stderr, 'error: failed to create token: cannot bind token for serviceaccount "default" to pod running with different serviceaccount name.\n');
    const token = (await c.k(['create', 'token', 'runner', '--bound-object-kind', 'Pod', '--bound-object-name', 'worker'])).trim();
    const k8sClaim = claimsOf(token)['kubernetes.io'];
    assert.deepEqual(k8sClaim.pod, { name: 'worker', uid: podUID });
    assert.deepEqual(k8sClaim.node, { name: 'node-a', uid: nodeUID });
    const status = await review(token);
    assert.deepEqual(status.user.extra, {
      'authentication.kubernetes.io/credential-id': [`JTI=${claimsOf(token).jti}`],
      'authentication.kubernetes.io/node-name': ['node-a'],
      'authentication.kubernetes.io/node-uid': [nodeUID],
      'authentication.kubernetes.io/pod-name': ['worker'],
      'authentication.kubernetes.io/pod-uid': [podUID],
    });
    // the projected-volume default (3607 s) lives a year but warns after its hour
    const projected = await api(creds(), 'POST', '/api/v1/namespaces/default/serviceaccounts/runner/token', { spec: { expirationSeconds: 3607, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'worker', uid: podUID } } });
    const pc = claimsOf(projected.json.status.token);
    assert.equal(pc.exp - pc.iat, 365 * 24 * 3600);
    assert.equal(pc['kubernetes.io'].warnafter, pc.iat + 3607);
    assert.equal(projected.json.spec.expirationSeconds, 3607);

    await c.k(['delete', 'pod', 'worker', '--grace-period=0', '--force']);
    await eventually('the pod to be gone', async () => ((await api(creds(), 'GET', '/api/v1/namespaces/default/pods/worker')).status === 404 ? true : undefined));
    assert.equal((await api(withToken(token), 'GET', '/api')).status, 401);
    assert.deepEqual(await review(token), { user: {}, error: '[invalid bearer token, service account token has been invalidated]' });
  });

  test('a node-bound token is valid while the node lives', async () => {
    await api(creds(), 'POST', '/api/v1/nodes', { apiVersion: 'v1', kind: 'Node', metadata: { name: 'node-b' } });
    const token = (await c.k(['create', 'token', 'default', '--bound-object-kind', 'Node', '--bound-object-name', 'node-b'])).trim();
    const nodeUID = await uidOf('/api/v1/nodes/node-b');
    const ok = await review(token);
    assert.deepEqual(ok.user.extra['authentication.kubernetes.io/node-uid'], [nodeUID]);
    await c.k(['delete', 'node', 'node-b']);
    assert.equal((await api(withToken(token), 'GET', '/api')).status, 401);
  });

  test('a legacy service-account-token Secret gets its token, ca.crt and namespace; the token authenticates (labelled last-used) unless marked invalid, until the Secret goes', async () => {
    await c.k(['create', 'serviceaccount', 'builder']);
    const saUID = await uidOf('/api/v1/namespaces/default/serviceaccounts/builder');
    await c.k(['apply', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'builder-token', annotations: { 'kubernetes.io/service-account.name': 'builder' } }, type: 'kubernetes.io/service-account-token' }),
    });
    const secret = await eventually('the token to be filled in', async () => {
      const s = (await api(creds(), 'GET', '/api/v1/namespaces/default/secrets/builder-token')).json;
      return s.data?.token ? s : undefined;
    });
    assert.deepEqual(Object.keys(secret.data).sort(), ['ca.crt', 'namespace', 'token']);
    assert.equal(Buffer.from(secret.data['ca.crt'], 'base64').toString(), c.caCertPem);
    assert.equal(Buffer.from(secret.data.namespace, 'base64').toString(), 'default');
    assert.equal(secret.metadata.annotations['kubernetes.io/service-account.uid'], saUID);
    const token = Buffer.from(secret.data.token, 'base64').toString();
    assert.equal(
      Buffer.from(token.split('.')[1]!, 'base64url').toString(),
      JSON.stringify({
        iss: 'kubernetes/serviceaccount',
        'kubernetes.io/serviceaccount/namespace': 'default',
        'kubernetes.io/serviceaccount/secret.name': 'builder-token',
        'kubernetes.io/serviceaccount/service-account.name': 'builder',
        'kubernetes.io/serviceaccount/service-account.uid': saUID,
        sub: 'system:serviceaccount:default:builder',
      }),
    );
    const who = await asToken(token, ['auth', 'whoami', '-o', 'jsonpath={.status.userInfo}']);
    assert.equal(who.code, 0, who.stderr);
    assert.deepEqual(JSON.parse(who.stdout), { username: 'system:serviceaccount:default:builder', uid: saUID, groups: ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated'] });
    const today = new Date().toISOString().slice(0, 10);
    await eventually('the last-used label', async () => ((await api(creds(), 'GET', '/api/v1/namespaces/default/secrets/builder-token')).json.metadata.labels?.['kubernetes.io/legacy-token-last-used'] === today ? true : undefined));
    await c.k(['label', 'secret', 'builder-token', 'kubernetes.io/legacy-token-invalid-since=2026-01-01']);
    await eventually('the invalid-since label to take effect', async () => ((await api(withToken(token), 'GET', '/api')).status === 401 ? true : undefined));
    assert.deepEqual(await review(token), {
      user: {},
      error:
        "[invalid bearer token, the token in secret default/builder-token for service account default/builder has been marked invalid. Use tokens from the TokenRequest API or manually created secret-based tokens, or remove the 'kubernetes.io/legacy-token-invalid-since' label from the secret to temporarily allow use of this token]",
    });
    await c.k(['label', 'secret', 'builder-token', 'kubernetes.io/legacy-token-invalid-since-']);
    await eventually('the token to work again', async () => ((await api(withToken(token), 'GET', '/api')).status === 200 ? true : undefined));
    await c.k(['delete', 'secret', 'builder-token']);
    assert.equal((await api(withToken(token), 'GET', '/api')).status, 401);
    assert.deepEqual(await review(token), { user: {}, error: '[invalid bearer token, token has been invalidated]' });
  });

  test('deleting a token Secret drops it from the secrets of its service account', async () => {
    await api(creds(), 'POST', '/api/v1/namespaces/default/serviceaccounts', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'lister' }, secrets: [{ name: 'lister-token' }, { name: 'kept' }] });
    await c.k(['apply', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'lister-token', annotations: { 'kubernetes.io/service-account.name': 'lister' } }, type: 'kubernetes.io/service-account-token' }),
    });
    await eventually('the token', async () => ((await api(creds(), 'GET', '/api/v1/namespaces/default/secrets/lister-token')).json.data?.token ? true : undefined));
    await c.k(['delete', 'secret', 'lister-token']);
    const sa = await eventually('the reference to go', async () => {
      const o = (await api(creds(), 'GET', '/api/v1/namespaces/default/serviceaccounts/lister')).json;
      return o.secrets?.length === 1 ? o : undefined;
    });
    assert.deepEqual(sa.secrets, [{ name: 'kept' }]);
  });

  test('a token Secret naming a missing service account is deleted', async () => {
    await c.k(['apply', '-f', '-'], {
      stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'orphan-token', annotations: { 'kubernetes.io/service-account.name': 'nobody' } }, type: 'kubernetes.io/service-account-token' }),
    });
    await eventually('the orphan token to be deleted', async () => ((await api(creds(), 'GET', '/api/v1/namespaces/default/secrets/orphan-token')).status === 404 ? true : undefined));
  });

  test('issuer discovery: the OpenID configuration and the key set, with upstream content types and caching', async () => {
    const conf = await api(creds(), 'GET', '/.well-known/openid-configuration');
    assert.equal(conf.status, 200);
    assert.equal(conf.headers['content-type'], 'application/json');
    assert.equal(conf.headers['cache-control'], 'public, max-age=3600');
    assert.equal(
      conf.text,
      JSON.stringify({ issuer: ISSUER, jwks_uri: `${c.url}/openid/v1/jwks`, response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['RS256'] }),
    );
    const jwks = await api(creds(), 'GET', '/openid/v1/jwks');
    assert.equal(jwks.status, 200);
    assert.equal(jwks.headers['content-type'], 'application/jwk-set+json');
    assert.equal(jwks.headers['cache-control'], 'public, max-age=3600');
    const set = JSON.parse(jwks.text);
    assert.deepEqual(Object.keys(set.keys[0]), ['use', 'kty', 'kid', 'alg', 'n', 'e']);
    assert.equal(set.keys[0].kid, keyIdFor(createPublicKey(c.pki.saPubPem)));
    const token = (await c.k(['create', 'token', 'default'])).trim();
    const { payload } = await jwtVerify(token, createLocalJWKSet(set), { issuer: ISSUER, audience: ISSUER });
    assert.equal(payload.sub, 'system:serviceaccount:default:default');
    assert.equal((await api({ url: c.url, caCertPem: c.caCertPem }, 'GET', '/openid/v1/jwks')).status, 401);
  });

  test('@kubernetes/client-node authenticates with a service-account token', async () => {
    const token = (await c.k(['create', 'token', 'default'])).trim();
    const kc = new k8s.KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'x', server: c.url, caData: Buffer.from(c.caCertPem).toString('base64') }],
      users: [{ name: 'x', token }],
      contexts: [{ name: 'x', cluster: 'x', user: 'x' }],
      currentContext: 'x',
    });
    const who = await kc.makeApiClient(k8s.AuthenticationV1Api).createSelfSubjectReview({ body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' } });
    assert.equal(who.status?.userInfo?.username, 'system:serviceaccount:default:default');
    assert.deepEqual(who.status?.userInfo?.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
  });

  test('the python client requests a token and authenticates with it', async () => {
    const script = [
      'import sys, kubernetes',
      'from kubernetes import client, config',
      'config.load_kube_config(sys.argv[1])',
      'core = client.CoreV1Api()',
      "tr = core.create_namespaced_service_account_token('default', 'default', client.AuthenticationV1TokenRequest(spec=client.V1TokenRequestSpec(audiences=[], expiration_seconds=900)))",
      'conf = client.Configuration()',
      'conf.host = sys.argv[2]',
      'conf.ssl_ca_cert = sys.argv[3]',
      "conf.api_key = {'authorization': 'Bearer ' + tr.status.token}",
      'authz = client.AuthorizationV1Api(client.ApiClient(conf))',
      "r = authz.create_self_subject_access_review(client.V1SelfSubjectAccessReview(spec=client.V1SelfSubjectAccessReviewSpec(resource_attributes=client.V1ResourceAttributes(verb='get', resource='pods'))))",
      "print('allowed', r.status.allowed)",
      "conf.api_key = {'authorization': 'Bearer ' + tr.status.token[:-4] + 'AAAA'}",
      'try:',
      '    client.AuthorizationV1Api(client.ApiClient(conf)).create_self_subject_access_review(client.V1SelfSubjectAccessReview(spec=client.V1SelfSubjectAccessReviewSpec(resource_attributes=client.V1ResourceAttributes(verb="get", resource="pods"))))',
      'except client.exceptions.ApiException as e:',
      "    print('status', e.status)",
    ].join('\n');
    const ca = join(c.tmp, 'ca.crt');
    writeFileSync(ca, c.caCertPem);
    const out = await new Promise<string>((resolve, reject) =>
      execFile('/usr/bin/python3', ['-c', script, c.kubeconfigPath, c.url, ca], { env: { PATH: '/usr/bin:/bin', HOME: c.tmp }, timeout: 60_000 }, (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout))),
    );
    assert.equal(out, 'allowed False\nstatus 401\n');
  });
});
