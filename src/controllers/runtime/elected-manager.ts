// The controllers of one process run only while it holds the kube-controller-manager Lease: a fresh set
// (new informers, queues and state) each time leadership is won, stopped when it is lost or on stop.
import type { Client } from '../../client/types.js';
import { LeaderElector, type LeaderElectionOptions } from '../leader-election.js';
import { ControllerManager, type Controller, type ControllerClientBuilder } from './controller.js';

export interface ControllerHealthCheck {
  name: string;
  check(): string | undefined;
}

/** kube-controller-manager's names for the controllers whose `--controllers` alias is not `<alias>-controller`. */
const UPSTREAM_NAMES: Record<string, string> = {
  garbagecollector: 'garbage-collector-controller',
  'root-ca-cert-publisher': 'root-ca-certificate-publisher-controller',
  podgc: 'pod-garbage-collector-controller',
  nodelifecycle: 'node-lifecycle-controller',
  nodeipam: 'node-ipam-controller',
  csrsigning: 'certificatesigningrequest-signing-controller',
  csrapproving: 'certificatesigningrequest-approving-controller',
  csrcleaner: 'certificatesigningrequest-cleaner-controller',
  ttl: 'ttl-controller',
  bootstrapsigner: 'bootstrap-signer-controller',
  tokencleaner: 'token-cleaner-controller',
  persistentvolume_binder: 'persistentvolume-binder-controller',
  'endpointslice-mirroring': 'endpointslice-mirroring-controller',
  'pvc-protection': 'persistentvolumeclaim-protection-controller',
  'pv-protection': 'persistentvolume-protection-controller',
};

export function controllerHealthName(alias: string): string {
  return UPSTREAM_NAMES[alias] ?? (alias.endsWith('-controller') ? alias : `${alias}-controller`);
}

export interface ElectedControllerManagerOptions {
  /** kube-controller-manager's own client: the Lease and the shared informers. */
  client: Client;
  /** Each controller's own credentials (its service account's); without it every controller uses `client`. */
  clients?: ControllerClientBuilder;
  /** The metadata-only shared informers' client, when not `client`. */
  metadataClient?: Client;
  /** The Lease's client, when not `client` (kube-controller-manager's says `leader-election` in its user agent). */
  electionClient?: Client;
  /** The cluster CA with its key (csrsigning signs with it). */
  ca: { certPem: string; keyPem: string };
  /** Makes the enabled controllers anew (called each time leadership is won). */
  controllers(): Controller[];
  onError(controller: string, err: unknown): void;
  election?: Partial<Omit<LeaderElectionOptions, 'client' | 'onStartedLeading' | 'onStoppedLeading'>>;
}

export class ElectedControllerManager {
  readonly elector: LeaderElector;
  private manager?: ControllerManager;
  private readonly names: string[];

  constructor(private readonly opts: ElectedControllerManagerOptions) {
    this.names = opts.controllers().map((c) => c.name);
    this.elector = new LeaderElector({
      ...opts.election,
      client: opts.electionClient ?? opts.client,
      onStartedLeading: () => this.startControllers(),
      onStoppedLeading: () => this.stopControllers(),
      onError: (e) => opts.onError('leader-election', e),
    });
  }

  get identity(): string {
    return this.elector.identity;
  }

  /** Tries for the lease at once: when won, resolves once the controllers' informers have synced; otherwise keeps trying in the background. */
  async start(): Promise<boolean> {
    // with no controllers enabled there is nothing to lead: the lease is left to processes that run some
    if (!this.names.length) return false;
    return this.elector.start();
  }

  async stop(): Promise<void> {
    await this.elector.stop();
  }

  /** Whether this process's controllers are running (it holds the lease). */
  isLeading(): boolean {
    return this.elector.isLeading();
  }

  /** The running controller manager, while leading. */
  current(): ControllerManager | undefined {
    return this.manager;
  }

  /** One check for the election and one per controller (failing while its last 403 is recent); waiting for the lease is healthy. */
  healthChecks(): ControllerHealthCheck[] {
    if (!this.names.length) return [];
    return [{ name: 'leaderElection', check: () => this.elector.check() }, ...this.names.map((n) => ({ name: controllerHealthName(n), check: () => this.manager?.forbiddenError(n) }))];
  }

  idle(): boolean {
    return this.manager?.idle() ?? true;
  }

  private async startControllers(): Promise<void> {
    this.stopControllers();
    const manager = new ControllerManager(this.opts.client, this.opts.ca, this.opts.controllers(), this.opts.onError, this.opts.clients, this.opts.metadataClient);
    this.manager = manager;
    await manager.start();
  }

  private stopControllers(): void {
    this.manager?.stop();
    this.manager = undefined;
  }
}
