import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  clusterTrustBundlePrinter, componentStatusPrinter, csiStorageCapacityPrinter, deviceClassPrinter, ipAddressPrinter, leaseCandidatePrinter,
  resourceClaimPrinter, resourceClaimTemplatePrinter, resourceSlicePrinter, serviceCIDRPrinter, storageVersionMigrationPrinter,
  storageVersionPrinter, volumeAttributesClassPrinter,
} from './extras.js';
import { assertColumns, ago, cells, H, NOW } from './testutil.js';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, creationTimestamp: ago(5 * H), ...extra });

test('componentstatuses', () => {
  assertColumns(componentStatusPrinter, [['Name', 0, 'string/name'], ['Status', 0], ['Message', 0], ['Error', 0]]);
  assert.deepEqual(cells(componentStatusPrinter, { metadata: meta('etcd-0'), conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] }), ['etcd-0', 'Healthy', 'ok', '']);
  assert.deepEqual(cells(componentStatusPrinter, { metadata: meta('scheduler'), conditions: [{ type: 'Healthy', status: 'False', message: 'm', error: 'refused' }] }), ['scheduler', 'Unhealthy', 'm', 'refused']);
  assert.deepEqual(cells(componentStatusPrinter, { metadata: meta('x') }), ['x', 'Unknown', '', '']);
});

test('servicecidrs and ipaddresses (ipaddresses emit an age cell without a column, as upstream)', () => {
  assertColumns(serviceCIDRPrinter, [['Name', 0, 'string/name'], ['CIDRs', 0], ['Age', 0]]);
  assert.deepEqual(cells(serviceCIDRPrinter, { metadata: meta('kubernetes'), spec: { cidrs: ['10.96.0.0/16', 'fd00:10:96::/112'] } }), ['kubernetes', '10.96.0.0/16,fd00:10:96::/112', '5h']);
  assertColumns(ipAddressPrinter, [['Name', 0, 'string/name'], ['ParentRef', 0]]);
  const ip = { metadata: meta('10.96.0.10'), spec: { parentRef: { group: '', resource: 'services', namespace: 'kube-system', name: 'kube-dns' } } };
  assert.deepEqual(ipAddressPrinter.row(ip, NOW).cells, ['10.96.0.10', 'services/kube-system/kube-dns', '5h']);
  const gw = { metadata: meta('192.0.2.1'), spec: { parentRef: { group: 'gateway.networking.k8s.io', resource: 'Gateways', name: 'gw' } } };
  assert.equal(ipAddressPrinter.row(gw, NOW).cells[1], 'gateways.gateway.networking.k8s.io/gw');
  assert.equal(ipAddressPrinter.row({ metadata: meta('x'), spec: {} }, NOW).cells[1], '<none>');
});

test('csistoragecapacities and volumeattributesclasses', () => {
  assertColumns(csiStorageCapacityPrinter, [['Name', 0, 'string/name'], ['StorageClassName', 0], ['Capacity', 0]]);
  assert.deepEqual(cells(csiStorageCapacityPrinter, { metadata: meta('csisc-1'), storageClassName: 'fast', capacity: '100Gi' }), ['csisc-1', 'fast', '100Gi']);
  assert.deepEqual(cells(csiStorageCapacityPrinter, { metadata: meta('csisc-2'), storageClassName: 'fast' }), ['csisc-2', 'fast', '<unset>']);
  assertColumns(volumeAttributesClassPrinter, [['Name', 0, 'string/name'], ['DriverName', 0], ['Age', 0]]);
  const vac = { metadata: meta('gold', { annotations: { 'volumeattributesclass.alpha.kubernetes.io/is-default-class': 'true' } }), driverName: 'pd.csi.storage.gke.io' };
  assert.deepEqual(cells(volumeAttributesClassPrinter, vac), ['gold (default)', 'pd.csi.storage.gke.io', '5h']);
});

test('dynamic resource allocation kinds', () => {
  assertColumns(deviceClassPrinter, [['Name', 0, 'string/name'], ['Age', 0]]);
  assertColumns(resourceClaimTemplatePrinter, [['Name', 0, 'string/name'], ['Age', 0]]);
  assert.deepEqual(cells(deviceClassPrinter, { metadata: meta('gpu.example.com') }), ['gpu.example.com', '5h']);
  assertColumns(resourceClaimPrinter, [['Name', 0, 'string/name'], ['State', 0], ['Age', 0]]);
  assert.equal(cells(resourceClaimPrinter, { metadata: meta('c'), spec: {} })[1], 'pending');
  assert.equal(cells(resourceClaimPrinter, { metadata: meta('c'), status: { allocation: {}, reservedFor: [{ resource: 'pods', name: 'p', uid: 'u' }] } })[1], 'allocated,reserved');
  assert.equal(cells(resourceClaimPrinter, { metadata: meta('c', { deletionTimestamp: ago(1000) }) })[1], 'deleted');
  assert.equal(cells(resourceClaimPrinter, { metadata: meta('c', { deletionTimestamp: ago(1000) }), status: { allocation: {} } })[1], 'deleted,allocated');
  assertColumns(resourceSlicePrinter, [['Name', 0, 'string/name'], ['Node', 0], ['Driver', 0], ['Pool', 0], ['Age', 0]]);
  assert.deepEqual(
    cells(resourceSlicePrinter, { metadata: meta('n1-gpu-x'), spec: { nodeName: 'n1', driver: 'gpu.example.com', pool: { name: 'n1', generation: 1, resourceSliceCount: 1 } } }),
    ['n1-gpu-x', 'n1', 'gpu.example.com', 'n1', '5h'],
  );
});

test('leasecandidates, clustertrustbundles, storageversions, storageversionmigrations', () => {
  assertColumns(leaseCandidatePrinter, [['Name', 0, 'string/name'], ['LeaseName', 0], ['BinaryVersion', 0], ['EmulationVersion', 0], ['Age', 0]]);
  assert.deepEqual(
    cells(leaseCandidatePrinter, { metadata: meta('kcm-abc'), spec: { leaseName: 'kube-controller-manager', binaryVersion: '1.33.1', emulationVersion: '1.33' } }),
    ['kcm-abc', 'kube-controller-manager', '1.33.1', '1.33', '5h'],
  );
  assertColumns(clusterTrustBundlePrinter, [['Name', 0, 'string/name'], ['SignerName', 0]]);
  assert.deepEqual(cells(clusterTrustBundlePrinter, { metadata: meta('b'), spec: { trustBundle: 'pem' } }), ['b', '<none>']);
  assertColumns(storageVersionPrinter, [['Name', 0, 'string/name'], ['CommonEncodingVersion', 0], ['StorageVersions', 0], ['Age', 0]]);
  const sv = { metadata: meta('apps.deployments'), status: { commonEncodingVersion: 'apps/v1', storageVersions: [1, 2, 3, 4].map((i) => ({ apiServerID: `a${i}`, encodingVersion: 'apps/v1' })) } };
  assert.deepEqual(cells(storageVersionPrinter, sv), ['apps.deployments', 'apps/v1', 'a1=apps/v1,a2=apps/v1,a3=apps/v1 + 1 more...', '5h']);
  assert.deepEqual(cells(storageVersionPrinter, { metadata: meta('x') }).slice(1, 3), ['<unset>', '<unset>']);
  assertColumns(storageVersionMigrationPrinter, [['Name', 0], ['Resource', 0]]);
  assert.deepEqual(cells(storageVersionMigrationPrinter, { metadata: meta('m'), spec: { resource: { group: 'apps', version: 'v1', resource: 'deployments' } } }), ['m', 'deployments.v1.apps']);
});
