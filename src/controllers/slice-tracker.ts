// What a controller wrote and its informer has not shown yet (upstream's endpointSliceTracker), so a
// lagging cache never makes it create a second slice or write over its own newer one.
import type { Client, KObject } from '../client/types.js';
import { ENDPOINTSLICES } from './pod-endpoints.js';
import type { Informer } from './runtime/informer.js';
import { isStatus } from './runtime/queue-controller.js';

const TTL_MS = 5_000;

export class SliceTracker {
  private readonly pending = new Map<string, { at: number; writes: Map<string, string | undefined> }>();

  /** A write of this object by name: undefined resourceVersion means deleted. */
  expect(key: string, name: string, resourceVersion: string | undefined): void {
    const p = this.pending.get(key) ?? { at: 0, writes: new Map() };
    p.at = Date.now();
    p.writes.set(name, resourceVersion);
    this.pending.set(key, p);
  }

  /** Deletes a slice the controller owns (one gone already is fine) and expects it gone. */
  async delete(client: Client, key: string, slice: KObject): Promise<void> {
    try {
      await client.delete(ENDPOINTSLICES, slice.metadata.namespace, slice.metadata.name);
    } catch (e) {
      if (!isStatus(e, 404)) throw e;
    }
    this.expect(key, slice.metadata.name, undefined);
  }

  satisfied(key: string, informer: Informer): boolean {
    const p = this.pending.get(key);
    if (!p) return true;
    const ns = key.split('/')[0];
    for (const [name, rv] of p.writes) {
      const cur = informer.get(`${ns}/${name}`);
      const seen = rv === undefined ? !cur : !!cur && Number(cur.metadata.resourceVersion) >= Number(rv);
      if (seen) p.writes.delete(name);
    }
    if (!p.writes.size || Date.now() - p.at > TTL_MS) {
      this.pending.delete(key);
      return true;
    }
    return false;
  }
}
