// The official python client (Debian's python3-kubernetes) against minikapi: testdata/python/client_e2e.py prints
// what it observes, one line each; the lines must be what kube-apiserver v1.33 answers.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startTestCluster, TESTDATA, type TestCluster } from '../testing/harness.js';

const PYTHON = '/usr/bin/python3';
const SCRIPT = join(TESTDATA, 'python', 'client_e2e.py');

/** What kube-apiserver v1.33 answers, in the script's order. */
const EXPECTED = [
  'namespace create 201 py-e2e Active {"kubernetes.io/metadata.name": "py-e2e", "team": "py"}',
  'namespace patch {"kubernetes.io/metadata.name": "py-e2e", "team": "py", "tier": "test"}',
  'namespace read [\'kubernetes\'] Active',
  'namespace create again 409 Conflict Status Failure AlreadyExists 409',
  'namespace create again message namespaces "py-e2e" already exists',
  'namespace create again details {"kind": "namespaces", "name": "py-e2e"}',
  'configmap create 201 cfg py-e2e {"a": "1"}',
  'configmap replace {"a": "2", "b": "x"} True',
  'configmap strategic patch {"a": "2", "b": "x", "c": "3"}',
  'configmap merge patch {"a": "2", "c": "3"}',
  'configmap json patch {"a": "4", "d": "5"}',
  'configmap read {"a": "4", "d": "5"}',
  'configmap stale replace 409 Conflict Status Failure Conflict 409',
  'configmap stale replace message Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again',
  'configmap stale replace details {"kind": "configmaps", "name": "cfg"}',
  'configmap bad json patch 422 Unprocessable Entity Status Failure Invalid 422',
  'configmap bad json patch message the server rejected our request due to an error in our request',
  'configmap bad json patch details {"causes": [{"message": "testing value /data/a failed: test failed", "reason": "UnexpectedServerResponse"}]}',
  'configmap invalid 422 Unprocessable Entity Status Failure Invalid 422',
  'configmap invalid message ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
  'configmap invalid details {"causes": [{"field": "metadata.name", "message": "Invalid value: \\"Bad_Name\\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')", "reason": "FieldValueInvalid"}], "kind": "ConfigMap", "name": "Bad_Name"}',
  'configmap delete Status Success cfg configmaps',
  'configmap read deleted 404 Not Found Status Failure NotFound 404',
  'configmap read deleted message configmaps "cfg" not found',
  'configmap read deleted details {"kind": "configmaps", "name": "cfg"}',
  'configmap delete deleted 404 Not Found Status Failure NotFound 404',
  'configmap delete deleted message configmaps "cfg" not found',
  'configmap delete deleted details {"kind": "configmaps", "name": "cfg"}',
  'secret create Opaque {"user": "YWRtaW4="} None',
  'secret patch {"pass": "czNjcmV0", "user": "YWRtaW4="}',
  'secret replace {"pass": "czNjcmV0", "user": "cm9vdA=="}',
  'secret invalid type change 422 Unprocessable Entity Status Failure Invalid 422',
  'secret invalid type change message Secret "creds" is invalid: [type: Invalid value: "kubernetes.io/tls": field is immutable, data[tls.crt]: Required value, data[tls.key]: Required value]',
  'secret invalid type change details {"causes": [{"field": "type", "message": "Invalid value: \\"kubernetes.io/tls\\": field is immutable", "reason": "FieldValueInvalid"}, {"field": "data[tls.crt]", "message": "Required value", "reason": "FieldValueRequired"}, {"field": "data[tls.key]", "message": "Required value", "reason": "FieldValueRequired"}], "kind": "Secret", "name": "creds"}',
  'secret delete Success creds secrets',
  'service create 201 ClusterIP True True \'None\' [\'IPv4\'] SingleStack Cluster',
  'service ports [(\'http\', \'TCP\', 80, 8080)]',
  'service strategic patch [(\'https\', 443, 8443), (\'http\', 80, 8080)]',
  'service cluster ip change 422 Unprocessable Entity Status Failure Invalid 422',
  'service cluster ip change message Service "web" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.0.1"}: may not change once set',
  'service cluster ip change details {"causes": [{"field": "spec.clusterIPs[0]", "message": "Invalid value: []string{\\"10.96.0.1\\"}: may not change once set", "reason": "FieldValueInvalid"}], "kind": "Service", "name": "web"}',
  'service delete Service v1',
  'pod create 201 p1 Always ClusterFirst default-scheduler 30 default 0 PreemptLowerPriority',
  'pod enableServiceLinks True',
  'pod container IfNotPresent /dev/termination-log File',
  'pod tolerations [(\'node.kubernetes.io/not-ready\', \'NoExecute\', 300), (\'node.kubernetes.io/unreachable\', \'NoExecute\', 300)]',
  'pod list app=p [\'p1\', \'p2\']',
  'pod list n!=1 [\'p2\']',
  'pod list name=p1 [\'p1\']',
  'pod list all namespaces [\'p1\', \'p2\']',
  'pod patch labels {"app": "p", "x": "y"}',
  'pod immutable image change 422 Unprocessable Entity Status Failure Invalid 422',
  'pod immutable image change message Pod "p1" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
  'pod immutable image change details {"causes": [{"field": "spec", "message": "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)", "reason": "FieldValueForbidden"}], "kind": "Pod", "name": "p1"}',
  'pod delete p1 Pod',
  'pod delete p2 Pod',
  'pod read deleted 404 Not Found Status Failure NotFound 404',
  'pod read deleted message pods "p1" not found',
  'pod read deleted details {"kind": "pods", "name": "p1"}',
  'deployment create web 2 RollingUpdate 25% 25% 10 600 1',
  'scale read Scale autoscaling/v1 2 app=web',
  'scale patch 3',
  'scale replace 4',
  'deployment read 4 3',
  'scale negative 422 Unprocessable Entity Status Failure Invalid 422',
  'scale negative message Scale.autoscaling "web" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  'scale negative details {"causes": [{"field": "spec.replicas", "message": "Invalid value: -1: must be greater than or equal to 0", "reason": "FieldValueInvalid"}], "group": "autoscaling", "kind": "Scale", "name": "web"}',
  'deployment selector mismatch 422 Unprocessable Entity Status Failure Invalid 422',
  'deployment selector mismatch message Deployment.apps "bad" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{"app":"b"}: `selector` does not match template `labels`',
  'deployment selector mismatch details {"causes": [{"field": "spec.template.metadata.labels", "message": "Invalid value: map[string]string{\\"app\\":\\"b\\"}: `selector` does not match template `labels`", "reason": "FieldValueInvalid"}], "group": "apps", "kind": "Deployment", "name": "bad"}',
  'deployment delete Status Success web apps deployments',
  'deployment read deleted 404 Not Found Status Failure NotFound 404',
  'deployment read deleted message deployments.apps "web" not found',
  'deployment read deleted details {"group": "apps", "kind": "deployments", "name": "web"}',
  'delete bad propagation 422 Unprocessable Entity Status Failure Invalid 422',
  'delete bad propagation message DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sideways": supported values: "Foreground", "Background", "Orphan", "nil"',
  'delete bad propagation details {"causes": [{"field": "propagationPolicy", "message": "Unsupported value: \\"Sideways\\": supported values: \\"Foreground\\", \\"Background\\", \\"Orphan\\", \\"nil\\"", "reason": "FieldValueNotSupported"}], "group": "meta.k8s.io", "kind": "DeleteOptions"}',
  'page 1 [\'page-1\', \'page-2\'] None True',
  'page 2 [\'page-3\', \'page-4\'] None True',
  'page 3 [\'page-5\'] None False',
  'unfiltered page [\'kube-root-ca.crt\', \'page-1\', \'page-2\', \'page-3\'] 2',
  'unfiltered page [\'page-4\', \'page-5\'] None None',
  'list odd not page-3 [\'page-1\', \'page-5\']',
  'list bad field selector 400 Bad Request Status Failure BadRequest 400',
  'list bad field selector message "data.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
  'list bad field selector details {}',
  'delete collection ConfigMapList None',
  'after delete collection [\'page-1\', \'page-3\', \'page-5\']',
  'watch ADDED w1 {"v": "1"} V1ConfigMap',
  'watch MODIFIED w1 {"v": "2"} V1ConfigMap',
  'watch ADDED w2 {"v": "1"} V1ConfigMap',
  'watch DELETED w1 {"v": "2"} V1ConfigMap',
  'watch ended by timeout True',
  'watch w=yes ADDED w1',
  'watch w=yes MODIFIED w1',
  'watch w=yes DELETED w1',
  'namespace delete Namespace',
  'namespace gone 404',
  'done',
];

