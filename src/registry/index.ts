// The registry: one Store per served resource, looked up by group/version/resource.
import type { Backend } from '../storage/backend.js';
import { Cacher } from '../storage/cacher.js';
import { StatusError } from '../apimachinery/errors.js';
import { Store } from './store.js';
import type { Admission, ResourceDef, StrategyServices } from './types.js';
import { builtinResources } from './resources/all.js';
import { IPAllocator, PortAllocator } from './allocators.js';

export { Store } from './store.js';
export * from './types.js';

export interface RegistryOptions {
  serviceClusterIPRange?: string;
  nodePortRange?: string;
}

/** Kubernetes version priority: GA before beta before alpha, higher numbers first, other names last by name. */
export function compareKubeVersions(a: string, b: string): number {
  const rank = (v: string): [number, number, number, string] => {
    const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
    if (!m) return [3, 0, 0, v];
    return [m[2] === 'alpha' ? 2 : m[2] === 'beta' ? 1 : 0, -Number(m[1]), -Number(m[3] ?? 0), v];
  };
  const [x, y] = [rank(a), rank(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] as number) - (y[i] as number);
  return x[3] < y[3] ? -1 : x[3] > y[3] ? 1 : 0;
}

export class Registry {
  private readonly builtins: ResourceDef[];
  /** Served custom resources by CRD name. */
  private readonly custom = new Map<string, ResourceDef[]>();
  private allDefs?: ResourceDef[];
  /** Bumped whenever the served resources change (discovery and OpenAPI rebuild then). */
  generation = 0;
  private readonly checkNamespace: (ns: string) => Promise<'missing' | 'active' | 'terminating'>;
  private readonly stores = new Map<string, Store>();
  readonly services: StrategyServices;
  /** Dynamic admission (webhooks) writes pass through; the server sets it. */
  admission?: Admission;
  private readonly ipAlloc: IPAllocator;
  private readonly portAlloc: PortAllocator;

  /** Storage as the stores see it: the backend behind a watch cache of every resource. */
  readonly storage: Cacher;

  constructor(
    readonly backend: Backend,
    opts: RegistryOptions = {},
  ) {
    this.builtins = [...builtinResources];
    this.storage = new Cacher(backend, { prefixes: [...new Set(this.builtins.filter((d) => !d.createOnly && !d.computed).map((d) => d.keyPrefix))] });
    // the cache hands out the same value object until the namespace changes, so its state is parsed once
    const states = new WeakMap<object, 'active' | 'terminating'>();
    // as upstream's NamespaceLifecycle admission: the cached namespace when there is one, storage when not
    const check = async (ns: string) => {
      const key = `/registry/namespaces/${ns}`;
      const kv = this.storage.peek(key) ?? (await this.storage.get(key));
      if (!kv) return 'missing' as const;
      let state = states.get(kv);
      if (!state) {
        const o = JSON.parse(kv.value.toString('utf8'));
        states.set(kv, (state = o.metadata?.deletionTimestamp ? 'terminating' : 'active'));
      }
      return state;
    };
    this.checkNamespace = check;
    for (const d of this.builtins) this.stores.set(`${d.group}/${d.version}/${d.resource}`, new Store(d, this.storage, check));
    this.ipAlloc = new IPAllocator(opts.serviceClusterIPRange ?? '10.96.0.0/12', () => this.usedClusterIPs());
    this.portAlloc = new PortAllocator(opts.nodePortRange ?? '30000-32767', () => this.usedNodePorts());
    this.services = {
      allocateClusterIP: (r) => this.ipAlloc.allocate(r),
      releaseClusterIP: (ip) => this.ipAlloc.release(ip),
      allocateNodePort: (p) => this.portAlloc.allocate(p),
      releaseNodePort: (p) => this.portAlloc.release(p),
      priorityClasses: async () => (await this.mustStore('scheduling.k8s.io', 'priorityclasses').list('', {})).items,
      serviceAccount: (ns, name) => this.mustStore('', 'serviceaccounts').get(ns, name).catch((e) => (e instanceof StatusError && e.code === 404 ? undefined : Promise.reject(e))),
      defaultStorageClass: () => this.defaultStorageClass(),
    };
  }

  /** Every served resource: the built-in ones, then custom resources. */
  get defs(): ResourceDef[] {
    // custom resource groups come after the built-in ones, by name, each group's versions by kube-aware priority
    return (this.allDefs ??= [...this.builtins, ...[...this.custom.values()].flat().sort((a, b) => (a.group !== b.group ? (a.group < b.group ? -1 : 1) : compareKubeVersions(a.version, b.version)))]);
  }

  /** Serves (or re-serves, after a change) the versions of one CRD. */
  setCustomResources(crdName: string, defs: ResourceDef[]): void {
    this.dropStores(crdName);
    for (const d of defs) {
      this.storage.addPrefix(d.keyPrefix);
      this.stores.set(`${d.group}/${d.version}/${d.resource}`, new Store(d, this.storage, this.checkNamespace));
    }
    this.custom.set(crdName, defs);
    this.changed();
  }

  /** Stops serving a CRD's resources (its objects stay in storage until deleted). */
  removeCustomResources(crdName: string): void {
    const defs = this.custom.get(crdName);
    if (!defs) return;
    this.dropStores(crdName);
    this.custom.delete(crdName);
    for (const p of new Set(defs.map((d) => d.keyPrefix))) this.storage.removePrefix(p);
    this.changed();
  }

  private dropStores(crdName: string): void {
    for (const d of this.custom.get(crdName) ?? []) this.stores.delete(`${d.group}/${d.version}/${d.resource}`);
  }

  private changed(): void {
    this.allDefs = undefined;
    this.generation++;
  }

  get serviceIPAllocator(): IPAllocator {
    return this.ipAlloc;
  }

  store(group: string, version: string, resource: string): Store | undefined {
    return this.stores.get(`${group}/${version}/${resource}`);
  }

  mustStore(group: string, resource: string): Store {
    const d = this.builtins.find((x) => x.group === group && x.resource === resource);
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

  /** GetDefaultClass: of the classes annotated default, the newest (then the first by name). */
  private async defaultStorageClass(): Promise<string | undefined> {
    const isDefault = (a: Record<string, string> | undefined) => a?.['storageclass.kubernetes.io/is-default-class'] === 'true' || a?.['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    const l = await this.mustStore('storage.k8s.io', 'storageclasses').list('', {});
    const defaults = l.items.filter((sc) => isDefault(sc.metadata?.annotations));
    defaults.sort((a, b) => Date.parse(b.metadata.creationTimestamp) - Date.parse(a.metadata.creationTimestamp) || (a.metadata.name < b.metadata.name ? -1 : 1));
    return defaults[0]?.metadata.name;
  }

  private async usedNodePorts(): Promise<number[]> {
    const l = await this.mustStore('', 'services').list('', {});
    return l.items.flatMap((s) => (s.spec?.ports ?? []).map((p: { nodePort?: number }) => p.nodePort).filter((n: number | undefined): n is number => !!n));
  }
}
