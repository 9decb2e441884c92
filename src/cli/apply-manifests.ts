// `up --from <dir>`: the manifests of a directory applied through the API as `kubectl apply --server-side`
// would, in dependency order: namespaces and CRDs first (waiting until the CRDs are served), webhooks last.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { HttpClient, resourcePath, type Transport } from '../client/http-client.js';
import type { KObject } from '../client/types.js';

/** Helm's install order for built-in kinds (a fact of helm's releaseutil), which kubectl users know too. */
const ORDER = [
  'Namespace', 'NetworkPolicy', 'ResourceQuota', 'LimitRange', 'PodSecurityPolicy', 'PodDisruptionBudget', 'ServiceAccount',
  'Secret', 'SecretList', 'ConfigMap', 'StorageClass', 'PersistentVolume', 'PersistentVolumeClaim', 'CustomResourceDefinition',
  'ClusterRole', 'ClusterRoleList', 'ClusterRoleBinding', 'ClusterRoleBindingList', 'Role', 'RoleList', 'RoleBinding',
  'RoleBindingList', 'Service', 'DaemonSet', 'Pod', 'ReplicationController', 'ReplicaSet', 'Deployment', 'HorizontalPodAutoscaler',
  'StatefulSet', 'Job', 'CronJob', 'IngressClass', 'Ingress', 'APIService',
];
/** Applied after everything else, so that a webhook without its server cannot refuse the rest. */
const LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding'];

function rank(kind: string): number {
  const i = ORDER.indexOf(kind);
  if (i >= 0) return i;
  const j = LAST.indexOf(kind);
  // kinds nobody ordered (custom resources among them) come after the known ones, before the webhooks
  return j >= 0 ? ORDER.length + 1 + j : ORDER.length;
}

/** The manifest files of a directory (not its subdirectories, as `kubectl apply -f dir`), or one file. */
export function manifestFiles(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((f) => ['.yaml', '.yml', '.json'].includes(extname(f)) && statSync(join(path, f)).isFile())
    .sort()
    .map((f) => join(path, f));
}

/** Every object of the files, `kind: List` expanded, in file order. */
export function readManifests(files: string[]): KObject[] {
  const out: KObject[] = [];
  for (const f of files) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      if (doc.errors.length) throw new Error(`${f}: ${doc.errors[0]!.message}`);
      const o = doc.toJS();
      if (o === null || o === undefined) continue;
      if (typeof o !== 'object' || !o.kind || !o.apiVersion) throw new Error(`${f}: a document without apiVersion and kind`);
      if (/List$/.test(o.kind) && Array.isArray(o.items)) out.push(...o.items);
      else out.push(o);
    }
  }
  return out;
}

interface Served {
  resource: string;
  namespaced: boolean;
}

/** Kind → resource for every served group version (all versions, not just the preferred ones). */
async function servedKinds(transport: Transport, base: string): Promise<Map<string, Served>> {
  const m = new Map<string, Served>();
  for (const path of ['/api', '/apis']) {
    const res = await transport(new Request(`${base}${path}`, { headers: { Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList' } }));
    const doc = (await res.json()) as KObject;
    for (const g of doc.items ?? []) {
      for (const v of g.versions ?? []) {
        const gv = g.metadata?.name ? `${g.metadata.name}/${v.version}` : v.version;
        for (const r of v.resources ?? []) if (r.responseKind?.kind) m.set(`${gv}/${r.responseKind.kind}`, { resource: r.resource, namespaced: r.scope === 'Namespaced' });
      }
    }
  }
  return m;
}

export interface ApplyResult {
  applied: number;
}

/** Applies every object (server-side apply, field manager "kubectl", conflicts forced); throws naming the object that failed. */
export async function applyManifests(objects: KObject[], transport: Transport, base: string): Promise<ApplyResult> {
  const client = new HttpClient(transport, {}, base);
  const sorted = objects.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o.kind) - rank(b.o.kind) || a.i - b.i).map((x) => x.o);
  let kinds = await servedKinds(transport, base);
  const crdsPending = new Set<string>();
  let applied = 0;
  for (const o of sorted) {
    const gvk = `${o.apiVersion}/${o.kind}`;
    let served = kinds.get(gvk);
    // a kind a CRD of these manifests defines becomes served a moment after the CRD is created
    for (let waited = 0; !served && crdsPending.size > 0 && waited < 30_000; waited += 200) {
      await new Promise((r) => setTimeout(r, 200));
      kinds = await servedKinds(transport, base);
      served = kinds.get(gvk);
    }
    const what = `${o.kind} ${o.metadata?.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata?.name ?? '(no name)'}`;
    if (!served) throw new Error(`cannot apply ${what}: the server does not serve ${o.apiVersion} ${o.kind}`);
    const ns = served.namespaced ? (o.metadata?.namespace ?? 'default') : '';
    const gvr = { group: o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '', version: o.apiVersion.split('/').pop(), resource: served.resource, namespaced: served.namespaced };
    try {
      await client.patch(gvr, ns, o.metadata?.name, 'apply', JSON.stringify(o), { fieldManager: 'kubectl', force: true });
    } catch (e) {
      throw new Error(`cannot apply ${what} (${resourcePath(gvr, ns, o.metadata?.name)}): ${(e as Error).message}`);
    }
    if (o.kind === 'CustomResourceDefinition') crdsPending.add(o.metadata.name);
    applied++;
  }
  return { applied };
}
