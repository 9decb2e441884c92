// Discovery documents: aggregated (apidiscovery.k8s.io v2 and v2beta1) and legacy, built from the registry.
import type { ResourceDef } from '../registry/types.js';

export interface GroupVersion {
  group: string;
  version: string;
  defs: ResourceDef[];
}

export function groupVersions(defs: ResourceDef[]): GroupVersion[] {
  const m = new Map<string, GroupVersion>();
  for (const d of defs) {
    const k = `${d.group}/${d.version}`;
    let gv = m.get(k);
    if (!gv) m.set(k, (gv = { group: d.group, version: d.version, defs: [] }));
    gv.defs.push(d);
  }
  return [...m.values()];
}

function aggregatedResource(d: ResourceDef) {
  const r: Record<string, unknown> = {
    resource: d.resource,
    responseKind: { group: d.group, version: d.version, kind: d.kind },
    scope: d.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: d.singular,
    verbs: [...d.verbs].sort(),
  };
  if (d.shortNames?.length) r.shortNames = d.shortNames;
  if (d.categories?.length) r.categories = d.categories;
  if (d.subresources.size)
    r.subresources = [...d.subresources.values()].map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? d.group, version: s.version ?? d.version, kind: s.kind ?? d.kind },
      verbs: [...s.verbs].sort(),
    }));
  return r;
}

/** Group order as upstream lists them: core first, then by priority; we keep registration order. */
export function aggregatedDiscovery(gvs: GroupVersion[], legacy: boolean, version: 'v2' | 'v2beta1') {
  const groups = new Map<string, GroupVersion[]>();
  for (const gv of gvs) {
    if ((gv.group === '') !== legacy) continue;
    const l = groups.get(gv.group) ?? [];
    l.push(gv);
    groups.set(gv.group, l);
  }
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: [...groups.entries()].map(([group, list]) => ({
      metadata: group ? { name: group, creationTimestamp: null } : { creationTimestamp: null },
      versions: list.map((gv) => ({
        version: gv.version,
        resources: gv.defs.map(aggregatedResource),
        freshness: 'Current',
      })),
    })),
  };
}

export function legacyAPIVersions(serverAddress: string) {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function groupEntry(group: string, versions: GroupVersion[]) {
  const vs = versions.map((gv) => ({ groupVersion: `${group}/${gv.version}`, version: gv.version }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

export function apiGroupList(gvs: GroupVersion[]) {
  const groups = new Map<string, GroupVersion[]>();
  for (const gv of gvs) {
    if (!gv.group) continue;
    const l = groups.get(gv.group) ?? [];
    l.push(gv);
    groups.set(gv.group, l);
  }
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [...groups.entries()].map(([g, l]) => groupEntry(g, l)) };
}

export function apiGroup(gvs: GroupVersion[], group: string) {
  const l = gvs.filter((gv) => gv.group === group);
  if (l.length === 0) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...groupEntry(group, l) };
}

export function apiResourceList(gv: GroupVersion) {
  const resources: Record<string, unknown>[] = [];
  for (const d of gv.defs) {
    const r: Record<string, unknown> = { name: d.resource, singularName: d.singular, namespaced: d.namespaced, kind: d.kind, verbs: [...d.verbs].sort() };
    if (d.shortNames?.length) r.shortNames = d.shortNames;
    if (d.categories?.length) r.categories = d.categories;
    resources.push(r);
    for (const s of d.subresources.values()) {
      const sr: Record<string, unknown> = { name: `${d.resource}/${s.name}`, singularName: '', namespaced: d.namespaced, kind: s.kind ?? d.kind, verbs: [...s.verbs].sort() };
      if (s.group !== undefined) sr.group = s.group;
      if (s.version !== undefined) sr.version = s.version;
      resources.push(sr);
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv.group ? `${gv.group}/${gv.version}` : gv.version, resources };
}
