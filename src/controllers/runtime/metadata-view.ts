// A metadata-only informer that follows the full informer of the same resource instead of watching on its
// own, as upstream's garbage collector takes the typed shared informer of a built-in resource when there is
// one: one watch stream per write instead of two, and the metadata strings shared with the full cache.
import type { KObject } from '../../client/types.js';
import { Informer, keyOf, type EventHandlers } from './informer.js';

/** The object as a metadata informer holds it: PartialObjectMetadata, metadata copied one level deep. */
function partial(o: KObject): KObject {
  const metadata = { ...o.metadata };
  // the collector's graph keeps the array: a controller editing the full object's in place must not reach it
  if (Array.isArray(metadata.ownerReferences)) metadata.ownerReferences = metadata.ownerReferences.map((r: KObject) => ({ ...r }));
  if (Array.isArray(metadata.finalizers)) metadata.finalizers = [...metadata.finalizers];
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata };
}

export class MetadataView extends Informer {
  private readonly view = new Map<string, KObject>();
  private readonly viewHandlers: EventHandlers[] = [];
  private detached = false;

  constructor(
    private readonly full: Informer,
    private readonly onError?: (err: unknown) => void,
  ) {
    super(undefined as never, full.gvr, { metadataOnly: true });
    full.on({
      add: (o) => this.apply('add', o),
      // a resync of the full informer (the same object again) is not one of this view's events
      update: (old, o) => old !== o && this.apply('update', o),
      delete: (o) => this.apply('delete', o),
    });
  }

  private apply(kind: 'add' | 'update' | 'delete', o: KObject): void {
    if (this.detached) return;
    const k = keyOf(o);
    const old = this.view.get(k);
    const p = partial(o);
    if (kind === 'delete') this.view.delete(k);
    else this.view.set(k, p);
    for (const h of this.viewHandlers) {
      try {
        if (kind === 'delete') h.delete?.(p);
        else if (old) h.update?.(old, p);
        else h.add?.(p);
      } catch (err) {
        this.onError?.(err);
      }
    }
  }

  override on(h: EventHandlers): this {
    this.viewHandlers.push(h);
    for (const o of this.view.values()) {
      try {
        h.add?.(o);
      } catch (err) {
        this.onError?.(err);
      }
    }
    return this;
  }

  override get(key: string): KObject | undefined {
    return this.view.get(key);
  }

  override items(): KObject[] {
    return [...this.view.values()];
  }

  override hasSynced(): boolean {
    return this.full.hasSynced();
  }

  override waitForSync(): Promise<void> {
    return this.full.waitForSync();
  }

  override start(): this {
    return this;
  }

  override stop(): void {
    this.detached = true;
  }
}
