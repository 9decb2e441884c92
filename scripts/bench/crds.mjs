// Bench part for custom resources (issue 9): 200 CRDs created and Established, and custom resources
// created at the rate of ConfigMaps (same client, same concurrency, same server).
import { sleep } from './lib.mjs';

function crd(i) {
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `widgets${i}.bench.example.com` },
    spec: {
      group: 'bench.example.com',
      names: { plural: `widgets${i}`, singular: `widget${i}`, kind: `Widget${i}`, listKind: `Widget${i}List` },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          additionalPrinterColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                spec: { type: 'object', properties: { size: { type: 'integer', minimum: 0, default: 1 }, name: { type: 'string', maxLength: 63 }, tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' } } },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  };
}

async function createRate(c, path, body, n, concurrency) {
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < n) await c.raw('POST', path, body(next++));
    }),
  );
  return (n * 1000) / (performance.now() - t0);
}

/** { crds200Ms, servedMs, crRate, cmRate } on a server that has no CRDs yet. */
export async function measureCRDs(c) {
  const t0 = performance.now();
  let i = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (i < 200) await c.raw('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd(i++));
    }),
  );
  // bounded: 200 CRDs are expected within seconds
  let crds200Ms = NaN;
  for (let tries = 0; tries < 600; tries++) {
    const l = await c.json('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
    if (l.items.filter((x) => (x.status?.conditions ?? []).some((cd) => cd.type === 'Established' && cd.status === 'True')).length === 200) {
      crds200Ms = performance.now() - t0;
      break;
    }
    await sleep(25);
  }
  let servedMs = NaN;
  for (let tries = 0; tries < 600; tries++) {
    const g = await c.raw('GET', '/apis/bench.example.com/v1', undefined, [404]);
    if (g.status === 200 && JSON.parse(g.body.toString()).resources.filter((r) => !r.name.includes('/')).length === 200) {
      servedMs = performance.now() - t0;
      break;
    }
    await sleep(25);
  }
  await c.raw('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'crbench' } }, [409]);
  const cm = (k) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${k}`, labels: { app: 'bench' } }, data: { name: 'n'.repeat(40), size: '3' } });
  const cr = (k) => ({ apiVersion: 'bench.example.com/v1', kind: 'Widget0', metadata: { name: `w-${k}`, labels: { app: 'bench' } }, spec: { name: 'n'.repeat(40), size: 3, tags: ['a', 'b'] } });
  // warm-up, then the measured runs alternate so that neither kind gets the quieter moment
  await createRate(c, '/api/v1/namespaces/crbench/configmaps', (k) => cm(`warm-${k}`), 500, 16);
  await createRate(c, '/apis/bench.example.com/v1/namespaces/crbench/widgets0', (k) => cr(`warm-${k}`), 500, 16);
  const cmRate = await createRate(c, '/api/v1/namespaces/crbench/configmaps', cm, 3000, 16);
  const crRate = await createRate(c, '/apis/bench.example.com/v1/namespaces/crbench/widgets0', cr, 3000, 16);
  return { crds200Ms, servedMs, crRate, cmRate };
}
