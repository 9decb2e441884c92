// kubectl explain (OpenAPI v3 on 1.27+, and v2 protobuf with --output=plaintext-openapiv2) against served documents.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, type TestCluster } from '../testing/harness.js';

let c: TestCluster;
before(async () => {
  c = await startTestCluster();
});
after(async () => {
  await c?.cleanup();
});

const lines = (s: string) => s.split('\n');

for (const version of ['1.27', '1.30', '1.33']) {
  describe(`kubectl ${version} explain`, () => {
    test('deployment.spec.strategy', async () => {
      const out = await c.k(['explain', 'deployment.spec.strategy'], { version });
      const l = lines(out);
      assert.deepEqual(l.slice(0, 6), ['GROUP:      apps', 'KIND:       Deployment', 'VERSION:    v1', '', 'FIELD: strategy <DeploymentStrategy>', '']);
      const d = l.indexOf('DESCRIPTION:');
      assert.equal(l[d + 1], '    DeploymentStrategy describes how to replace existing pods with new ones.');
      const f = l.indexOf('FIELDS:');
      assert.ok(f > d);
      assert.equal(l[f + 1], '  rollingUpdate\t<RollingUpdateDeployment>');
      const type = l.indexOf('  type\t<string>');
      assert.ok(type > f);
      // enums are shown from 1.30 on
      const descAt = version === '1.27' ? type + 1 : type + 2;
      if (version !== '1.27') assert.equal(l[type + 1], '  enum: Recreate, RollingUpdate');
      assert.deepEqual(l.slice(descAt, descAt + 2), ['    Type of deployment. Can be "Recreate" or "RollingUpdate". Default is', '    RollingUpdate.']);
    });

    test('pods.spec.containers --recursive', async () => {
      const out = await c.k(['explain', 'pods.spec.containers', '--recursive'], { version });
      const l = lines(out);
      assert.deepEqual(l.slice(0, 4), ['KIND:       Pod', 'VERSION:    v1', '', 'FIELD: containers <[]Container>']);
      const d = l.indexOf('DESCRIPTION:');
      assert.deepEqual(l.slice(d + 1, d + 5), [
        '    List of containers belonging to the pod. Containers cannot currently be',
        '    added or removed. There must be at least one container in a Pod. Cannot be',
        '    updated.',
        '    A single application container that you want to run within a pod.',
      ]);
      for (const want of [
        '  args\t<[]string>',
        '  env\t<[]EnvVar>',
        '    name\t<string> -required-',
        '    valueFrom\t<EnvVarSource>',
        '  image\t<string>',
        '  imagePullPolicy\t<string>',
        '      httpGet\t<HTTPGetAction>',
        '        port\t<IntOrString> -required-',
        '  name\t<string> -required-',
        '  ports\t<[]ContainerPort>',
        '    containerPort\t<integer> -required-',
        '    protocol\t<string>',
        '  resources\t<ResourceRequirements>',
        '    limits\t<map[string]Quantity>',
        '    requests\t<map[string]Quantity>',
        '  securityContext\t<SecurityContext>',
        '    capabilities\t<Capabilities>',
        '      add\t<[]string>',
        '  volumeMounts\t<[]VolumeMount>',
        '    mountPath\t<string> -required-',
        '  workingDir\t<string>',
      ])
        assert.ok(l.includes(want), `line ${JSON.stringify(want)} in:\n${out}`);
      if (version !== '1.27') assert.equal(l[l.indexOf('  imagePullPolicy\t<string>') + 1], '  enum: Always, IfNotPresent, Never');
    });
  });
}

test('kubectl 1.27 explain --output=plaintext-openapiv2 reads the gnostic protobuf /openapi/v2', async () => {
  const out = await c.k(['explain', '--output=plaintext-openapiv2', 'deployment.spec.strategy'], { version: '1.27' });
  const l = lines(out);
  assert.deepEqual(l.slice(0, 5), ['KIND:     Deployment', 'VERSION:  apps/v1', '', 'RESOURCE: strategy <Object>', '']);
  assert.ok(l.includes('     DeploymentStrategy describes how to replace existing pods with new ones.'), out);
  assert.ok(l.includes('   rollingUpdate\t<Object>'), out);
  assert.ok(l.includes('   type\t<string>'), out);
  const ports = await c.k(['explain', '--output=plaintext-openapiv2', 'pods.spec.containers.ports'], { version: '1.27' });
  assert.ok(lines(ports).includes('RESOURCE: ports <[]Object>'), ports);
  assert.ok(lines(ports).includes('   containerPort\t<integer> -required-'), ports);
});

test('kubectl 1.33 explains a resource of every served group-version', async () => {
  const failures: string[] = [];
  const seen = new Set<string>();
  for (const d of c.registry.defs) {
    // computed kinds (metrics.k8s.io) publish no schema
    if (d.computed || seen.has(`${d.group}/${d.version}`)) continue;
    seen.add(`${d.group}/${d.version}`);
    const apiVersion = d.group ? `${d.group}/${d.version}` : d.version;
    const r = await c.kubectl(['explain', d.resource, `--api-version=${apiVersion}`]);
    if (r.code !== 0 || !lines(r.stdout).includes(`KIND:       ${d.kind}`)) failures.push(`${d.resource} ${apiVersion}: ${r.stderr.trim() || r.stdout.slice(0, 200)}`);
  }
  assert.deepEqual(failures, []);
});