let cluster: TestCluster;
let run: { code: number; stdout: string; stderr: string };

function runScript(kubeconfig: string): Promise<{ code: number; stdout: string; stderr: string }> {
  if (!existsSync(PYTHON)) throw new Error(`${PYTHON} is missing: the python client test needs Debian's python3 and python3-kubernetes`);
  return new Promise((resolve) => {
    execFile(PYTHON, [SCRIPT, kubeconfig], { env: { PATH: '/usr/bin:/bin', HOME: cluster.tmp, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 120_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

describe('python client (python3-kubernetes) against minikapi', () => {
  before(async () => {
    cluster = await startTestCluster({ controllers: '*,-deployment,-replicaset,-replicationcontroller' });
    run = await runScript(cluster.kubeconfigPath);
  });
  after(async () => {
    await cluster?.cleanup();
  });

  test('the script runs to the end and exits 0', () => {
    assert.doesNotMatch(run.stderr, /No module named .?kubernetes/, 'python3-kubernetes is not installed (make test-deps installs it)');
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stdout.trimEnd().split('\n').at(-1), 'done');
  });

  test('every observation matches kube-apiserver', () => {
    const got = run.stdout.trimEnd().split('\n');
    assert.equal(got.length, EXPECTED.length, run.stdout);
    const mismatches = EXPECTED.flatMap((want, i) => (got[i] === want ? [] : [{ want, got: got[i] }]));
    assert.deepEqual(mismatches, []);
  });
});
