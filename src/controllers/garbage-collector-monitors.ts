// The garbage collector's view of the API: every resource that can be listed, watched and deleted gets an
// informer feeding the graph (built-ins and custom resources, found through discovery and looked at again
// when CRDs come and go), and owner references are resolved from apiVersion and kind to a resource.
import type { DiscoveredResource, GVR, KObject } from '../client/types.js';
import type { EventHandlers, Informer } from './runtime/informer.js';
import type { ControllerContext } from './runtime/controller.js';

/** What upstream's garbage collector leaves alone by default. */
const IGNORED = new Set(['/events', 'events.k8s.io/events']);
/** How often discovery is read again anyway (upstream's resync period). */
const RESYNC_MS = 30_000;
/** After a CRD changes: its resource is served once it is established, a moment later. */
const CRD_RESYNC_DELAYS_MS = [50, 500, 1500];

export const CRDS: GVR = { group: 'apiextensions.k8s.io', version: 'v1', resource: 'customresourcedefinitions', namespaced: false };

const gvrKey = (r: GVR) => `${r.group}/${r.version}/${r.resource}`;
const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0]! : '');

export class Monitors {
  private readonly monitors = new Map<string, { res: DiscoveredResource; informer: Informer }>();
  private kinds = new Map<string, DiscoveredResource>();
  private timers = new Set<NodeJS.Timeout>();
  private interval?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly handlers: (res: DiscoveredResource) => EventHandlers,
  ) {}

  /** Watches CRDs so that resources are looked for again when they change. */
  register(): void {
    const changed = () => this.scheduleResync();
    // a deleted CRD's resource stops being served at once: its informer goes before it fails to list
    const deleted = (crd: KObject) => {
      for (const [k, m] of [...this.monitors]) {
        if (m.res.group !== crd.spec?.group || m.res.resource !== crd.spec?.names?.plural) continue;
        this.monitors.delete(k);
        this.ctx.informers.drop(m.res);
      }
      changed();
    };
    this.ctx.informers.informer(CRDS).on({ add: changed, update: changed, delete: deleted });
  }

  /** Discovers resources, starts their informers and resolves once all have listed. */
  async start(): Promise<void> {
    await this.resync();
    this.interval = setInterval(() => void this.resync().catch((e) => this.ctx.error('garbagecollector', e)), RESYNC_MS).unref();
    await Promise.all([...this.monitors.values()].map((m) => m.informer.waitForSync()));
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.interval);
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** The resource an owner reference names (any version of its group), if the server serves it. */
  resolve(apiVersion: string, kind: string): DiscoveredResource | undefined {
    return this.kinds.get(`${groupOf(apiVersion)}|${kind}`);
  }

  /** Whether every monitored resource has listed. */
  synced(): boolean {
    return [...this.monitors.values()].every((m) => m.informer.hasSynced());
  }

  resources(): DiscoveredResource[] {
    return [...this.monitors.values()].map((m) => m.res);
  }

  scheduleResync(): void {
    if (this.stopped) return;
    for (const ms of CRD_RESYNC_DELAYS_MS) {
      const t = setTimeout(() => {
        this.timers.delete(t);
        void this.resync().catch((e) => this.ctx.error('garbagecollector', e));
      }, ms);
      t.unref();
      this.timers.add(t);
    }
  }

  /** One discovery pass at a time; a pass asked for meanwhile runs after it. */
  private resync(): Promise<void> {
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      try {
        do {
          this.again = false;
          await this.resyncOnce();
        } while (this.again && !this.stopped);
      } finally {
        this.syncing = undefined;
      }
    })();
    return this.syncing;
  }

  private async resyncOnce(): Promise<void> {
    if (this.stopped) return;
    const found = await this.ctx.client.discover();
    if (this.stopped) return;
    const kinds = new Map<string, DiscoveredResource>();
    for (const r of found) if (r.kind && !kinds.has(`${r.group}|${r.kind}`)) kinds.set(`${r.group}|${r.kind}`, r);
    this.kinds = kinds;
    const wanted = new Map<string, DiscoveredResource>();
    for (const r of found) {
      if (IGNORED.has(`${r.group}/${r.resource}`)) continue;
      if (!['list', 'watch', 'delete'].every((v) => r.verbs.includes(v))) continue;
      wanted.set(gvrKey(r), r);
    }
    for (const [k, m] of [...this.monitors]) {
      if (wanted.has(k)) continue;
      this.monitors.delete(k);
      this.ctx.informers.drop(m.res);
    }
    for (const [k, r] of wanted) {
      if (this.monitors.has(k)) continue;
      const gvr: GVR = { group: r.group, version: r.version, resource: r.resource, namespaced: r.namespaced };
      // metadata is all the graph needs (upstream's metadata informers): a fraction of the bytes of each event
      const informer = this.ctx.informers.informer(gvr, { metadataOnly: true }).on(this.handlers(r));
      this.monitors.set(k, { res: r, informer });
    }
  }
}
