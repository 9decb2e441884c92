// matchPolicy Equivalent: the other resources that address the same stored objects (same storage prefix, as
// kube-apiserver's equivalent-resource registry keys them — other versions, and events in both groups), and an
// object of one of them in another, through the storage form (upstream's VersionedAttributes).
import type { Registry } from '../../registry/index.js';
import type { KObject, ResourceDef } from '../../registry/types.js';

/** The resources equivalent to `def`, in the registry's order. */
export function equivalentDefs(registry: Registry, def: ResourceDef): ResourceDef[] {
  return registry.defs.filter((d) => d !== def && d.keyPrefix === def.keyPrefix && !d.createOnly && (d.group !== def.group || d.version !== def.version));
}

/** `o`, an object as `from` serves it, as `to` serves it (a CRD's conversion webhook converts between any two). */
export async function convertBetween(o: KObject | undefined, from: ResourceDef, to: ResourceDef): Promise<KObject | undefined> {
  if (!o || from === to) return o;
  if (to.convert?.webhook) return (await to.convert.webhook.fromStorage([structuredClone(o)]))[0];
  const stored = from.convert ? from.convert.toStorage(o) : structuredClone(o);
  return to.convert ? to.convert.fromStorage(structuredClone(stored)) : stored;
}
