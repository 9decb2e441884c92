import { test } from 'node:test';
import assert from 'node:assert/strict';
import { controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './apps.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import { leasePrinter } from './misc.js';
import { assertColumns, ago, cells, D, H, M, S } from './testutil.js';

const meta = (name: string, extra: Record<string, unknown> = {}) => ({ name, namespace: 'default', creationTimestamp: ago(45 * M), ...extra });
const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }, { name: 'log', image: 'busybox:1.36' }] } };

test('deployments', () => {
  assertColumns(deploymentPrinter, [
    ['Name', 0, 'string/name'], ['Ready', 0], ['Up-to-date', 0], ['Available', 0], ['Age', 0], ['Containers', 1], ['Images', 1], ['Selector', 1],
  ]);
  const dep = {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta('web'),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template },
    status: { replicas: 3, updatedReplicas: 3, readyReplicas: 2, availableReplicas: 2, observedGeneration: 1 },
  };
  assert.deepEqual(cells(deploymentPrinter, dep), ['web', '2/3', 3, 2, '45m', 'nginx,log', 'nginx:1.27,busybox:1.36', 'app=web']);
  // fresh object without status; an empty selector prints as an empty string for deployments
  assert.deepEqual(cells(deploymentPrinter, { metadata: meta('new'), spec: { replicas: 1, selector: {}, template } }), ['new', '0/1', 0, 0, '45m', 'nginx,log', 'nginx:1.27,busybox:1.36', '']);
  assert.equal(cells(deploymentPrinter, { metadata: meta('bad'), spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Nope' }] } } })[7], '<invalid>');
});

test('replicasets', () => {
  assertColumns(replicaSetPrinter, [
    ['Name', 0, 'string/name'], ['Desired', 0, 'integer'], ['Current', 0, 'integer'], ['Ready', 0, 'integer'], ['Age', 0],
    ['Containers', 1], ['Images', 1], ['Selector', 1],
  ]);
  const rs = {
    metadata: meta('web-7d4b9c8f5'),
    spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '7d4b9c8f5' } }, template },
    status: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3 },
  };
  assert.deepEqual(cells(replicaSetPrinter, rs), ['web-7d4b9c8f5', 3, 3, 3, '45m', 'nginx,log', 'nginx:1.27,busybox:1.36', 'app=web,pod-template-hash=7d4b9c8f5']);
  assert.deepEqual(cells(replicaSetPrinter, { metadata: meta('old'), spec: { replicas: 0, selector: { matchLabels: { a: 'b' } } }, status: { replicas: 0 } }).slice(0, 4), ['old', 0, 0, 0]);
});

test('statefulsets', () => {
  assertColumns(statefulSetPrinter, [['Name', 0, 'string/name'], ['Ready', 0], ['Age', 0], ['Containers', 1], ['Images', 1]]);
  assert.deepEqual(
    cells(statefulSetPrinter, { metadata: meta('db'), spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template }, status: { replicas: 3, readyReplicas: 1 } }),
    ['db', '1/3', '45m', 'nginx,log', 'nginx:1.27,busybox:1.36'],
  );
});

test('daemonsets', () => {
  assertColumns(daemonSetPrinter, [
    ['Name', 0, 'string/name'], ['Desired', 0, 'integer'], ['Current', 0, 'integer'], ['Ready', 0, 'integer'], ['Up-to-date', 0, 'integer'],
    ['Available', 0, 'integer'], ['Node Selector', 0], ['Age', 0], ['Containers', 1], ['Images', 1], ['Selector', 1],
  ]);
  const ds = {
    metadata: meta('kube-proxy'),
    spec: {
      selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
      template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.33.1' }] } },
    },
    status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0 },
  };
  assert.deepEqual(cells(daemonSetPrinter, ds), [
    'kube-proxy', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '45m', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.33.1', 'k8s-app=kube-proxy',
  ]);
});

