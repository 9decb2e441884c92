// The LimitRanger admission plugin: a pod's containers get the namespace's LimitRange defaults (default
// limits, defaultRequest requests, noted in the kubernetes.io/limit-ranger annotation), then pods and claims
// are checked against min, max and maxLimitRequestRatio with upstream's messages.
import { forbidden } from '../../apimachinery/errors.js';
import { formatQty, type Qty } from '../../apimachinery/quantity-math.js';
import type { Registry } from '../../registry/index.js';
import type { AdmissionAttributes, KObject } from '../../registry/types.js';
import { fromJSON, type ResourceList } from '../../registry/quota/resource-list.js';
import { podTotal } from '../../registry/quota/pod-usage.js';

const ANNOTATION = 'kubernetes.io/limit-ranger';

interface Container {
  name: string;
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
}

const isPod = (a: AdmissionAttributes) => a.def.group === '' && a.def.resource === 'pods';
const isClaim = (a: AdmissionAttributes) => a.def.group === '' && a.def.resource === 'persistentvolumeclaims';
const sortedKeys = (o: Record<string, unknown> | undefined) => Object.keys(o ?? {}).sort();

/** Whether LimitRanger acts on the write (upstream's SupportsAttributes; pods only on create). */
export function limitRangerHandles(a: AdmissionAttributes): boolean {
  if (a.subresource || !a.namespace) return false;
  return (isPod(a) && a.operation === 'CREATE') || (isClaim(a) && (a.operation === 'CREATE' || a.operation === 'UPDATE'));
}

function mergeContainer(c: Container, limits: Record<string, string>, requests: Record<string, string>, prefix: string, notes: string[]): void {
  const res = (c.resources ??= {});
  const setLimits: string[] = [];
  const setRequests: string[] = [];
  for (const [k, v] of Object.entries(limits)) {
    if (res.limits?.[k] !== undefined) continue;
    (res.limits ??= {})[k] = v;
    setLimits.push(k);
  }
  for (const [k, v] of Object.entries(requests)) {
    if (res.requests?.[k] !== undefined) continue;
    (res.requests ??= {})[k] = v;
    setRequests.push(k);
  }
  if (setRequests.length) notes.push(`${setRequests.sort().join(', ')} request for ${prefix} ${c.name}`);
  if (setLimits.length) notes.push(`${setLimits.sort().join(', ')} limit for ${prefix} ${c.name}`);
}

/** Sets the defaults of the LimitRanges' Container items on the pod; whether anything changed. */
export function applyDefaults(pod: KObject, ranges: KObject[]): boolean {
  let changed = false;
  for (const lr of ranges) {
    const limits: Record<string, string> = {};
    const requests: Record<string, string> = {};
    for (const item of lr.spec?.limits ?? []) {
      if (item.type !== 'Container') continue;
      Object.assign(requests, item.defaultRequest ?? {});
      Object.assign(limits, item.default ?? {});
    }
    const notes: string[] = [];
    for (const c of (pod.spec?.containers ?? []) as Container[]) mergeContainer(c, limits, requests, 'container', notes);
    for (const c of (pod.spec?.initContainers ?? []) as Container[]) mergeContainer(c, limits, requests, 'init container', notes);
    if (notes.length) {
      pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [ANNOTATION]: `LimitRanger plugin set: ${notes.join('; ')}` };
      changed = true;
    }
  }
  return changed;
}

const cmp = (a: Qty, b: Qty) => (a.nano < b.nano ? -1 : a.nano > b.nano ? 1 : 0);

function minConstraint(type: string, r: string, enforced: Qty, req: ResourceList, lim: ResourceList): string | undefined {
  const rq = req.get(r);
  const lm = lim.get(r);
  if (!rq) return `minimum ${r} usage per ${type} is ${formatQty(enforced)}.  No request is specified`;
  if (cmp(rq, enforced) < 0) return `minimum ${r} usage per ${type} is ${formatQty(enforced)}, but request is ${formatQty(rq)}`;
  if (lm && cmp(lm, enforced) < 0) return `minimum ${r} usage per ${type} is ${formatQty(enforced)}, but limit is ${formatQty(lm)}`;
  return undefined;
}

function maxConstraint(type: string, r: string, enforced: Qty, req: ResourceList, lim: ResourceList): string | undefined {
  const rq = req.get(r);
  const lm = lim.get(r);
  if (!lm) return `maximum ${r} usage per ${type} is ${formatQty(enforced)}.  No limit is specified`;
  if (cmp(lm, enforced) > 0) return `maximum ${r} usage per ${type} is ${formatQty(enforced)}, but limit is ${formatQty(lm)}`;
  if (rq && cmp(rq, enforced) > 0) return `maximum ${r} usage per ${type} is ${formatQty(enforced)}, but request is ${formatQty(rq)}`;
  return undefined;
}

