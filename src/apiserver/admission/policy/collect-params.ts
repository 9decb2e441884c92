// The params a binding selects (upstream's CollectParams): none without paramKind or paramRef, the named
// object or those matching the selector, and parameterNotFoundAction when there are none.
import { labelSelectorFromObject } from '../../../apimachinery/selectors.js';
import { StatusError } from '../../../apimachinery/errors.js';
import type { Registry } from '../../../registry/index.js';
import type { KObject, ResourceDef } from '../../../registry/types.js';

export type CollectedParams = { params: (KObject | null)[] } | { error: string };

export async function collectParams(registry: Registry, paramDef: ResourceDef | undefined, paramRef: KObject | undefined, namespace: string): Promise<CollectedParams> {
  // no paramKind, or a binding without paramRef: the policy runs once with params null
  if (!paramDef || !paramRef) return { params: [null] };
  const store = registry.store(paramDef.group, paramDef.version, paramDef.resource);
  if (!store) return { error: `failed to find resource referenced by paramKind: '${paramDef.group}/${paramDef.version}, Kind=${paramDef.kind}'` };
  let ns = '';
  if (paramDef.namespaced) {
    ns = paramRef.namespace || namespace;
    if (!ns) return { error: 'cannot use namespaced paramRef in policy binding that matches cluster-scoped resources' };
  } else if (paramRef.namespace) {
    return { error: 'paramRef.namespace must not be provided for a cluster-scoped `paramKind`' };
  }
  let params: KObject[] = [];
  if (paramRef.name) {
    try {
      params = [await store.get(ns, paramRef.name)];
    } catch (e) {
      if (!(e instanceof StatusError) || e.code !== 404) return { error: (e as Error).message };
    }
  } else if (paramRef.selector) {
    const sel = labelSelectorFromObject(paramRef.selector);
    params = (await store.list(ns, {})).items.filter((o) => sel.matches(o.metadata?.labels ?? {}));
  } else {
    return { error: 'one of name or selector must be provided' };
  }
  if (params.length === 0 && paramRef.parameterNotFoundAction === 'Deny') return { error: 'no params found for policy binding with `Deny` parameterNotFoundAction' };
  return { params };
}
