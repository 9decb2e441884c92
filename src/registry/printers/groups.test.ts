import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from './networking.js';
import { clusterRoleBindingPrinter, roleBindingPrinter } from './rbac.js';
import { horizontalPodAutoscalerPrinter } from './autoscaling.js';
import {
  apiServicePrinter, certificateSigningRequestPrinter, endpointSlicePrinter, podDisruptionBudgetPrinter, priorityClassPrinter, runtimeClassPrinter,
} from './misc.js';
import { assertColumns, ago, cells, D, H, M } from './testutil.js';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, creationTimestamp: ago(10 * D), ...extra });

test('ingresses', () => {
  assertColumns(ingressPrinter, [['Name', 0, 'string/name'], ['Class', 0], ['Hosts', 0], ['Address', 0], ['Ports', 0], ['Age', 0]]);
  const ing = {
    metadata: meta('web'),
    spec: {
      ingressClassName: 'nginx', tls: [{ hosts: ['a.example.com'], secretName: 'tls' }],
      rules: [{ host: 'a.example.com' }, {}, { host: 'b.example.com' }, { host: 'c.example.com' }, { host: 'd.example.com' }],
    },
    status: { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }, { ip: '192.0.2.10' }] } },
  };
  assert.deepEqual(cells(ingressPrinter, ing), ['web', 'nginx', 'a.example.com,b.example.com,c.example.com + 2 more...', '192.0.2.10,lb.example.com', '80, 443', '10d']);
  assert.deepEqual(cells(ingressPrinter, { metadata: meta('bare'), spec: { defaultBackend: {} } }), ['bare', '<none>', '*', '', '80', '10d']);
});

test('ingressclasses', () => {
  assertColumns(ingressClassPrinter, [['Name', 0, 'string/name'], ['Controller', 0], ['Parameters', 0], ['Age', 0]]);
  assert.deepEqual(
    cells(ingressClassPrinter, { metadata: meta('nginx'), spec: { controller: 'k8s.io/ingress-nginx', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'p' } } }),
    ['nginx', 'k8s.io/ingress-nginx', 'IngressParameters.k8s.example.com/p', '10d'],
  );
  assert.deepEqual(cells(ingressClassPrinter, { metadata: meta('plain'), spec: { controller: 'c' } }), ['plain', 'c', '<none>', '10d']);
});

test('networkpolicies', () => {
  assertColumns(networkPolicyPrinter, [['Name', 0, 'string/name'], ['Pod-Selector', 0], ['Age', 0]]);
  assert.deepEqual(cells(networkPolicyPrinter, { metadata: meta('deny-all'), spec: { podSelector: {}, policyTypes: ['Ingress'] } }), ['deny-all', '<none>', '10d']);
  assert.deepEqual(cells(networkPolicyPrinter, { metadata: meta('db'), spec: { podSelector: { matchLabels: { role: 'db' } } } }), ['db', 'role=db', '10d']);
});

test('rolebindings and clusterrolebindings', () => {
  const cols: [string, number, string?][] = [['Name', 0, 'string/name'], ['Role', 0], ['Age', 0], ['Users', 1], ['Groups', 1], ['ServiceAccounts', 1]];
  assertColumns(roleBindingPrinter, cols);
  assertColumns(clusterRoleBindingPrinter, cols);
  assert.equal(roleBindingPrinter.columns[3]!.description, 'Users in the roleBinding');
  assert.equal(clusterRoleBindingPrinter.columns[5]!.description, 'ServiceAccounts in the clusterRoleBinding');
  const crb = {
    metadata: meta('cluster-admin'), roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
    subjects: [
      { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'system:masters' }, { kind: 'User', name: 'alice' }, { kind: 'User', name: 'bob' },
      { kind: 'ServiceAccount', name: 'default', namespace: 'kube-system' },
    ],
  };
  assert.deepEqual(cells(clusterRoleBindingPrinter, crb), ['cluster-admin', 'ClusterRole/cluster-admin', '10d', 'alice, bob', 'system:masters', 'kube-system/default']);
  assert.deepEqual(cells(roleBindingPrinter, { metadata: meta('rb'), roleRef: { kind: 'Role', name: 'reader' } }), ['rb', 'Role/reader', '10d', '', '', '']);
});

