import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podPrinter } from './pod.js';
import { assertColumns, ago, cells, D, H, M, NOW, S } from './testutil.js';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: ago(2 * H + 10 * M), ...extra });
const running = { running: { startedAt: ago(H) } };

test('pod columns', () => {
  assertColumns(podPrinter, [
    ['Name', 0, 'string/name'], ['Ready', 0], ['Status', 0], ['Restarts', 0], ['Age', 0],
    ['IP', 1], ['Node', 1], ['Nominated Node', 1], ['Readiness Gates', 1],
  ]);
  assert.equal(podPrinter.columns[3]!.description, 'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.');
  assert.match(podPrinter.columns[0]!.description, /^Name must be unique within a namespace/);
  assert.match(podPrinter.columns[5]!.description, /^podIP address allocated to the pod/i);
});

test('crash-looping container restarted twice, last 5 minutes ago', () => {
  const pod = {
    apiVersion: 'v1', kind: 'Pod', metadata: meta('web-7d4b9c8f5-x2x9z'),
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx:1.27' }, { name: 'sidecar', image: 'busybox' }] },
    status: {
      phase: 'Running', podIP: '10.244.0.12', podIPs: [{ ip: '10.244.0.12' }],
      conditions: [{ type: 'Ready', status: 'False' }, { type: 'Initialized', status: 'True' }],
      containerStatuses: [
        {
          name: 'app', ready: false, restartCount: 2, started: false,
          state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 20s restarting failed container' } },
          lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: ago(5 * M + 2 * S), finishedAt: ago(5 * M) } },
        },
        { name: 'sidecar', ready: true, restartCount: 0, started: true, state: running },
      ],
    },
  };
  assert.deepEqual(cells(podPrinter, pod), ['web-7d4b9c8f5-x2x9z', '1/2', 'CrashLoopBackOff', '2 (5m ago)', '130m', '10.244.0.12', 'node-1', '<none>', '<none>']);
  assert.equal(podPrinter.row(pod, NOW).conditions, undefined);
});

test('pending pod without status prints phase and <none> placeholders', () => {
  const pod = { metadata: meta('p'), spec: { containers: [{ name: 'a' }] }, status: { phase: 'Pending' } };
  assert.deepEqual(cells(podPrinter, pod), ['p', '0/1', 'Pending', '0', '130m', '<none>', '<none>', '<none>', '<none>']);
  assert.deepEqual(cells(podPrinter, {}), ['', '0/0', '', '0', '<unknown>', '<none>', '<none>', '<none>', '<none>']);
});

test('ContainerCreating while the kubelet pulls images', () => {
  const pod = {
    metadata: meta('c'), spec: { containers: [{ name: 'a' }], nodeName: 'n1' },
    status: { phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] },
  };
  assert.equal(cells(podPrinter, pod)[2], 'ContainerCreating');
});

test('init containers: Init:x/y, Init:<reason>, Init:ExitCode and Init:Signal', () => {
  const spec = { initContainers: [{ name: 'i1' }, { name: 'i2' }], containers: [{ name: 'a' }] };
  const base = { phase: 'Pending', containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] };
  const withInit = (i2: Record<string, unknown>) => ({
    metadata: meta('i'), spec,
    status: { ...base, initContainerStatuses: [{ name: 'i1', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }, { name: 'i2', restartCount: 0, ...i2 }] },
  });
  assert.equal(cells(podPrinter, withInit({ state: running }))[2], 'Init:1/2');
  assert.equal(cells(podPrinter, withInit({ state: { waiting: { reason: 'PodInitializing' } } }))[2], 'Init:1/2');
  assert.equal(cells(podPrinter, withInit({ state: { waiting: { reason: 'ImagePullBackOff' } } }))[2], 'Init:ImagePullBackOff');
  assert.equal(cells(podPrinter, withInit({ state: { terminated: { exitCode: 3 } } }))[2], 'Init:ExitCode:3');
  assert.equal(cells(podPrinter, withInit({ state: { terminated: { exitCode: 137, signal: 9 } } }))[2], 'Init:Signal:9');
  assert.equal(cells(podPrinter, withInit({ state: { terminated: { exitCode: 1, reason: 'Error' } } }))[2], 'Init:Error');
  // while initializing, restarts count every init container; the (ago) suffix uses the latest finishedAt
  const restarting = withInit({ restartCount: 3, state: running, lastState: { terminated: { exitCode: 1, finishedAt: ago(10 * S) } } });
  assert.deepEqual(cells(podPrinter, restarting).slice(1, 4), ['0/1', 'Init:1/2', '3 (10s ago)']);
});

