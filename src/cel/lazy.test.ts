import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dist = fileURLToPath(new URL('..', import.meta.url));

// a fresh process: module state must not come from other tests of this run
const SCRIPT = `
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
const { startCluster } = await import(${JSON.stringify(dist + 'server/index.js')});
const { celLoaded } = await import(${JSON.stringify(dist + 'cel/lazy.js')});
const { api } = await import(${JSON.stringify(dist + 'testing/client.js')});
const tmp = mkdtempSync(join(tmpdir(), 'minikapi-lazy-cel-'));
const c = await startCluster({ port: 0, storage: 'memory', dataDir: join(tmp, 'data') });
const out = { afterStart: celLoaded() };
const crd = (plural, props) => ({ apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: plural + '.lazy.example.com' },
  spec: { group: 'lazy.example.com', scope: 'Namespaced', names: { plural, singular: plural.slice(0, -1), kind: plural[0].toUpperCase() + plural.slice(1, -1) },
    versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', ...props } } } } }] } });
out.plainCRD = (await api(c, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd('plains', { properties: { n: { type: 'integer' } } }))).status;
out.afterPlainCRD = celLoaded();
out.ruleCRD = (await api(c, 'POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd('ruleds', { properties: { n: { type: 'integer' } }, 'x-kubernetes-validations': [{ rule: 'self.n < 3', message: 'n must be small' }] }))).status;
out.afterRuleCRD = celLoaded();
await c.stop();
rmSync(tmp, { recursive: true, force: true });
console.log(JSON.stringify(out));
`;

describe('lazy CEL library', () => {
  test('a server loads no CEL until a CRD with x-kubernetes-validations is written', () => {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', SCRIPT], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    assert.deepEqual(out, { afterStart: false, plainCRD: 201, afterPlainCRD: false, ruleCRD: 201, afterRuleCRD: true });
  });
});
