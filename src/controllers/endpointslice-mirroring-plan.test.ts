import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addressType, desiredSlices, groupKey, sliceMeta, sliceUpToDate } from './endpointslice-mirroring-plan.js';

const ep = (subsets: object[], labels?: Record<string, string>) => ({ metadata: { name: 'db', namespace: 'ns', uid: 'u1', labels }, subsets });

describe('endpointslice-mirroring plan', () => {
  test('addresses are grouped by family and port set; invalid IPs are counted, not mirrored', () => {
    const plan = desiredSlices(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }, { ip: 'not-an-ip' }], notReadyAddresses: [{ ip: '10.0.0.2' }], ports: [{ port: 80, protocol: 'TCP' }] }]));
    assert.equal(plan.invalid, 1);
    assert.equal(plan.skipped, 1);
    const v4 = plan.groups.get(groupKey('IPv4', [{ port: 80, protocol: 'TCP' }]))!;
    const v6 = plan.groups.get(groupKey('IPv6', [{ port: 80, protocol: 'TCP' }]))!;
    assert.deepEqual([...v4.endpoints.values()], [{ addresses: ['10.0.0.1'], conditions: { ready: true } }, { addresses: ['10.0.0.2'], conditions: { ready: false } }]);
    assert.deepEqual([...v6.endpoints.values()], [{ addresses: ['fd00::1'], conditions: { ready: true } }]);
    assert.deepEqual(v4.ports, [{ name: '', port: 80, protocol: 'TCP' }]);
  });

  test('at most max addresses per subset, ready ones first', () => {
    const plan = desiredSlices(ep([{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }], notReadyAddresses: [{ ip: '10.0.0.3' }], ports: [] }]), 2);
    assert.equal(plan.skipped, 1);
    assert.equal(plan.invalid, 0);
    assert.deepEqual([...plan.groups.get(groupKey('IPv4', []))!.endpoints.values()].map((e) => e.addresses[0]), ['10.0.0.1', '10.0.0.2']);
  });

  test('Go parses dotted quads with leading zeros and IPv4-mapped IPv6 as IPv4', () => {
    assert.deepEqual([addressType('010.0.0.1'), addressType('::ffff:10.0.0.1'), addressType('fd00::1'), addressType('256.0.0.1'), addressType('')], ['IPv4', 'IPv4', 'IPv6', undefined, undefined]);
  });

  test('a slice is up to date with the same endpoints, labels and annotations and the same owner', () => {
    const e = ep([{ addresses: [{ ip: '10.0.0.1' }], ports: [] }], { team: 'a' });
    const desired = desiredSlices(e).groups.get(groupKey('IPv4', []))!.endpoints;
    const slice = { metadata: { ...sliceMeta(e, 'db-x'), resourceVersion: '5' }, endpoints: [...desired.values()] };
    assert.equal(sliceUpToDate(e, slice, desired), true);
    assert.equal(sliceUpToDate({ ...e, metadata: { ...e.metadata, labels: { team: 'b' } } }, slice, desired), false);
    assert.equal(sliceUpToDate({ ...e, metadata: { ...e.metadata, uid: 'u2' } }, slice, desired), false);
  });
});