function ratioConstraint(type: string, r: string, enforced: Qty, req: ResourceList, lim: ResourceList): string | undefined {
  const rq = req.get(r);
  const lm = lim.get(r);
  if (!rq || rq.nano === 0n) return `${r} max limit to request ratio per ${type} is ${formatQty(enforced)}, but no request is specified or request is 0`;
  if (!lm || lm.nano === 0n) return `${r} max limit to request ratio per ${type} is ${formatQty(enforced)}, but no limit is specified or limit is 0`;
  const ratio = Number(lm.nano) / Number(rq.nano);
  if (ratio * 1e9 > Number(enforced.nano)) return `${r} max limit to request ratio per ${type} is ${formatQty(enforced)}, but provided ratio is ${ratio.toFixed(6)}`;
  return undefined;
}

function checkItem(item: KObject, type: string, req: ResourceList, lim: ResourceList, errs: string[]): void {
  const push = (e: string | undefined) => e && errs.push(e);
  for (const k of sortedKeys(item.min)) push(minConstraint(type, k, fromJSON(item.min).get(k)!, req, lim));
  for (const k of sortedKeys(item.max)) push(maxConstraint(type, k, fromJSON(item.max).get(k)!, req, lim));
  for (const k of sortedKeys(item.maxLimitRequestRatio)) push(ratioConstraint(type, k, fromJSON(item.maxLimitRequestRatio).get(k)!, req, lim));
}

/** The violations of one LimitRange by a pod, in upstream's order. */
export function podViolations(pod: KObject, lr: KObject): string[] {
  const errs: string[] = [];
  const containers = (pod.spec?.containers ?? []) as Container[];
  const inits = (pod.spec?.initContainers ?? []) as Container[];
  for (const item of lr.spec?.limits ?? []) {
    if (item.type === 'Container') {
      for (const c of [...containers, ...inits]) checkItem(item, 'Container', fromJSON(c.resources?.requests), fromJSON(c.resources?.limits), errs);
    } else if (item.type === 'Pod') {
      checkItem(item, 'Pod', podTotal(pod, 'requests', false), podTotal(pod, 'limits', false), errs);
    }
  }
  return errs;
}

export function claimViolations(pvc: KObject, lr: KObject): string[] {
  const errs: string[] = [];
  const req = fromJSON(pvc.spec?.resources?.requests);
  for (const item of lr.spec?.limits ?? []) {
    if (item.type !== 'PersistentVolumeClaim') continue;
    for (const k of sortedKeys(item.min)) {
      const e = minConstraint('PersistentVolumeClaim', k, fromJSON(item.min).get(k)!, req, new Map());
      if (e) errs.push(e);
    }
    for (const k of sortedKeys(item.max)) {
      const enforced = fromJSON(item.max).get(k)!;
      const rq = req.get(k);
      if (!rq) errs.push(`maximum ${k} usage per PersistentVolumeClaim is ${formatQty(enforced)}.  No request is specified`);
      else if (cmp(rq, enforced) > 0) errs.push(`maximum ${k} usage per PersistentVolumeClaim is ${formatQty(enforced)}, but request is ${formatQty(rq)}`);
    }
  }
  return errs;
}

/** utilerrors.NewAggregate's message: one error alone, several (deduplicated) in brackets. */
function aggregate(errs: string[]): string {
  const unique = [...new Set(errs)];
  return unique.length === 1 ? unique[0] : `[${unique.join(', ')}]`;
}

export class LimitRanger {
  constructor(private readonly registry: Registry) {}

  private async ranges(ns: string): Promise<KObject[]> {
    const store = this.registry.store('', 'v1', 'limitranges');
    if (!store) return [];
    // from the watch cache, as upstream's plugin reads its informer's lister
    return (await store.list(ns, { resourceVersion: '0' })).items.sort((x, y) => (x.metadata.name < y.metadata.name ? -1 : 1));
  }

  async hasRanges(ns: string): Promise<boolean> {
    return (await this.ranges(ns)).length > 0;
  }

  async mutate(a: AdmissionAttributes, obj: KObject | undefined): Promise<boolean> {
    if (!obj || !isPod(a) || !limitRangerHandles(a)) return false;
    const ranges = await this.ranges(a.namespace);
    return ranges.length > 0 && applyDefaults(obj, ranges);
  }

  async validate(a: AdmissionAttributes, obj: KObject | undefined): Promise<void> {
    // an in-place resize is checked against the ranges too (never defaulted), as upstream's SupportsAttributes
    const resize = isPod(a) && a.subresource === 'resize' && a.operation === 'UPDATE' && !!a.namespace;
    if (!obj || !(resize || limitRangerHandles(a))) return;
    const errs: string[] = [];
    for (const lr of await this.ranges(a.namespace)) errs.push(...(isPod(a) ? podViolations(obj, lr) : claimViolations(obj, lr)));
    if (errs.length) throw forbidden({ group: a.def.group, resource: a.def.resource }, a.name || obj.metadata?.name || obj.metadata?.generateName || 'Unknown', aggregate(errs));
  }
}
