// AlwaysPullImages (off by default): every container of a new pod, or of an update that brings a new image,
// pulls its image Always, so that a node's cached image is never used without the registry's say.
import { forbidden, notSupported, fieldErrorString } from '../../apimachinery/errors.js';
import type { AdmissionAttributes, KObject } from '../../registry/types.js';

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'];

function containers(pod: KObject | undefined): [string, KObject][] {
  return CONTAINER_LISTS.flatMap((l) => ((pod?.spec?.[l] ?? []) as KObject[]).map((c, i) => [`spec.${l}[${i}]`, c] as [string, KObject]));
}

/** Pods only, no subresource, and not an update whose images were all there before. */
export function alwaysPullImagesHandles(a: AdmissionAttributes, obj: KObject | undefined, old: KObject | undefined): boolean {
  if (a.subresource || a.def.group !== '' || a.def.resource !== 'pods' || !obj) return false;
  if (a.operation === 'CREATE') return true;
  if (a.operation !== 'UPDATE') return false;
  const before = new Set(containers(old).map(([, c]) => c.image));
  return containers(obj).some(([, c]) => !before.has(c.image));
}

export function alwaysPullImages(obj: KObject): boolean {
  let changed = false;
  for (const [, c] of containers(obj)) {
    if (c.imagePullPolicy === 'Always') continue;
    c.imagePullPolicy = 'Always';
    changed = true;
  }
  return changed;
}

/** Refuses a container that does not pull Always (a later mutation may have changed it). */
export function validateAlwaysPullImages(a: AdmissionAttributes, obj: KObject): void {
  for (const [path, c] of containers(obj)) {
    if (c.imagePullPolicy !== 'Always') throw forbidden({ group: '', resource: 'pods' }, a.name || obj.metadata?.name || '', fieldErrorString(notSupported(`${path}.imagePullPolicy`, c.imagePullPolicy ?? '', ['Always'])));
  }
}
