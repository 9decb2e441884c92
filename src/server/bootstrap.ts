// Objects every cluster has from its first start: the four system namespaces, the `kubernetes` service and
// ServiceCIDR, the system priority classes, the default StorageClass `standard`, the local APIServices and the flow-control objects (mandatory and suggested);
// once serving, the `kubernetes` service's Endpoints and EndpointSlice naming this server (kube-apiserver's endpoint reconciler).
import { networkInterfaces } from 'node:os';
import { isIP } from 'node:net';
import { StatusError } from '../apimachinery/errors.js';
import type { Registry } from '../registry/index.js';
import { localAPIServices } from '../registry/resources/apiregistration.js';
import { bootstrapFlowControl } from '../registry/resources/flowcontrol-bootstrap.js';
import { SYSTEM_PRIORITY_CLASSES } from '../registry/resources/policy-scheduling.js';
import type { KObject } from '../registry/types.js';
import { HOSTPATH_PROVISIONER } from '../controllers/persistentvolume-binder.js';

const SYSTEM = { username: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] };

async function ensure(registry: Registry, group: string, resource: string, ns: string, obj: KObject): Promise<void> {
  const store = registry.mustStore(group, resource);
  try {
    await store.get(ns, obj.metadata.name);
    return;
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 404)) throw e;
  }
  try {
    await store.create(ns, obj, { user: SYSTEM, dryRun: false, warnings: [], services: registry.services });
  } catch (e) {
    if (!(e instanceof StatusError && e.code === 409)) throw e;
  }
}

export async function bootstrap(registry: Registry): Promise<void> {
  // independent objects are written together: on a first start one group commit each step instead of one fsync per object
  const each = (group: string, resource: string, objs: KObject[]) => Promise.all(objs.map((o) => ensure(registry, group, resource, '', o)));
  await each('', 'namespaces', ['default', 'kube-system', 'kube-public', 'kube-node-lease'].map((ns) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })));
  const gvs = new Map<string, { group: string; version: string }>();
  for (const d of registry.defs) gvs.set(`${d.group}/${d.version}`, { group: d.group, version: d.version });
  const fc = bootstrapFlowControl();
  await Promise.all([
    (async () => {
      await ensure(registry, '', 'services', 'default', {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', clusterIP: registry.serviceIPAllocator.firstIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None' },
      });
      await ensure(registry, 'networking.k8s.io', 'servicecidrs', '', {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'ServiceCIDR',
        metadata: { name: 'kubernetes' },
        spec: { cidrs: [registry.serviceIPAllocator.cidr] },
      });
    })(),
    each('scheduling.k8s.io', 'priorityclasses', SYSTEM_PRIORITY_CLASSES.map((pc) => ({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: pc.name }, value: pc.value, description: pc.description }))),
    ensure(registry, 'storage.k8s.io', 'storageclasses', '', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'standard', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: HOSTPATH_PROVISIONER,
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'Immediate',
    }),
    each('apiregistration.k8s.io', 'apiservices', localAPIServices([...gvs.values()])),
    // priority levels before the flow schemas that name them
    each('flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations', fc.plcs).then(() => each('flowcontrol.apiserver.k8s.io', 'flowschemas', fc.flowSchemas)),
  ]);
}

/** --advertise-address as kube-apiserver picks it: the address listened on, or the first non-loopback one for a wildcard. */
export function advertiseAddress(host: string): string {
  if (isIP(host) && host !== '0.0.0.0' && host !== '::') return host;
  if (host === 'localhost') return '127.0.0.1';
  for (const list of Object.values(networkInterfaces())) for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  return '127.0.0.1';
}

/**
 * The `kubernetes` service's Endpoints (labelled skip-mirror) and the EndpointSlice kube-apiserver writes beside
 * them, pointing at this server; rewritten only when they differ.
 */
export async function reconcileKubernetesEndpoints(registry: Registry, ip: string, port: number): Promise<void> {
  const ctx = { user: SYSTEM, dryRun: false, warnings: [], services: registry.services };
  const ports = [{ name: 'https', port, protocol: 'TCP' }];
  const meta = (labels: Record<string, string>) => ({ name: 'kubernetes', namespace: 'default', labels });
  const endpoints: KObject = { apiVersion: 'v1', kind: 'Endpoints', metadata: meta({ 'endpointslice.kubernetes.io/skip-mirror': 'true' }), subsets: [{ addresses: [{ ip }], ports }] };
  const slice: KObject = { apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: meta({ 'kubernetes.io/service-name': 'kubernetes' }), addressType: isIP(ip) === 6 ? 'IPv6' : 'IPv4', endpoints: [{ addresses: [ip], conditions: { ready: true } }], ports };
  // what a current object must match (as this server writes it) to be left alone
  const points = (o: KObject) => JSON.stringify(o.subsets ?? [o.addressType, o.ports, (o.endpoints ?? []).map((e: KObject) => [e.addresses, e.conditions?.ready])]);
  for (const [group, resource, obj] of [['', 'endpoints', endpoints], ['discovery.k8s.io', 'endpointslices', slice]] as const) {
    const store = registry.mustStore(group, resource);
    const cur = await store.get('default', 'kubernetes').catch((e) => (e instanceof StatusError && e.code === 404 ? undefined : Promise.reject(e)));
    if (cur && points(cur) === points(obj)) continue;
    if (cur) await store.update('default', 'kubernetes', (o) => (o ? { ...o, ...obj, metadata: { ...o.metadata, labels: obj.metadata.labels } } : null), ctx);
    else await store.create('default', obj, ctx).catch((e) => (e instanceof StatusError && e.code === 409 ? undefined : Promise.reject(e)));
  }
}
