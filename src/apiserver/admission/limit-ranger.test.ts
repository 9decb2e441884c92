import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyDefaults, claimViolations, podViolations } from './limit-ranger.js';

const lr = (limits: object[]) => ({ metadata: { name: 'lr' }, spec: { limits } });
const pod = (containers: object[], initContainers?: object[]) => ({ metadata: { name: 'p' }, spec: { containers, ...(initContainers ? { initContainers } : {}) } });

test('defaults fill only what a container lacks, noted per container in the annotation', () => {
  const p = pod([{ name: 'a', resources: { limits: { cpu: '2' }, requests: { cpu: '2' } } }, { name: 'b' }], [{ name: 'i' }]);
  assert.equal(applyDefaults(p, [lr([{ type: 'Container', default: { cpu: '1', memory: '1Gi' }, defaultRequest: { cpu: '500m', memory: '512Mi' } }])]), true);
  assert.deepEqual(p.spec.containers[0], { name: 'a', resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '2', memory: '512Mi' } } });
  assert.equal(
    (p.metadata as unknown as { annotations: Record<string, string> }).annotations['kubernetes.io/limit-ranger'],
    'LimitRanger plugin set: memory request for container a; memory limit for container a; cpu, memory request for container b; cpu, memory limit for container b; cpu, memory request for init container i; cpu, memory limit for init container i',
  );
  assert.equal(applyDefaults(pod([{ name: 'c' }]), [lr([{ type: 'Pod', max: { cpu: '1' } }])]), false);
});

test('container min, max and ratio messages as upstream', () => {
  const range = lr([{ type: 'Container', min: { cpu: '100m' }, max: { memory: '1Gi' }, maxLimitRequestRatio: { cpu: '2' } }]);
  assert.deepEqual(podViolations(pod([{ name: 'a', resources: { limits: { cpu: '1', memory: '2Gi' }, requests: { cpu: '50m', memory: '2Gi' } } }]), range), [
    'minimum cpu usage per Container is 100m, but request is 50m',
    'maximum memory usage per Container is 1Gi, but limit is 2Gi',
    'cpu max limit to request ratio per Container is 2, but provided ratio is 20.000000',
  ]);
  assert.deepEqual(podViolations(pod([{ name: 'a' }]), range), [
    'minimum cpu usage per Container is 100m.  No request is specified',
    'maximum memory usage per Container is 1Gi.  No limit is specified',
    'cpu max limit to request ratio per Container is 2, but no request is specified or request is 0',
  ]);
});

test('Pod limits sum the containers; claims are held to min and max of their storage request', () => {
  const range = lr([{ type: 'Pod', max: { cpu: '1' } }]);
  const twoHalves = (cpu: string) => ({ name: cpu, resources: { limits: { cpu }, requests: { cpu } } });
  assert.deepEqual(podViolations(pod([twoHalves('600m'), twoHalves('500m')]), range), ['maximum cpu usage per Pod is 1, but limit is 1100m']);
  const claims = lr([{ type: 'PersistentVolumeClaim', min: { storage: '1Gi' }, max: { storage: '10Gi' } }]);
  assert.deepEqual(claimViolations({ metadata: { name: 'c' }, spec: { resources: { requests: { storage: '500Mi' } } } }, claims), ['minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi']);
  assert.deepEqual(claimViolations({ metadata: { name: 'c' }, spec: { resources: { requests: { storage: '20Gi' } } } }, claims), ['maximum storage usage per PersistentVolumeClaim is 10Gi, but request is 20Gi']);
});
