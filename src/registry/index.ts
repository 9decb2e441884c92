// The registry: one Store per served resource, looked up by group/version/resource.
import type { Backend } from '../storage/backend.js';
import { Cacher } from '../storage/cacher.js';
import { Store } from './store.js';
import type { ResourceDef, StrategyServices } from './types.js';
import { builtinResources } from './resources/all.js';
import { IPAllocator, PortAllocator } from './allocators.js';

export { Store } from './store.js';
export * from './types.js';

export interface RegistryOptions {
  serviceClusterIPRange?: string;
  nodePortRange?: string;
}

export class Registry {
  readonly defs: ResourceDef[];
  private readonly stores = new Map<string, Store>();
  readonly services: StrategyServices;
  private readonly ipAlloc: IPAllocator;
  private readonly portAlloc: PortAllocator;

  /** Storage as the stores see it: the backend behind a watch cache of every resource. */
  readonly storage: Cacher;

  constructor(
    readonly backend: Backend,
    opts: RegistryOptions = {},
  ) {
    this.defs = [...builtinResources];
    this.storage = new Cacher(backend, { prefixes: [...new Set(this.defs.filter((d) => !d.createOnly).map((d) => d.keyPrefix))] });
    // the cache hands out the same value object until the namespace changes, so its state is parsed once
    const states = new WeakMap<object, 'active' | 'terminating'>();
    const check = async (ns: string) => {
      const kv = await this.storage.get(`/registry/namespaces/${ns}`);
      if (!kv) return 'missing' as const;
      let state = states.get(kv);
      if (!state) {
        const o = JSON.parse(kv.value.toString('utf8'));
        states.set(kv, (state = o.metadata?.deletionTimestamp ? 'terminating' : 'active'));
      }
      return state;
    };
    for (const d of this.defs) this.stores.set(`${d.group}/${d.version}/${d.resource}`, new Store(d, this.storage, check));
    this.ipAlloc = new IPAllocator(opts.serviceClusterIPRange ?? '10.96.0.0/12', () => this.usedClusterIPs());
    this.portAlloc = new PortAllocator(opts.nodePortRange ?? '30000-32767', () => this.usedNodePorts());
    this.services = {
      allocateClusterIP: (r) => this.ipAlloc.allocate(r),
      releaseClusterIP: (ip) => this.ipAlloc.release(ip),
      allocateNodePort: (p) => this.portAlloc.allocate(p),
      releaseNodePort: (p) => this.portAlloc.release(p),
    };
  }

  get serviceIPAllocator(): IPAllocator {
    return this.ipAlloc;
  }

  store(group: string, version: string, resource: string): Store | undefined {
    return this.stores.get(`${group}/${version}/${resource}`);
  }

  mustStore(group: string, resource: string): Store {
    const d = this.defs.find((x) => x.group === group && x.resource === resource);
    if (!d) throw new Error(`no resource ${group}/${resource}`);
    return this.stores.get(`${d.group}/${d.version}/${d.resource}`)!;
  }

  /** Stops the watch caches (before the backend closes). */
  close(): void {
    this.storage.stop();
  }

  allStores(): Store[] {
    return [...this.stores.values()];
  }

  private async usedClusterIPs(): Promise<string[]> {
    const l = await this.mustStore('', 'services').list('', {});
    return l.items.flatMap((s) => s.spec?.clusterIPs ?? (s.spec?.clusterIP ? [s.spec.clusterIP] : []));
  }

  private async usedNodePorts(): Promise<number[]> {
    const l = await this.mustStore('', 'services').list('', {});
    return l.items.flatMap((s) => (s.spec?.ports ?? []).map((p: { nodePort?: number }) => p.nodePort).filter((n: number | undefined): n is number => !!n));
  }
}
