import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  configMapPrinter, endpointsPrinter, namespacePrinter, nodePrinter, podTemplatePrinter, replicationControllerPrinter,
  resourceQuotaPrinter, secretPrinter, serviceAccountPrinter, servicePrinter,
} from './core.js';
import { persistentVolumeClaimPrinter, persistentVolumePrinter } from './core-volumes.js';
import { assertColumns, ago, cells, D, H, M } from './testutil.js';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, creationTimestamp: ago(3 * D + 4 * H), ...extra });

test('namespaces', () => {
  assertColumns(namespacePrinter, [['Name', 0, 'string/name'], ['Status', 0], ['Age', 0]]);
  assert.deepEqual(cells(namespacePrinter, { metadata: meta('default'), status: { phase: 'Active' } }), ['default', 'Active', '3d4h']);
  assert.deepEqual(cells(namespacePrinter, { metadata: meta('gone', { deletionTimestamp: ago(M) }), status: { phase: 'Terminating' } }), ['gone', 'Terminating', '3d4h']);
});

test('configmaps count data and binaryData keys', () => {
  assertColumns(configMapPrinter, [['Name', 0, 'string/name'], ['Data', 0], ['Age', 0]]);
  assert.deepEqual(cells(configMapPrinter, { metadata: meta('kube-root-ca.crt'), data: { 'ca.crt': 'x' }, binaryData: { blob: 'AA==' } }), ['kube-root-ca.crt', 2, '3d4h']);
  assert.deepEqual(cells(configMapPrinter, { metadata: meta('empty') }), ['empty', 0, '3d4h']);
});

test('secrets', () => {
  assertColumns(secretPrinter, [['Name', 0, 'string/name'], ['Type', 0], ['Data', 0], ['Age', 0]]);
  assert.deepEqual(
    cells(secretPrinter, { metadata: meta('tls'), type: 'kubernetes.io/tls', data: { 'tls.crt': 'YQ==', 'tls.key': 'Yg==' } }),
    ['tls', 'kubernetes.io/tls', 2, '3d4h'],
  );
  assert.deepEqual(cells(secretPrinter, { metadata: meta('s'), type: 'Opaque', data: { a: 'YQ==' }, stringData: { a: 'x', b: 'y' } }), ['s', 'Opaque', 2, '3d4h']);
});

test('serviceaccounts keep the SECRETS column in 1.33', () => {
  assertColumns(serviceAccountPrinter, [['Name', 0, 'string/name'], ['Secrets', 0], ['Age', 0]]);
  assert.deepEqual(cells(serviceAccountPrinter, { metadata: meta('default') }), ['default', 0, '3d4h']);
  assert.deepEqual(cells(serviceAccountPrinter, { metadata: meta('builder'), secrets: [{ name: 'builder-token' }] }), ['builder', 1, '3d4h']);
});

test('services: cluster IP, external IP conventions, ports and selector', () => {
  assertColumns(servicePrinter, [
    ['Name', 0, 'string/name'], ['Type', 0], ['Cluster-IP', 0], ['External-IP', 0], ['Port(s)', 0], ['Age', 0], ['Selector', 1],
  ]);
  const svc = (spec: Record<string, unknown>, status: Record<string, unknown> = {}) => ({ metadata: meta('svc'), spec, status });
  assert.deepEqual(
    cells(servicePrinter, svc({ type: 'ClusterIP', clusterIP: '10.96.0.1', clusterIPs: ['10.96.0.1'], ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }] })),
    ['svc', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '3d4h', '<none>'],
  );
  assert.deepEqual(
    cells(servicePrinter, svc({
      type: 'NodePort', clusterIP: '10.96.5.5', selector: { app: 'web', tier: 'fe' },
      ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, protocol: 'UDP', nodePort: 30053 }],
    })),
    ['svc', 'NodePort', '10.96.5.5', '<none>', '80:30080/TCP,53:30053/UDP', '3d4h', 'app=web,tier=fe'],
  );
  assert.deepEqual(cells(servicePrinter, svc({ type: 'LoadBalancer', clusterIP: '10.96.1.1', ports: [{ port: 80, nodePort: 31000, protocol: 'TCP' }] })).slice(3, 5), ['<pending>', '80:31000/TCP']);
  const lb = { loadBalancer: { ingress: [{ ip: '203.0.113.9' }, { hostname: 'a-very-long-hostname.elb.example.com' }, { ip: '198.51.100.2', hostname: 'ignored' }] } };
  // no 16-char clipping server-side: tables are always generated wide
  assert.equal(cells(servicePrinter, svc({ type: 'LoadBalancer', clusterIP: '10.96.1.1' }, lb))[3], '198.51.100.2,203.0.113.9,a-very-long-hostname.elb.example.com');
  assert.equal(cells(servicePrinter, svc({ type: 'LoadBalancer', externalIPs: ['192.0.2.1'] }, lb))[3], '198.51.100.2,203.0.113.9,a-very-long-hostname.elb.example.com,192.0.2.1');
  assert.equal(cells(servicePrinter, svc({ type: 'ClusterIP', externalIPs: ['192.0.2.1', '192.0.2.2'] }))[3], '192.0.2.1,192.0.2.2');
  assert.deepEqual(cells(servicePrinter, svc({ type: 'ExternalName', externalName: 'db.example.com' })).slice(1, 5), ['ExternalName', '<none>', 'db.example.com', '<none>']);
  assert.deepEqual(cells(servicePrinter, svc({ type: 'ClusterIP', clusterIP: 'None', ports: [{ port: 5432 }] })).slice(2, 5), ['None', '<none>', '5432/TCP']);
  assert.equal(cells(servicePrinter, svc({ clusterIPs: ['fd00::1', '10.0.0.1'] }))[2], 'fd00::1');
  assert.equal(cells(servicePrinter, svc({}))[3], '<unknown>');
});

