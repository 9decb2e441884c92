import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { actuatedStatus, canResize, inProgressStatus, pendingStatus, resizeWanted } from './kubelet-resize.js';

const node = { status: { allocatable: { cpu: '2', memory: '4Gi' } } };
const pod = (cpu: string, statusCpu = cpu, extra: Record<string, unknown> = {}) => ({
  metadata: { name: 'p', uid: 'u' },
  spec: { containers: [{ name: 'app', resources: { requests: { cpu } }, ...extra }] },
  status: {
    phase: 'Running',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [{ name: 'app', state: { running: { startedAt: 't0' } }, restartCount: 0, containerID: 'c1', resources: { requests: { cpu: statusCpu } } }],
  },
});

describe('simulated kubelet: in-place resize', () => {
  test('a resize is wanted while the spec asks for other cpu/memory than the status shows, or a resize condition is set', () => {
    assert.equal(resizeWanted(pod('100m')), false);
    assert.equal(resizeWanted(pod('0.1', '100m')), false);
    assert.equal(resizeWanted(pod('200m', '100m')), true);
    const pending = pod('100m');
    pending.status.conditions.push({ type: 'PodResizePending', status: 'True' });
    assert.equal(resizeWanted(pending), true);
  });

  test('Infeasible against allocatable, Deferred against what other pods request, with the kubelet messages', () => {
    assert.deepEqual(canResize(pod('3'), node, []), { fits: false, reason: 'Infeasible', message: "Node didn't have enough capacity: cpu, requested: 3000, capacity: 2000" });
    const big = { ...pod('100m'), spec: { containers: [{ name: 'app', resources: { requests: { memory: '5Gi' } } }] } };
    assert.deepEqual(canResize(big, node, []), { fits: false, reason: 'Infeasible', message: "Node didn't have enough capacity: memory, requested: 5368709120, capacity: 4294967296" });
    assert.deepEqual(canResize(pod('1500m'), node, [pod('700m')]), { fits: false, reason: 'Deferred', message: "Node didn't have enough resource: cpu, requested: 1500, used: 700, capacity: 2000" });
    assert.deepEqual(canResize(pod('1300m'), node, [pod('700m')]), { fits: true });
  });

  test('actuation writes the new resources, drops the resize conditions, and restarts a RestartContainer container', () => {
    const p = pod('200m', '100m');
    p.status.conditions.push({ type: 'PodResizePending', status: 'True' });
    const st = actuatedStatus(p, 't1');
    assert.deepEqual(st.conditions, [{ type: 'Ready', status: 'True' }]);
    assert.deepEqual(st.containerStatuses[0].resources, { requests: { cpu: '200m' } });
    assert.equal(st.containerStatuses[0].restartCount, 0);
    const r = actuatedStatus(pod('200m', '100m', { resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'RestartContainer' }] }), 't1');
    assert.equal(r.containerStatuses[0].restartCount, 1);
    assert.deepEqual(r.containerStatuses[0].state, { running: { startedAt: 't1' } });
    assert.deepEqual(r.containerStatuses[0].lastState, { terminated: { exitCode: 0, reason: 'Completed', startedAt: 't0', finishedAt: 't1', containerID: 'c1' } });
  });

  test('PodResizePending keeps its transition time while reason and message stay', () => {
    const p = pod('3', '100m');
    const first = pendingStatus(p, 'Deferred', 'm', 't1');
    assert.deepEqual(first.conditions[1], { type: 'PodResizePending', status: 'True', lastProbeTime: null, lastTransitionTime: 't1', reason: 'Deferred', message: 'm' });
    const again = pendingStatus({ ...p, status: first }, 'Deferred', 'm', 't2');
    assert.equal(again.conditions[1].lastTransitionTime, 't1');
    assert.equal(pendingStatus({ ...p, status: first }, 'Infeasible', 'n', 't3').conditions[1].lastTransitionTime, 't3');
  });

  test('an allocated resize replaces PodResizePending with PodResizeInProgress', () => {
    const p = pod('200m', '100m');
    p.status.conditions.push({ type: 'PodResizePending', status: 'True' });
    assert.deepEqual(inProgressStatus(p, 't1').conditions, [
      { type: 'Ready', status: 'True' },
      { type: 'PodResizeInProgress', status: 'True', lastProbeTime: null, lastTransitionTime: 't1' },
    ]);
  });
});
