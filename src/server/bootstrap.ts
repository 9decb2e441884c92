// Objects every cluster has from its first start: the four system namespaces and the `kubernetes` service.
import { StatusError } from '../apimachinery/errors.js';
import type { Registry } from '../registry/index.js';
import type { KObject } from '../registry/types.js';

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

export async function bootstrap(registry: Registry, caCertPem: string): Promise<void> {
  void caCertPem;
  for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
    await ensure(registry, '', 'namespaces', '', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  await ensure(registry, '', 'services', 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
    spec: { type: 'ClusterIP', clusterIP: registry.serviceIPAllocator.firstIP, ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }], sessionAffinity: 'None' },
  });
}
