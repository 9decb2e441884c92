// A small informer over one cluster-scoped resource: listed once, then kept current by a watch, so that
// admission reads policies and bindings from memory rather than from the registry on every request.
import type { Store, WatchHandle } from '../../../registry/store.js';
import type { KObject } from '../../../registry/types.js';

export class ObjectCache {
  private readonly items = new Map<string, KObject>();
  private handle?: WatchHandle;
  private starting?: Promise<void>;
  /** Bumped on every change, so derived state (compiled policies, indexes) knows when to rebuild. */
  version = 0;

  constructor(private readonly store: () => Store | undefined) {}

  /** The watch is running: list() is current. */
  get synced(): boolean {
    return !!this.handle;
  }

  /** Starts the watch on first use (and again after it broke). */
  async sync(): Promise<void> {
    if (!this.handle) await (this.starting ??= this.start());
  }

  list(): KObject[] {
    return [...this.items.values()];
  }

  private async start(): Promise<void> {
    const store = this.store();
    if (!store) throw new Error('resource not served');
    this.items.clear();
    this.version++;
    try {
      this.handle = await store.watch('', {}, {
        event: (type, obj) => {
          if (type === 'DELETED') this.items.delete(obj.metadata.name);
          else this.items.set(obj.metadata.name, obj);
          this.version++;
        },
        // a broken watch (e.g. compacted) lists again on the next request
        error: () => {
          this.handle?.stop();
          this.handle = undefined;
          this.starting = undefined;
        },
      });
    } finally {
      this.starting = undefined;
    }
  }

  stop(): void {
    this.handle?.stop();
    this.handle = undefined;
  }
}
