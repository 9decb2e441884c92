// Go's typed objects always carry their non-pointer struct fields (e.g. `spec`, `spec.template`),
// and their slices without omitempty (as null, e.g. PodSpec.containers), so upstream never sees
// those appear or disappear; we add them before comparing to match.
import type { Value } from './path-element.js';

const containers = (p: string) => [`${p}.containers=null`, `${p}.containers[].resources`, `${p}.initContainers[].resources`];
const template = (p: string) => [`${p}`, `${p}.metadata`, `${p}.spec`, ...containers(`${p}.spec`)];

const STRUCTS: Record<string, string[]> = {
  Pod: ['spec', 'status', ...containers('spec')],
  PodTemplate: template('template'),
  Deployment: ['spec', ...template('spec.template'), 'spec.strategy', 'status'],
  ReplicaSet: ['spec', ...template('spec.template'), 'status'],
  StatefulSet: ['spec', ...template('spec.template'), 'spec.updateStrategy', 'status'],
  DaemonSet: ['spec', ...template('spec.template'), 'spec.updateStrategy', 'status'],
  Job: ['spec', ...template('spec.template'), 'status'],
  CronJob: ['spec', 'spec.jobTemplate', 'spec.jobTemplate.metadata', 'spec.jobTemplate.spec', ...template('spec.jobTemplate.spec.template'), 'status'],
  ReplicationController: ['spec', 'status'],
  Service: ['spec', 'status', 'status.loadBalancer'],
  Namespace: ['spec', 'status'],
  Node: ['spec', 'status', 'status.daemonEndpoints', 'status.daemonEndpoints.kubeletEndpoint', 'status.nodeInfo'],
  PersistentVolumeClaim: ['spec', 'spec.resources', 'status'],
  PersistentVolume: ['spec', 'status'],
  Ingress: ['spec', 'status', 'status.loadBalancer'],
  HorizontalPodAutoscaler: ['spec', 'spec.scaleTargetRef', 'status'],
  PodDisruptionBudget: ['spec', 'status'],
  NetworkPolicy: ['spec', 'spec.podSelector'],
  Lease: ['spec'],
  RoleBinding: ['roleRef'],
  ClusterRoleBinding: ['roleRef'],
  Role: ['rules=null'],
  ClusterRole: ['rules=null'],
  ResourceQuota: ['spec', 'status'],
  LimitRange: ['spec'],
};

type Obj = { [k: string]: Value };

function isMap(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ensure(o: Obj, segs: string[]): void {
  const [head, ...rest] = segs;
  if (head.endsWith('=null')) {
    const k = head.slice(0, -5);
    if (o[k] === undefined) o[k] = null;
    return;
  }
  if (head.endsWith('[]')) {
    const list = o[head.slice(0, -2)];
    if (Array.isArray(list)) for (const it of list) if (isMap(it) && rest.length) ensure(it, rest);
    return;
  }
  if (o[head] === undefined) o[head] = {};
  const next = o[head];
  if (rest.length && isMap(next)) ensure(next, rest);
}

function withoutNulls(v: Value): Value | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) return v.map((x) => withoutNulls(x) ?? null);
  if (typeof v === 'object') {
    const out: Obj = {};
    for (const [k, x] of Object.entries(v)) {
      const y = withoutNulls(x);
      if (y !== undefined) out[k] = y;
    }
    return out;
  }
  return v;
}

/** The object as upstream's typed value would be: no nulls, no managedFields, struct fields present. */
export function typedForm(obj: Value | undefined, kind: string, deduced: boolean): Value {
  const o = (withoutNulls(obj ?? {}) ?? {}) as Obj;
  if (!isMap(o)) return o;
  if (isMap(o.metadata)) delete o.metadata.managedFields;
  if (deduced) return o;
  ensure(o, ['metadata']);
  for (const p of STRUCTS[kind] ?? []) ensure(o, p.split('.'));
  return o;
}
