// Objects come back as kube-apiserver prints its Go structs, whatever spelling of "unset" the client sent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'yaml';
import { startTestCluster, type TestCluster } from '../testing/harness.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
describe('Go JSON shapes through kubectl 1.33', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ kubectlVersion: '1.33' });
  });
  after(async () => {
    await c?.cleanup();
  });

  test('CSINode without topologyKeys shows topologyKeys: null', async () => {
    const manifest = 'apiVersion: storage.k8s.io/v1\nkind: CSINode\nmetadata:\n  name: x\nspec:\n  drivers:\n  - name: d.csi.example.com\n    nodeID: x\n';
    await c.k(['create', '-f', '-'], { stdin: manifest });
    const out = await c.k(['get', 'csinode', 'x', '-o', 'yaml']);
    assert.match(out, /^ {4}topologyKeys: null$/m);
    assert.deepEqual(parse(out).spec.drivers, [{ name: 'd.csi.example.com', nodeID: 'x', topologyKeys: null }]);
  });

  test('PriorityClass with globalDefault: false and an empty description shows neither', async () => {
    const manifest = 'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata:\n  name: low\nvalue: 0\nglobalDefault: false\ndescription: ""\n';
    await c.k(['create', '-f', '-'], { stdin: manifest });
    const pc = JSON.parse(await c.k(['get', 'priorityclass', 'low', '-o', 'json']));
    assert.equal('globalDefault' in pc, false);
    assert.equal('description' in pc, false);
    assert.equal(pc.value, 0);
    assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
    // a merge patch that sets an omitempty field to its zero value removes it
    await c.k(['patch', 'priorityclass', 'low', '--type', 'merge', '-p', '{"description":"d"}']);
    await c.k(['patch', 'priorityclass', 'low', '--type', 'merge', '-p', '{"description":""}']);
    assert.equal('description' in JSON.parse(await c.k(['get', 'priorityclass', 'low', '-o', 'json'])), false);
  });

  test('server-side apply of a Deployment: pointer zeros kept, omitempty zeros dropped, value structs printed', async () => {
    const manifest = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
spec:
  replicas: 0
  paused: false
  minReadySeconds: 0
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      automountServiceAccountToken: false
      hostNetwork: false
      containers:
      - name: web
        image: nginx
        workingDir: ""
        ports:
        - containerPort: 80
          hostPort: 0
`;
    await c.k(['apply', '--server-side', '-f', '-'], { stdin: manifest });
    const d = JSON.parse(await c.k(['get', 'deployment', 'web', '-o', 'json']));
    assert.equal(d.spec.replicas, 0);
    assert.equal('paused' in d.spec, false);
    assert.equal('minReadySeconds' in d.spec, false);
    assert.equal(d.spec.template.metadata.creationTimestamp, null);
    assert.equal(d.spec.template.spec.automountServiceAccountToken, false);
    assert.equal('hostNetwork' in d.spec.template.spec, false);
    const ctr = d.spec.template.spec.containers[0];
    assert.equal('workingDir' in ctr, false);
    assert.deepEqual(ctr.resources, {});
    assert.deepEqual(ctr.ports, [{ containerPort: 80, protocol: 'TCP' }]);
    assert.ok(d.status && typeof d.status === 'object');
  });
});
