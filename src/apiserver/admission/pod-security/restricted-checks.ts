// Restricted checks: volume types, privilege escalation, running as non-root, runAsUser=0, seccomp
// and dropped capabilities.
import { validSeccomp } from './baseline-security-context.js';
import { arr, containersText, joinQuote, obj, sc, settersText, sortedSet, str, type Check, type Json } from './check.js';

/** From v1.25 Windows pods skip the Linux-only checks (API validation already refuses those fields there). */
function linuxOnlySkips(spec: Json, minor: number): boolean {
  return minor >= 25 && obj(spec.os).name === 'windows';
}

// image volumes joined the list in v1.33, inside the v1.0 check (so for every policy version)
const ALLOWED_VOLUMES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret'];

export const restrictedVolumes: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  since: 0,
  run: ({ spec }) => {
    const bad = arr(spec.volumes).filter((v) => !ALLOWED_VOLUMES.some((k) => v[k] != null)).map((v) => str(v.name));
    // Go's %q of a []string: ["a" "b"]
    return bad.length ? { reason: 'restricted volume types', detail: `volumes [${sortedSet(bad).map((n) => JSON.stringify(n)).join(' ')}] have restricted types` } : null;
  },
};

export const allowPrivilegeEscalation: Check = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  since: 8,
  run: ({ spec, containers }, minor) => {
    if (linuxOnlySkips(spec, minor)) return null;
    const names = containers.filter((c) => sc(c).allowPrivilegeEscalation !== false).map((c) => str(c.name));
    return names.length ? { reason: 'allowPrivilegeEscalation != false', detail: `${containersText(names)} must set securityContext.allowPrivilegeEscalation=false` } : null;
  },
};

/** The pod-or-container pattern of runAsNonRoot and seccomp: explicit bad values first, then unset ones. */
function podOrContainers(podSc: Json, containers: Json[], field: string, good: (v: unknown) => boolean) {
  const podSet = podSc[field] != null;
  const podBad = podSet && !good(podSc[field]);
  const podGood = podSet && !podBad;
  const explicit: string[] = [];
  const implicit: string[] = [];
  const badValues: unknown[] = [];
  if (podBad) badValues.push(podSc[field]);
  for (const c of containers) {
    const v = sc(c)[field];
    if (v != null) {
      if (!good(v)) {
        explicit.push(str(c.name));
        badValues.push(v);
      }
    } else if (!podGood) implicit.push(str(c.name));
  }
  return { podBad, explicit, implicit, badValues };
}

export const runAsNonRoot: Check = {
  id: 'runAsNonRoot',
  level: 'restricted',
  since: 0,
  run: ({ podSc, containers }) => {
    const r = podOrContainers(podSc, containers, 'runAsNonRoot', (v) => v === true);
    if (r.podBad || r.explicit.length) return { reason: 'runAsNonRoot != true', detail: `${settersText(r.podBad, r.explicit)} must not set securityContext.runAsNonRoot=false` };
    if (r.implicit.length) return { reason: 'runAsNonRoot != true', detail: `pod or ${containersText(r.implicit)} must set securityContext.runAsNonRoot=true` };
    return null;
  },
};

export const runAsUser: Check = {
  id: 'runAsUser',
  level: 'restricted',
  since: 23,
  run: ({ podSc, containers }) => {
    const pod = podSc.runAsUser === 0;
    const names = containers.filter((c) => sc(c).runAsUser === 0).map((c) => str(c.name));
    return pod || names.length ? { reason: 'runAsUser=0', detail: `${settersText(pod, names)} must not set runAsUser=0` } : null;
  },
};

export const seccompProfileRestricted: Check = {
  id: 'seccompProfile_restricted',
  level: 'restricted',
  since: 19,
  run: ({ spec, podSc, containers }, minor) => {
    if (linuxOnlySkips(spec, minor)) return null;
    const typed = (s: Json): Json => (s.seccompProfile == null ? {} : { p: obj(s.seccompProfile).type ?? '' });
    const r = podOrContainers(typed(podSc), containers.map((c) => ({ name: c.name, securityContext: typed(sc(c)) })), 'p', validSeccomp);
    if (r.podBad || r.explicit.length) {
      return { reason: 'seccompProfile', detail: `${settersText(r.podBad, r.explicit)} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(r.badValues.map(String)))}` };
    }
    if (r.implicit.length) return { reason: 'seccompProfile', detail: `pod or ${containersText(r.implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"` };
    return null;
  },
};

export const capabilitiesRestricted: Check = {
  id: 'capabilities_restricted',
  level: 'restricted',
  since: 22,
  run: ({ spec, containers }, minor) => {
    if (linuxOnlySkips(spec, minor)) return null;
    const missingDrop: string[] = [];
    const adding: string[] = [];
    const forbidden: string[] = [];
    for (const c of containers) {
      const caps = sc(c).capabilities;
      if (caps == null) {
        missingDrop.push(str(c.name));
        continue;
      }
      if (!arr(obj(caps).drop).map(String).includes('ALL')) missingDrop.push(str(c.name));
      const bad = arr(obj(caps).add).map(String).filter((cap) => cap !== 'NET_BIND_SERVICE');
      if (bad.length) adding.push(str(c.name));
      forbidden.push(...bad);
    }
    const details: string[] = [];
    if (missingDrop.length) details.push(`${containersText(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
    if (adding.length) details.push(`${containersText(adding)} must not include ${joinQuote(sortedSet(forbidden))} in securityContext.capabilities.add`);
    return details.length ? { reason: 'unrestricted capabilities', detail: details.join('; ') } : null;
  },
};
