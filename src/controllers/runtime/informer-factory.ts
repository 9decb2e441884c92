// One informer per resource (and namespace/selector) shared by every controller that watches it.
import type { Client, GVR } from '../../client/types.js';
import { Informer, type InformerOptions } from './informer.js';
import { MetadataView } from './metadata-view.js';

export class InformerFactory {
  private readonly informers = new Map<string, Informer>();
  private started = false;

  /** `metadataClient` serves the metadata-only informers (kube-controller-manager's `metadata-informers`), else `client`. */
  constructor(
    private readonly client: Client,
    private readonly onError?: (err: unknown) => void,
    private readonly metadataClient?: Client,
  ) {}

  informer(gvr: GVR, opts: Omit<InformerOptions, 'onError'> = {}): Informer {
    const key = (metadataOnly: boolean) => `${gvr.group}/${gvr.version}/${gvr.resource}|${opts.namespace ?? ''}|${opts.labelSelector ?? ''}|${opts.fieldSelector ?? ''}|${metadataOnly ? 'metadata' : ''}`;
    let inf = this.informers.get(key(!!opts.metadataOnly));
    if (!inf) {
      // metadata of a resource some controller already follows in full: taken from that informer, no watch of its own
      const full = opts.metadataOnly ? this.informers.get(key(false)) : undefined;
      inf = full ? new MetadataView(full, this.onError) : new Informer(opts.metadataOnly ? (this.metadataClient ?? this.client) : this.client, gvr, { ...opts, onError: this.onError });
      this.informers.set(key(!!opts.metadataOnly), inf);
      if (this.started) inf.start();
    }
    return inf;
  }

  /** Stops and forgets every informer of a resource that is no longer served (a CRD gone or changed). */
  drop(gvr: GVR): void {
    const prefix = `${gvr.group}/${gvr.version}/${gvr.resource}|`;
    for (const [k, inf] of [...this.informers]) {
      if (!k.startsWith(prefix)) continue;
      inf.stop();
      this.informers.delete(k);
    }
  }

  start(): void {
    this.started = true;
    for (const i of this.informers.values()) i.start();
  }

  async waitForSync(): Promise<void> {
    await Promise.all([...this.informers.values()].map((i) => i.waitForSync()));
  }

  stop(): void {
    for (const i of this.informers.values()) i.stop();
  }
}
