// The real helm 3 binary against minikapi: install, inspect, upgrade with history limits, rollback, uninstall, reinstall.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { gunzipSync } from 'node:zlib';
import { join } from 'node:path';
import { startTestCluster, TESTDATA, type TestCluster } from '../testing/harness.js';
import { helmRunner, type Helm } from '../testing/helm.js';

const CHART = join(TESTDATA, 'charts', 'demo');
const OBJECTS = ['configmap/demo-config', 'secret/demo-secret', 'service/demo-svc', 'deployment/demo-web', 'serviceaccount/demo-sa'];

interface ReleaseSecret {
  name: string;
  labels: Record<string, string>;
  type: string;
  release: { name: string; version: number; namespace: string; info: { status: string; description: string }; config?: Record<string, unknown> };
}

interface HistoryEntry {
  revision: number;
  status: string;
  chart: string;
  app_version: string;
  description: string;
}

let cluster: TestCluster;
let helm: Helm;

/** The release Secrets helm keeps for `demo`, oldest first, with the release record they hold decoded. */
async function releaseSecrets(): Promise<ReleaseSecret[]> {
  const list = JSON.parse(await cluster.k(['get', 'secrets', '-n', 'default', '-l', 'owner=helm,name=demo', '-o', 'json']));
  const out = (list.items as Array<{ metadata: { name: string; labels: Record<string, string> }; type: string; data: { release: string } }>).map((s) => {
    // helm stores base64(gzip(JSON)) as the secret's value, which the API base64-encodes once more
    const record = Buffer.from(Buffer.from(s.data.release, 'base64').toString('utf8'), 'base64');
    return { name: s.metadata.name, labels: s.metadata.labels, type: s.type, release: JSON.parse(gunzipSync(record).toString('utf8')) };
  });
  return out.sort((a, b) => a.release.version - b.release.version);
}

async function summary(): Promise<Array<[string, string, string]>> {
  return (await releaseSecrets()).map((s) => [s.name, s.labels['status']!, s.labels['version']!]);
}

async function history(): Promise<Array<[number, string, string]>> {
  const entries = JSON.parse(await helm.ok(['history', 'demo', '-o', 'json'])) as HistoryEntry[];
  for (const e of entries) {
    assert.equal(e.chart, 'demo-0.1.0');
    assert.equal(e.app_version, '1.0.0');
  }
  return entries.map((e) => [e.revision, e.status, e.description]);
}

async function configMessage(): Promise<string> {
  return cluster.k(['get', 'configmap', 'demo-config', '-o', 'jsonpath={.data.message}/{.data.revision}']);
}

/** `helm install/upgrade/status` output with the deploy time masked. */
function masked(out: string): string {
  return out.replace(/^LAST DEPLOYED: .*$/m, 'LAST DEPLOYED: <time>');
}

function statusText(revision: number, message: string, head = ''): string {
  return `${head}NAME: demo\nLAST DEPLOYED: <time>\nNAMESPACE: default\nSTATUS: deployed\nREVISION: ${revision}\nTEST SUITE: None\nNOTES:\ndemo demo revision ${revision} says ${message}\n`;
}

