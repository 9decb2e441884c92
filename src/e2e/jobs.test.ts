// Jobs, CronJobs and TTL-after-finished through real kubectl (issue 10): the job controller runs pods on the
// simulated node, whose kubelet lets a Job's pods exit after 0.5 s (minikapi.dev/run-seconds, minikapi.dev/exit-code).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestCluster, table, type TestCluster } from '../testing/harness.js';
import { eventually } from '../testing/eventually.js';


// kubectl each poll: every 100 ms
const until = (what: string, fn: () => Promise<boolean>, ms = 20_000) => eventually(what, fn, ms, 100);

type Cond = { type: string; status: string; reason?: string; message?: string };
const conds = (job: { status?: { conditions?: Cond[] } }) => (job.status?.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.message]);

function jobManifest(name: string, spec: Record<string, unknown>, annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: { ...spec, template: { metadata: { annotations }, spec: { restartPolicy: 'Never', containers: [{ name: 'work', image: 'busybox', command: ['true'] }] } } },
  });
}

describe('jobs', () => {
  let c: TestCluster;
  const getJob = async (name: string) => JSON.parse(await c.k(['get', 'job', name, '-o', 'json']));
  before(async () => {
    c = await startTestCluster({ name: 'jobs', controllers: '*' });
    await until('the node', async () => (await c.kubectl(['get', 'node', 'jobs-control-plane'])).code === 0);
  });
  after(() => c?.cleanup());

  test('kubectl create job completes; kubectl wait --for=condition=complete returns; status as upstream', async () => {
    assert.equal(await c.k(['create', 'job', 'hello', '--image=busybox', '--', 'echo', 'hi']), 'job.batch/hello created\n');
    assert.equal(await c.k(['wait', '--for=condition=complete', 'job/hello', '--timeout=30s']), 'job.batch/hello condition met\n');
    const job = await getJob('hello');
    assert.deepEqual(conds(job), [
      ['SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
      ['Complete', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'],
    ]);
    assert.equal(job.status.succeeded, 1);
    assert.equal(job.status.active, undefined);
    assert.equal(job.status.failed, undefined);
    assert.equal(job.status.ready, 0);
    assert.equal(job.status.terminating, 0);
    assert.deepEqual(job.status.uncountedTerminatedPods, {});
    assert.ok(Date.parse(job.status.completionTime) >= Date.parse(job.status.startTime));
    const pods = JSON.parse(await c.k(['get', 'pods', '-l', 'job-name=hello', '-o', 'json'])).items;
    assert.equal(pods.length, 1);
    assert.match(pods[0].metadata.name, /^hello-[a-z0-9]{5}$/);
    assert.equal(pods[0].status.phase, 'Succeeded');
    assert.deepEqual(pods[0].metadata.finalizers, undefined);
    assert.deepEqual(pods[0].metadata.ownerReferences, [{ apiVersion: 'batch/v1', kind: 'Job', name: 'hello', uid: job.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(pods[0].status.containerStatuses[0].state.terminated.reason, 'Completed');
    const row = table(await c.k(['get', 'job', 'hello']))[1]!;
    assert.deepEqual([row[0], row[1], row[2]], ['hello', 'Complete', '1/1']);
    const events = await c.k(['get', 'events', '--field-selector', 'involvedObject.kind=Job,involvedObject.name=hello', '-o', 'jsonpath={range .items[*]}{.reason}:{.message}:{.source.component}{"\\n"}{end}']);
    assert.deepEqual(events.trim().split('\n').sort(), [`Completed:Job completed:job-controller`, `SuccessfulCreate:Created pod: ${pods[0].metadata.name}:job-controller`]);
  });

  test('completions 5 with parallelism 2: never more than 2 active, 5 succeeded', async () => {
    await c.k(['apply', '-f', '-'], { stdin: jobManifest('para', { completions: 5, parallelism: 2 }, { 'minikapi.dev/run-seconds': '2' }) });
    let maxActive = 0;
    await until('para complete', async () => {
      const j = await getJob('para');
      maxActive = Math.max(maxActive, j.status?.active ?? 0);
      return conds(j).some((x) => x[0] === 'Complete');
    });
    const job = await getJob('para');
    assert.equal(job.status.succeeded, 5);
    assert.equal(maxActive, 2);
    assert.equal(JSON.parse(await c.k(['get', 'pods', '-l', 'job-name=para', '-o', 'json'])).items.length, 5);
  });

  test('an Indexed job: one pod per index with the index annotation, label, env and hostname; completedIndexes', async () => {
    await c.k(['apply', '-f', '-'], { stdin: jobManifest('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }) });
    await c.k(['wait', '--for=condition=complete', 'job/idx', '--timeout=30s']);
    const job = await getJob('idx');
    assert.equal(job.status.completedIndexes, '0-2');
    assert.equal(job.status.succeeded, 3);
    const pods = JSON.parse(await c.k(['get', 'pods', '-l', 'job-name=idx', '-o', 'json'])).items.sort((a: { metadata: { name: string } }, b: { metadata: { name: string } }) => (a.metadata.name < b.metadata.name ? -1 : 1));
    assert.equal(pods.length, 3);
    pods.forEach((p: { metadata: { name: string; labels: Record<string, string>; annotations: Record<string, string> }; spec: { hostname: string; containers: { env: unknown[] }[] } }, i: number) => {
      assert.match(p.metadata.name, new RegExp(`^idx-${i}-[a-z0-9]{5}$`));
      assert.equal(p.metadata.annotations['batch.kubernetes.io/job-completion-index'], String(i));
      assert.equal(p.metadata.labels['batch.kubernetes.io/job-completion-index'], String(i));
      assert.equal(p.spec.hostname, `idx-${i}`);
      assert.deepEqual(p.spec.containers[0]!.env, [{ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: "metadata.labels['batch.kubernetes.io/job-completion-index']" } } }]);
    });
  });

  test('a failing job hits backoffLimit: FailureTarget then Failed, reason BackoffLimitExceeded', async () => {
    await c.k(['apply', '-f', '-'], { stdin: jobManifest('boom', { backoffLimit: 1, parallelism: 2, completions: 2 }, { 'minikapi.dev/exit-code': '3' }) });
    assert.equal(await c.k(['wait', '--for=condition=failed', 'job/boom', '--timeout=30s']), 'job.batch/boom condition met\n');
    const job = await getJob('boom');
    assert.deepEqual(conds(job), [
      ['FailureTarget', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
      ['Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
    ]);
    assert.equal(job.status.failed, 2);
    assert.equal(job.status.succeeded, undefined);
    assert.equal(job.status.completionTime, undefined);
    const pod = JSON.parse(await c.k(['get', 'pods', '-l', 'job-name=boom', '-o', 'json'])).items[0];
    assert.equal(pod.status.phase, 'Failed');
    assert.deepEqual([pod.status.containerStatuses[0].state.terminated.exitCode, pod.status.containerStatuses[0].state.terminated.reason], [3, 'Error']);
    const events = await c.k(['get', 'events', '--field-selector', 'involvedObject.name=boom,reason=BackoffLimitExceeded', '-o', 'jsonpath={.items[*].type} {.items[*].message}']);
    assert.equal(events, 'Warning Job has reached the specified backoff limit');
  });

  test('podFailurePolicy FailJob on an exit code fails the job with its message', async () => {
    const spec = { backoffLimit: 6, podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } };
    await c.k(['apply', '-f', '-'], { stdin: jobManifest('pfp', spec, { 'minikapi.dev/exit-code': '42' }) });
    await c.k(['wait', '--for=condition=failed', 'job/pfp', '--timeout=30s']);
    const job = await getJob('pfp');
    const pod = JSON.parse(await c.k(['get', 'pods', '-l', 'job-name=pfp', '-o', 'json'])).items[0];
    const message = `Container work for pod default/${pod.metadata.name} failed with exit code 42 matching FailJob rule at index 0`;
    assert.deepEqual(conds(job), [
      ['FailureTarget', 'True', 'PodFailurePolicy', message],
      ['Failed', 'True', 'PodFailurePolicy', message],
    ]);
  });

  test('a suspended job starts no pods until resumed; Suspended condition flips to JobResumed', async () => {
    await c.k(['apply', '-f', '-'], { stdin: jobManifest('later', { suspend: true }) });
    await until('Suspended', async () => conds(await getJob('later')).some((x) => x[0] === 'Suspended'));
    let job = await getJob('later');
    assert.deepEqual(conds(job), [['Suspended', 'True', 'JobSuspended', 'Job suspended']]);
    assert.equal(job.status.startTime, undefined);
    assert.equal(JSON.parse(await c.k(['get', 'pods', '-l', 'job-name=later', '-o', 'json'])).items.length, 0);
    await c.k(['patch', 'job', 'later', '--type=merge', '-p', '{"spec":{"suspend":false}}']);
    await c.k(['wait', '--for=condition=complete', 'job/later', '--timeout=30s']);
    job = await getJob('later');
    assert.deepEqual(conds(job)[0], ['Suspended', 'False', 'JobResumed', 'Job resumed']);
    const reasons = (await c.k(['get', 'events', '--field-selector', 'involvedObject.name=later', '-o', 'jsonpath={.items[*].reason}'])).split(' ');
    assert.ok(reasons.includes('Suspended') && reasons.includes('Resumed'), reasons.join(' '));
  });

  test('kubectl create job --from=cronjob/x runs the cronjob template to completion', async () => {
    await c.k(['create', 'cronjob', 'nightly', '--image=busybox', '--schedule=0 3 * * *', '--', 'date']);
    assert.equal(await c.k(['create', 'job', 'nightly-manual', '--from=cronjob/nightly']), 'job.batch/nightly-manual created\n');
    await c.k(['wait', '--for=condition=complete', 'job/nightly-manual', '--timeout=30s']);
    const job = await getJob('nightly-manual');
    assert.equal(job.metadata.annotations['cronjob.kubernetes.io/instantiate'], 'manual');
    assert.equal(job.metadata.ownerReferences[0].kind, 'CronJob');
    const cj = JSON.parse(await c.k(['get', 'cronjob', 'nightly', '-o', 'json']));
    assert.equal(cj.status.lastScheduleTime, undefined);
    assert.equal(cj.status.active, undefined);
    assert.equal(cj.status.lastSuccessfulTime, job.status.completionTime);
  });

  test('ttlSecondsAfterFinished: 0 deletes the finished job and its pods', async () => {
    await c.k(['apply', '-f', '-'], { stdin: jobManifest('brief', { ttlSecondsAfterFinished: 0 }) });
    await until('brief gone', async () => (await c.kubectl(['get', 'job', 'brief'])).code !== 0);
    assert.match((await c.kubectl(['get', 'job', 'brief'])).stderr, /Error from server \(NotFound\): jobs.batch "brief" not found/);
    await until('its pods gone', async () => (await c.k(['get', 'pods', '-l', 'job-name=brief', '-o', 'name'])) === '');
  });

  test('a CronJob fires (@every 2s): a Job named <cronjob>-<minutes>, lastScheduleTime, lastSuccessfulTime, events', async () => {
    const cj = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick' }, spec: { schedule: '@every 2s', concurrencyPolicy: 'Forbid', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } } };
    await c.k(['apply', '-f', '-'], { stdin: JSON.stringify(cj) });
    await until('a successful run', async () => !!JSON.parse(await c.k(['get', 'cronjob', 'tick', '-o', 'json'])).status.lastSuccessfulTime);
    const got = JSON.parse(await c.k(['get', 'cronjob', 'tick', '-o', 'json']));
    const jobs = JSON.parse(await c.k(['get', 'jobs', '-o', 'json'])).items.filter((j: { metadata: { ownerReferences?: { name: string }[] } }) => j.metadata.ownerReferences?.[0]?.name === 'tick');
    const done = jobs.find((j: { status: { completionTime?: string } }) => j.status.completionTime === got.status.lastSuccessfulTime);
    assert.ok(done, JSON.stringify(jobs.map((j: { metadata: { name: string } }) => j.metadata.name)));
    const scheduled = done.metadata.annotations['batch.kubernetes.io/cronjob-scheduled-timestamp'];
    assert.equal(done.metadata.name, `tick-${Math.floor(Date.parse(scheduled) / 60_000)}`);
    assert.ok(Date.parse(got.status.lastScheduleTime) >= Date.parse(scheduled));
    const reasons = (await c.k(['get', 'events', '--field-selector', 'involvedObject.kind=CronJob,involvedObject.name=tick', '-o', 'jsonpath={.items[*].reason}'])).split(' ');
    assert.ok(reasons.includes('SuccessfulCreate') && reasons.includes('SawCompletedJob'), reasons.join(' '));
    await c.k(['delete', 'cronjob', 'tick']);
    await until('its jobs collected', async () => !JSON.parse(await c.k(['get', 'jobs', '-o', 'json'])).items.some((j: { metadata: { ownerReferences?: { name: string }[] } }) => j.metadata.ownerReferences?.[0]?.name === 'tick'));
  });

  test('activeDeadlineSeconds: running pods are deleted and the job fails with DeadlineExceeded', async () => {
    await c.k(['apply', '-f', '-'], { stdin: jobManifest('slow', { activeDeadlineSeconds: 2 }, { 'minikapi.dev/run-seconds': '600' }) });
    await c.k(['wait', '--for=condition=failed', 'job/slow', '--timeout=30s']);
    const job = await getJob('slow');
    assert.deepEqual(conds(job), [
      ['FailureTarget', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline'],
      ['Failed', 'True', 'DeadlineExceeded', 'Job was active longer than specified deadline'],
    ]);
    assert.deepEqual([job.status.active, job.status.failed, job.status.terminating], [undefined, 1, 0]);
    assert.equal(await c.k(['get', 'pods', '-l', 'job-name=slow', '-o', 'name']), '');
  });

  test('deleting a running job releases the tracking finalizer so its pods go too', async () => {
    await c.k(['apply', '-f', '-'], { stdin: jobManifest('cut', { parallelism: 2, completions: 2 }, { 'minikapi.dev/run-seconds': '600' }) });
    await until('2 running', async () => (await getJob('cut')).status?.ready === 2);
    assert.equal(await c.k(['delete', 'job', 'cut']), 'job.batch "cut" deleted\n');
    await until('its pods gone', async () => (await c.k(['get', 'pods', '-l', 'job-name=cut', '-o', 'name'])) === '');
  });

  test('backoffLimitPerIndex: indexes fail on their own; FailedIndexes once every index is done', async () => {
    await c.k(['apply', '-f', '-'], { stdin: jobManifest('perix', { completionMode: 'Indexed', completions: 2, parallelism: 2, backoffLimitPerIndex: 0 }, { 'minikapi.dev/exit-code': '1' }) });
    await c.k(['wait', '--for=condition=failed', 'job/perix', '--timeout=30s']);
    const job = await getJob('perix');
    assert.deepEqual(conds(job), [
      ['FailureTarget', 'True', 'FailedIndexes', 'Job has failed indexes'],
      ['Failed', 'True', 'FailedIndexes', 'Job has failed indexes'],
    ]);
    assert.deepEqual([job.status.failedIndexes, job.status.completedIndexes, job.status.failed], ['0,1', undefined, 2]);
    const pods = JSON.parse(await c.k(['get', 'pods', '-l', 'job-name=perix', '-o', 'json'])).items;
    assert.deepEqual(pods.map((p: { metadata: { annotations: Record<string, string> } }) => p.metadata.annotations['batch.kubernetes.io/job-index-failure-count']), ['0', '0']);
  });

  test('restartPolicy OnFailure: container restarts count against backoffLimit', async () => {
    const m = JSON.parse(jobManifest('flaky', { backoffLimit: 1 }, { 'minikapi.dev/exit-code': '1' }));
    m.spec.template.spec.restartPolicy = 'OnFailure';
    await c.k(['apply', '-f', '-'], { stdin: JSON.stringify(m) });
    await c.k(['wait', '--for=condition=failed', 'job/flaky', '--timeout=30s']);
    assert.deepEqual(conds(await getJob('flaky')).at(-1), ['Failed', 'True', 'BackoffLimitExceeded', 'Job has reached the specified backoff limit']);
    assert.equal(await c.k(['get', 'pods', '-l', 'job-name=flaky', '-o', 'name']), '');
  });
});