test('horizontalpodautoscalers (v2 and v1 forms)', () => {
  assertColumns(horizontalPodAutoscalerPrinter, [
    ['Name', 0, 'string/name'], ['Reference', 0], ['Targets', 0], ['MinPods', 0], ['MaxPods', 0], ['Replicas', 0], ['Age', 0],
  ]);
  const hpa = {
    apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta('web'),
    spec: {
      scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 10,
      metrics: [
        { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
        { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '512Mi' } } },
        { type: 'Pods', pods: { metric: { name: 'qps' }, target: { type: 'AverageValue', averageValue: '1k' } } },
      ],
    },
    status: {
      currentReplicas: 3, desiredReplicas: 3,
      currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 42, averageValue: '210m' } } }],
    },
  };
  assert.deepEqual(cells(horizontalPodAutoscalerPrinter, hpa), ['web', 'Deployment/web', 'cpu: 42%/80%, memory: <unknown>/512Mi + 1 more...', '2', 10, 3, '10d']);
  const two = { ...hpa, spec: { ...hpa.spec, minReplicas: undefined, metrics: hpa.spec.metrics.slice(1) }, status: { currentReplicas: 0, currentMetrics: [null, { type: 'Pods', pods: { current: { averageValue: '900' } } }] } };
  assert.deepEqual(cells(horizontalPodAutoscalerPrinter, two).slice(2, 6), ['memory: <unknown>/512Mi, 900/1k', '<unset>', 10, 0]);
  const v1 = { apiVersion: 'autoscaling/v1', metadata: meta('v1'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'web' }, minReplicas: 1, maxReplicas: 5, targetCPUUtilizationPercentage: 50 }, status: { currentReplicas: 1 } };
  assert.deepEqual(cells(horizontalPodAutoscalerPrinter, v1).slice(2, 4), ['cpu: <unknown>/50%', '1']);
  assert.equal(cells(horizontalPodAutoscalerPrinter, { metadata: meta('none'), spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 3 } })[2], '<none>');
  const ext = {
    metadata: meta('ext'),
    spec: {
      scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 3,
      metrics: [
        { type: 'External', external: { metric: { name: 'q' }, target: { type: 'Value', value: '30' } } },
        { type: 'Object', object: { metric: { name: 'rps' }, target: { type: 'AverageValue', averageValue: '10' } } },
      ],
    },
    status: { currentMetrics: [{ type: 'External', external: { current: { value: '12' } } }, { type: 'Object', object: { current: { averageValue: '7' } } }] },
  };
  assert.equal(cells(horizontalPodAutoscalerPrinter, ext)[2], '12/30, 7/10 (avg)');
});

test('poddisruptionbudgets', () => {
  assertColumns(podDisruptionBudgetPrinter, [['Name', 0, 'string/name'], ['Min Available', 0], ['Max Unavailable', 0], ['Allowed Disruptions', 0, 'integer'], ['Age', 0]]);
  assert.deepEqual(cells(podDisruptionBudgetPrinter, { metadata: meta('web'), spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1 } }), ['web', '2', 'N/A', 1, '10d']);
  assert.deepEqual(cells(podDisruptionBudgetPrinter, { metadata: meta('db'), spec: { maxUnavailable: '25%' } }), ['db', 'N/A', '25%', 0, '10d']);
});

test('priorityclasses', () => {
  assertColumns(priorityClassPrinter, [['Name', 0, 'string/name'], ['Value', 0, 'integer'], ['Global-Default', 0, 'boolean'], ['Age', 0], ['PreemptionPolicy', 0]]);
  assert.deepEqual(
    cells(priorityClassPrinter, { metadata: meta('system-cluster-critical'), value: 2000000000, preemptionPolicy: 'PreemptLowerPriority', description: 'x' }),
    ['system-cluster-critical', 2000000000, false, '10d', 'PreemptLowerPriority'],
  );
  assert.deepEqual(cells(priorityClassPrinter, { metadata: meta('def'), value: 100, globalDefault: true }), ['def', 100, true, '10d', '']);
});

