// Bench part for the living cluster (issue 10): a 1,000-replica Deployment until it is fully available,
// and 50 namespaces of 20 ConfigMaps each deleted until the namespaces are gone.
import { sleep } from './lib.mjs';

async function waitFor(check, limitMs) {
  const t0 = performance.now();
  while (performance.now() - t0 < limitMs) {
    if (await check()) return performance.now() - t0;
    await sleep(50);
  }
  return NaN;
}

export async function measureWorkloads(c) {
  await c.raw('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'wl' } }, [409]);
  const labels = { app: 'big' };
  await c.raw('POST', '/apis/apps/v1/namespaces/wl/deployments', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'big' }, spec: { replicas: 1000, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } } });
  const rollout = await waitFor(async () => {
    const d = await c.json('GET', '/apis/apps/v1/namespaces/wl/deployments/big');
    return d.status?.availableReplicas === 1000 && d.status?.updatedReplicas === 1000 && d.status?.observedGeneration === d.metadata.generation;
  }, 60_000);
  const names = Array.from({ length: 50 }, (_, i) => `nsdel${i}`);
  await Promise.all(names.map((n) => c.raw('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: n } })));
  await Promise.all(names.flatMap((n) => Array.from({ length: 20 }, (_, j) => c.raw('POST', `/api/v1/namespaces/${n}/configmaps`, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm${j}` }, data: { a: 'b' } }))));
  await Promise.all(names.map((n) => c.raw('DELETE', `/api/v1/namespaces/${n}`)));
  const gone = await waitFor(async () => !(await c.json('GET', '/api/v1/namespaces')).items.some((x) => x.metadata.name.startsWith('nsdel')), 60_000);
  return { rolloutMs: rollout, nsDeleteMs: gone };
}
