// job controller (kube-controller-manager v1.33): runs a Job's pods to completion — parallelism, completions,
// Indexed mode, backoffLimit(PerIndex), podFailurePolicy, successPolicy, suspend, activeDeadlineSeconds —
// tracking finished pods through the batch.kubernetes.io/job-tracking finalizer and uncountedTerminatedPods.
import type { KObject } from '../client/types.js';
import { EventRecorder } from './event-recorder.js';
import { JOBS, PODS } from './gvr.js';
import { hasFinalizer, isActive, isTerminating } from './job-pods.js';
import { manageJob, type ManageContext } from './job-manage.js';
import { JobPodControl } from './job-pod-control.js';
import { jobCondition, trackJobStatus } from './job-tracking.js';
import { evaluateJob, hasCond } from './job-evaluate.js';
import { controllerOf as controllerRef, isPodReady as podReady } from './replicaset-pods.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, Requeue, isStatus } from './runtime/queue-controller.js';
import { rfc3339 } from '../apimachinery/time.js';

export const isJobFinished = (job: KObject) => !!(hasCond(job, 'Complete') || hasCond(job, 'Failed'));
const rvOlder = (a: string, b: string) => /^\d+$/.test(a) && /^\d+$/.test(b) && BigInt(a) < BigInt(b);

export class JobController extends QueueController {
  private jobs!: Informer;
  private pods!: Informer;
  private recorder!: EventRecorder;
  private control!: JobPodControl;
  /** resourceVersion of our last status write, so a sync never works from an older copy. */
  private readonly written = new Map<string, string>();

  constructor() {
    super('job', 4, 10_000);
  }

  protected register(): void {
    this.recorder = new EventRecorder(() => this.ctx.client, 'job-controller', { kind: 'Job', apiVersion: 'batch/v1' });
    this.control = new JobPodControl(() => this.ctx.client, this.recorder);
    const enqueue = (j: KObject) => this.queue.add(`${j.metadata.namespace}/${j.metadata.name}`);
    this.jobs = this.ctx.informers.informer(JOBS).on({
      add: enqueue,
      update: (_, j) => enqueue(j),
      delete: (j) => {
        for (const p of this.pods.items()) if (controllerRef(p)?.uid === j.metadata.uid && hasFinalizer(p)) this.queue.add(`pod|${p.metadata.namespace}/${p.metadata.name}`);
      },
    });
    const onPod = (p: KObject, gone = false) => {
      const ref = controllerRef(p);
      if (ref?.kind !== 'Job') return;
      const key = `${p.metadata.namespace}/${ref.name}`;
      if (gone || !hasFinalizer(p)) this.control.stripping.get(key)?.delete(p.metadata.uid);
      const job = this.jobs.get(key);
      if (job?.metadata.uid === ref.uid) this.queue.add(key);
      else if (!gone && hasFinalizer(p)) this.queue.add(`pod|${p.metadata.namespace}/${p.metadata.name}`);
    };
    this.pods = this.ctx.informers.informer(PODS).on({
      add: (p) => {
        const ref = controllerRef(p);
        const e = ref && this.control.expect.get(`${p.metadata.namespace}/${ref.name}`);
        if (e) e.adds--;
        onPod(p);
      },
      update: (_, p) => onPod(p),
      delete: (p) => onPod(p, true),
    });
  }

  protected async sync(key: string): Promise<void> {
    if (key.startsWith('pod|')) return this.releaseOrphan(key.slice(4));
    const job = this.jobs.get(key);
    if (!job) {
      this.control.forget(key);
      this.written.delete(key);
      return;
    }
    const w = this.written.get(key);
    if (w && rvOlder(job.metadata.resourceVersion, w)) return;
    this.written.delete(key);
    if (isJobFinished(job) || (job.spec?.managedBy && job.spec.managedBy !== 'kubernetes.io/job-controller')) return;
    await this.syncJob(key, job);
  }

