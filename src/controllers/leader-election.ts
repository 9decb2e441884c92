// Leader election with a coordination.k8s.io/v1 Lease as client-go's leaderelection package does it: try
// at once and then every retryPeriod (jittered) to take a lease that is free or has not been renewed for
// leaseDuration since this process first saw it; renew every retryPeriod and give up after renewDeadline
// without success; on stop, release the lease (holder emptied, duration 1 s) so that a successor need not wait.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Client, GVR, KObject } from '../client/types.js';
import { isStatus } from './runtime/queue-controller.js';

export const LEASES: GVR = { group: 'coordination.k8s.io', version: 'v1', resource: 'leases', namespaced: true };

export interface LeaderElectionOptions {
  client: Client;
  namespace?: string;
  name?: string;
  /** `<hostname>_<uuid>` by default, as kube-controller-manager's. */
  identity?: string;
  leaseDurationMs?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
  onStartedLeading(): void | Promise<void>;
  onStoppedLeading(): void;
  onError?(err: unknown): void;
  /** The clock (tests). */
  now?(): number;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

const JITTER = 1.2;

export class LeaderElector {
  readonly identity: string;
  readonly namespace: string;
  readonly name: string;
  private readonly leaseDurationMs: number;
  private readonly renewDeadlineMs: number;
  private readonly retryPeriodMs: number;
  private readonly now: () => number;
  private lease?: KObject;
  private observed?: LeaseSpec;
  private observedRaw = '';
  private observedTime = 0;
  private leading = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private wake?: () => void;
  private loop?: Promise<void>;

  constructor(private readonly opts: LeaderElectionOptions) {
    this.identity = opts.identity ?? `${hostname()}_${randomUUID()}`;
    this.namespace = opts.namespace ?? 'kube-system';
    this.name = opts.name ?? 'kube-controller-manager';
    this.leaseDurationMs = opts.leaseDurationMs ?? 15_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? 10_000;
    this.retryPeriodMs = opts.retryPeriodMs ?? 2_000;
    this.now = opts.now ?? Date.now;
  }

  isLeader(): boolean {
    return this.observed?.holderIdentity === this.identity;
  }

  /** Leading and the controllers told so. */
  isLeading(): boolean {
    return this.leading;
  }

  /** kube-controller-manager's leaderElection health check: a leader whose record has not changed for leaseDuration + 20 s is unhealthy. */
  check(): string | undefined {
    if (!this.isLeader()) return undefined;
    return this.now() - this.observedTime > this.leaseDurationMs + 20_000 ? `failed election to renew leadership on lease ${this.name}` : undefined;
  }

  /** Tries once now; then keeps acquiring and renewing in the background. Resolves after the first attempt (and onStartedLeading, if won). */
  async start(): Promise<boolean> {
    const won = await this.attempt();
    if (won) await this.becomeLeader();
    this.loop = this.run(won);
    return won;
  }

  /** Stops trying, stops leading and releases the lease if held. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.wake?.();
    await this.loop;
    if (this.leading) {
      this.leading = false;
      this.opts.onStoppedLeading();
    }
    if (this.isLeader()) await this.release();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((r) => {
      this.wake = r;
      this.timer = setTimeout(r, ms);
    });
  }

  private async run(leadingNow: boolean): Promise<void> {
    let leading = leadingNow;
    while (!this.stopped) {
      if (!leading) {
        await this.sleep(this.retryPeriodMs * (1 + Math.random() * JITTER));
        if (this.stopped) return;
        if (!(await this.attempt())) continue;
        leading = true;
        await this.becomeLeader();
        continue;
      }
      await this.sleep(this.retryPeriodMs);
      if (this.stopped) return;
      // renew: retry every retryPeriod until renewDeadline has passed without success
      const deadline = this.now() + this.renewDeadlineMs;
      let renewed = await this.attempt();
      while (!renewed && !this.stopped && this.now() + this.retryPeriodMs < deadline) {
        await this.sleep(this.retryPeriodMs);
        if (!this.stopped) renewed = await this.attempt();
      }
      if (renewed || this.stopped) continue;
      this.opts.onError?.(new Error(`failed to renew lease ${this.namespace}/${this.name}: timed out waiting for the condition`));
      leading = false;
      this.leading = false;
      this.opts.onStoppedLeading();
    }
  }

  private async becomeLeader(): Promise<void> {
    this.leading = true;
    await this.opts.onStartedLeading();
  }

  private async attempt(): Promise<boolean> {
    try {
      return await this.tryAcquireOrRenew();
    } catch (e) {
      this.opts.onError?.(e);
      return false;
    }
  }

  private setObserved(spec: LeaseSpec, raw?: string): void {
    this.observed = spec;
    this.observedRaw = raw ?? JSON.stringify(spec);
    this.observedTime = this.now();
  }

  private leaseValid(now: number): boolean {
    return this.observedTime + (this.observed?.leaseDurationSeconds ?? 0) * 1000 > now;
  }

  private async write(spec: LeaseSpec): Promise<boolean> {
    try {
      // the whole spec is the record, as client-go's LeaseLock writes it
      this.lease = await this.opts.client.update(LEASES, this.namespace, { ...this.lease!, spec });
      this.setObserved(spec);
      return true;
    } catch (e) {
      if (!isStatus(e, 409)) this.opts.onError?.(e);
      return false;
    }
  }

  /** client-go's tryAcquireOrRenew: true when this process holds the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const now = this.now();
    const record: LeaseSpec = { holderIdentity: this.identity, leaseDurationSeconds: Math.floor(this.leaseDurationMs / 1000), acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
    // fast path: a leader renews against the lease it last wrote
    if (this.isLeader() && this.leaseValid(now) && this.lease) {
      if (await this.write({ ...record, acquireTime: this.observed!.acquireTime, leaseTransitions: this.observed!.leaseTransitions ?? 0 })) return true;
    }
    try {
      this.lease = await this.opts.client.get(LEASES, this.namespace, this.name);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
      try {
        this.lease = await this.opts.client.create(LEASES, this.namespace, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: this.name, namespace: this.namespace }, spec: record });
      } catch (err) {
        if (isStatus(err, 409)) return false;
        throw err;
      }
      this.setObserved(record);
      return true;
    }
    const spec: LeaseSpec = this.lease.spec ?? {};
    const raw = JSON.stringify(spec);
    if (raw !== this.observedRaw) this.setObserved(spec, raw);
    if (spec.holderIdentity && this.leaseValid(now) && !this.isLeader()) return false;
    if (this.isLeader()) {
      record.acquireTime = spec.acquireTime;
      record.leaseTransitions = spec.leaseTransitions ?? 0;
    } else record.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
    return this.write(record);
  }

  /** ReleaseOnCancel: the holder emptied and a one-second duration, so that the next candidate takes it at once. */
  private async release(): Promise<void> {
    if (!this.lease) return;
    const now = microTime(this.now());
    try {
      await this.opts.client.update(LEASES, this.namespace, { ...this.lease, spec: { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: this.observed?.leaseTransitions ?? 0 } });
    } catch (e) {
      this.opts.onError?.(e);
    }
    this.observed = undefined;
  }
}