test('restartable (sidecar) init containers count toward READY and RESTARTS', () => {
  const pod = {
    metadata: meta('s'),
    spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }, { name: 'setup' }], containers: [{ name: 'app' }] },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Initialized', status: 'True' }, { type: 'Ready', status: 'True' }],
      initContainerStatuses: [
        { name: 'proxy', ready: true, started: true, restartCount: 1, state: running, lastState: { terminated: { exitCode: 1, finishedAt: ago(3 * D) } } },
        { name: 'setup', ready: false, restartCount: 4, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
      ],
      containerStatuses: [{ name: 'app', ready: true, restartCount: 2, state: running, lastState: { terminated: { exitCode: 2, finishedAt: ago(20 * M) } } }],
    },
  };
  // the completed regular init container's 4 restarts are dropped once the pod is initialized
  assert.deepEqual(cells(podPrinter, pod).slice(1, 4), ['2/2', 'Running', '3 (20m ago)']);
});

test('terminated containers: Completed with row condition, Error, ExitCode and Signal', () => {
  const term = (t: Record<string, unknown>, phase: string) => ({
    metadata: meta('t'), spec: { containers: [{ name: 'a' }] },
    status: { phase, containerStatuses: [{ name: 'a', ready: false, restartCount: 0, state: { terminated: t } }] },
  });
  const done = podPrinter.row(term({ exitCode: 0, reason: 'Completed' }, 'Succeeded'), NOW);
  assert.deepEqual(done.cells.slice(1, 4), ['0/1', 'Completed', '0']);
  assert.deepEqual(done.conditions, [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }]);
  const failed = podPrinter.row(term({ exitCode: 1, reason: 'Error' }, 'Failed'), NOW);
  assert.equal(failed.cells[2], 'Error');
  assert.deepEqual(failed.conditions, [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
  assert.equal(cells(podPrinter, term({ exitCode: 2 }, 'Failed'))[2], 'ExitCode:2');
  assert.equal(cells(podPrinter, term({ exitCode: 143, signal: 15 }, 'Failed'))[2], 'Signal:15');
});

test('Completed container next to a running one shows Running or NotReady', () => {
  const pod = (ready: string) => ({
    metadata: meta('m'), spec: { containers: [{ name: 'a' }, { name: 'b' }] },
    status: {
      phase: 'Running', conditions: [{ type: 'Ready', status: ready }],
      containerStatuses: [
        { name: 'a', ready: true, restartCount: 3, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'b', ready: true, restartCount: 3, state: running },
      ],
    },
  });
  assert.deepEqual(cells(podPrinter, pod('True')).slice(1, 4), ['1/2', 'Running', '6']);
  assert.deepEqual(cells(podPrinter, pod('False')).slice(1, 4), ['1/2', 'NotReady', '6']);
});

test('Terminating, NodeLost, SchedulingGated, Evicted and pod-level reason', () => {
  const del = { deletionTimestamp: ago(10 * S), deletionGracePeriodSeconds: 30 };
  const running1 = { name: 'a', ready: true, restartCount: 0, state: running };
  const p = (m: Record<string, unknown>, status: Record<string, unknown>) => ({ metadata: meta('x', m), spec: { containers: [{ name: 'a' }] }, status });
  assert.equal(cells(podPrinter, p(del, { phase: 'Running', containerStatuses: [running1] }))[2], 'Terminating');
  assert.equal(cells(podPrinter, p(del, { phase: 'Pending' }))[2], 'Terminating');
  assert.equal(cells(podPrinter, p(del, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running1] }))[2], 'Unknown');
  assert.equal(cells(podPrinter, p({}, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running1] }))[2], 'NodeLost');
  const succeededDeleting = podPrinter.row(p(del, { phase: 'Succeeded', containerStatuses: [{ name: 'a', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }), NOW);
  assert.equal(succeededDeleting.cells[2], 'Completed');
  assert.equal(succeededDeleting.conditions?.length, 1);
  assert.equal(cells(podPrinter, p({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }))[2], 'SchedulingGated');
  assert.equal(cells(podPrinter, p({}, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }))[2], 'Evicted');
});

test('wide cells: podIP wins over podIPs, nominated node, readiness gates', () => {
  const pod = {
    metadata: meta('w'),
    spec: { containers: [{ name: 'a' }], readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }] },
    status: {
      phase: 'Pending', nominatedNodeName: 'node-2', podIPs: [{ ip: 'fd00::5' }, { ip: '10.0.0.5' }],
      conditions: [{ type: 'example.com/lb', status: 'True' }, { type: 'example.com/dns', status: 'False' }],
    },
  };
  assert.deepEqual(cells(podPrinter, pod).slice(5), ['fd00::5', '<none>', 'node-2', '1/2']);
  assert.equal(cells(podPrinter, { ...pod, status: { ...pod.status, podIP: '10.0.0.9' } })[5], '10.0.0.9');
});
