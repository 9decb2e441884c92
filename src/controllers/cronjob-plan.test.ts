import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../client/types.js';
import { jobFromTemplate, jobNameFor, planCronJob } from './cronjob-plan.js';
import { expiresAt } from './ttl-after-finished.js';

const at = (iso: string) => Date.parse(iso);
const cronjob = (spec: KObject, status: KObject = {}): KObject => ({
  metadata: { name: 'nightly', namespace: 'ns', uid: 'cj-uid', creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { concurrencyPolicy: 'Allow', suspend: false, jobTemplate: { metadata: { labels: { app: 'n' }, annotations: { team: 'a' } }, spec: { template: { spec: { restartPolicy: 'OnFailure' } } } }, ...spec },
  status,
});

describe('cronjob planning with a fake clock', () => {
  test('nothing due before the first activation; look again just after it', () => {
    const plan = planCronJob(cronjob({ schedule: '*/5 * * * *' }), at('2026-01-01T00:03:00Z'));
    assert.deepEqual(plan, { kind: 'wait', requeueMs: 2 * 60_000 + 100 });
  });

  test('due: the most recent unmet time since creation, and how many were missed', () => {
    const plan = planCronJob(cronjob({ schedule: '*/5 * * * *' }), at('2026-01-01T00:17:00Z'));
    assert.deepEqual(plan, { kind: 'run', scheduled: at('2026-01-01T00:15:00Z'), missed: 3, requeueMs: 3 * 60_000 + 100 });
  });

  test('a time already recorded in lastScheduleTime does not run again', () => {
    const plan = planCronJob(cronjob({ schedule: '*/5 * * * *' }, { lastScheduleTime: '2026-01-01T00:15:00Z' }), at('2026-01-01T00:17:00Z'));
    assert.equal(plan.kind, 'wait');
    const next = planCronJob(cronjob({ schedule: '*/5 * * * *' }, { lastScheduleTime: '2026-01-01T00:15:00Z' }), at('2026-01-01T00:20:01Z'));
    assert.deepEqual([next.kind, (next as { scheduled: number }).scheduled], ['run', at('2026-01-01T00:20:00Z')]);
  });

  test('startingDeadlineSeconds: only times within the deadline count', () => {
    const spec = { schedule: '0 * * * *', startingDeadlineSeconds: 60 };
    assert.equal(planCronJob(cronjob(spec), at('2026-01-01T05:00:59Z')).kind, 'run');
    assert.equal(planCronJob(cronjob(spec), at('2026-01-01T05:02:00Z')).kind, 'wait');
  });

  test('spec.timeZone decides the wall clock', () => {
    const plan = planCronJob(cronjob({ schedule: '0 9 * * *', timeZone: 'Asia/Tokyo' }), at('2026-01-02T00:30:00Z'));
    assert.deepEqual([plan.kind, (plan as { scheduled: number }).scheduled], ['run', at('2026-01-02T00:00:00Z')]);
  });

  test('an unknown time zone or a bad schedule gives the upstream event', () => {
    assert.deepEqual(planCronJob(cronjob({ schedule: '* * * * *', timeZone: 'Mars/Base' }), at('2026-01-01T01:00:00Z')), { kind: 'error', reason: 'UnknownTimeZone', message: 'invalid timeZone: "Mars/Base": unknown time zone Mars/Base' });
    assert.deepEqual(planCronJob(cronjob({ schedule: '* * *' }), at('2026-01-01T01:00:00Z')), { kind: 'error', reason: 'UnparseableSchedule', message: 'unparseable schedule: "* * *" : expected exactly 5 fields, found 3: [* * *]' });
  });
});

describe('the Job made for a scheduled time', () => {
  test('named <cronjob>-<minutes since the epoch>, template labels and annotations, the scheduled timestamp, owned by the cronjob', () => {
    const t = at('2026-01-01T00:15:00Z');
    assert.equal(jobNameFor(cronjob({}), t), `nightly-${t / 60_000}`);
    const job = jobFromTemplate(cronjob({ schedule: '*/5 * * * *' }), t);
    assert.equal(job.metadata.name, 'nightly-29453775');
    assert.deepEqual(job.metadata.labels, { app: 'n' });
    assert.deepEqual(job.metadata.annotations, { team: 'a', 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2026-01-01T00:15:00Z' });
    assert.deepEqual(job.metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'nightly', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }]);
    assert.deepEqual(job.spec, { template: { spec: { restartPolicy: 'OnFailure' } } });
  });

  test('the scheduled timestamp is written in the cronjob time zone', () => {
    const job = jobFromTemplate(cronjob({ timeZone: 'America/New_York' }), at('2026-07-01T13:00:00Z'));
    assert.equal(job.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'], '2026-07-01T09:00:00-04:00');
  });
});

describe('ttl-after-finished', () => {
  const finished = (ttl: number | undefined, type = 'Complete') => ({ metadata: {}, spec: { ttlSecondsAfterFinished: ttl }, status: { conditions: [{ type, status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] } });
  test('a finished job expires ttlSecondsAfterFinished after its Complete or Failed condition', () => {
    assert.equal(expiresAt(finished(30)), at('2026-01-01T00:00:30Z'));
    assert.equal(expiresAt(finished(0, 'Failed')), at('2026-01-01T00:00:00Z'));
  });
  test('no TTL, not finished, or already being deleted: never', () => {
    assert.equal(expiresAt(finished(undefined)), undefined);
    assert.equal(expiresAt(finished(5, 'SuccessCriteriaMet')), undefined);
    assert.equal(expiresAt({ ...finished(5), metadata: { deletionTimestamp: '2026-01-01T00:00:00Z' } }), undefined);
  });
});
