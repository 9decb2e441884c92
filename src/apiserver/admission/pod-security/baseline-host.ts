// Baseline checks on what a pod shares with its host: Windows hostProcess, host namespaces, privileged
// containers, hostPath volumes and host ports.
import { arr, containersText, joinQuote, obj, pluralize, sc, settersText, sortedSet, str, type Check } from './check.js';

export const windowsHostProcess: Check = {
  id: 'windowsHostProcess',
  level: 'baseline',
  since: 0,
  run: ({ containers, podSc }) => {
    const names = containers.filter((c) => obj(sc(c).windowsOptions).hostProcess === true).map((c) => str(c.name));
    const pod = obj(podSc.windowsOptions).hostProcess === true;
    if (!pod && !names.length) return null;
    return { reason: 'hostProcess', detail: `${settersText(pod, names)} must not set securityContext.windowsOptions.hostProcess=true` };
  },
};

export const hostNamespaces: Check = {
  id: 'hostNamespaces',
  level: 'baseline',
  since: 0,
  run: ({ spec }) => {
    const used = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => spec[k] === true);
    return used.length ? { reason: 'host namespaces', detail: sortedSet(used).join(', ') } : null;
  },
};

export const privileged: Check = {
  id: 'privileged',
  level: 'baseline',
  since: 0,
  run: ({ containers }) => {
    const names = containers.filter((c) => sc(c).privileged === true).map((c) => str(c.name));
    return names.length ? { reason: 'privileged', detail: `${containersText(names)} must not set securityContext.privileged=true` } : null;
  },
};

export const hostPathVolumes: Check = {
  id: 'hostPathVolumes',
  level: 'baseline',
  since: 0,
  run: ({ spec }) => {
    const names = arr(spec.volumes).filter((v) => v.hostPath != null).map((v) => str(v.name));
    return names.length ? { reason: 'hostPath volumes', detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}` } : null;
  },
};

export const hostPorts: Check = {
  id: 'hostPorts',
  level: 'baseline',
  since: 0,
  run: ({ containers }) => {
    const names: string[] = [];
    const ports: string[] = [];
    for (const c of containers) {
      const used = arr(c.ports).map((p) => Number(p.hostPort ?? 0)).filter((p) => p !== 0);
      if (used.length) names.push(str(c.name));
      ports.push(...used.map(String));
    }
    if (!names.length) return null;
    const set = sortedSet(ports);
    return {
      reason: 'hostPort',
      detail: `${containersText(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('hostPort', 'hostPorts', set.length)} ${set.join(', ')}`,
    };
  },
};
