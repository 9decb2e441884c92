// pods/resize (in-place pod resize, beta in v1.33): what a write may change and how it is validated,
// as upstream's podResizeStrategy and ValidatePodResize.
import { type FieldError, forbiddenField, invalid } from '../../apimachinery/errors.js';
import { cmpQty, parseQty } from '../../apimachinery/quantity-math.js';
import { canonicalQuantity } from '../../apimachinery/quantity.js';
import type { KObject } from '../types.js';
import { deepEqual } from '../util.js';
import { qosClass } from './pod-spec.js';

const MIRROR_POD = 'kubernetes.io/config.mirror';

function isRestartable(c: KObject | undefined): boolean {
  return c?.restartPolicy === 'Always';
}

/** The stored containers with each one's resources and resizePolicy from the request; the request's list when names moved. */
function mergeResizable(now: KObject[], before: KObject[]): KObject[] {
  if (now.some((c, i) => c?.name !== before[i]?.name)) return now;
  return before.map((c, i) => {
    const out = structuredClone(c);
    for (const f of ['resources', 'resizePolicy']) {
      if (now[i][f] === undefined) delete out[f];
      else out[f] = structuredClone(now[i][f]);
    }
    return out;
  });
}

/**
 * The stored pod with only containers' (and init containers') resources and resizePolicy from the request,
 * as upstream's dropNonResizeUpdates: other changes are dropped silently. A request that adds, removes,
 * renames or reorders containers is kept as it is, for validation to refuse.
 */
export function dropNonResizeUpdates(obj: KObject, old: KObject): void {
  const containers: KObject[] = obj.spec?.containers ?? [];
  const inits: KObject[] = obj.spec?.initContainers ?? [];
  const oldContainers: KObject[] = old.spec?.containers ?? [];
  const oldInits: KObject[] = old.spec?.initContainers ?? [];
  if (containers.length !== oldContainers.length || inits.length !== oldInits.length) return;
  const meta = obj.metadata ?? {};
  for (const k of Object.keys(obj)) if (k !== 'apiVersion' && k !== 'kind') delete obj[k];
  for (const k of Object.keys(old)) if (k !== 'apiVersion' && k !== 'kind') obj[k] = structuredClone(old[k]);
  obj.metadata = { ...obj.metadata, name: meta.name, namespace: meta.namespace, uid: meta.uid, resourceVersion: meta.resourceVersion };
  obj.spec.containers = mergeResizable(containers, oldContainers);
  if (inits.length) obj.spec.initContainers = mergeResizable(inits, oldInits);
}

/** validatePodResizeContainerOrdering: containers may not be added, removed, renamed or reordered. */
function validateOrdering(now: KObject[], before: KObject[], path: string, what: string): FieldError[] {
  if (now.length !== before.length) return [forbiddenField(path, `${what} may not be added or removed on resize`)];
  return before.flatMap((c, i) => (now[i]?.name !== c.name ? [forbiddenField(`${path}[${i}].name`, `${what} may not be renamed or reordered on resize`)] : []));
}

function removed(now: KObject | undefined, before: KObject | undefined): boolean {
  const b = Object.keys(before ?? {});
  return b.length > Object.keys(now ?? {}).length || b.some((k) => !(k in (now ?? {})));
}

/** validateContainerResize: requests and limits may not be removed; a memory limit may shrink or appear only with RestartContainer. */
function validateContainerResize(now: KObject, before: KObject, path: string): FieldError[] {
  const errs: FieldError[] = [];
  const n = now.resources ?? {};
  const b = before.resources ?? {};
  if (removed(n.requests, b.requests)) errs.push(forbiddenField(`${path}.requests`, 'resource requests cannot be removed'));
  if (removed(n.limits, b.limits)) errs.push(forbiddenField(`${path}.limits`, 'resource limits cannot be removed'));
  const memPolicy = ((now.resizePolicy ?? []) as KObject[]).find((p) => p?.resourceName === 'memory')?.restartPolicy ?? '';
  if (memPolicy === 'NotRequired' || memPolicy === '') {
    const nl = n.limits?.memory;
    const bl = b.limits?.memory;
    if (nl !== undefined && bl !== undefined) {
      const a = parseQty(nl);
      const c = parseQty(bl);
      if (a && c && cmpQty(a, c) < 0) errs.push(forbiddenField(`${path}.limits[memory]`, 'memory limits cannot be decreased unless resizePolicy is RestartContainer'));
    } else if (nl !== undefined) {
      errs.push(forbiddenField(`${path}.limits[memory]`, 'memory limits cannot be added unless resizePolicy is RestartContainer'));
    }
  }
  return errs;
}

/** A resource list compared as Go's semantic equality does: quantities by value, nil and empty alike. */
function normalList(l: KObject | undefined): KObject | undefined {
  if (!l || !Object.keys(l).length) return undefined;
  const out: KObject = {};
  for (const [k, v] of Object.entries(l)) out[k] = canonicalQuantity(v) ?? v;
  return out;
}

