// TaintNodesByCondition and StorageObjectInUseProtection admission with the pvc-protection and pv-protection
// controllers, through real kubectl: new nodes start not-ready-tainted, claims and volumes in use stay
// Terminating with their finalizer until nothing uses them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startTestCluster, table, type TestCluster } from '../testing/harness.js';
import { eventually } from '../testing/eventually.js';

const claim = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, storageClassName: '', ...extra } });
const volume = (name: string, claimRef?: Record<string, string>) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name }, spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], persistentVolumeReclaimPolicy: 'Retain', storageClassName: '', hostPath: { path: `/tmp/${name}` }, ...(claimRef ? { claimRef } : {}) } });
const podUsing = (name: string, claimName: string, nodeName?: string) =>
  JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name }, spec: { ...(nodeName ? { nodeName } : {}), containers: [{ name: 'c', image: 'nginx' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName } }] } });

describe('storage protection and node taints (API-test controllers)', () => {
  let c: TestCluster;
  const exists = async (args: string[]) => (await c.kubectl(['get', ...args, '-o', 'name'])).code === 0;
  const json = async (args: string[]) => JSON.parse(await c.k(['get', ...args, '-o', 'json']));

  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c?.cleanup();
  });

  test('a node created with kubectl carries the not-ready:NoSchedule taint; one already there is not doubled', async () => {
    assert.equal((await c.k(['create', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } }) })).trim(), 'node/n1 created');
    assert.equal(await c.k(['get', 'node', 'n1', '-o', 'jsonpath={.spec.taints}']), '[{"effect":"NoSchedule","key":"node.kubernetes.io/not-ready"}]');
    const own = { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n2' }, spec: { taints: [{ key: 'dedicated', value: 'db', effect: 'NoExecute' }, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }] } };
    await c.k(['create', '-f', '-'], { stdin: JSON.stringify(own) });
    assert.equal(await c.k(['get', 'node', 'n2', '-o', 'jsonpath={.spec.taints}']), '[{"effect":"NoExecute","key":"dedicated","value":"db"},{"effect":"NoSchedule","key":"node.kubernetes.io/not-ready"}]');
    // dry run shows the taint too: admission runs before the write
    const dry = JSON.parse(await c.k(['create', '--dry-run=server', '-o', 'json', '-f', '-'], { stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n3' } }) }));
    assert.deepEqual(dry.spec.taints, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  });

  test('new claims and volumes get their protection finalizers', async () => {
    await c.k(['create', '-f', '-'], { stdin: claim('fin') });
    assert.deepEqual((await json(['pvc', 'fin'])).metadata.finalizers, ['kubernetes.io/pvc-protection']);
    await c.k(['create', '-f', '-'], { stdin: volume('fin-pv') });
    assert.deepEqual((await json(['pv', 'fin-pv'])).metadata.finalizers, ['kubernetes.io/pv-protection']);
  });

  test('a claim used by a scheduled pod stays Terminating with its finalizer until the pod is deleted, then disappears', async () => {
    await c.k(['create', '-f', '-'], { stdin: claim('data') });
    await c.k(['create', '-f', '-'], { stdin: podUsing('user', 'data', 'n1') });
    assert.equal((await c.k(['delete', 'pvc', 'data', '--wait=false'])).trim(), 'persistentvolumeclaim "data" deleted');
    await sleep(700);
    const held = await json(['pvc', 'data']);
    assert.ok(held.metadata.deletionTimestamp, 'no deletionTimestamp');
    assert.deepEqual(held.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    assert.equal(table(await c.k(['get', 'pvc', 'data']))[1]![1], 'Terminating');
    await c.k(['delete', 'pod', 'user', '--grace-period=0', '--force']);
    await eventually('the claim to go', async () => !(await exists(['pvc', 'data'])));
  });

  test('a claim only named by an unscheduled pod is not held', async () => {
    await c.k(['create', '-f', '-'], { stdin: claim('loose') });
    await c.k(['create', '-f', '-'], { stdin: podUsing('pending', 'loose') });
    await c.k(['delete', 'pvc', 'loose', '--wait=false']);
    await eventually('the claim to go', async () => !(await exists(['pvc', 'loose'])));
  });

  test('a claim whose finalizer was taken off gets it back from the controller', async () => {
    await c.k(['create', '-f', '-'], { stdin: claim('bare') });
    await c.k(['patch', 'pvc', 'bare', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    await eventually('the controller to add the finalizer back', async () => JSON.stringify((await json(['pvc', 'bare'])).metadata.finalizers) === '["kubernetes.io/pvc-protection"]');
  });

  test('a Bound volume stays Terminating until it is no longer Bound', async () => {
    await c.k(['create', '-f', '-'], { stdin: volume('bound-pv') });
    await c.k(['patch', 'pv', 'bound-pv', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Bound"}}']);
    assert.equal((await c.k(['delete', 'pv', 'bound-pv', '--wait=false'])).trim(), 'persistentvolume "bound-pv" deleted');
    await sleep(700);
    const held = await json(['pv', 'bound-pv']);
    assert.ok(held.metadata.deletionTimestamp);
    assert.deepEqual(held.metadata.finalizers, ['kubernetes.io/pv-protection']);
    assert.equal(table(await c.k(['get', 'pv', 'bound-pv']))[1]![4], 'Terminating');
    await c.k(['patch', 'pv', 'bound-pv', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Released"}}']);
    await eventually('the volume to go', async () => !(await exists(['pv', 'bound-pv'])));
  });
});

describe('storage protection with every controller', () => {
  let c: TestCluster;
  const exists = async (args: string[]) => (await c.kubectl(['get', ...args, '-o', 'name'])).code === 0;

  before(async () => {
    c = await startTestCluster({ name: 'prot', controllers: '*' });
  });
  after(async () => {
    await c?.cleanup();
  });

  test('the controllers report health under their upstream names', async () => {
    const ready = (await c.k(['get', '--raw', '/readyz?verbose'])).split('\n');
    for (const line of ['[+]persistentvolumeclaim-protection-controller ok', '[+]persistentvolume-protection-controller ok']) assert.ok(ready.includes(line), `${line} in:\n${ready.join('\n')}`);
  });

  test('the simulated node loses its not-ready taint as soon as it is Ready', async () => {
    await eventually('the node to be untainted and Ready', async () => (await c.k(['get', 'node', 'prot-control-plane', '-o', 'jsonpath={.spec.taints}{"/"}{.status.conditions[?(@.type=="Ready")].status}'])) === '/True', 10_000);
  });

  test('a volume bound to a claim in use is held until the pod and the claim are gone, then the binder releases it and it goes', async () => {
    await c.k(['create', '-f', '-'], { stdin: volume('held-pv') });
    await c.k(['create', '-f', '-'], { stdin: claim('held', { volumeName: 'held-pv' }) });
    await eventually('the claim to be Bound', async () => (await c.k(['get', 'pvc', 'held', '-o', 'jsonpath={.status.phase}'])) === 'Bound');
    await c.k(['create', '-f', '-'], { stdin: podUsing('holder', 'held') });
    await eventually('the pod to run', async () => (await c.k(['get', 'pod', 'holder', '-o', 'jsonpath={.status.phase}'])) === 'Running');
    await c.k(['delete', 'pv', 'held-pv', '--wait=false']);
    await c.k(['delete', 'pvc', 'held', '--wait=false']);
    await sleep(700);
    assert.equal(await c.k(['get', 'pv', 'held-pv', '-o', 'jsonpath={.status.phase}{" "}{.metadata.finalizers}']), 'Bound ["kubernetes.io/pv-protection"]');
    assert.equal(await c.k(['get', 'pvc', 'held', '-o', 'jsonpath={.status.phase}{" "}{.metadata.finalizers}']), 'Bound ["kubernetes.io/pvc-protection"]');
    await c.k(['delete', 'pod', 'holder']);
    await eventually('the claim to go', async () => !(await exists(['pvc', 'held'])));
    await eventually('the volume to go', async () => !(await exists(['pv', 'held-pv'])));
  });
});

describe('storage protection without controllers (--controllers none, as envtest)', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster({ controllers: 'none' });
  });
  after(async () => {
    await c?.cleanup();
  });

  test('admission still adds the finalizer, so a deleted claim stays Terminating until the finalizer is taken off', async () => {
    await c.k(['create', '-f', '-'], { stdin: claim('stuck') });
    await c.k(['delete', 'pvc', 'stuck', '--wait=false']);
    await sleep(300);
    assert.equal(table(await c.k(['get', 'pvc', 'stuck']))[1]![1], 'Terminating');
    await c.k(['patch', 'pvc', 'stuck', '--type=merge', '-p', '{"metadata":{"finalizers":null}}']);
    assert.equal((await c.kubectl(['get', 'pvc', 'stuck'])).stderr.trim(), 'Error from server (NotFound): persistentvolumeclaims "stuck" not found');
  });
});
