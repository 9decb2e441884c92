// Upstream's quota evaluators by resource: which quota names each charges, what one object charges, and
// whether a quota's scopes take the object.
import { qty } from '../../apimachinery/quantity-math.js';
import type { KObject } from '../types.js';
import { addLists, fromJSON, maxLists, type ResourceList } from './resource-list.js';
import { isBestEffort, isPodResource, podConstraints, podUsage } from './pod-usage.js';

// the core resources quota also counts under their short names
const LEGACY = new Set(['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers', 'resourcequotas']);
const STORAGE_CLASS = '.storageclass.storage.k8s.io/';

export function objectCountName(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

export interface Scope {
  scopeName: string;
  operator: string;
  values?: string[];
}

export function quotaScopes(quota: KObject): Scope[] {
  const out: Scope[] = ((quota.spec?.scopes ?? []) as string[]).map((s) => ({ scopeName: s, operator: 'Exists' }));
  for (const e of (quota.spec?.scopeSelector?.matchExpressions ?? []) as Scope[]) out.push(e);
  return out;
}

export interface Evaluator {
  /** Whether a write with this operation (on this subresource, '' for the object) is charged (upstream's Handles). */
  handles(operation: string, subresource: string): boolean;
  /** The quota names among `names` this evaluator accounts for. */
  matchingResources(names: Iterable<string>): string[];
  matchesScope(scope: Scope, obj: KObject): boolean;
  usage(obj: KObject, now?: number): ResourceList;
  constraints(required: string[], obj: KObject): string | undefined;
}

function podMatchesScope(scope: Scope, pod: KObject): boolean {
  const ads = pod.spec?.activeDeadlineSeconds;
  switch (scope.scopeName) {
    case 'Terminating':
      return typeof ads === 'number' && ads >= 0;
    case 'NotTerminating':
      return ads === undefined || ads === null;
    case 'BestEffort':
      return isBestEffort(pod);
    case 'NotBestEffort':
      return !isBestEffort(pod);
    case 'PriorityClass': {
      const pc: string = pod.spec?.priorityClassName ?? '';
      if (scope.operator === 'Exists') return pc !== '';
      if (scope.operator === 'DoesNotExist') return false;
      const inValues = (scope.values ?? []).includes(pc);
      return scope.operator === 'In' ? inValues : scope.operator === 'NotIn' ? !inValues : false;
    }
    case 'CrossNamespacePodAffinity':
      return usesCrossNamespacePodAffinity(pod);
    default:
      return false;
  }
}

interface AffinityTerm {
  namespaces?: string[];
  namespaceSelector?: unknown;
}

/** A pod (anti-)affinity term that reaches other namespaces: it lists namespaces or selects them. */
function usesCrossNamespacePodAffinity(pod: KObject): boolean {
  const crosses = (t?: AffinityTerm) => !!t && ((t.namespaces?.length ?? 0) > 0 || (t.namespaceSelector !== undefined && t.namespaceSelector !== null));
  for (const a of [pod.spec?.affinity?.podAffinity, pod.spec?.affinity?.podAntiAffinity]) {
    if (!a) continue;
    if (((a.requiredDuringSchedulingIgnoredDuringExecution ?? []) as AffinityTerm[]).some(crosses)) return true;
    if (((a.preferredDuringSchedulingIgnoredDuringExecution ?? []) as { podAffinityTerm?: AffinityTerm }[]).some((w) => crosses(w.podAffinityTerm))) return true;
  }
  return false;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Whether the pod evaluator can evaluate a scope selector: a PriorityClass selector other than Exists is a label
 * requirement (In/NotIn need values, Exists/DoesNotExist none, each a label value); anything else errs upstream.
 */
export function podScopeSelectorParses(s: Scope): boolean {
  if (s.scopeName !== 'PriorityClass' || s.operator === 'Exists') return true;
  const values = s.values ?? [];
  if (s.operator === 'In' || s.operator === 'NotIn') return values.length > 0 && values.every((v) => v.length <= 63 && LABEL_VALUE.test(v));
  return s.operator === 'DoesNotExist' && values.length === 0;
}

const podEvaluator: Evaluator = {
  // an in-place resize is charged what it adds
  handles: (op, sub) => (sub === '' ? op === 'CREATE' : sub === 'resize' && op === 'UPDATE'),
  matchingResources: (names) => [...names].filter(isPodResource),
  matchesScope: podMatchesScope,
  usage: podUsage,
  constraints: (required, pod) => podConstraints(required, pod),
};

const serviceEvaluator: Evaluator = {
  handles: (op, sub) => sub === '' && (op === 'CREATE' || op === 'UPDATE'),
  matchingResources: (names) => [...names].filter((n) => ['services', 'count/services', 'services.loadbalancers', 'services.nodeports'].includes(n)),
  matchesScope: () => false,
  usage(svc) {
    const ports = (svc.spec?.ports ?? []) as { nodePort?: number }[];
    let nodePorts = 0;
    let lbs = 0;
    if (svc.spec?.type === 'NodePort') nodePorts = ports.length;
    else if (svc.spec?.type === 'LoadBalancer') {
      lbs = 1;
      nodePorts = svc.spec?.allocateLoadBalancerNodePorts === false ? ports.filter((p) => p.nodePort).length : ports.length;
    }
    return new Map([['count/services', qty(1)], ['services', qty(1)], ['services.loadbalancers', qty(lbs)], ['services.nodeports', qty(nodePorts)]]);
  },
  constraints: () => undefined,
};

const pvcEvaluator: Evaluator = {
  handles: (op, sub) => sub === '' && (op === 'CREATE' || op === 'UPDATE'),
  matchingResources: (names) => [...names].filter((n) => ['persistentvolumeclaims', 'count/persistentvolumeclaims', 'requests.storage'].includes(n) || n.includes(STORAGE_CLASS)),
  matchesScope: () => false,
  usage(pvc) {
    const out: ResourceList = new Map([['count/persistentvolumeclaims', qty(1)], ['persistentvolumeclaims', qty(1)]]);
    const cls: string = pvc.spec?.storageClassName ?? pvc.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] ?? '';
    if (cls) out.set(`${cls}${STORAGE_CLASS}persistentvolumeclaims`, qty(1));
    const storage = maxLists(fromJSON({ storage: pvc.spec?.resources?.requests?.storage }), fromJSON({ storage: pvc.status?.allocatedResources?.storage })).get('storage');
    if (storage) {
      out.set('requests.storage', storage);
      if (cls) out.set(`${cls}${STORAGE_CLASS}requests.storage`, storage);
    }
    return out;
  },
  constraints: () => undefined,
};

function objectCountEvaluator(group: string, resource: string): Evaluator {
  const names = [objectCountName(group, resource), ...(group === '' && LEGACY.has(resource) ? [resource] : [])];
  return {
    handles: (op, sub) => sub === '' && op === 'CREATE',
    matchingResources: (ns) => [...ns].filter((n) => names.includes(n)),
    matchesScope: () => false,
    usage: () => new Map(names.map((n) => [n, qty(1)])),
    constraints: () => undefined,
  };
}

export function evaluatorFor(group: string, resource: string): Evaluator {
  if (group === '' && resource === 'pods') return podEvaluator;
  if (group === '' && resource === 'services') return serviceEvaluator;
  if (group === '' && resource === 'persistentvolumeclaims') return pvcEvaluator;
  return objectCountEvaluator(group, resource);
}

/** Upstream's quota.Matches: the quota names a resource the evaluator charges, and every scope takes the object. */
export function quotaMatches(quota: KObject, hard: Iterable<string>, ev: Evaluator, obj: KObject): boolean {
  if (ev.matchingResources(hard).length === 0) return false;
  return quotaScopes(quota).every((s) => ev.matchesScope(s, obj));
}

/** The usage of a set of objects toward one quota: every hard name the evaluator charges, zero when nothing does. */
export function usageOf(quota: KObject, hard: string[], ev: Evaluator, objects: KObject[], now = Date.now()): ResourceList {
  const names = ev.matchingResources(hard);
  let used: ResourceList = new Map(names.map((n) => [n, qty(0)]));
  const scopes = quotaScopes(quota);
  for (const o of objects) {
    if (!scopes.every((s) => ev.matchesScope(s, o))) continue;
    const u = ev.usage(o, now);
    used = addLists(used, new Map([...u].filter(([k]) => names.includes(k))));
  }
  return used;
}
