// Which pod updates PodSecurity evaluates: upstream only looks again when containers are added or
// removed, an image changes, a container's seccomp annotation changes or an ephemeral container appears.
import { arr, obj, str, type Json } from './check.js';

const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';

function changedContainer(c: Json, o: Json, ann: Json, oldAnn: Json): boolean {
  if (str(c.image) !== str(o.image)) return true;
  const key = SECCOMP_CONTAINER + str(c.name);
  return ann[key] !== oldAnn[key];
}

export function isSignificantPodUpdate(pod: Json, old: Json): boolean {
  const spec = obj(pod.spec);
  const oldSpec = obj(old.spec);
  const ann = obj(obj(pod.metadata).annotations);
  const oldAnn = obj(obj(old.metadata).annotations);
  for (const field of ['containers', 'initContainers']) {
    const cs = arr(spec[field]);
    const olds = arr(oldSpec[field]);
    if (cs.length !== olds.length) return true;
    if (cs.some((c, i) => changedContainer(c, olds[i], ann, oldAnn))) return true;
  }
  const oldEphemeral = arr(oldSpec.ephemeralContainers);
  for (const c of arr(spec.ephemeralContainers)) {
    const o = oldEphemeral.find((x) => x.name === c.name);
    if (!o || changedContainer(c, o, ann, oldAnn)) return true;
  }
  return false;
}
