// Which nodes a DaemonSet's pods belong on (NodeShouldRunDaemonPod upstream) and the pod it puts there:
// the template with the tolerations the daemonset controller adds and a required node affinity pinning the
// pod to its node by `metadata.name`, which the scheduler then honours.
import type { KObject } from '../client/types.js';

export const REVISION_LABEL = 'controller-revision-hash';
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

const DAEMON_TOLERATIONS: [string, string][] = [
  ['node.kubernetes.io/not-ready', 'NoExecute'],
  ['node.kubernetes.io/unreachable', 'NoExecute'],
  ['node.kubernetes.io/disk-pressure', 'NoSchedule'],
  ['node.kubernetes.io/memory-pressure', 'NoSchedule'],
  ['node.kubernetes.io/pid-pressure', 'NoSchedule'],
  ['node.kubernetes.io/unschedulable', 'NoSchedule'],
];

const sameToleration = (a: KObject, b: KObject) => (a.key ?? '') === (b.key ?? '') && (a.effect ?? '') === (b.effect ?? '') && (a.operator ?? '') === (b.operator ?? '') && (a.value ?? '') === (b.value ?? '') && (a.tolerationSeconds ?? null) === (b.tolerationSeconds ?? null);

/** AddOrUpdateDaemonPodTolerations: the node-condition taints a daemon pod must survive (network-unavailable for hostNetwork). */
export function addDaemonTolerations(spec: KObject): void {
  const wanted = [...DAEMON_TOLERATIONS];
  if (spec.hostNetwork) wanted.push(['node.kubernetes.io/network-unavailable', 'NoSchedule']);
  const list: KObject[] = spec.tolerations ?? [];
  for (const [key, effect] of wanted) {
    const t = { key, operator: 'Exists', effect };
    // one with the same key, operator, value and effect is replaced in place, as AddOrUpdateTolerationInPodSpec
    const i = list.findIndex((x) => x.key === key && x.operator === 'Exists' && !x.value && x.effect === effect);
    if (i < 0) list.push(t);
    else if (!sameToleration(list[i]!, t)) list[i] = t;
  }
  spec.tolerations = list;
}

/** v1.Toleration.ToleratesTaint. */
export function toleratesTaint(t: KObject, taint: KObject): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.operator ?? 'Equal') === 'Equal' && (t.value ?? '') === (taint.value ?? '');
}

function requirementMatches(values: Record<string, string>, r: KObject): boolean {
  const v = values[r.key];
  const list: string[] = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return v !== undefined && list.includes(v);
    case 'NotIn':
      return v === undefined || !list.includes(v);
    case 'Exists':
      return v !== undefined;
    case 'DoesNotExist':
      return v === undefined;
    case 'Gt':
    case 'Lt': {
      if (v === undefined || !/^-?\d+$/.test(v) || list.length !== 1) return false;
      return r.operator === 'Gt' ? Number(v) > Number(list[0]) : Number(v) < Number(list[0]);
    }
    default:
      return false;
  }
}

/** nodeSelector and the required node affinity (GetRequiredNodeAffinity(pod).Match(node)). */
export function nodeAffinityMatches(spec: KObject, node: KObject): boolean {
  const labels: Record<string, string> = node.metadata.labels ?? {};
  for (const [k, v] of Object.entries((spec.nodeSelector ?? {}) as Record<string, string>)) if (labels[k] !== v) return false;
  const terms: KObject[] | undefined = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms) return true;
  const fields = { 'metadata.name': node.metadata.name };
  return terms.some((t) => {
    const exprs: KObject[] = t.matchExpressions ?? [];
    const fs: KObject[] = t.matchFields ?? [];
    if (exprs.length === 0 && fs.length === 0) return false;
    return exprs.every((e) => requirementMatches(labels, e)) && fs.every((f) => requirementMatches(fields, f));
  });
}

/** The pod spec the controller checks nodes against and creates pods from (template + daemon tolerations). */
export function daemonPodSpec(ds: KObject): KObject {
  const spec = structuredClone(ds.spec?.template?.spec ?? {});
  addDaemonTolerations(spec);
  return spec;
}

/** NodeShouldRunDaemonPod: shouldRun (a pod may be placed) and shouldContinueRunning (an existing one stays). */
export function nodeShouldRunDaemonPod(node: KObject, spec: KObject): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const fitsName = !spec.nodeName || spec.nodeName === node.metadata.name;
  const fitsAffinity = nodeAffinityMatches(spec, node);
  const tolerations: KObject[] = spec.tolerations ?? [];
  const untolerated = (effects: string[]) => ((node.spec?.taints ?? []) as KObject[]).some((t) => effects.includes(t.effect) && !tolerations.some((x) => toleratesTaint(x, t)));
  return {
    shouldRun: fitsName && fitsAffinity && !untolerated(['NoSchedule', 'NoExecute']),
    shouldContinueRunning: fitsName && fitsAffinity && !untolerated(['NoExecute']),
  };
}

/** ReplaceDaemonSetPodNodeNameNodeAffinity: the required node affinity becomes one term, metadata.name In [node]. */
export function pinToNode(spec: KObject, node: string): void {
  const term = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [node] }] };
  spec.affinity ??= {};
  spec.affinity.nodeAffinity ??= {};
  spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
}

/** GetTargetNodeName: the node a daemon pod is bound to, or the one its affinity pins it to. */
export function targetNodeName(pod: KObject): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  for (const t of pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of t.matchFields ?? []) if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
  }
  return undefined;
}

/** IsPodUpdated: the pod carries the current hash, or the current template generation. */
export function podUpdated(pod: KObject, hash: string, generation: string | undefined): boolean {
  const labels = pod.metadata.labels ?? {};
  return (hash !== '' && labels[REVISION_LABEL] === hash) || (generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === generation);
}

/** A daemon pod for `node`: the template's labels plus the revision hash (and template generation), pinned to the node. */
export function newDaemonPod(ds: KObject, node: string, hash: string, ownerRef: KObject): KObject {
  const t = ds.spec?.template ?? {};
  const generation = ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  const labels: Record<string, string> = { ...(t.metadata?.labels ?? {}), [REVISION_LABEL]: hash };
  if (generation !== undefined) labels[TEMPLATE_GENERATION_LABEL] = generation;
  const metadata: KObject = { generateName: `${ds.metadata.name}-`, namespace: ds.metadata.namespace, labels };
  if (t.metadata?.annotations) metadata.annotations = structuredClone(t.metadata.annotations);
  if (t.metadata?.finalizers) metadata.finalizers = [...t.metadata.finalizers];
  metadata.ownerReferences = [ownerRef];
  const spec = daemonPodSpec(ds);
  pinToNode(spec, node);
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec };
}
