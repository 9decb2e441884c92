// `configmap/demo`, `cm/demo`, `deployments.apps/web`, `Widget/w1` → the storage key of that object, matched as
// kubectl matches a resource argument: plural, singular, kind or short name, optionally qualified by group.
import { builtinResources } from '../registry/resources/all.js';
import type { Backend } from '../storage/backend.js';

export interface ResolvedResource {
  group: string;
  resource: string;
  namespaced: boolean;
  keyPrefix: string;
}

interface Candidate extends ResolvedResource {
  names: string[];
}

const CRD_PREFIX = '/registry/apiextensions.k8s.io/customresourcedefinitions/';

async function customResources(backend: Backend): Promise<Candidate[]> {
  const out: Candidate[] = [];
  for (const kv of (await backend.list(CRD_PREFIX)).items) {
    const crd = JSON.parse(kv.value.toString('utf8'));
    const n = crd.spec?.names ?? {};
    const group = crd.spec?.group ?? '';
    out.push({ group, resource: n.plural, namespaced: crd.spec?.scope === 'Namespaced', keyPrefix: `/registry/${group}/${n.plural}/`, names: [n.plural, n.singular, n.kind, ...(n.shortNames ?? [])].filter(Boolean) });
  }
  return out;
}

export async function resolveResource(arg: string, backend: Backend): Promise<ResolvedResource | undefined> {
  const lower = arg.toLowerCase();
  const builtins: Candidate[] = builtinResources
    .filter((d) => !d.createOnly)
    .map((d) => ({ group: d.group, resource: d.resource, namespaced: d.namespaced, keyPrefix: d.keyPrefix, names: [d.resource, d.singular, d.kind, ...(d.shortNames ?? [])] }));
  for (const candidates of [builtins, await customResources(backend)]) {
    for (const c of candidates) {
      for (const n of c.names) {
        const name = n.toLowerCase();
        if (lower === name || (c.group && lower === `${name}.${c.group}`)) return c;
      }
    }
  }
  return undefined;
}
