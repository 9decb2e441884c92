// Whole real stacks from ../shared/realworld applied with kubectl: ingress-nginx, metrics-server, and
// every CRD of Gateway API, cert-manager and prometheus-operator (server-side, as they are large).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { REPO_ROOT, startTestCluster, type TestCluster } from '../testing/harness.js';

// shared/ sits beside the checkout (as in CI); MINIKAPI_REALWORLD points elsewhere when it does not
const REALWORLD = process.env.MINIKAPI_REALWORLD ?? resolve(REPO_ROOT, '..', 'shared', 'realworld');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? yamlFiles(p) : n.endsWith('.yaml') ? [p] : [];
  });
}

describe('real-world stacks', () => {
  let c: TestCluster;
  before(async () => {
    if (!existsSync(REALWORLD)) throw new Error(`${REALWORLD} is missing: these tests need the shared real-world manifests`);
    c = await startTestCluster();
  });
  after(() => c?.cleanup());

  // Objects whose manifests kubectl re-patches on every apply against any API server: the manifest sets
  // a field the server omits or defaults (`data: null`, `minReadySeconds: 0`, webhook rules without
  // `scope`, a strategy without `type`), so kubectl's three-way patch is never empty.
  const alwaysConfigured: Record<string, string[]> = {
    'ingress-nginx': ['configmap/ingress-nginx-controller', 'deployment.apps/ingress-nginx-controller', 'validatingwebhookconfiguration.admissionregistration.k8s.io/ingress-nginx-admission'],
    'metrics-server': ['deployment.apps/metrics-server'],
  };
  for (const [name, file, objects] of [
    ['ingress-nginx', 'ingress-nginx/deploy.yaml', 19],
    ['metrics-server', 'metrics-server/components.yaml', 9],
  ] as const) {
    test(`${name}: every object is created; applying again leaves all unchanged but what kubectl always re-patches`, async () => {
      const first = await c.kubectl(['apply', '-f', join(REALWORLD, file)], { timeoutMs: 60_000 });
      assert.equal(first.code, 0, first.stderr);
      const lines = first.stdout.trim().split('\n');
      assert.equal(lines.length, objects);
      // metrics.k8s.io is built in (simulated usage), so its APIService exists before metrics-server's is applied
      const preexisting = name === 'metrics-server' ? ['apiservice.apiregistration.k8s.io/v1beta1.metrics.k8s.io'] : [];
      for (const l of lines) assert.equal(l, `${l.split(' ')[0]} ${preexisting.includes(l.split(' ')[0]) ? 'configured' : 'created'}`, first.stdout);
      if (name === 'metrics-server') {
        const nodes = JSON.parse(await c.k(['get', '--raw', '/apis/metrics.k8s.io/v1beta1/nodes']));
        assert.equal(nodes.kind, 'NodeMetricsList', 'the built-in metrics API keeps answering once metrics-server is installed');
      }
      const second = await c.kubectl(['apply', '-f', join(REALWORLD, file)], { timeoutMs: 60_000 });
      assert.equal(second.code, 0, second.stderr);
      const again = second.stdout.trim().split('\n');
      assert.equal(again.length, objects);
      for (const l of again) {
        const obj = l.split(' ')[0];
        assert.equal(l, `${obj} ${alwaysConfigured[name].includes(obj) ? 'configured' : 'unchanged'}`);
      }
    });
  }

  test('19 real CRDs apply server-side and become Established', async () => {
    const files = ['gateway-api/crds', 'cert-manager', 'prometheus-operator'].flatMap((d) => yamlFiles(join(REALWORLD, d)));
    for (const f of files) {
      const r = await c.kubectl(['apply', '--server-side', '-f', f], { timeoutMs: 60_000 });
      assert.equal(r.code, 0, `${f}: ${r.stderr}`);
    }
    const names = (await c.k(['get', 'crd', '-o', 'name'])).trim().split('\n');
    assert.equal(names.length, 19);
    const w = await c.kubectl(['wait', '--for', 'condition=Established', '--timeout=20s', ...names], { timeoutMs: 30_000 });
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout.trim().split('\n').length, 19);
    const vap = await c.k(['get', 'validatingadmissionpolicies', '-o', 'name']);
    assert.match(vap, /validatingadmissionpolicy\.admissionregistration\.k8s\.io\/safe-upgrades\.gateway\.networking\.k8s\.io/);
  });
});
