// What an in-process controller is, and the manager that runs the enabled ones with shared informers.
import type { Client } from '../../client/types.js';
import { InformerFactory } from './informer-factory.js';

export interface ControllerContext {
  /** The controller's own client (its service account's, as kube-controller-manager's client builder makes). */
  client: Client;
  /** The shared informers (kube-controller-manager's own identity), or the component's own. */
  informers: InformerFactory;
  /** The cluster CA (what kube-root-ca.crt publishes). */
  caCertPem: string;
  /** The cluster CA with its key, for the controllers that sign (csrsigning). */
  ca: { certPem: string; keyPem: string };
  /** Reports a failure that the controller retries on its own. */
  error(controller: string, err: unknown): void;
  /** Reports a sync that succeeded (a 403 before it no longer fails the controller's health check). */
  synced?(controller: string): void;
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

/** A controller's credentials: its client, and for a component apart from kube-controller-manager the client of its own informers. */
export interface ControllerCredentials {
  client: Client;
  informerClient?: Client;
}

/** Makes the credentials of a controller by its name (kube-controller-manager's ControllerClientBuilder). */
export type ControllerClientBuilder = (controller: string) => Promise<ControllerCredentials>;

/** `--controllers` as kube-controller-manager reads it: `*` (all), `name`, `-name`, or `none`. */
export function enabledControllers(spec: string, all: string[]): string[] {
  const items = spec.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.includes('none')) return [];
  const star = items.includes('*') || items.length === 0;
  return all.filter((n) => !items.includes(`-${n}`) && (star || items.includes(n)));
}

const CREDENTIALS_RETRY_MS = 1000;

/** How long a controller's last 403, with no success after it, keeps its health check failing. */
const FORBIDDEN_HEALTH_MS = 600_000;

export class ControllerManager {
  private readonly informers: InformerFactory;
  private readonly own: InformerFactory[] = [];
  private readonly forbidden = new Map<string, { at: number; message: string }>();
  private running = false;
  private stopped = false;

  /**
   * `client` lists and watches for the shared informers (`metadataClient` for the metadata-only ones);
   * `clients` gives each controller its own credentials (without it every controller uses `client`).
   */
  constructor(
    private readonly client: Client,
    private readonly ca: { certPem: string; keyPem: string },
    private readonly controllers: Controller[],
    private readonly onError: (controller: string, err: unknown) => void,
    private readonly clients?: ControllerClientBuilder,
    metadataClient?: Client,
  ) {
    this.informers = new InformerFactory(client, (err) => this.report('informer', err), metadataClient);
  }

  async start(): Promise<void> {
    const creds = await Promise.all(this.controllers.map((c) => this.credentials(c.name)));
    if (this.stopped || creds.includes(undefined)) return;
    const error = (controller: string, err: unknown) => this.report(controller, err);
    const synced = (controller: string) => void this.forbidden.delete(controller);
    this.controllers.forEach((c, i) => {
      const { client, informerClient } = creds[i] as ControllerCredentials;
      let informers = this.informers;
      if (informerClient) this.own.push((informers = new InformerFactory(informerClient, (err) => this.report(c.name, err))));
      c.setup({ client, informers, caCertPem: this.ca.certPem, ca: this.ca, error, synced });
    });
    for (const f of [this.informers, ...this.own]) f.start();
    await Promise.all([this.informers, ...this.own].map((f) => f.waitForSync()));
    // stopped while the informers were listing (leadership lost at once, or the server stopping)
    if (this.stopped) return;
    this.running = true;
    for (const c of this.controllers) c.run();
  }

  stop(): void {
    this.stopped = true;
    this.running = false;
    for (const c of this.controllers) c.stop();
    for (const f of [this.informers, ...this.own]) f.stop();
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

  /** The 403 a controller met last, unless a sync succeeded since: its health check fails with it. */
  forbiddenError(controller: string, now = Date.now()): string | undefined {
    const f = this.forbidden.get(controller);
    return f && now - f.at < FORBIDDEN_HEALTH_MS ? f.message : undefined;
  }

  /** A controller's credentials, asked for again every second until they come or the manager stops (upstream's builder would exit). */
  private async credentials(controller: string): Promise<ControllerCredentials | undefined> {
    if (!this.clients) return { client: this.client };
    while (!this.stopped) {
      try {
        return await this.clients(controller);
      } catch (e) {
        this.report(controller, e);
        await new Promise((r) => setTimeout(r, CREDENTIALS_RETRY_MS));
      }
    }
    return undefined;
  }

  private report(controller: string, err: unknown): void {
    if ((err as { code?: number } | undefined)?.code === 403) this.forbidden.set(controller, { at: Date.now(), message: (err as Error).message });
    this.onError(controller, err);
  }
}
