// How the job controller changes pods: slow-start creation with expectations, deletion, and removal of the
// job-tracking finalizer (remembered until the cache shows it, so a lagging cache never counts a pod twice).
import type { Client, KObject } from '../client/types.js';
import type { EventRecorder } from './event-recorder.js';
import { PODS } from './gvr.js';
import { hasFinalizer, TRACKING_FINALIZER } from './job-pods.js';
import { Requeue, isStatus } from './runtime/queue-controller.js';

export class JobPodControl {
  /** Pod creations asked for and not yet seen, per job. */
  readonly expect = new Map<string, { adds: number; at: number }>();
  /** Pods whose tracking finalizer is being removed, per job. */
  readonly stripping = new Map<string, Set<string>>();

  constructor(
    private readonly client: () => Client,
    private readonly recorder: EventRecorder,
  ) {}

  strippingFor(key: string): Set<string> {
    return this.stripping.get(key) ?? this.stripping.set(key, new Set()).get(key)!;
  }

  /** Every creation asked for has been seen (or given up on after 30 s). */
  satisfied(key: string): boolean {
    const e = this.expect.get(key);
    if (e && e.adds > 0 && Date.now() - e.at <= 30_000) return false;
    this.expect.delete(key);
    return true;
  }

  forget(key: string): void {
    this.expect.delete(key);
    this.stripping.delete(key);
  }

  async createPods(key: string, job: KObject, count: number, make: (i: number) => KObject): Promise<KObject[]> {
    const created: KObject[] = [];
    this.expect.set(key, { adds: count, at: Date.now() });
    // slow start, as upstream: batches of 1, 2, 4, … stop at the first failure
    let done = 0;
    for (let batch = 1; done < count; batch *= 2) {
      const n = Math.min(batch, count - done);
      const results = await Promise.allSettled(Array.from({ length: n }, (_, i) => this.client().create(PODS, job.metadata.namespace, make(done + i))));
      done += n;
      for (const r of results) if (r.status === 'fulfilled') created.push(r.value);
      const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
      for (const r of results) if (r.status === 'fulfilled') void this.recorder.event(job, 'Normal', 'SuccessfulCreate', `Created pod: ${r.value.metadata.name}`);
      if (failed.length) {
        const e = this.expect.get(key);
        if (e) e.adds -= failed.length + (count - done);
        const err = failed[0]!.reason;
        void this.recorder.event(job, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
        if (isStatus(err, 403, 409)) return created;
        throw err;
      }
    }
    return created;
  }

  /** Deletes pods; removing the tracking finalizer first when they should not be counted (suspension, excess). */
  async deletePods(job: KObject, pods: KObject[], strip: boolean): Promise<KObject[]> {
    const key = `${job.metadata.namespace}/${job.metadata.name}`;
    const gone: KObject[] = [];
    await Promise.all(
      pods.map(async (p) => {
        if (strip && hasFinalizer(p) && !(await this.stripFinalizer(key, p))) return;
        try {
          await this.client().delete(PODS, p.metadata.namespace, p.metadata.name, { preconditions: { uid: p.metadata.uid } });
          void this.recorder.event(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          if (!isStatus(e, 404, 409)) throw e;
        }
        gone.push(p);
      }),
    );
    return gone;
  }

  async stripFinalizer(key: string, pod: KObject): Promise<boolean> {
    const set = key ? this.strippingFor(key) : undefined;
    const i = (pod.metadata.finalizers as string[]).indexOf(TRACKING_FINALIZER);
    set?.add(pod.metadata.uid);
    try {
      await this.client().patch(PODS, pod.metadata.namespace, pod.metadata.name, 'json', [
        { op: 'test', path: `/metadata/finalizers/${i}`, value: TRACKING_FINALIZER },
        { op: 'remove', path: `/metadata/finalizers/${i}` },
      ]);
      return true;
    } catch (e) {
      if (isStatus(e, 404)) return true;
      set?.delete(pod.metadata.uid);
      if (isStatus(e, 409, 422)) throw new Requeue();
      throw e;
    }
  }
}