test('controllerrevisions', () => {
  assertColumns(controllerRevisionPrinter, [['Name', 0, 'string/name'], ['Controller', 0], ['Revision', 0], ['Age', 0]]);
  const cr = {
    metadata: meta('db-5f8d7c6b9', { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u', controller: true, blockOwnerDeletion: true }] }),
    revision: 2, data: {},
  };
  assert.deepEqual(cells(controllerRevisionPrinter, cr), ['db-5f8d7c6b9', 'statefulset.apps/db', 2, '45m']);
  const core = { metadata: meta('x', { ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', controller: true }] }), revision: 1 };
  assert.equal(cells(controllerRevisionPrinter, core)[1], 'pod/p');
  assert.equal(cells(controllerRevisionPrinter, { metadata: meta('orphan'), revision: 1 })[1], '<none>');
});

test('jobs: status, completions, duration', () => {
  assertColumns(jobPrinter, [
    ['Name', 0, 'string/name'], ['Status', 0], ['Completions', 0], ['Duration', 0], ['Age', 0], ['Containers', 1], ['Images', 1], ['Selector', 1],
  ]);
  const selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': 'abc' } };
  const tpl = { spec: { containers: [{ name: 'pi', image: 'perl:5.34' }], restartPolicy: 'Never' } };
  const complete = {
    metadata: meta('pi'), spec: { completions: 1, parallelism: 1, backoffLimit: 4, selector, template: tpl },
    status: {
      startTime: ago(44 * M), completionTime: ago(44 * M - 17 * S), succeeded: 1,
      conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }, { type: 'Complete', status: 'True' }],
    },
  };
  assert.deepEqual(cells(jobPrinter, complete), ['pi', 'Complete', '1/1', '17s', '45m', 'pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=abc']);
  const runningJob = { metadata: meta('work'), spec: { parallelism: 3, selector, template: tpl }, status: { startTime: ago(3 * M + 20 * S), active: 3, succeeded: 1 } };
  assert.deepEqual(cells(jobPrinter, runningJob).slice(0, 4), ['work', 'Running', '1/1 of 3', '3m20s']);
  const failed = { metadata: meta('f'), spec: { completions: 5, template: tpl }, status: { startTime: ago(D), conditions: [{ type: 'FailureTarget', status: 'True' }, { type: 'Failed', status: 'True' }] } };
  assert.deepEqual(cells(jobPrinter, failed).slice(1, 4), ['Failed', '0/5', '24h']);
  assert.equal(cells(jobPrinter, { metadata: meta('s'), spec: {}, status: { conditions: [{ type: 'Suspended', status: 'True' }] } })[1], 'Suspended');
  assert.equal(cells(jobPrinter, { metadata: meta('ft'), status: { conditions: [{ type: 'FailureTarget', status: 'True' }] } })[1], 'FailureTarget');
  assert.equal(cells(jobPrinter, { metadata: meta('d', { deletionTimestamp: ago(S) }), status: { conditions: [{ type: 'Suspended', status: 'True' }] } })[1], 'Terminating');
  assert.deepEqual(cells(jobPrinter, { metadata: meta('new') }).slice(1, 4), ['Running', '0/1', '']);
});

test('cronjobs', () => {
  assertColumns(cronJobPrinter, [
    ['Name', 0, 'string/name'], ['Schedule', 0], ['Timezone', 0], ['Suspend', 0, 'boolean'], ['Active', 0, 'integer'], ['Last Schedule', 0], ['Age', 0],
    ['Containers', 1], ['Images', 1], ['Selector', 1],
  ]);
  const cj = {
    metadata: meta('hello'),
    spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: { spec: { containers: [{ name: 'hello', image: 'busybox' }] } } } } },
    status: { active: [{ name: 'hello-29100000' }], lastScheduleTime: ago(2 * M) },
  };
  assert.deepEqual(cells(cronJobPrinter, cj), ['hello', '*/5 * * * *', '<none>', 'False', 1, '2m', '45m', 'hello', 'busybox', '<none>']);
  const tz = { metadata: meta('tz'), spec: { schedule: '0 3 * * *', timeZone: 'Etc/UTC', suspend: true } };
  assert.deepEqual(cells(cronJobPrinter, tz).slice(1, 6), ['0 3 * * *', 'Etc/UTC', 'True', 0, '<none>']);
  assert.equal(cells(cronJobPrinter, { metadata: meta('u'), spec: { schedule: '@daily' } })[3], '<unset>');
});

test('coordination leases', () => {
  assertColumns(leasePrinter, [['Name', 0, 'string/name'], ['Holder', 0], ['Age', 0]]);
  assert.deepEqual(
    cells(leasePrinter, { metadata: meta('kube-controller-manager', { creationTimestamp: ago(26 * H) }), spec: { holderIdentity: 'cp_1c2d', leaseDurationSeconds: 15, renewTime: ago(S) } }),
    ['kube-controller-manager', 'cp_1c2d', '26h'],
  );
  assert.deepEqual(cells(leasePrinter, { metadata: meta('free'), spec: {} }), ['free', '', '45m']);
});
