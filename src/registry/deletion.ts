// Whether a delete removes the object now or marks it (finalizers, graceful deletion), as upstream's
// generic store decides it, with the garbage collector's finalizers added as the propagation policy asks.
import type { DeleteOptions } from './store.js';
import type { KObject, ResourceDef } from './types.js';
import { deepEqual, nowRFC3339 } from './util.js';

export function propagationPolicyOf(opts: DeleteOptions): string | undefined {
  return opts.propagationPolicy ?? (opts.orphanDependents === true ? 'Orphan' : opts.orphanDependents === false ? 'Background' : undefined);
}

function finalizersFor(cur: KObject, opts: DeleteOptions): string[] {
  const finalizers: string[] = [...(cur.metadata.finalizers ?? [])];
  const policy = propagationPolicyOf(opts);
  if (policy === 'Orphan') return [...finalizers.filter((f) => f !== 'foregroundDeletion'), ...(finalizers.includes('orphan') ? [] : ['orphan'])];
  if (policy === 'Foreground') return [...finalizers.filter((f) => f !== 'orphan'), ...(finalizers.includes('foregroundDeletion') ? [] : ['foregroundDeletion'])];
  if (policy === 'Background') return finalizers.filter((f) => f !== 'orphan' && f !== 'foregroundDeletion');
  return finalizers;
}

/**
 * The object to store instead of deleting (undefined: delete now). `changed` is false when a deletion
 * already under way needs no new write.
 */
export function deferredDeletion(def: ResourceDef, cur: KObject, opts: DeleteOptions): { obj: KObject; changed: boolean } | undefined {
  const finalizers = finalizersFor(cur, opts);
  const pending = def.strategy.pendingFinalizers?.(cur) ?? [];
  const grace = def.strategy.gracePeriod?.(cur, opts.gracePeriodSeconds) ?? 0;
  const curGrace = cur.metadata.deletionGracePeriodSeconds;
  // a graceful delete that is already under way ends now when asked with a zero grace period
  const graceDone = cur.metadata.deletionTimestamp !== undefined && curGrace !== undefined && grace === 0;
  if (finalizers.length === 0 && pending.length === 0 && (grace === 0 || graceDone)) return undefined;
  const obj = structuredClone(cur);
  let changed = false;
  if (grace > 0 && (curGrace === undefined || grace < curGrace)) {
    obj.metadata.deletionTimestamp = new Date(Date.now() + grace * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    obj.metadata.deletionGracePeriodSeconds = grace;
    changed = true;
  }
  if (!deepEqual(finalizers, cur.metadata.finalizers ?? [])) {
    obj.metadata.finalizers = finalizers;
    changed = true;
  }
  if (!obj.metadata.deletionTimestamp) {
    obj.metadata.deletionTimestamp = nowRFC3339();
    obj.metadata.deletionGracePeriodSeconds = 0;
    changed = true;
  }
  if (def.strategy.prepareForDelete) {
    const before = JSON.stringify(obj);
    def.strategy.prepareForDelete(obj);
    if (JSON.stringify(obj) !== before) changed = true;
  }
  return { obj, changed };
}

/**
 * An update that leaves an object whose graceful deletion is over (deletionGracePeriodSeconds 0) without
 * finalizers removes it instead, as upstream's store.
 */
export function shouldDeleteDuringUpdate(def: ResourceDef, obj: KObject, existing: KObject): boolean {
  if ((obj.metadata?.finalizers ?? []).length > 0 || (def.strategy.pendingFinalizers?.(obj) ?? []).length > 0) return false;
  return !!existing.metadata.deletionTimestamp && existing.metadata.deletionGracePeriodSeconds === 0;
}
