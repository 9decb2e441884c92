import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { evaluateJob } from './job-evaluate.js';
import { hasFinalizer } from './job-pods.js';

const NOW = Date.parse('2026-01-01T00:00:00Z');
let n = 0;
function pod(phase: string, extra: { index?: number; exitCode?: number; finalizer?: boolean; restarts?: number; annotations?: Record<string, string>; deleted?: boolean } = {}): KObject {
  const annotations: Record<string, string> = { ...extra.annotations };
  if (extra.index !== undefined) annotations['batch.kubernetes.io/job-completion-index'] = String(extra.index);
  return {
    metadata: { name: `p${++n}`, namespace: 'ns', uid: `uid-${n}`, annotations, finalizers: extra.finalizer === false ? [] : ['batch.kubernetes.io/job-tracking'], creationTimestamp: '2026-01-01T00:00:00Z', ...(extra.deleted ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}) },
    status: { phase, containerStatuses: [{ name: 'work', restartCount: extra.restarts ?? 0, state: extra.exitCode === undefined ? { running: {} } : { terminated: { exitCode: extra.exitCode } } }] },
  };
}
const job = (spec: KObject, status: KObject = {}): KObject => ({
  metadata: { name: 'j', namespace: 'ns', uid: 'job-uid' },
  spec: { parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', podReplacementPolicy: 'TerminatingOrFailed', template: { spec: { restartPolicy: 'Never' } }, ...spec },
  status,
});
const conds = (s: KObject) => (s.conditions ?? []).map((c: KObject) => [c.type, c.reason, c.message]);

describe('job evaluation (upstream syncJob counting and criteria)', () => {
  test('counts = recorded + uncounted + newly finished pods still holding the finalizer', () => {
    const pods = [pod('Succeeded'), pod('Succeeded', { finalizer: false }), pod('Failed', { exitCode: 1 }), pod('Running')];
    const e = evaluateJob(job({ completions: 5 }, { succeeded: 2, uncountedTerminatedPods: { succeeded: ['gone'] } }), pods, hasFinalizer, NOW);
    assert.equal(e.succeeded, 2 + 1 + 1);
    assert.equal(e.failed, 1);
    assert.equal(e.finishing, undefined);
    assert.equal(e.status.startTime, '2026-01-01T00:00:00Z');
  });

  test('a deleted pod that never succeeded counts as failed unless podReplacementPolicy is Failed', () => {
    assert.equal(evaluateJob(job({}), [pod('Running', { deleted: true })], hasFinalizer, NOW).failed, 1);
    assert.equal(evaluateJob(job({ podReplacementPolicy: 'Failed' }), [pod('Running', { deleted: true })], hasFinalizer, NOW).failed, 0);
  });

  test('more failures than backoffLimit: FailureTarget BackoffLimitExceeded', () => {
    const e = evaluateJob(job({ backoffLimit: 1 }), [pod('Failed', { exitCode: 1 }), pod('Failed', { exitCode: 1 })], hasFinalizer, NOW);
    assert.deepEqual(conds(e.status), [['FailureTarget', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit']]);
    assert.equal(e.finishing?.type, 'FailureTarget');
    assert.equal(evaluateJob(job({ backoffLimit: 2 }), [pod('Failed', { exitCode: 1 }), pod('Failed', { exitCode: 1 })], hasFinalizer, NOW).finishing, undefined);
  });

  test('OnFailure: container restarts of running pods count against backoffLimit', () => {
    const onFailure = (limit: number) => job({ backoffLimit: limit, template: { spec: { restartPolicy: 'OnFailure' } } });
    assert.equal(evaluateJob(onFailure(2), [pod('Running', { restarts: 2 })], hasFinalizer, NOW).finishing?.reason, 'BackoffLimitExceeded');
    assert.equal(evaluateJob(onFailure(3), [pod('Running', { restarts: 2 })], hasFinalizer, NOW).finishing, undefined);
    assert.equal(evaluateJob(onFailure(0), [pod('Running', { restarts: 1 })], hasFinalizer, NOW).finishing?.reason, 'BackoffLimitExceeded');
  });

  test('podFailurePolicy: Ignore does not count, FailJob fails with the rule message', () => {
    const policy = { rules: [{ action: 'Ignore', onExitCodes: { operator: 'In', values: [1] } }, { action: 'FailJob', onExitCodes: { operator: 'NotIn', values: [0, 1] } }] };
    const ignored = evaluateJob(job({ backoffLimit: 0, podFailurePolicy: policy, podReplacementPolicy: 'Failed' }), [pod('Failed', { exitCode: 1 })], hasFinalizer, NOW);
    assert.equal(ignored.failed, 0);
    assert.equal(ignored.finishing, undefined);
    const p = pod('Failed', { exitCode: 7 });
    const failed = evaluateJob(job({ podFailurePolicy: policy, podReplacementPolicy: 'Failed' }), [p], hasFinalizer, NOW);
    assert.deepEqual(conds(failed.status), [['FailureTarget', 'PodFailurePolicy', `Container work for pod ns/${p.metadata.name} failed with exit code 7 matching FailJob rule at index 1`]]);
  });

  test('activeDeadlineSeconds: look again when it runs out, then DeadlineExceeded', () => {
    const spec = { activeDeadlineSeconds: 10 };
    const early = evaluateJob(job(spec, { startTime: '2026-01-01T00:00:00Z' }), [], hasFinalizer, NOW + 4000);
    assert.equal(early.requeueMs, 6000);
    const late = evaluateJob(job(spec, { startTime: '2026-01-01T00:00:00Z' }), [], hasFinalizer, NOW + 10_000);
    assert.deepEqual(conds(late.status), [['FailureTarget', 'DeadlineExceeded', 'Job was active longer than specified deadline']]);
  });

  test('a suspended job gets no startTime and no deadline', () => {
    const e = evaluateJob(job({ suspend: true, activeDeadlineSeconds: 1 }), [], hasFinalizer, NOW);
    assert.equal(e.status.startTime, undefined);
    assert.equal(e.requeueMs, undefined);
  });

  test('an existing interim condition is kept and nothing new is added', () => {
    const existing = { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' };
    const e = evaluateJob(job({ backoffLimit: 0 }, { conditions: [existing] }), [pod('Failed', { exitCode: 1 })], hasFinalizer, NOW);
    assert.equal(e.finishing, existing);
    assert.equal(e.status.conditions.length, 1);
  });
});

describe('Indexed job evaluation', () => {
  const indexed = (spec: KObject, status: KObject = {}) => job({ completionMode: 'Indexed', completions: 4, parallelism: 4, ...spec }, status);

  test('succeeded indexes: completedIndexes plus succeeded pods of valid indexes; succeeded is their number', () => {
    const pods = [pod('Succeeded', { index: 1 }), pod('Succeeded', { index: 1 }), pod('Succeeded', { index: 9 }), pod('Running', { index: 2 })];
    const e = evaluateJob(indexed({}, { completedIndexes: '0', succeeded: 1 }), pods, hasFinalizer, NOW);
    assert.deepEqual([...e.succeededIdx].sort(), [0, 1]);
    assert.deepEqual([...e.prevSucceededIdx], [0]);
    assert.equal(e.succeeded, 2);
  });

  test('backoffLimitPerIndex: an index fails once its failure count reaches the limit; FailedIndexes when all are done', () => {
    const spec = { backoffLimitPerIndex: 1, backoffLimit: 2147483647, completions: 2, parallelism: 2 };
    const first = pod('Failed', { index: 0, exitCode: 1, annotations: { 'batch.kubernetes.io/job-index-failure-count': '0' } });
    assert.deepEqual([...evaluateJob(indexed(spec), [first], hasFinalizer, NOW).failedIdx], []);
    const second = pod('Failed', { index: 0, exitCode: 1, annotations: { 'batch.kubernetes.io/job-index-failure-count': '1' } });
    const e = evaluateJob(indexed(spec), [first, second, pod('Succeeded', { index: 1 })], hasFinalizer, NOW);
    assert.deepEqual([...e.failedIdx], [0]);
    assert.deepEqual(conds(e.status), [['FailureTarget', 'FailedIndexes', 'Job has failed indexes']]);
    const max = evaluateJob(indexed({ ...spec, maxFailedIndexes: 0 }), [second], hasFinalizer, NOW);
    assert.deepEqual(conds(max.status), [['FailureTarget', 'MaxFailedIndexesExceeded', 'Job has exceeded the specified maximal number of failed indexes']]);
  });

  test('successPolicy met: SuccessCriteriaMet with reason SuccessPolicy', () => {
    const e = evaluateJob(indexed({ successPolicy: { rules: [{ succeededIndexes: '0,1' }] } }), [pod('Succeeded', { index: 0 }), pod('Succeeded', { index: 1 }), pod('Running', { index: 2 })], hasFinalizer, NOW);
    assert.deepEqual(conds(e.status), [['SuccessCriteriaMet', 'SuccessPolicy', 'Matched rules at index 0']]);
  });
});
