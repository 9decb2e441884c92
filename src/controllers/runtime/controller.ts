// What an in-process controller is, and the manager that runs the enabled ones with shared informers.
import type { Client } from '../../client/types.js';
import { InformerFactory } from './informer-factory.js';

export interface ControllerContext {
  client: Client;
  informers: InformerFactory;
  /** The cluster CA (what kube-root-ca.crt publishes). */
  caCertPem: string;
  /** The cluster CA with its key, for the controllers that sign (csrsigning). */
  ca: { certPem: string; keyPem: string };
  /** Reports a failure that the controller retries on its own. */
  error(controller: string, err: unknown): void;
}

export interface Controller {
  readonly name: string;
  /** Registers informers and handlers; work starts once every informer has synced. */
  setup(ctx: ControllerContext): void;
  run(): void;
  stop(): void;
  /** Nothing queued or in progress (tests and benchmarks wait for it). */
  idle?(): boolean;
}

/** `--controllers` as kube-controller-manager reads it: `*` (all), `name`, `-name`, or `none`. */
export function enabledControllers(spec: string, all: string[]): string[] {
  const items = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.includes('none')) return [];
  const star = items.includes('*') || items.length === 0;
  return all.filter((n) => !items.includes(`-${n}`) && (star || items.includes(n)));
}

export class ControllerManager {
  private readonly informers: InformerFactory;
  private readonly ctx: ControllerContext;
  private running = false;
  private stopped = false;

  constructor(
    client: Client,
    ca: { certPem: string; keyPem: string },
    private readonly controllers: Controller[],
    onError: (controller: string, err: unknown) => void,
  ) {
    this.informers = new InformerFactory(client, (err) => onError('informer', err));
    this.ctx = { client, informers: this.informers, caCertPem: ca.certPem, ca, error: onError };
  }

  async start(): Promise<void> {
    for (const c of this.controllers) c.setup(this.ctx);
    this.informers.start();
    await this.informers.waitForSync();
    // stopped while the informers were listing (leadership lost at once, or the server stopping)
    if (this.stopped) return;
    this.running = true;
    for (const c of this.controllers) c.run();
  }

  stop(): void {
    this.stopped = true;
    this.running = false;
    for (const c of this.controllers) c.stop();
    this.informers.stop();
  }

  names(): string[] {
    return this.controllers.map((c) => c.name);
  }

  isRunning(): boolean {
    return this.running;
  }

  idle(): boolean {
    return this.controllers.every((c) => c.idle?.() ?? true);
  }
}