  /** A pod whose job is gone keeps no tracking finalizer, so garbage collection can delete it. */
  private async releaseOrphan(podKey: string): Promise<void> {
    const pod = this.pods.get(podKey);
    const ref = pod && controllerRef(pod);
    if (!pod || !ref || !hasFinalizer(pod)) return;
    const job = this.jobs.get(`${pod.metadata.namespace}/${ref.name}`);
    if (job && job.metadata.uid === ref.uid && !isJobFinished(job)) return;
    await this.control.stripFinalizer('', pod);
  }

  private async syncJob(key: string, job: KObject): Promise<void> {
    const ns = job.metadata.namespace as string;
    const stripping = this.control.strippingFor(key);
    const pods = this.pods.items().filter((p) => p.metadata.namespace === ns && controllerRef(p)?.uid === job.metadata.uid);
    const tracked = (p: KObject) => hasFinalizer(p) && !stripping.has(p.metadata.uid);
    const { status, uncounted, succeeded, succeededIdx, prevSucceededIdx, failedIdx, perIndex, requeueMs, ...ev } = evaluateJob(job, pods, tracked);
    let finishing = ev.finishing;
    if (requeueMs !== undefined) this.queue.addAfter(key, requeueMs);
    const finish = (c: KObject) => {
      finishing = c;
      status.conditions.push(c);
    };
    let active = pods.filter(isActive);
    let terminating = pods.filter(isTerminating).length;
    let ready = active.filter(podReady).length;
    if (finishing) {
      const deleted = await this.control.deletePods(job, active, false);
      terminating += deleted.length;
      ready -= deleted.filter(podReady).length;
      active = active.filter((p) => !deleted.includes(p));
    } else {
      if (this.control.satisfied(key) && !job.metadata.deletionTimestamp) {
        const ctx: ManageContext = { job, pods, active, succeeded, succeededIdx, failedIdx, terminating };
        const r = await manageJob(ctx, {
          create: (n, make) => this.control.createPods(key, job, n, make),
          remove: (ps) => this.control.deletePods(job, ps, true),
          later: (ms) => this.queue.addAfter(key, ms),
        });
        active = r.active;
        ready = active.filter(podReady).length;
      }
      const completions: number | null = job.spec.completions ?? null;
      const done = completions === null ? succeeded > 0 && active.length === 0 : succeeded >= completions && active.length === 0;
      if (done) finish(jobCondition('SuccessCriteriaMet', 'True', 'CompletionsReached', 'Reached expected number of succeeded pods'));
      else this.suspendCondition(job, status, job.spec.suspend === true);
    }
    status.active = active.length;
    status.ready = ready;
    status.terminating = terminating;
    await trackJobStatus(job, status, { pods, tracked, uncounted, prevSucceededIdx, failedIdx, perIndex, finishing, terminating }, {
      write: (j, st) => this.writeStatus(key, j, st),
      strip: (p) => this.control.stripFinalizer(key, p),
      event: (j, type, reason, message) => void this.recorder.event(j, type, reason, message),
    });
  }

  private suspendCondition(job: KObject, status: KObject, suspended: boolean): void {
    const conditions: KObject[] = status.conditions;
    const i = conditions.findIndex((c) => c.type === 'Suspended');
    if (suspended && conditions[i]?.status !== 'True') {
      const c = jobCondition('Suspended', 'True', 'JobSuspended', 'Job suspended');
      if (i >= 0) conditions[i] = c;
      else conditions.push(c);
      void this.recorder.event(job, 'Normal', 'Suspended', 'Job suspended');
    } else if (!suspended && i >= 0 && conditions[i]!.status === 'True') {
      conditions[i] = jobCondition('Suspended', 'False', 'JobResumed', 'Job resumed');
      // activeDeadlineSeconds counts the time a job is continuously active
      status.startTime = rfc3339();
      void this.recorder.event(job, 'Normal', 'Resumed', 'Job resumed');
    }
  }

  private async writeStatus(key: string, job: KObject, status: KObject): Promise<KObject> {
    try {
      const updated = await this.ctx.client.update(JOBS, job.metadata.namespace, { ...job, status }, { subresource: 'status' });
      this.written.set(key, updated.metadata.resourceVersion);
      return updated;
    } catch (e) {
      // the cache is behind (or the job is gone): look again once it has caught up
      if (isStatus(e, 404, 409)) throw new Requeue();
      throw e;
    }
  }

}
