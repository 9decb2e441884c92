import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { computeHash, fnv32a, safeEncodeString, spewPodTemplate } from './pod-template-hash.js';

// (ParseQuantity keeps the string of 1Gi but not of 128Mi: only binary values not divisible by 8 count as canonical.)
// What `kubectl create deployment nginx --image=nginx` stores as the template (after defaulting).
const nginx = {
  metadata: { creationTimestamp: null, labels: { app: 'nginx' } },
  spec: {
    containers: [{ image: 'nginx', imagePullPolicy: 'Always', name: 'nginx', resources: {}, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
    dnsPolicy: 'ClusterFirst',
    restartPolicy: 'Always',
    schedulerName: 'default-scheduler',
    securityContext: {},
    terminationGracePeriodSeconds: 30,
  },
};

describe('pod-template-hash', () => {
  test('kubectl create deployment nginx --image=nginx hashes to 5869d7778c as on v1.32/v1.33 clusters', () => {
    assert.equal(computeHash(nginx), '5869d7778c');
  });

  test("the docs' nginx-deployment (nginx:1.14.2, containerPort 80) hashes to 647677fc66 as on v1.33 clusters", () => {
    const t = structuredClone(nginx) as typeof nginx & { spec: { containers: Record<string, unknown>[] } };
    Object.assign(t.spec.containers[0]!, { image: 'nginx:1.14.2', imagePullPolicy: 'IfNotPresent', ports: [{ containerPort: 80, protocol: 'TCP' }] });
    assert.equal(computeHash(t), '647677fc66');
  });

  test('empty lists and maps print as nil, as the controller decodes them from protobuf', () => {
    const t = structuredClone(nginx) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    t.metadata.annotations = {};
    t.spec.containers[0].command = [];
    assert.equal(computeHash(t), '5869d7778c');
  });

  test('go-spew prints types, nil pointers, sorted map keys and embedded structs by type name', () => {
    const s = spewPodTemplate({ metadata: { labels: { b: '2', a: '1' } }, spec: { containers: [{ name: 'c', readinessProbe: { httpGet: { port: 8080, path: '/' } }, resources: { requests: { cpu: '100m', memory: '128Mi' } } }] } });
    assert.match(s, /^\(v1\.PodTemplateSpec\)\{ObjectMeta:\(v1\.ObjectMeta\)\{Name:\(string\) /);
    assert.match(s, / Labels:\(map\[string\]string\)map\[a:1 b:2\] /);
    assert.match(s, / DeletionTimestamp:\(\*v1\.Time\)<nil> /);
    assert.match(s, /ReadinessProbe:\(\*v1\.Probe\)\{ProbeHandler:\(v1\.ProbeHandler\)\{Exec:\(\*v1\.ExecAction\)<nil> HTTPGet:\(\*v1\.HTTPGetAction\)\{Path:\(string\)\/ Port:\(intstr\.IntOrString\)\{Type:\(intstr\.Type\)0 IntVal:\(int32\)8080 StrVal:\(string\)\} /);
    assert.match(s, /Requests:\(v1\.ResourceList\)map\[cpu:\{i:\(resource\.int64Amount\)\{value:\(int64\)100 scale:\(resource\.Scale\)-3\} d:\(resource\.infDecAmount\)\{Dec:\(\*inf\.Dec\)<nil>\} s:\(string\)100m Format:\(resource\.Format\)DecimalSI\} memory:\{i:\(resource\.int64Amount\)\{value:\(int64\)134217728 scale:\(resource\.Scale\)0\} d:\(resource\.infDecAmount\)\{Dec:\(\*inf\.Dec\)<nil>\} s:\(string\) Format:\(resource\.Format\)BinarySI\}\]/);
  });

  test('a collision count changes the hash; FNV-32a and SafeEncodeString as upstream', () => {
    assert.notEqual(computeHash(nginx, 1), computeHash(nginx));
    assert.notEqual(computeHash(nginx, 1), computeHash(nginx, 2));
    assert.equal(fnv32a(Buffer.from('')), 0x811c9dc5);
    assert.equal(fnv32a(Buffer.from('a')), 0xe40c292c);
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });
});
