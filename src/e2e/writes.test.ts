// Write semantics with real kubectl: client- and server-side apply, managedFields, edit, set, label,
// annotate, patch, server dry-run, diff and field validation; raw requests for exact Status bodies.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, type TestCluster } from '../testing/harness.js';
import { api } from '../testing/client.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
const ns = 'writes';

function deployment(name: string, opts: { replicas?: number; env?: [string, string][]; sidecar?: boolean; image?: string } = {}): string {
  const env = (opts.env ?? [['A', '1'], ['B', '2']]).map(([n, v]) => `        - name: ${n}\n          value: "${v}"`).join('\n');
  const sidecar = opts.sidecar ? `\n      - name: sidecar\n        image: busybox:1.36\n        command: ["sleep", "3600"]` : '';
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
spec:
${opts.replicas === undefined ? '' : `  replicas: ${opts.replicas}\n`}  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      containers:
      - name: main
        image: ${opts.image ?? 'nginx:1.27'}
        env:
${env}${sidecar}
`;
}

describe('writes with kubectl 1.33', () => {
  let c: TestCluster;
  let n = 0;
  const file = (text: string) => {
    const p = join(c.tmp, `manifest-${++n}.yaml`);
    writeFileSync(p, text);
    return p;
  };
  const k = (...args: string[]) => c.k(['-n', ns, ...args]);
  const kr = (...args: string[]) => c.kubectl(['-n', ns, ...args]);
  const json = async (...args: string[]) => JSON.parse(await k('get', ...args, '-o', 'json', '--show-managed-fields'));
  const managers = (o: any) => o.metadata.managedFields.map((e: any) => `${e.manager}/${e.operation}${e.subresource ? '/' + e.subresource : ''}`);
  const fieldsOf = (o: any, manager: string) => o.metadata.managedFields.find((e: any) => e.manager === manager)?.fieldsV1;
  const envOf = (o: any, i = 0) => (o.spec.template.spec.containers[i].env ?? []).map((e: any) => `${e.name}=${e.value}`);
  const path = (p: string) => `/apis/apps/v1/namespaces/${ns}/deployments${p}`;

  before(async () => {
    c = await startTestCluster({ kubectlVersion: '1.33', controllers: '*,-deployment,-replicaset,-replicationcontroller' });
    await c.k(['create', 'namespace', ns]);
  });
  after(async () => {
    await c?.cleanup();
  });

  test('client-side apply: create, change, remove a field, add a container and an env entry', async () => {
    assert.equal((await k('apply', '-f', file(deployment('csa', { replicas: 2 })))).trim(), 'deployment.apps/csa created');
    let o = await json('deploy', 'csa');
    assert.deepEqual(managers(o), ['kubectl-client-side-apply/Update']);
    assert.deepEqual(fieldsOf(o, 'kubectl-client-side-apply')['f:metadata'], {
      'f:annotations': { '.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {} },
      'f:labels': { '.': {}, 'f:app': {} },
    });
    assert.match(o.metadata.managedFields[0].time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    assert.equal((await k('apply', '-f', file(deployment('csa', { replicas: 4 })))).trim(), 'deployment.apps/csa configured');
    assert.equal(await k('get', 'deploy', 'csa', '-o', 'jsonpath={.spec.replicas}'), '4');

    assert.equal((await k('apply', '-f', file(deployment('csa', { replicas: 4, env: [['A', '1']] })))).trim(), 'deployment.apps/csa configured');
    o = await json('deploy', 'csa');
    assert.deepEqual(envOf(o), ['A=1'], 'env B is really gone');

    const full = deployment('csa', { replicas: 4, env: [['A', '1'], ['C', '3']], sidecar: true });
    assert.equal((await k('apply', '-f', file(full))).trim(), 'deployment.apps/csa configured');
    o = await json('deploy', 'csa');
    assert.deepEqual(o.spec.template.spec.containers.map((x: any) => x.name), ['main', 'sidecar']);
    assert.deepEqual(envOf(o), ['A=1', 'C=3']);
    assert.deepEqual(o.spec.template.spec.containers[1].command, ['sleep', '3600']);
    assert.equal((await k('apply', '-f', file(full))).trim(), 'deployment.apps/csa unchanged');
    assert.deepEqual(managers(o), ['kubectl-client-side-apply/Update']);
  });

  test('server-side apply: a conflicting manager gets 409, --force-conflicts moves ownership', async () => {
    assert.equal((await k('apply', '--server-side', '-f', file(deployment('ssa', { replicas: 2 })))).trim(), 'deployment.apps/ssa serverside-applied');
    let o = await json('deploy', 'ssa');
    assert.deepEqual(managers(o), ['kubectl/Apply']);
    assert.deepEqual(fieldsOf(o, 'kubectl')['f:spec']['f:template']['f:spec'], {
      'f:containers': {
        'k:{"name":"main"}': {
          '.': {},
          'f:env': { 'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} }, 'k:{"name":"B"}': { '.': {}, 'f:name': {}, 'f:value': {} } },
          'f:image': {},
          'f:name': {},
        },
      },
    });

    const other = file('apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ssa\nspec:\n  replicas: 5\n');
    const r = await kr('apply', '--server-side', '--field-manager=other', '-f', other);
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n')[0], 'error: Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas');
    assert.match(r.stderr, /re-run the apply\n {2}command with the `--force-conflicts` flag/);

    const raw = await api(c, 'PATCH', path('/ssa?fieldManager=other&force=false'), JSON.stringify({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ssa' }, spec: { replicas: 5 } }), {
      'Content-Type': 'application/apply-patch+yaml',
    });
    assert.equal(raw.status, 409);
    assert.deepEqual(raw.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl": .spec.replicas',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl"', field: '.spec.replicas' }] },
      code: 409,
    });

    const rv = await k('get', 'deploy', 'ssa', '-o', 'jsonpath={.metadata.resourceVersion}');
    await k('apply', '--server-side', '-f', file(deployment('ssa', { replicas: 2 })));
    assert.equal(await k('get', 'deploy', 'ssa', '-o', 'jsonpath={.metadata.resourceVersion}'), rv, 'applying the same configuration writes nothing');

    assert.equal((await k('apply', '--server-side', '--field-manager=other', '--force-conflicts', '-f', other)).trim(), 'deployment.apps/ssa serverside-applied');
    o = await json('deploy', 'ssa');
    assert.equal(o.spec.replicas, 5);
    assert.deepEqual(managers(o).sort(), ['kubectl/Apply', 'other/Apply']);
    assert.deepEqual(fieldsOf(o, 'other'), { 'f:spec': { 'f:replicas': {} } });
    assert.equal(fieldsOf(o, 'kubectl')['f:spec']['f:replicas'], undefined);
  });

  test('server-side apply against client-side apply: conflicts name the Update manager and its version', async () => {
    await k('apply', '-f', file(deployment('mixed', { replicas: 2 })));
    const r = await kr('apply', '--server-side', '--field-manager=ci', '-f', file(deployment('mixed', { replicas: 3 })));
    assert.equal(r.code, 1);
    assert.equal(r.stderr.split('\n')[0], 'error: Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas');
  });

  test('client-side → server-side migration: a field dropped from the manifest is removed', async () => {
    await k('apply', '-f', file(deployment('mig', { replicas: 2 })));
    assert.equal((await k('apply', '--server-side', '-f', file(deployment('mig', { replicas: 2, env: [['A', '1']] })))).trim(), 'deployment.apps/mig serverside-applied');
    const o = await json('deploy', 'mig');
    assert.deepEqual(envOf(o), ['A=1']);
    assert.deepEqual(managers(o).sort(), ['kubectl-last-applied/Apply', 'kubectl/Apply']);
    const last = JSON.parse(o.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']);
    assert.deepEqual(last.spec.template.spec.containers[0].env, [{ name: 'A', value: '1' }], 'server-side apply keeps the annotation in sync');
  });

  test('kubectl edit with KUBE_EDITOR records kubectl-edit', async () => {
    await k('apply', '--server-side', '-f', file(deployment('ed', { replicas: 2 })));
    const editor = file('#!/bin/sh\nsed -i "s/replicas: 2/replicas: 7/" "$1"\n');
    await c.k(['-n', ns, 'get', 'deploy', 'ed']);
    const { chmodSync } = await import('node:fs');
    chmodSync(editor, 0o755);
    assert.equal((await c.k(['-n', ns, 'edit', 'deploy', 'ed'], { env: { KUBE_EDITOR: editor } })).trim(), 'deployment.apps/ed edited');
    const o = await json('deploy', 'ed');
    assert.equal(o.spec.replicas, 7);
    assert.deepEqual(fieldsOf(o, 'kubectl-edit'), { 'f:spec': { 'f:replicas': {} } });
    assert.equal(fieldsOf(o, 'kubectl')['f:spec']['f:replicas'], undefined, 'the edit took replicas from the applier');
  });

  test('set image, set env, label --overwrite and annotate key- each record their manager', async () => {
    await k('apply', '-f', file(deployment('tools', { replicas: 1 })));
    assert.equal((await k('set', 'image', 'deploy/tools', 'main=nginx:1.28')).trim(), 'deployment.apps/tools image updated');
    assert.equal((await k('set', 'env', 'deploy/tools', 'D=4')).trim(), 'deployment.apps/tools env updated');
    assert.equal((await k('label', 'deploy', 'tools', 'app=other', 'tier=web', '--overwrite')).trim(), 'deployment.apps/tools labeled');
    assert.equal((await k('annotate', 'deploy', 'tools', 'note=x')).trim(), 'deployment.apps/tools annotated');
    assert.equal((await k('annotate', 'deploy', 'tools', 'note-')).trim(), 'deployment.apps/tools annotated');
    const o = await json('deploy', 'tools');
    assert.equal(o.spec.template.spec.containers[0].image, 'nginx:1.28');
    assert.deepEqual(envOf(o), ['A=1', 'B=2', 'D=4']);
    assert.deepEqual(o.metadata.labels, { app: 'other', tier: 'web' });
    assert.equal(o.metadata.annotations.note, undefined);
    assert.deepEqual(managers(o).sort(), ['kubectl-client-side-apply/Update', 'kubectl-label/Update', 'kubectl-set/Update'], 'annotate added and removed its only field, so it owns nothing');
    assert.deepEqual(fieldsOf(o, 'kubectl-label'), { 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } } });
    const set = fieldsOf(o, 'kubectl-set')['f:spec']['f:template']['f:spec']['f:containers']['k:{"name":"main"}'];
    assert.deepEqual(set, { 'f:env': { 'k:{"name":"D"}': { '.': {}, 'f:name': {}, 'f:value': {} } }, 'f:image': {} });
  });

  test('patch -p: strategic merge by merge key, merge patch and JSON patch', async () => {
    await k('apply', '-f', file(deployment('pt', { replicas: 1 })));
    const smp = JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'E', value: '5' }] }] } } } });
    assert.equal((await k('patch', 'deploy', 'pt', '-p', smp)).trim(), 'deployment.apps/pt patched');
    assert.equal((await k('patch', 'deploy', 'pt', '--type=merge', '-p', '{"spec":{"replicas":3},"metadata":{"labels":{"x":"y"}}}')).trim(), 'deployment.apps/pt patched');
    assert.equal((await k('patch', 'deploy', 'pt', '--type=json', '-p', '[{"op":"replace","path":"/spec/replicas","value":6}]')).trim(), 'deployment.apps/pt patched');
    const del = JSON.stringify({ spec: { template: { spec: { containers: [{ name: 'main', env: [{ name: 'A', $patch: 'delete' }] }] } } } });
    await k('patch', 'deploy', 'pt', '-p', del);
    const o = await json('deploy', 'pt');
    assert.equal(o.spec.replicas, 6);
    assert.deepEqual(envOf(o), ['E=5', 'B=2'], 'a new item without $setElementOrder goes first, as upstream');
    assert.equal(o.metadata.labels.x, 'y');
    assert.deepEqual(fieldsOf(o, 'kubectl-patch')['f:spec']['f:replicas'], {});
    const nochange = await kr('patch', 'deploy', 'pt', '--type=merge', '-p', '{"spec":{"replicas":6}}');
    assert.equal(nochange.stdout.trim(), 'deployment.apps/pt patched (no change)');
  });

  test('--dry-run=server create and apply leave no trace', async () => {
    const rv = async () => (await k('get', 'configmaps', '-o', 'jsonpath={.metadata.resourceVersion}')).trim();
    const cm = file('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ghost\ndata:\n  a: b\n');
    const before = await rv();
    assert.equal((await k('create', '-f', cm, '--dry-run=server')).trim(), 'configmap/ghost created (server dry run)');
    assert.equal((await k('apply', '--server-side', '-f', cm, '--dry-run=server')).trim(), 'configmap/ghost serverside-applied (server dry run)');
    assert.equal((await k('apply', '-f', cm, '--dry-run=server')).trim(), 'configmap/ghost created (server dry run)');
    const out = await k('create', '-f', cm, '--dry-run=server', '-o', 'jsonpath={.metadata.managedFields[0].manager} {.metadata.uid}');
    assert.match(out, /^kubectl-create [0-9a-f-]{36}$/);
    assert.equal(await rv(), before);
    const get = await kr('get', 'cm', 'ghost');
    assert.equal(get.stderr.trim(), 'Error from server (NotFound): configmaps "ghost" not found');

    await k('apply', '--server-side', '-f', file(deployment('dry', { replicas: 1 })));
    const v1 = await k('get', 'deploy', 'dry', '-o', 'jsonpath={.metadata.resourceVersion}');
    assert.equal((await k('apply', '--server-side', '-f', file(deployment('dry', { replicas: 9 })), '--dry-run=server')).trim(), 'deployment.apps/dry serverside-applied (server dry run)');
    assert.equal(await k('get', 'deploy', 'dry', '-o', 'jsonpath={.metadata.resourceVersion} {.spec.replicas}'), `${v1} 1`);
    assert.equal(await rv(), before);
  });

  test('kubectl diff prints the changed field and exits 1', async () => {
    await k('apply', '-f', file(deployment('df', { replicas: 2 })));
    const r = await kr('diff', '-f', file(deployment('df', { replicas: 4 })));
    assert.equal(r.code, 1, r.stderr);
    const lines = r.stdout.split('\n');
    assert.match(lines[0], /^diff -u -N \S+\/apps\.v1\.Deployment\.writes\.df \S+\/apps\.v1\.Deployment\.writes\.df$/);
    assert.ok(lines.includes('-  replicas: 2'), r.stdout);
    assert.ok(lines.includes('+  replicas: 4'), r.stdout);
    assert.ok(lines.includes('-  generation: 1') && lines.includes('+  generation: 2'));
    assert.equal(lines.filter((l) => /^[-+] /.test(l)).length, 4);
    const same = await kr('diff', '-f', file(deployment('df', { replicas: 2 })));
    assert.equal(same.code, 0);
    assert.equal(same.stdout, '');
  });

  test('strict field validation names each unknown field; warn keeps going; unknown fields are dropped', async () => {
    const bad = file(
      deployment('bad', { replicas: 1 })
        .replace('spec:\n  replicas: 1\n', 'spec:\n  replicas: 1\n  foo: 1\n')
        .replace('        image: nginx:1.27\n', '        image: nginx:1.27\n        bar: 2\n'),
    );
    const strict = await kr('create', '-f', bad);
    assert.equal(strict.code, 1);
    assert.equal(
      strict.stderr.trim(),
      `Error from server (BadRequest): error when creating "${bad}": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo", unknown field "spec.template.spec.containers[0].bar"`,
    );
    assert.equal((await kr('create', '-f', bad, '--validate=strict')).stderr.trim(), strict.stderr.trim());
    const warn = await kr('create', '-f', bad, '--validate=warn');
    assert.equal(warn.code, 0, warn.stderr);
    assert.equal(warn.stdout.trim(), 'deployment.apps/bad created');
    assert.equal(warn.stderr, 'Warning: unknown field "spec.foo"\nWarning: unknown field "spec.template.spec.containers[0].bar"\n');
    const o = await json('deploy', 'bad');
    assert.equal(o.spec.foo, undefined);
    assert.equal(o.spec.template.spec.containers[0].bar, undefined);
    const ignore = await kr('replace', '-f', bad, '--validate=false');
    assert.equal(ignore.code, 0, ignore.stderr);
    assert.equal(ignore.stderr, '');
  });

  test('raw requests: option validation, duplicate fields, strict patches and apply', async () => {
    const dep = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'raw' }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } };
    const apply = (q: string, body: string) => api(c, 'PATCH', path(`/raw${q}`), body, { 'Content-Type': 'application/apply-patch+yaml' });

    let r = await apply('', JSON.stringify(dep));
    assert.equal(r.status, 422);
    assert.equal(r.json.message, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    assert.deepEqual(r.json.details, { group: 'meta.k8s.io', kind: 'PatchOptions', causes: [{ reason: 'FieldValueRequired', message: 'Required value: is required for apply patch', field: 'fieldManager' }] });
    r = await api(c, 'POST', path(`?fieldManager=${'x'.repeat(129)}`), dep);
    assert.equal(r.status, 422);
    assert.equal(r.json.message, 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not be more than 128 bytes');
    r = await api(c, 'POST', path('?fieldManager=a%01b'), dep);
    assert.equal(r.json.message, 'CreateOptions.meta.k8s.io "" is invalid: fieldManager: Invalid value: "a\\x01b": invalid character U+0001 (at position 1)');
    r = await api(c, 'PUT', path('/raw?dryRun=Foo'), dep);
    assert.equal(r.json.message, 'UpdateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: []string{"Foo"}: supported values: "All"');
    r = await api(c, 'POST', path('?fieldValidation=Loud'), dep);
    assert.equal(r.status, 422);
    assert.equal(r.json.message, 'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loud": supported values: "", "Ignore", "Strict", "Warn"');
    r = await api(c, 'PATCH', path('/raw?force=true'), '{}', { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(r.json.message, 'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch');

    r = await apply('?fieldManager=ci', JSON.stringify(dep));
    assert.equal(r.status, 201, r.text);
    assert.deepEqual(r.json.metadata.managedFields.map((e: any) => e.manager), ['ci']);

    const dup = JSON.stringify(dep).replace('"spec":{', '"spec":{"replicas":1,"replicas":2,');
    r = await apply('?fieldManager=ci&fieldValidation=Strict', dup);
    assert.equal(r.status, 400);
    assert.equal(r.json.message, 'error strict decoding YAML: error converting YAML to JSON: yaml: unmarshal errors:\n  line 1: key "replicas" already set in map');
    r = await apply('?fieldManager=ci', dup);
    assert.equal(r.status, 200);
    assert.equal(r.headers.warning, '299 - "line 1: key \\"replicas\\" already set in map"');

    const body = JSON.stringify({ ...dep, metadata: { name: 'raw2' } }).replace('"spec":{', '"spec":{"paused":true,"paused":false,"foo":1,');
    r = await api(c, 'POST', path('?fieldValidation=Strict'), body);
    assert.equal(r.status, 400);
    assert.equal(r.json.message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: duplicate field "spec.paused", unknown field "spec.foo"');
    r = await api(c, 'POST', path(''), body);
    assert.equal(r.status, 201);
    assert.equal(r.headers.warning, '299 - "duplicate field \\"spec.paused\\"", 299 - "unknown field \\"spec.foo\\""');
    // the last duplicate wins; false is then dropped (Paused bool `json:"paused,omitempty"`)
    assert.equal(r.json.spec.paused, undefined);
    assert.equal(r.json.spec.foo, undefined);

    r = await api(c, 'PATCH', path('/raw2?fieldValidation=Strict'), '{"spec":{"foo":1}}', { 'Content-Type': 'application/strategic-merge-patch+json' });
    assert.equal(r.status, 422);
    assert.equal(r.json.reason, 'Invalid');
    assert.equal(r.json.message, ' "" is invalid: patch: Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"');
    assert.deepEqual(r.json.details.causes, [{ reason: 'FieldValueInvalid', message: 'Invalid value: "map[spec:map[foo:1]]": strict decoding error: unknown field "spec.foo"', field: 'patch' }]);
    r = await api(c, 'PATCH', path('/raw2?fieldValidation=Strict'), '[{"op":"add","path":"/spec/bar","value":1}]', { 'Content-Type': 'application/json-patch+json' });
    assert.equal(r.status, 422);
    assert.match(r.json.message, /^ "" is invalid: patch: Invalid value: "\{.*\}": strict decoding error: unknown field "spec.bar"$/);
    r = await api(c, 'PATCH', path('/raw2'), '{"spec":{"baz":1}}', { 'Content-Type': 'application/merge-patch+json' });
    assert.equal(r.status, 200);
    assert.equal(r.headers.warning, '299 - "unknown field \\"spec.baz\\""');
    assert.equal(r.json.spec.baz, undefined);
  });
});
