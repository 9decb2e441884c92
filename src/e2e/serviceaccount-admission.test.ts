// The ServiceAccount admission plugin as kube-apiserver's: a pod's account must exist (the default one is waited
// for a while), its imagePullSecrets and automountServiceAccountToken apply, mirror pods are only checked; with no
// serviceaccount controller the plugin is off unless named, as envtest runs kube-apiserver.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

const pod = (metadata: Record<string, unknown>, spec: Record<string, unknown> = {}) => ({ apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [{ name: 'c', image: 'nginx' }], ...spec } });
const tokenVolumes = (p: { spec: { volumes?: { name: string }[] } }) => (p.spec.volumes ?? []).map((v) => v.name).filter((n) => n.startsWith('kube-api-access-'));

describe('ServiceAccount admission', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => c?.cleanup());

  test('a pod whose account does not exist is refused with upstream text; a generated name shows its prefix', async () => {
    const r = await c.kubectl(['run', 'p', '--image=nginx', '--overrides', '{"spec":{"serviceAccountName":"ghost"}}']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Error from server (Forbidden): pods "p" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found\n');
    const gen = await api(c, 'POST', '/api/v1/namespaces/default/pods', pod({ generateName: 'gen-' }, { serviceAccountName: 'ghost' }));
    assert.equal(gen.status, 403);
    assert.deepEqual([gen.json.reason, gen.json.message, gen.json.details], ['Forbidden', 'pods "gen-" is forbidden: error looking up service account default/ghost: serviceaccount "ghost" not found', { name: 'gen-', kind: 'pods' }]);
    assert.equal((await api(c, 'GET', '/api/v1/namespaces/default/pods/p')).status, 404);
  });

  test('the default account of a namespace just made is waited for', async () => {
    await c.k(['create', 'namespace', 'fresh']);
    const r = await api(c, 'POST', '/api/v1/namespaces/fresh/pods', pod({ name: 'first' }));
    assert.equal(r.status, 201);
    assert.equal(r.json.spec.serviceAccountName, 'default');
    assert.equal(tokenVolumes(r.json).length, 1);
  });

  test("the account's imagePullSecrets and automountServiceAccountToken apply unless the pod says otherwise", async () => {
    await api(c, 'POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'builder' }, imagePullSecrets: [{ name: 'regcred' }], automountServiceAccountToken: false });
    const plain = (await api(c, 'POST', '/api/v1/namespaces/default/pods', pod({ name: 'b1' }, { serviceAccountName: 'builder' }))).json;
    assert.deepEqual([plain.spec.imagePullSecrets, tokenVolumes(plain), plain.spec.containers[0].volumeMounts], [[{ name: 'regcred' }], [], undefined]);
    const own = (await api(c, 'POST', '/api/v1/namespaces/default/pods', pod({ name: 'b2' }, { serviceAccountName: 'builder', automountServiceAccountToken: true, imagePullSecrets: [{ name: 'mine' }] }))).json;
    assert.deepEqual([own.spec.imagePullSecrets, tokenVolumes(own).length], [[{ name: 'mine' }], 1]);
  });

  test('the token is mounted in each container with nothing at its path, init containers first', async () => {
    const spec = {
      initContainers: [{ name: 'init', image: 'busybox' }],
      containers: [
        { name: 'own', image: 'nginx', volumeMounts: [{ name: 'mine', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }] },
        { name: 'plain', image: 'nginx' },
      ],
      volumes: [{ name: 'mine', emptyDir: {} }],
    };
    const p = (await api(c, 'POST', '/api/v1/namespaces/default/pods', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'mixed' }, spec })).json;
    const [vol] = tokenVolumes(p);
    const mounts = (x: { volumeMounts?: { name: string }[] }) => (x.volumeMounts ?? []).map((m) => m.name);
    assert.deepEqual([mounts(p.spec.initContainers[0]), mounts(p.spec.containers[0]), mounts(p.spec.containers[1])], [[vol], ['mine'], [vol]]);
    assert.deepEqual(p.spec.containers[1].volumeMounts, [{ name: vol, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' }]);
  });

  test('a mirror pod is not given an account and may not use one, secrets or token projections', async () => {
    const mirror = { 'kubernetes.io/config.mirror': 'abc' };
    const ok = (await api(c, 'POST', '/api/v1/namespaces/default/pods', pod({ name: 'static', annotations: mirror }))).json;
    assert.deepEqual([ok.spec.serviceAccountName, ok.spec.volumes], [undefined, undefined]);
    const refused = async (name: string, spec: Record<string, unknown>) => (await api(c, 'POST', '/api/v1/namespaces/default/pods', pod({ name, annotations: mirror }, spec))).json.message;
    assert.equal(await refused('m1', { serviceAccountName: 'default' }), 'pods "m1" is forbidden: a mirror pod may not reference service accounts');
    assert.equal(await refused('m2', { volumes: [{ name: 's', secret: { secretName: 'x' } }] }), 'pods "m2" is forbidden: a mirror pod may not reference secrets');
    assert.equal(await refused('m3', { volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }] }), 'pods "m3" is forbidden: a mirror pod may not use ServiceAccountToken volume projections');
  });

  test('an account annotated kubernetes.io/enforce-mountable-secrets limits its pods to the secrets it lists, with upstream text', async () => {
    await api(c, 'POST', '/api/v1/namespaces/default/serviceaccounts', { metadata: { name: 'locked', annotations: { 'kubernetes.io/enforce-mountable-secrets': 'true' } }, secrets: [{ name: 'allowed' }], imagePullSecrets: [{ name: 'pull-ok' }] });
    const refused = async (name: string, spec: Record<string, unknown>) => {
      const r = await api(c, 'POST', '/api/v1/namespaces/default/pods', pod({ name }, { serviceAccountName: 'locked', ...spec }));
      assert.equal(r.status, 403, r.text);
      assert.equal(r.json.reason, 'Forbidden');
      assert.equal((await api(c, 'GET', `/api/v1/namespaces/default/pods/${name}`)).status, 404);
      return r.json.message as string;
    };
    const because = 'is not allowed because service account locked does not reference that secret';
    assert.equal(await refused('m1', { volumes: [{ name: 's', secret: { secretName: 'other' } }] }), `pods "m1" is forbidden: volume with secret.secretName="other" ${because}`);
    assert.equal(await refused('m2', { containers: [{ name: 'c', image: 'nginx', env: [{ name: 'E', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }] }] }), `pods "m2" is forbidden: container c with envVar E referencing secret.secretName="other" ${because}`);
    assert.equal(await refused('m3', { initContainers: [{ name: 'i', image: 'busybox', envFrom: [{ secretRef: { name: 'other' } }] }] }), `pods "m3" is forbidden: init container i with envFrom referencing secret.secretName="other" ${because}`);
    assert.equal(await refused('m4', { imagePullSecrets: [{ name: 'pull-ok' }, { name: 'pull-no' }] }), 'pods "m4" is forbidden: imagePullSecrets[1].name="pull-no" is not allowed because service account locked does not reference that imagePullSecret');
    // what the account lists is fine, and its pull secrets are copied in before the check
    const ok = await api(c, 'POST', '/api/v1/namespaces/default/pods', pod({ name: 'm5' }, { serviceAccountName: 'locked', volumes: [{ name: 's', secret: { secretName: 'allowed' } }], containers: [{ name: 'c', image: 'nginx', envFrom: [{ secretRef: { name: 'allowed' } }] }] }));
    assert.equal(ok.status, 201, ok.text);
    assert.deepEqual(ok.json.spec.imagePullSecrets, [{ name: 'pull-ok' }]);
    // an ephemeral container added later is held to the same rule
    const debug = { ...ok.json, spec: { ...ok.json.spec, ephemeralContainers: [{ name: 'debug', image: 'busybox', env: [{ name: 'T', valueFrom: { secretKeyRef: { name: 'other', key: 'k' } } }] }] } };
    const eph = await api(c, 'PUT', '/api/v1/namespaces/default/pods/m5/ephemeralcontainers', debug);
    assert.equal(eph.status, 403, eph.text);
    assert.equal(eph.json.message, `pods "m5" is forbidden: ephemeral container debug with envVar T referencing secret.secretName="other" ${because}`);
    // "false" (or anything Go's ParseBool does not read as true) leaves the check off
    await api(c, 'PATCH', '/api/v1/namespaces/default/serviceaccounts/locked', { metadata: { annotations: { 'kubernetes.io/enforce-mountable-secrets': 'false' } } }, { 'Content-Type': 'application/merge-patch+json' });
    const free = await api(c, 'POST', '/api/v1/namespaces/default/pods', pod({ name: 'm6' }, { serviceAccountName: 'locked', volumes: [{ name: 's', secret: { secretName: 'other' } }] }));
    assert.equal(free.status, 201, free.text);
  });
});

describe('ServiceAccount admission without the serviceaccount controller', () => {
  let bare: TestCluster | undefined;
  let named: TestCluster | undefined;
  after(async () => {
    await bare?.cleanup();
    await named?.cleanup();
  });

  test('is off, as envtest runs kube-apiserver; named in --enable-admission-plugins it refuses pods without their account', async () => {
    bare = await startTestCluster({ controllers: 'none' });
    const p = (await api(bare, 'POST', '/api/v1/namespaces/default/pods', pod({ name: 'p' }))).json;
    assert.deepEqual([p.spec.serviceAccountName, p.spec.volumes], [undefined, undefined]);
    named = await startTestCluster({ controllers: 'none', enableAdmissionPlugins: ['ServiceAccount'] });
    const started = Date.now();
    const r = await api(named, 'POST', '/api/v1/namespaces/default/pods', pod({ name: 'p' }));
    assert.deepEqual([r.status, r.json.message], [403, 'pods "p" is forbidden: error looking up service account default/default: serviceaccount "default" not found']);
    // the default account was looked for again before the refusal
    assert.ok(Date.now() - started >= 900, `refused after ${Date.now() - started} ms`);
  });
});
