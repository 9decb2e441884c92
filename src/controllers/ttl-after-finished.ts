// ttl-after-finished controller: a finished Job (Complete or Failed) with spec.ttlSecondsAfterFinished is
// deleted that many seconds after its finishing condition's transition — with foreground propagation, as upstream.
import type { KObject } from '../client/types.js';
import { JOBS } from './gvr.js';
import type { Informer } from './runtime/informer.js';
import { QueueController, isStatus } from './runtime/queue-controller.js';

/** When a finished job expires (epoch ms), or undefined if it has no TTL or is not finished. */
export function expiresAt(job: KObject): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (typeof ttl !== 'number' || job.metadata.deletionTimestamp) return undefined;
  const done = (job.status?.conditions ?? []).find((c: KObject) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True');
  if (!done) return undefined;
  return Date.parse(done.lastTransitionTime) + ttl * 1000;
}

export class TTLAfterFinishedController extends QueueController {
  private jobs!: Informer;

  constructor(private readonly now: () => number = Date.now) {
    super('ttl-after-finished', 2, 10_000);
  }

  protected register(): void {
    const check = (j: KObject) => {
      if (expiresAt(j) !== undefined) this.queue.add(`${j.metadata.namespace}/${j.metadata.name}`);
    };
    this.jobs = this.ctx.informers.informer(JOBS).on({ add: check, update: (_, j) => check(j) });
  }

  protected async sync(key: string): Promise<void> {
    const cached = this.jobs.get(key);
    if (!cached || expiresAt(cached) === undefined) return;
    const [ns, name] = key.split('/') as [string, string];
    // the cache may be stale (TTL changed, job re-run): decide on a fresh copy, as upstream
    const job = await this.ctx.client.get(JOBS, ns, name).catch((e) => (isStatus(e, 404) ? undefined : Promise.reject(e)));
    const at = job && expiresAt(job);
    if (at === undefined) return;
    const left = at - this.now();
    if (left > 0) return this.queue.addAfter(key, left);
    await this.ctx.client.delete(JOBS, ns, name, { propagationPolicy: 'Foreground', preconditions: { uid: job!.metadata.uid } }).catch((e) => {
      if (!isStatus(e, 404, 409)) throw e;
    });
  }
}
