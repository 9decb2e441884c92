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
    const k = head.slice(0, -2);
    const list = o[k];
    if (!Array.isArray(list) || !rest.length) return;
    // o is a copy but what it holds may be the caller's: copied before it is changed
    const copy = list.map((it) => (isMap(it) ? { ...it } : it));
    o[k] = copy;
    for (const it of copy) if (isMap(it)) ensure(it, rest);
    return;
  }
  if (o[head] === undefined) o[head] = {};
  const next = o[head];
  if (rest.length && isMap(next)) {
    const copy = { ...next };
    o[head] = copy;
    ensure(copy, rest);
  }
}

/** v without null map values; what holds no null is returned as it is (shared, not copied). */
function withoutNulls(v: Value): Value | undefined {
  if (v === null) return undefined;
  if (Array.isArray(v)) {
    let out: Value[] | undefined;
    for (let i = 0; i < v.length; i++) {
      const x = v[i];
      const y = withoutNulls(x) ?? null;
      if (y !== x && !out) out = v.slice(0, i);
      if (out) out.push(y);
    }
    return out ?? v;
  }
  if (typeof v === 'object') {
    let out: Obj | undefined;
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      const x = v[keys[i]];
      const y = withoutNulls(x);
      if (y !== x && !out) {
        out = {};
        for (let j = 0; j < i; j++) out[keys[j]] = v[keys[j]];
      }
      if (out && y !== undefined) out[keys[i]] = y;
    }
    return out ?? v;
  }
  return v;
}

/**
 * The object as upstream's typed value would be: no nulls, no managedFields, struct fields present.
 * Only read (compared): it shares with obj whatever it does not change.
 */
export function typedForm(obj: Value | undefined, kind: string, deduced: boolean): Value {
  const shared = withoutNulls(obj ?? {}) ?? {};
  if (!isMap(shared)) return shared;
  const o: Obj = { ...shared };
  if (isMap(o.metadata) && 'managedFields' in o.metadata) {
    const { managedFields: _, ...meta } = o.metadata;
    o.metadata = meta;
  }
  if (deduced) return o;
  ensure(o, ['metadata']);
  for (const p of STRUCTS[kind] ?? []) ensure(o, p.split('.'));
  return o;
}