describe('helm 3 against minikapi', () => {
  before(async () => {
    cluster = await startTestCluster();
    helm = helmRunner(cluster.kubeconfigPath, join(cluster.tmp, 'helm'));
  });
  after(async () => {
    await cluster?.cleanup();
  });

  test('helm install creates the objects and release v1', async () => {
    assert.equal(masked(await helm.ok(['install', 'demo', CHART])), statusText(1, 'hello'));
    for (const o of OBJECTS) {
      const labels = JSON.parse(await cluster.k(['get', o, '-o', 'jsonpath={.metadata.labels}']));
      assert.equal(labels['app.kubernetes.io/managed-by'], 'Helm', o);
      const annotations = JSON.parse(await cluster.k(['get', o, '-o', 'jsonpath={.metadata.annotations}']));
      assert.equal(annotations['meta.helm.sh/release-name'], 'demo', o);
      assert.equal(annotations['meta.helm.sh/release-namespace'], 'default', o);
    }
    assert.equal(await configMessage(), 'hello/1');
    assert.equal(await cluster.k(['get', 'secret', 'demo-secret', '-o', 'jsonpath={.data.password}']), Buffer.from('pw-hello').toString('base64'));
    assert.equal(await cluster.k(['get', 'deployment', 'demo-web', '-o', 'jsonpath={.spec.template.spec.serviceAccountName}']), 'demo-sa');
    assert.equal(await cluster.k(['get', 'configmap', 'demo-hook', '-o', 'jsonpath={.data.ranAt}']), '1');
    const [secret] = await releaseSecrets();
    assert.equal(secret!.name, 'sh.helm.release.v1.demo.v1');
    assert.equal(secret!.type, 'helm.sh/release.v1');
    assert.deepEqual({ ...secret!.labels, modifiedAt: undefined }, { name: 'demo', owner: 'helm', status: 'deployed', version: '1', modifiedAt: undefined });
    assert.match(secret!.labels['modifiedAt']!, /^\d+$/);
    assert.deepEqual([secret!.release.name, secret!.release.namespace, secret!.release.version, secret!.release.info.status, secret!.release.info.description],
      ['demo', 'default', 1, 'deployed', 'Install complete']);
  });

  test('helm list, status and get manifest/values', async () => {
    const list = JSON.parse(await helm.ok(['list', '-o', 'json']));
    assert.equal(list.length, 1);
    assert.match(list[0].updated, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+ \+0000 UTC$/);
    assert.deepEqual({ ...list[0], updated: '' }, { name: 'demo', namespace: 'default', revision: '1', updated: '', status: 'deployed', chart: 'demo-0.1.0', app_version: '1.0.0' });
    const table = (await helm.ok(['list'])).split('\n');
    assert.deepEqual(table[0]!.split('\t').map((c) => c.trim()), ['NAME', 'NAMESPACE', 'REVISION', 'UPDATED', 'STATUS', 'CHART', 'APP VERSION']);
    assert.deepEqual(table[1]!.split('\t').map((c) => c.trim()).filter((_, i) => i !== 3), ['demo', 'default', '1', 'deployed', 'demo-0.1.0', '1.0.0']);
    assert.equal(masked(await helm.ok(['status', 'demo'])), statusText(1, 'hello'));
    const manifest = await helm.ok(['get', 'manifest', 'demo']);
    assert.deepEqual([...manifest.matchAll(/^# Source: (.*)$/gm)].map((m) => m[1]), [
      'demo/templates/serviceaccount.yaml', 'demo/templates/secret.yaml', 'demo/templates/configmap.yaml',
      'demo/templates/service.yaml', 'demo/templates/deployment.yaml',
    ]);
    assert.match(manifest, /^data:\n {2}message: "hello"\n {2}revision: "1"$/m);
    assert.equal(await helm.ok(['get', 'values', 'demo']), 'USER-SUPPLIED VALUES:\nnull\n');
    assert.equal(await helm.ok(['get', 'values', 'demo', '--all']), 'COMPUTED VALUES:\nimage: nginx:1.27\nmessage: hello\nport: 80\nreplicaCount: 1\n');
  });

  test('12 upgrades keep the default history of 10 release Secrets', async () => {
    for (let rev = 2; rev <= 13; rev++) {
      const out = await helm.ok(['upgrade', 'demo', CHART, '--set', `message=m${rev}`]);
      assert.equal(masked(out), statusText(rev, `m${rev}`, 'Release "demo" has been upgraded. Happy Helming!\n'));
    }
    const expected = [];
    for (let v = 4; v <= 13; v++) expected.push([`sh.helm.release.v1.demo.v${v}`, v === 13 ? 'deployed' : 'superseded', String(v)]);
    assert.deepEqual(await summary(), expected);
    assert.equal(await configMessage(), 'm13/13');
    assert.equal(await cluster.k(['get', 'configmap', 'demo-hook', '-o', 'jsonpath={.data.ranAt}']), '13');
    assert.equal(await helm.ok(['get', 'values', 'demo']), 'USER-SUPPLIED VALUES:\nmessage: m13\n');
    const h = await history();
    assert.deepEqual(h[0], [4, 'superseded', 'Upgrade complete']);
    assert.deepEqual(h.at(-1), [13, 'deployed', 'Upgrade complete']);
    assert.equal(h.length, 10);
  });

  test('upgrades with --history-max 2 prune to the last two revisions', async () => {
    for (const rev of [14, 15, 16]) {
      await helm.ok(['upgrade', 'demo', CHART, '--history-max', '2', '--set', `message=m${rev}`]);
      assert.deepEqual(await summary(), [
        [`sh.helm.release.v1.demo.v${rev - 1}`, 'superseded', String(rev - 1)],
        [`sh.helm.release.v1.demo.v${rev}`, 'deployed', String(rev)],
      ]);
    }
    assert.deepEqual(await history(), [[15, 'superseded', 'Upgrade complete'], [16, 'deployed', 'Upgrade complete']]);
  });

  test('helm rollback makes a new revision from an old one', async () => {
    assert.equal(await helm.ok(['rollback', 'demo', '15']), 'Rollback was a success! Happy Helming!\n');
    assert.deepEqual(await history(), [[15, 'superseded', 'Upgrade complete'], [16, 'superseded', 'Upgrade complete'], [17, 'deployed', 'Rollback to 15']]);
    assert.equal(await configMessage(), 'm15/15');
    const secrets = await releaseSecrets();
    assert.deepEqual(secrets.at(-1)!.release.config, { message: 'm15' });
    assert.equal(masked(await helm.ok(['status', 'demo'])).split('\n').slice(0, 5).join('\n'),
      'NAME: demo\nLAST DEPLOYED: <time>\nNAMESPACE: default\nSTATUS: deployed\nREVISION: 17');
  });

  test('helm uninstall deletes the objects and every release Secret', async () => {
    assert.equal(await helm.ok(['uninstall', 'demo']), 'release "demo" uninstalled\n');
    assert.deepEqual(await summary(), []);
    for (const o of OBJECTS) {
      const r = await cluster.kubectl(['get', o]);
      assert.equal(r.code, 1, o);
      const [kind, name] = o.split('/');
      const resource = { configmap: 'configmaps', secret: 'secrets', service: 'services', deployment: 'deployments.apps', serviceaccount: 'serviceaccounts' }[kind!];
      assert.equal(r.stderr, `Error from server (NotFound): ${resource} "${name}" not found\n`);
    }
    // helm leaves hook resources behind on uninstall; the rollback (17) ran no post-upgrade hook
    assert.equal(await cluster.k(['get', 'configmap', 'demo-hook', '-o', 'jsonpath={.data.ranAt}']), '16');
    assert.equal(await helm.ok(['list', '-o', 'json']), '[]\n');
    const st = await helm(['status', 'demo']);
    assert.equal(st.code, 1);
    assert.equal(st.stderr, 'Error: release: not found\n');
  });

  test('a release can be installed again under the same name', async () => {
    assert.equal(masked(await helm.ok(['install', 'demo', CHART, '--set', 'message=again'])), statusText(1, 'again'));
    assert.deepEqual(await summary(), [['sh.helm.release.v1.demo.v1', 'deployed', '1']]);
    assert.deepEqual(await history(), [[1, 'deployed', 'Install complete']]);
    assert.equal(await configMessage(), 'again/1');
    assert.equal(await cluster.k(['get', 'configmap', 'demo-hook', '-o', 'jsonpath={.data.ranAt}']), '1');
    assert.equal(await helm.ok(['uninstall', 'demo']), 'release "demo" uninstalled\n');
    assert.deepEqual(await summary(), []);
  });
});