test('runtimeclasses (Handler description is empty upstream)', () => {
  assertColumns(runtimeClassPrinter, [['Name', 0, 'string/name'], ['Handler', 0], ['Age', 0]]);
  assert.equal(runtimeClassPrinter.columns[1]!.description, '');
  assert.deepEqual(cells(runtimeClassPrinter, { metadata: meta('gvisor'), handler: 'runsc' }), ['gvisor', 'runsc', '10d']);
});

test('certificatesigningrequests', () => {
  assertColumns(certificateSigningRequestPrinter, [
    ['Name', 0, 'string/name'], ['Age', 0], ['SignerName', 0], ['Requestor', 0], ['RequestedDuration', 0], ['Condition', 0],
  ]);
  const csr = {
    metadata: meta('csr-abc', { creationTimestamp: ago(5 * M) }),
    spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', username: 'system:node:n1', expirationSeconds: 86400, request: 'LS0t', usages: ['client auth'] },
    status: { conditions: [{ type: 'Approved', status: 'True' }], certificate: 'LS0tLS1CRUdJTg==' },
  };
  assert.deepEqual(cells(certificateSigningRequestPrinter, csr), ['csr-abc', '5m', 'kubernetes.io/kube-apiserver-client-kubelet', 'system:node:n1', '24h', 'Approved,Issued']);
  const denied = { metadata: meta('d'), spec: { username: 'u' }, status: { conditions: [{ type: 'Approved' }, { type: 'Denied' }, { type: 'Failed' }] } };
  assert.deepEqual(cells(certificateSigningRequestPrinter, denied).slice(2), ['<none>', 'u', '<none>', 'Denied,Failed']);
  assert.equal(cells(certificateSigningRequestPrinter, { metadata: meta('p'), spec: { expirationSeconds: 600 } })[5], 'Pending');
  assert.equal(cells(certificateSigningRequestPrinter, { metadata: meta('p'), spec: { expirationSeconds: 600 } })[4], '10m');
});

test('endpointslices', () => {
  assertColumns(endpointSlicePrinter, [['Name', 0, 'string/name'], ['AddressType', 0], ['Ports', 0], ['Endpoints', 0], ['Age', 0]]);
  const slice = {
    metadata: meta('kube-dns-abcde'), addressType: 'IPv4',
    ports: [{ name: 'dns', port: 53, protocol: 'UDP' }, { name: 'metrics' }, {}, { port: 9153 }],
    endpoints: [{ addresses: ['10.244.0.2'] }, { addresses: ['10.244.0.3', '10.244.0.4'] }, { addresses: ['10.244.0.5'] }],
  };
  assert.deepEqual(cells(endpointSlicePrinter, slice), ['kube-dns-abcde', 'IPv4', '53,metrics,* + 1 more...', '10.244.0.2,10.244.0.3,10.244.0.4 + 1 more...', '10d']);
  assert.deepEqual(cells(endpointSlicePrinter, { metadata: meta('empty'), addressType: 'IPv6' }), ['empty', 'IPv6', '<unset>', '<unset>', '10d']);
});

test('apiservices', () => {
  assertColumns(apiServicePrinter, [['Name', 0, 'string/name'], ['Service', 0], ['Available', 0], ['Age', 0]]);
  assert.deepEqual(cells(apiServicePrinter, { metadata: meta('v1.apps'), spec: { group: 'apps', version: 'v1' }, status: { conditions: [{ type: 'Available', status: 'True', reason: 'Local' }] } }), ['v1.apps', 'Local', 'True', '10d']);
  const remote = {
    metadata: meta('v1beta1.metrics.k8s.io', { creationTimestamp: ago(H) }),
    spec: { service: { namespace: 'kube-system', name: 'metrics-server', port: 443 } },
    status: { conditions: [{ type: 'Available', status: 'False', reason: 'MissingEndpoints' }] },
  };
  assert.deepEqual(cells(apiServicePrinter, remote), ['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'False (MissingEndpoints)', '60m']);
  assert.equal(cells(apiServicePrinter, { metadata: meta('x') })[2], 'Unknown');
});
