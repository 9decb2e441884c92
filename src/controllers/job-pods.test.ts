import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { matchPodFailurePolicy, podForJob } from './job-pods.js';
import { backoffRemainingMs, manageJob } from './job-manage.js';

const job = (spec: KObject, name = 'work'): KObject => ({
  metadata: { name, namespace: 'ns', uid: 'job-uid' },
  spec: { parallelism: 1, completionMode: 'NonIndexed', template: { metadata: { labels: { app: 'x' } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }], initContainers: [{ name: 'i', image: 'busybox', env: [{ name: 'JOB_COMPLETION_INDEX', value: 'mine' }] }] } }, ...spec },
});

describe('pods a job creates', () => {
  test('a NonIndexed pod: generateName, tracking finalizer, controller owner reference, template labels', () => {
    const p = podForJob(job({}));
    assert.equal(p.metadata.generateName, 'work-');
    assert.deepEqual(p.metadata.finalizers, ['batch.kubernetes.io/job-tracking']);
    assert.deepEqual(p.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'work', uid: 'job-uid', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(p.metadata.labels, { app: 'x' });
    assert.equal(p.spec.hostname, undefined);
  });

  test('an Indexed pod: index annotation and label, JOB_COMPLETION_INDEX env unless set, hostname', () => {
    const p = podForJob(job({ completionMode: 'Indexed', completions: 3 }), 2);
    assert.equal(p.metadata.generateName, 'work-2-');
    assert.equal(p.metadata.annotations['batch.kubernetes.io/job-completion-index'], '2');
    assert.equal(p.metadata.labels['batch.kubernetes.io/job-completion-index'], '2');
    assert.equal(p.spec.hostname, 'work-2');
    assert.deepEqual(p.spec.containers[0].env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } }]);
    assert.deepEqual(p.spec.initContainers[0].env, [{ name: 'JOB_COMPLETION_INDEX', value: 'mine' }]);
  });

  test('a long job name is cut so the generated name fits 63 characters', () => {
    const p = podForJob(job({ completionMode: 'Indexed', completions: 20 }, 'a'.repeat(63)), 12);
    assert.equal(p.metadata.generateName, `${'a'.repeat(54)}-12-`);
  });

  test('backoffLimitPerIndex: the replacement carries the failure count forward', () => {
    const j = job({ completionMode: 'Indexed', completions: 2, backoffLimitPerIndex: 3 });
    assert.equal(podForJob(j, 0).metadata.annotations['batch.kubernetes.io/job-index-failure-count'], '0');
    const failed = { metadata: { annotations: { 'batch.kubernetes.io/job-index-failure-count': '1' } }, status: { phase: 'Failed' } };
    assert.equal(podForJob(j, 0, failed).metadata.annotations['batch.kubernetes.io/job-index-failure-count'], '2');
  });
});

describe('podFailurePolicy matching', () => {
  const failed = (exitCode: number, conditions: KObject[] = []) => ({ metadata: { name: 'p', namespace: 'ns' }, status: { phase: 'Failed', conditions, containerStatuses: [{ name: 'c', state: { terminated: { exitCode } } }] } });
  test('first matching rule wins; exit code 0 never matches', () => {
    const policy = { rules: [{ action: 'Count', onExitCodes: { operator: 'NotIn', values: [5] } }, { action: 'FailJob', onExitCodes: { operator: 'In', values: [5] } }] };
    assert.deepEqual(matchPodFailurePolicy(policy, failed(3)), { countFailed: true, action: 'Count' });
    assert.deepEqual(matchPodFailurePolicy(policy, failed(5)), { countFailed: true, action: 'FailJob', message: 'Container c for pod ns/p failed with exit code 5 matching FailJob rule at index 1' });
    assert.deepEqual(matchPodFailurePolicy(policy, failed(0)), { countFailed: true });
  });
  test('pod conditions (status defaults to True) and Ignore', () => {
    const policy = { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }, { action: 'FailJob', onPodConditions: [{ type: 'ConfigIssue', status: 'True' }] }] };
    assert.deepEqual(matchPodFailurePolicy(policy, failed(1, [{ type: 'DisruptionTarget', status: 'True' }])), { countFailed: false, action: 'Ignore' });
    assert.equal(matchPodFailurePolicy(policy, failed(1, [{ type: 'ConfigIssue', status: 'True' }])).message, 'Pod ns/p has condition ConfigIssue matching FailJob rule at index 1');
  });
});