test('endpoints: host:port pairs, headless addresses and the "+ N more..." tail', () => {
  assertColumns(endpointsPrinter, [['Name', 0, 'string/name'], ['Endpoints', 0], ['Age', 0]]);
  assert.deepEqual(cells(endpointsPrinter, { metadata: meta('none') }), ['none', '<none>', '3d4h']);
  assert.equal(cells(endpointsPrinter, { metadata: meta('k'), subsets: [{ addresses: [{ ip: '172.18.0.2' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }] })[1], '172.18.0.2:6443');
  assert.equal(
    cells(endpointsPrinter, {
      metadata: meta('dns'),
      subsets: [{ addresses: [{ ip: '10.244.0.2' }, { ip: '10.244.0.3' }], ports: [{ name: 'dns', port: 53 }, { name: 'dns-tcp', port: 53 }, { name: 'metrics', port: 9153 }] }],
    })[1],
    '10.244.0.2:53,10.244.0.3:53,10.244.0.2:53 + 3 more...',
  );
  assert.equal(cells(endpointsPrinter, { metadata: meta('h'), subsets: [{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::2' }] }] })[1], '10.0.0.1,fd00::2');
  assert.equal(cells(endpointsPrinter, { metadata: meta('v6'), subsets: [{ addresses: [{ ip: 'fd00::2' }], ports: [{ port: 80 }] }] })[1], '[fd00::2]:80');
});

test('nodes: status, roles, version and wide columns', () => {
  assertColumns(nodePrinter, [
    ['Name', 0, 'string/name'], ['Status', 0], ['Roles', 0], ['Age', 0], ['Version', 0],
    ['Internal-IP', 1], ['External-IP', 1], ['OS-Image', 1], ['Kernel-Version', 1], ['Container-Runtime', 1],
  ]);
  const node = {
    metadata: meta('kind-control-plane', { labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/role': 'master', 'kubernetes.io/hostname': 'x', 'node-role.kubernetes.io/': '' } }),
    spec: { unschedulable: true },
    status: {
      conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'True', reason: 'KubeletReady' }],
      addresses: [{ type: 'Hostname', address: 'kind-control-plane' }, { type: 'InternalIP', address: '172.18.0.2' }],
      nodeInfo: { kubeletVersion: 'v1.33.1', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.8.0-45-generic', containerRuntimeVersion: 'containerd://2.1.1' },
    },
  };
  assert.deepEqual(cells(nodePrinter, node), [
    'kind-control-plane', 'Ready,SchedulingDisabled', 'control-plane,master', '3d4h', 'v1.33.1',
    '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.8.0-45-generic', 'containerd://2.1.1',
  ]);
  assert.deepEqual(cells(nodePrinter, { metadata: meta('w'), status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } }).slice(1, 3), ['NotReady', '<none>']);
  assert.deepEqual(cells(nodePrinter, { metadata: { name: 'bare' } }), ['bare', 'Unknown', '<none>', '<unknown>', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
});

test('persistentvolumes', () => {
  assertColumns(persistentVolumePrinter, [
    ['Name', 0, 'string/name'], ['Capacity', 0], ['Access Modes', 0], ['Reclaim Policy', 0], ['Status', 0], ['Claim', 0],
    ['StorageClass', 0], ['VolumeAttributesClass', 0], ['Reason', 0], ['Age', 0], ['VolumeMode', 1],
  ]);
  const pv = {
    metadata: meta('pvc-1234'),
    spec: {
      capacity: { storage: '10Gi' }, accessModes: ['ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain',
      claimRef: { namespace: 'db', name: 'data-0' }, storageClassName: 'standard', volumeMode: 'Filesystem',
    },
    status: { phase: 'Bound' },
  };
  assert.deepEqual(cells(persistentVolumePrinter, pv), ['pvc-1234', '10Gi', 'RWO,RWX', 'Retain', 'Bound', 'db/data-0', 'standard', '<unset>', '', '3d4h', 'Filesystem']);
  const deleting = { ...pv, metadata: { ...pv.metadata, deletionTimestamp: ago(M), annotations: { 'volume.beta.kubernetes.io/storage-class': 'legacy' } } };
  assert.deepEqual(cells(persistentVolumePrinter, deleting).slice(4, 7), ['Terminating', 'db/data-0', 'legacy']);
  assert.deepEqual(cells(persistentVolumePrinter, { metadata: meta('bare') }), ['bare', '0', '', '', '', '', '', '<unset>', '', '3d4h', '<unset>']);
});

test('persistentvolumeclaims show capacity and modes only once bound', () => {
  assertColumns(persistentVolumeClaimPrinter, [
    ['Name', 0, 'string/name'], ['Status', 0], ['Volume', 0], ['Capacity', 0], ['Access Modes', 0], ['StorageClass', 0],
    ['VolumeAttributesClass', 0], ['Age', 0], ['VolumeMode', 1],
  ]);
  const pvc = {
    metadata: meta('data-0'),
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: 'standard', volumeMode: 'Filesystem', volumeName: 'pvc-1234' },
    status: { phase: 'Bound', accessModes: ['ReadWriteOnce', 'ReadWriteOncePod'], capacity: { storage: '2Gi' } },
  };
  assert.deepEqual(cells(persistentVolumeClaimPrinter, pvc), ['data-0', 'Bound', 'pvc-1234', '2Gi', 'RWO,RWOP', 'standard', '<unset>', '3d4h', 'Filesystem']);
  const pending = { metadata: meta('p'), spec: { resources: { requests: { storage: '1Gi' } }, volumeAttributesClassName: 'gold' }, status: { phase: 'Pending' } };
  assert.deepEqual(cells(persistentVolumeClaimPrinter, pending), ['p', 'Pending', '', '', '', '', 'gold', '3d4h', '<unset>']);
});

test('podtemplates', () => {
  assertColumns(podTemplatePrinter, [['Name', 0, 'string/name'], ['Containers', 0], ['Images', 0], ['Pod Labels', 0]]);
  assert.deepEqual(
    cells(podTemplatePrinter, { metadata: meta('t'), template: { metadata: { labels: { app: 'x' } }, spec: { containers: [{ name: 'a', image: 'nginx' }, { name: 'b', image: 'redis:7' }] } } }),
    ['t', 'a,b', 'nginx,redis:7', 'app=x'],
  );
});

test('replicationcontrollers', () => {
  assertColumns(replicationControllerPrinter, [
    ['Name', 0, 'string/name'], ['Desired', 0, 'integer'], ['Current', 0, 'integer'], ['Ready', 0, 'integer'], ['Age', 0],
    ['Containers', 1], ['Images', 1], ['Selector', 1],
  ]);
  assert.deepEqual(
    cells(replicationControllerPrinter, {
      metadata: meta('rc'), spec: { replicas: 3, selector: { app: 'rc' }, template: { spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      status: { replicas: 3, readyReplicas: 2 },
    }),
    ['rc', 3, 3, 2, '3d4h', 'c', 'nginx', 'app=rc'],
  );
});

test('resourcequotas split requests and limits, sorted by resource name', () => {
  assertColumns(resourceQuotaPrinter, [['Name', 0, 'string/name'], ['Age', 0], ['Request', 0], ['Limit', 0]]);
  const rq = {
    metadata: meta('compute'),
    spec: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi' } },
    status: { hard: { pods: '10', 'requests.cpu': '4', 'limits.memory': '8Gi', 'limits.cpu': '8' }, used: { pods: '3', 'requests.cpu': '1500m', 'limits.memory': '1Gi' } },
  };
  assert.deepEqual(cells(resourceQuotaPrinter, rq), ['compute', '3d4h', 'pods: 3/10, requests.cpu: 1500m/4', 'limits.cpu: 0/8, limits.memory: 1Gi/8Gi']);
  assert.deepEqual(cells(resourceQuotaPrinter, { metadata: meta('new') }), ['new', '3d4h', '', '']);
});