function normalContainer(c: KObject): KObject {
  const out = structuredClone(c);
  const r = out.resources ?? {};
  const reqs = normalList(r.requests);
  const lims = normalList(r.limits);
  out.resources = { ...(lims ? { limits: lims } : {}), ...(reqs ? { requests: reqs } : {}) };
  if (r.claims?.length) out.resources.claims = r.claims;
  if (!Object.keys(out.resources).length) delete out.resources;
  return out;
}

/** The container with cpu and memory put back to the stored values (upstream's dropCPUMemoryResourcesFromContainer). */
function withOldCpuMemory(c: KObject, old: KObject): KObject {
  const out = structuredClone(c);
  const munge = (now: KObject | undefined, before: KObject | undefined): KObject | undefined => {
    if (!before) return undefined;
    const m: KObject = { ...(now ?? {}) };
    delete m.cpu;
    delete m.memory;
    if (before.cpu !== undefined) m.cpu = before.cpu;
    if (before.memory !== undefined) m.memory = before.memory;
    return m;
  };
  const lim = munge(c.resources?.limits, old.resources?.limits);
  const req = munge(c.resources?.requests, old.resources?.requests);
  out.resources = { ...(lim ? { limits: lim } : {}), ...(req ? { requests: req } : {}) };
  return out;
}

const same = (a: KObject, b: KObject) => deepEqual(normalContainer(a), normalContainer(b));

/** Whether the node runs resize-capable kubelets: the first running container reports its resources (version skew guard). */
function resizeSupported(pod: KObject): boolean {
  for (const c of (pod.status?.containerStatuses ?? []) as KObject[]) if (c?.state?.running) return c.resources != null;
  return true;
}

function hasPodLevelResources(spec: KObject | undefined): boolean {
  const r = spec?.resources;
  return !!r && Object.keys(r.requests ?? {}).length + Object.keys(r.limits ?? {}).length > 0;
}

/** ValidatePodResize (v1.33), after the pod spec itself was validated; obj differs from old only where a resize may write. */
export function validatePodResize(obj: KObject, old: KObject): FieldError[] {
  if (hasPodLevelResources(old.spec) || hasPodLevelResources(obj.spec)) return [forbiddenField('', 'pods with pod-level resources cannot be resized')];
  if (old.metadata?.annotations?.[MIRROR_POD] !== undefined) return [forbiddenField('', 'static pods cannot be resized')];
  if (old.spec?.os?.name === 'windows') return [forbiddenField('', 'windows pods cannot be resized')];
  const errs: FieldError[] = [];
  const oldQos = old.status?.qosClass || qosClass(old.spec ?? {});
  if (oldQos !== qosClass(obj.spec ?? {})) errs.push(invalid('spec', obj.status?.qosClass ?? '', 'Pod QOS Class may not change as a result of resizing'));
  if (!resizeSupported(old)) errs.push(forbiddenField('spec', 'Pod running on node without support for resize'));
  const oldInits: KObject[] = old.spec?.initContainers ?? [];
  const newInits: KObject[] = obj.spec?.initContainers ?? [];
  const oldCs: KObject[] = old.spec?.containers ?? [];
  const newCs: KObject[] = obj.spec?.containers ?? [];
  // what follows compares containers index by index
  const ordering = [...validateOrdering(newCs, oldCs, 'spec.containers', 'containers'), ...validateOrdering(newInits, oldInits, 'spec.initContainers', 'initContainers')];
  if (ordering.length) return [...errs, ...ordering];
  oldInits.forEach((c, i) => {
    if (isRestartable(c) && newInits[i]) errs.push(...validateContainerResize(newInits[i], c, `spec.initContainers[${i}].resources`));
  });
  oldCs.forEach((c, i) => {
    if (newCs[i]) errs.push(...validateContainerResize(newCs[i], c, `spec.containers[${i}].resources`));
  });
  const mungedCs = newCs.map((c, i) => {
    if (!oldCs[i]) return c;
    const m = withOldCpuMemory(c, oldCs[i]);
    if (!same(m, oldCs[i])) errs.push(forbiddenField('spec', 'only cpu and memory resources are mutable'));
    return m;
  });
  const mungedInits = newInits.map((c, i) => {
    if (!oldInits[i]) return c;
    if (isRestartable(c)) {
      const m = withOldCpuMemory(c, oldInits[i]);
      if (!same(m, oldInits[i])) errs.push(forbiddenField('spec', 'only cpu and memory resources for sidecar containers are mutable'));
      return m;
    }
    if (!same(c, oldInits[i])) errs.push(forbiddenField('spec', 'resources for non-sidecar init containers are immutable'));
    return c;
  });
  if (errs.length) return errs;
  const rest = (s: KObject, cs: KObject[], inits: KObject[]) => {
    const out: KObject = { ...s, containers: cs.map(normalContainer) };
    if (inits.length) out.initContainers = inits.map(normalContainer);
    else delete out.initContainers;
    return out;
  };
  if (!deepEqual(rest(obj.spec ?? {}, mungedCs, mungedInits), rest(old.spec ?? {}, oldCs, oldInits))) errs.push(forbiddenField('spec', 'only cpu and memory resources are mutable'));
  return errs;
}
