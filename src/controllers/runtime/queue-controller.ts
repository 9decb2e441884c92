// The common shape of a controller: informers feed keys into a rate-limited queue; workers sync one key at a time.
import type { Controller, ControllerContext } from './controller.js';
import { WorkQueue } from './workqueue.js';

export abstract class QueueController implements Controller {
  protected readonly queue: WorkQueue;
  protected ctx!: ControllerContext;

  constructor(
    readonly name: string,
    private readonly workers = 1,
    maxRetryDelayMs = 60_000,
  ) {
    this.queue = new WorkQueue({ maxDelayMs: maxRetryDelayMs });
  }

  setup(ctx: ControllerContext): void {
    this.ctx = ctx;
    this.register();
  }

  /** Informers and handlers that enqueue keys. */
  protected abstract register(): void;

  /** Brings the world in line for one key; throwing retries it with backoff. */
  protected abstract sync(key: string): Promise<void>;

  run(): void {
    void this.queue.run(this.workers, async (k) => {
      await this.sync(k);
      this.ctx.synced?.(this.name);
    }, (k, err) => {
      if (!(err instanceof Requeue)) this.ctx.error(this.name, err);
    });
  }

  stop(): void {
    this.queue.shutdown();
  }

  idle(): boolean {
    return this.queue.idle();
  }
}

/** Thrown by sync to look at the key again later (with backoff) without reporting an error. */
export class Requeue extends Error {}

/** A StatusError-like failure with this HTTP code. */
export function isStatus(err: unknown, ...codes: number[]): boolean {
  return typeof err === 'object' && err !== null && codes.includes((err as { code?: number }).code ?? 0);
}
