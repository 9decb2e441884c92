// The real helm 3 binary against minikapi: install, upgrades with the history limits, rollback, uninstall
// (release Secrets deleted with protobuf DeleteOptions) and a reinstall under the same name.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startTestCluster, TESTDATA, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';
import { runHelm } from '../testing/helm.js';

const CHART = join(TESTDATA, 'charts', 'demo');
const NS = 'helm';

describe('helm 3', () => {
  let c: TestCluster;
  let helm: (args: string[]) => Promise<string>;
  before(async () => {
    c = await startTestCluster();
    await c.k(['create', 'namespace', NS]);
    helm = async (args) => {
      const r = await runHelm(c.kubeconfigPath, c.tmp, ['--namespace', NS, ...args]);
      if (r.code !== 0) throw new Error(`helm ${args.join(' ')} exited ${r.code}: ${r.stderr}${r.stdout}`);
      return r.stdout;
    };
  });
  after(async () => c?.cleanup());

  /** Release Secrets of a release, as helm's storage driver keeps them: revision → status label. */
  async function releases(name: string): Promise<Record<string, string>> {
    const l = await api(c, 'GET', `/api/v1/namespaces/${NS}/secrets?labelSelector=owner%3Dhelm,name%3D${name}`);
    assert.equal(l.status, 200);
    return Object.fromEntries(l.json.items.map((s: { metadata: { name: string; labels: Record<string, string> } }) => [s.metadata.name, `${s.metadata.labels.version}:${s.metadata.labels.status}`]));
  }

  test('install creates the chart objects, a hook and release revision 1', async () => {
    const out = await helm(['install', 'web', CHART]);
    assert.match(out, /^NAME: web\n/m);
    assert.match(out, /^STATUS: deployed$/m);
    assert.match(out, /^REVISION: 1$/m);
    const list = JSON.parse(await helm(['list', '-o', 'json']));
    assert.deepEqual(list.map((r: { name: string; revision: string; status: string; chart: string }) => [r.name, r.revision, r.status, r.chart]), [['web', '1', 'deployed', 'demo-0.1.0']]);
    for (const p of ['apps/v1/namespaces/helm/deployments/web', 'v1/namespaces/helm/services/web', 'v1/namespaces/helm/configmaps/web-config', 'v1/namespaces/helm/secrets/web-secret', 'v1/namespaces/helm/serviceaccounts/web', 'v1/namespaces/helm/configmaps/web-hook'])
      assert.equal((await api(c, 'GET', `/${p.startsWith('apps') ? 'apis' : 'api'}/${p}`)).status, 200, p);
    assert.deepEqual(await releases('web'), { 'sh.helm.release.v1.web.v1': '1:deployed' });
    assert.match(await helm(['status', 'web']), /^STATUS: deployed$/m);
    assert.match(await helm(['get', 'manifest', 'web']), /kind: Deployment/);
    assert.equal((await helm(['get', 'values', 'web', '-o', 'json'])).trim(), 'null');
  });

  test('twelve upgrades keep the default ten revisions; --history-max 2 keeps two', async () => {
    for (let i = 2; i <= 13; i++) assert.match(await helm(['upgrade', 'web', CHART, '--set', `message=m${i}`]), new RegExp(`^REVISION: ${i}$`, 'm'));
    const kept = await releases('web');
    assert.equal(Object.keys(kept).length, 10);
    assert.equal(kept['sh.helm.release.v1.web.v13'], '13:deployed');
    assert.equal(kept['sh.helm.release.v1.web.v12'], '12:superseded');
    assert.equal(kept['sh.helm.release.v1.web.v3'], undefined);
    for (let i = 14; i <= 16; i++) await helm(['upgrade', 'web', CHART, '--history-max', '2', '--set', `message=m${i}`]);
    assert.deepEqual(await releases('web'), { 'sh.helm.release.v1.web.v15': '15:superseded', 'sh.helm.release.v1.web.v16': '16:deployed' });
    assert.equal((await api(c, 'GET', `/api/v1/namespaces/${NS}/configmaps/web-config`)).json.data.message, 'm16');
  });

  test('rollback makes a new revision from an old one; history lists them', async () => {
    assert.match(await helm(['rollback', 'web', '15']), /Rollback was a success!/);
    assert.equal((await api(c, 'GET', `/api/v1/namespaces/${NS}/configmaps/web-config`)).json.data.message, 'm15');
    const history = JSON.parse(await helm(['history', 'web', '-o', 'json']));
    const last = history[history.length - 1];
    assert.equal(last.revision, 17);
    assert.equal(last.status, 'deployed');
    assert.equal(last.description, 'Rollback to 15');
  });

  test('uninstall deletes the objects and the release Secrets; the name can be installed again', async () => {
    assert.match(await helm(['uninstall', 'web']), /release "web" uninstalled/);
    assert.deepEqual(await releases('web'), {});
    assert.equal((await api(c, 'GET', `/apis/apps/v1/namespaces/${NS}/deployments/web`)).status, 404);
    assert.equal((await api(c, 'GET', `/api/v1/namespaces/${NS}/configmaps/web-config`)).status, 404);
    assert.deepEqual(JSON.parse(await helm(['list', '-o', 'json'])), []);
    assert.match(await helm(['install', 'web', CHART]), /^REVISION: 1$/m);
    assert.deepEqual(await releases('web'), { 'sh.helm.release.v1.web.v1': '1:deployed' });
  });
});