describe('manageJob', () => {
  const ops = () => {
    const made: KObject[] = [];
    const removed: KObject[] = [];
    let later: number | undefined;
    return {
      made,
      removed,
      later: () => later,
      ops: {
        create: async (n: number, make: (i: number) => KObject) => Array.from({ length: n }, (_, i) => (made.push(make(i)), make(i))),
        remove: async (ps: KObject[]) => (removed.push(...ps), ps),
        later: (ms: number) => void (later = ms),
      },
    };
  };
  const base = { pods: [], active: [], succeeded: 0, succeededIdx: new Set<number>(), failedIdx: new Set<number>(), terminating: 0 };
  const running = (ix?: number): KObject => ({ metadata: { name: `r${ix}`, creationTimestamp: '2026-01-01T00:00:00Z', annotations: ix === undefined ? {} : { 'batch.kubernetes.io/job-completion-index': String(ix) } }, status: { phase: 'Running' } });

  test('never more than parallelism, never more than the remaining completions', async () => {
    const o = ops();
    await manageJob({ ...base, job: job({ completions: 5, parallelism: 3 }), succeeded: 3 }, o.ops);
    assert.equal(o.made.length, 2);
    const o2 = ops();
    const r = await manageJob({ ...base, job: job({ completions: 5, parallelism: 1 }), active: [running(), running()] }, o2.ops);
    assert.equal(o2.removed.length, 1);
    assert.equal(r.active.length, 1);
  });

  test('no completions (work queue): once one pod succeeded, no more are started', async () => {
    const o = ops();
    await manageJob({ ...base, job: job({ parallelism: 3 }), succeeded: 1, active: [running()] }, o.ops);
    assert.equal(o.made.length, 0);
  });

  test('Indexed: the lowest free indexes; duplicates and finished indexes removed', async () => {
    const o = ops();
    const dup = [running(1), running(1)];
    await manageJob({ ...base, job: job({ completionMode: 'Indexed', completions: 5, parallelism: 3 }), active: [...dup, running(0)], succeededIdx: new Set([0, 2]) }, o.ops);
    assert.equal(o.removed.length, 2);
    assert.deepEqual(o.made.map((p) => p.metadata.annotations['batch.kubernetes.io/job-completion-index']), ['3', '4']);
  });

  test('suspended: every active pod is removed and none created', async () => {
    const o = ops();
    const r = await manageJob({ ...base, job: job({ suspend: true, parallelism: 2 }), active: [running(), running()] }, o.ops);
    assert.deepEqual([o.removed.length, o.made.length, r.active.length], [2, 0, 0]);
  });

  test('after failures replacements wait 10 s, doubling per failure since the last success', async () => {
    const at = (s: number, phase: string) => ({ metadata: { creationTimestamp: '2026-01-01T00:00:00Z' }, status: { phase, containerStatuses: [{ state: { terminated: { finishedAt: new Date(Date.parse('2026-01-01T00:00:00Z') + s * 1000).toISOString() } } }] } });
    const j = job({ completions: 3 });
    const t0 = Date.parse('2026-01-01T00:00:00Z');
    assert.equal(backoffRemainingMs(j, [at(1, 'Failed')], t0 + 1000), 10_000);
    assert.equal(backoffRemainingMs(j, [at(1, 'Failed'), at(2, 'Failed')], t0 + 2000), 20_000);
    assert.equal(backoffRemainingMs(j, [at(1, 'Failed'), at(2, 'Succeeded'), at(3, 'Failed')], t0 + 3000), 10_000);
    const o = ops();
    const justFailed = { metadata: {}, status: { phase: 'Failed', containerStatuses: [{ state: { terminated: { finishedAt: new Date().toISOString() } } }] } };
    await manageJob({ ...base, job: j, pods: [justFailed] }, o.ops);
    assert.equal(o.made.length, 0);
    assert.ok(o.later()! > 0 && o.later()! <= 10_000);
  });
});
