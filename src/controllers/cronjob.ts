// cronjob controller (v2, kube-controller-manager v1.33): creates a Job per scheduled time (named
// `<cronjob>-<minutes since epoch>`), honouring suspend, concurrencyPolicy and startingDeadlineSeconds; keeps
// status.active/lastScheduleTime/lastSuccessfulTime; deletes finished Jobs beyond the history limits.
import type { KObject } from '../client/types.js';
import { jobFromTemplate, jobNameFor, planCronJob } from './cronjob-plan.js';
import { EventRecorder } from './event-recorder.js';
import { CRONJOBS, JOBS } from './gvr.js';
import { controllerOf as controllerRef } from './replicaset-pods.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { rfc3339 } from '../apimachinery/time.js';

const finishedType = (j: KObject): string | undefined => (j.status?.conditions ?? []).find((c: KObject) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;
const refOf = (j: KObject) => ({ kind: 'Job', namespace: j.metadata.namespace, name: j.metadata.name, uid: j.metadata.uid, apiVersion: 'batch/v1', resourceVersion: j.metadata.resourceVersion });

export class CronJobController extends QueueController {
  private cronjobs!: Informer;
  private jobs!: Informer;
  private recorder!: EventRecorder;

  constructor(private readonly now: () => number = Date.now) {
    super('cronjob', 2, 10_000);
  }

  protected register(): void {
    this.recorder = new EventRecorder(() => this.ctx.client, 'cronjob-controller', { kind: 'CronJob', apiVersion: 'batch/v1' });
    const enqueue = (cj: KObject) => this.queue.add(`${cj.metadata.namespace}/${cj.metadata.name}`);
    this.cronjobs = this.ctx.informers.informer(CRONJOBS).on({ add: enqueue, update: (_, cj) => enqueue(cj) });
    const onJob = (j: KObject) => {
      const ref = controllerRef(j);
      if (ref?.kind === 'CronJob') this.queue.add(`${j.metadata.namespace}/${ref.name}`);
    };
    this.jobs = this.ctx.informers.informer(JOBS).on({ add: onJob, update: (_, j) => onJob(j), delete: onJob });
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.cronjobs.get(key);
    if (!cached) return;
    const cj = structuredClone(cached);
    const ns = cj.metadata.namespace as string;
    const status = (cj.status ??= {});
    const jobs = this.jobs.items().filter((j) => j.metadata.namespace === ns && controllerRef(j)?.kind === 'CronJob' && controllerRef(j)?.name === cj.metadata.name);
    let changed = false;
    const active = (): KObject[] => (status.active ??= []);
    const children = new Set(jobs.map((j) => j.metadata.uid));
    for (const j of jobs) {
      const inActive = active().some((r) => r.uid === j.metadata.uid);
      const done = finishedType(j);
      if (!inActive && !done) void this.recorder.event(cj, 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata.name}`);
      else if (inActive && done) {
        status.active = active().filter((r) => r.uid !== j.metadata.uid);
        void this.recorder.event(cj, 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata.name}, condition: ${done}`);
        changed = true;
      }
      if (done === 'Complete' && j.status?.completionTime && (!status.lastSuccessfulTime || Date.parse(j.status.completionTime) > Date.parse(status.lastSuccessfulTime))) {
        status.lastSuccessfulTime = j.status.completionTime;
        changed = true;
      }
    }
    for (const r of [...active()]) {
      if (children.has(r.uid)) continue;
      const live = await this.ctx.client.get(JOBS, ns, r.name).catch((e) => (isStatus(e, 404) ? undefined : Promise.reject(e)));
      if (!live) {
        void this.recorder.event(cj, 'Normal', 'MissingJob', `Active job went missing: ${r.name}`);
        status.active = active().filter((x) => x.uid !== r.uid);
        changed = true;
      }
    }
    let requeueMs: number | undefined;
    if (!cj.metadata.deletionTimestamp && cj.spec.suspend !== true) {
      const r = await this.schedule(cj, status);
      changed ||= r.changed;
      requeueMs = r.requeueMs;
    }
    if (await this.cleanupFinished(cj, status, jobs)) changed = true;
    if (!status.active?.length) delete status.active;
    if (changed) {
      try {
        await this.ctx.client.update(CRONJOBS, ns, cj, { subresource: 'status' });
      } catch (e) {
        if (isStatus(e, 409)) throw new Requeue();
        if (!isStatus(e, 404)) throw e;
      }
    }
    if (requeueMs !== undefined) this.queue.addAfter(key, Math.max(requeueMs, 0));
  }

  private async schedule(cj: KObject, status: KObject): Promise<{ changed: boolean; requeueMs?: number }> {
    if (cj.spec.schedule.includes('TZ'))
      void this.recorder.event(cj, 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule ${JSON.stringify(cj.spec.schedule)} is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);
    const plan = planCronJob(cj, this.now());
    if (plan.kind === 'error') {
      void this.recorder.event(cj, 'Warning', plan.reason, plan.message);
      return { changed: false };
    }
    if (plan.kind === 'wait') return { changed: false, requeueMs: plan.requeueMs };
    if (plan.kind === 'missed') {
      void this.recorder.event(cj, 'Warning', 'MissSchedule', plan.message);
      return { changed: false, requeueMs: plan.requeueMs };
    }
    if (plan.missed > 100)
      void this.recorder.event(cj, 'Warning', 'TooManyMissedTimes', `too many missed start times: ${plan.missed}. Set or decrease .spec.startingDeadlineSeconds or check clock skew`);
    const ns = cj.metadata.namespace;
    const active: KObject[] = status.active ?? [];
    if (active.some((r) => r.name === jobNameFor(cj, plan.scheduled))) return { changed: false, requeueMs: plan.requeueMs };
    if (cj.spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
      void this.recorder.event(cj, 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
      return { changed: false, requeueMs: plan.requeueMs };
    }
    let changed = false;
    if (cj.spec.concurrencyPolicy === 'Replace') {
      for (const r of [...active]) {
        await this.deleteJob(cj, r.name);
        status.active = (status.active as KObject[]).filter((x) => x.uid !== r.uid);
        changed = true;
      }
    }
    let job: KObject;
    try {
      job = await this.ctx.client.create(JOBS, ns, jobFromTemplate(cj, plan.scheduled));
    } catch (e) {
      // a terminating namespace: nothing to do until it is gone
      if (isStatus(e, 403)) return { changed };
      // the name of this scheduled time is taken (an earlier attempt, or the same minute): try again later, as upstream
      if (isStatus(e, 409)) throw new Requeue();
      void this.recorder.event(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
      throw e;
    }
    void this.recorder.event(cj, 'Normal', 'SuccessfulCreate', `Created job ${job.metadata.name}`);
    status.active = [...(status.active ?? []), refOf(job)];
    status.lastScheduleTime = rfc3339(plan.scheduled);
    return { changed: true, requeueMs: plan.requeueMs };
  }

  /** Oldest finished Jobs beyond successfulJobsHistoryLimit / failedJobsHistoryLimit go (background propagation). */
  private async cleanupFinished(cj: KObject, status: KObject, jobs: KObject[]): Promise<boolean> {
    let changed = false;
    for (const [type, limit] of [['Complete', cj.spec.successfulJobsHistoryLimit], ['Failed', cj.spec.failedJobsHistoryLimit]] as const) {
      if (typeof limit !== 'number') continue;
      const done = jobs.filter((j) => finishedType(j) === type && !j.metadata.deletionTimestamp);
      if (done.length <= limit) continue;
      const start = (j: KObject) => (j.status?.startTime ? Date.parse(j.status.startTime) : Infinity);
      done.sort((a, b) => start(a) - start(b) || (a.metadata.name < b.metadata.name ? -1 : 1));
      for (const j of done.slice(0, done.length - limit)) {
        await this.deleteJob(cj, j.metadata.name);
        if (status.active?.some((r: KObject) => r.uid === j.metadata.uid)) {
          status.active = status.active.filter((r: KObject) => r.uid !== j.metadata.uid);
          changed = true;
        }
      }
    }
    return changed;
  }

  private async deleteJob(cj: KObject, name: string): Promise<void> {
    try {
      await this.ctx.client.delete(JOBS, cj.metadata.namespace, name, { propagationPolicy: 'Background' });
    } catch (e) {
      if (isStatus(e, 404)) return;
      void this.recorder.event(cj, 'Warning', 'FailedDelete', `Deleted job: ${(e as Error).message}`);
      throw e;
    }
    void this.recorder.event(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
  }
}
