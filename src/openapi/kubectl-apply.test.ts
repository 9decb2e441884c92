// kubectl apply/create read the served OpenAPI (v3 on 1.29+, v2 protobuf on 1.27/1.28) for strategic merge patch
// and for detecting server-side field validation.
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

const deployment = (name: string, image: string, extraSpec = '') => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels: {app: ${name}}
spec:
  replicas: 2${extraSpec}
  selector:
    matchLabels: {app: ${name}}
  template:
    metadata:
      labels: {app: ${name}}
    spec:
      containers:
      - name: nginx
        image: ${image}
        ports:
        - containerPort: 80
        env:
        - {name: A, value: "1"}
      - name: sidecar
        image: busybox
`;

/** Requests logged at `-v=6`, as `GET /openapi/v2?timeout=32s`, from the klog formats of 1.27–1.33. */
function requests(stderr: string): string[] {
  const out: string[] = [];
  for (const l of stderr.split('\n')) {
    const m = /"(?:Request|Response)" verb="(\w+)" url="https?:\/\/[^/]+([^"]*)"/.exec(l) ?? /\] (GET|POST|PUT|PATCH|DELETE) https?:\/\/[^/]+(\S*)/.exec(l);
    if (m) out.push(`${m[1]} ${m[2]}`);
  }
  return out;
}

const paths = (stderr: string) => requests(stderr).map((r) => r.replace(/\?.*$/, ''));

for (const [version, openapiRequest] of [
  ['1.33', 'GET /openapi/v3/apis/apps/v1'],
  ['1.28', 'GET /openapi/v2'],
] as const) {
  describe(`kubectl ${version}`, () => {
    const name = `web-${version.replace('.', '')}`;

    test('apply twice: created, then unchanged; a changed image is patched in place', async () => {
      const first = await c.kubectl(['apply', '-f', '-'], { version, stdin: deployment(name, 'nginx:1.25') });
      assert.equal(first.code, 0, first.stderr);
      assert.equal(first.stdout, `deployment.apps/${name} created\n`);
      assert.equal(first.stderr, '');

      const second = await c.kubectl(['apply', '-f', '-', '-v=6'], { version, stdin: deployment(name, 'nginx:1.25') });
      assert.equal(second.code, 0, second.stderr);
      assert.equal(second.stdout, `deployment.apps/${name} unchanged\n`);
      assert.ok(paths(second.stderr).includes(openapiRequest), `${openapiRequest} in:\n${requests(second.stderr).join('\n')}`);
      assert.doesNotMatch(second.stderr, /warning/i);

      // the strategic merge patch kubectl computes must address containers by their merge key
      const third = await c.kubectl(['apply', '-f', '-', '-v=8'], { version, stdin: deployment(name, 'nginx:1.26') });
      assert.equal(third.code, 0, third.stderr);
      assert.equal(third.stdout, `deployment.apps/${name} configured\n`);
      assert.doesNotMatch(third.stderr, /error calculating patch|warning:/i);
      assert.ok(third.stderr.replaceAll('\\', '').includes('"$setElementOrder/containers":[{"name":"nginx"},{"name":"sidecar"}]'), third.stderr);
      // 1.30+ compute the patch from the v3 document and only fall back to v2 when that fails
      if (version === '1.33') assert.ok(!paths(third.stderr).includes('GET /openapi/v2'), requests(third.stderr).join('\n'));
      const got = await c.k(['get', 'deployment', name, '-o', 'jsonpath={.spec.template.spec.containers[*].image} {.spec.template.spec.containers[0].env[0].value}'], { version });
      assert.equal(got, 'nginx:1.26 busybox 1');
    });

    test('create with an unknown field: kubectl asks for strict validation and prints the server\'s error', async () => {
      const r = await c.kubectl(['create', '-f', '-', '-v=6'], { version, stdin: deployment(`bad-${name}`, 'nginx', '\n  foo: bar') });
      assert.equal(r.code, 1);
      assert.ok(
        r.stderr.includes('Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.foo"'),
        r.stderr,
      );
      assert.ok(requests(r.stderr).includes('POST /apis/apps/v1/namespaces/default/deployments?fieldManager=kubectl-create&fieldValidation=Strict'), r.stderr);
    });
  });
}

test('kubectl 1.33 create --validate=warn: the unknown field comes back as a warning', async () => {
  const r = await c.kubectl(['create', '--validate=warn', '-f', '-'], { stdin: deployment('warned', 'nginx', '\n  foo: bar') });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'deployment.apps/warned created\n');
  assert.equal(r.stderr, 'Warning: unknown field "spec.foo"\n');
});
