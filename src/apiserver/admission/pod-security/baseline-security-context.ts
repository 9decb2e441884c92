// Baseline checks on security contexts and annotations: AppArmor, /proc mount, SELinux, sysctls, added
// capabilities and seccomp (the last two replaced by stricter checks at restricted).
import { arr, containersText, joinQuote, obj, pluralize, sc, settersText, sortedSet, str, type Check, type Json } from './check.js';

const APPARMOR_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

export const appArmorProfile: Check = {
  id: 'appArmorProfile',
  level: 'baseline',
  since: 0,
  run: ({ annotations, podSc, containers }) => {
    const values: string[] = [];
    const badType = (s: Json): boolean => {
      if (s.appArmorProfile == null) return false;
      const type = str(obj(s.appArmorProfile).type);
      if (type === 'RuntimeDefault' || type === 'Localhost') return false;
      values.push(type);
      return true;
    };
    const setters: string[] = [];
    if (badType(podSc)) setters.push('pod');
    const names = containers.filter((c) => badType(sc(c))).map((c) => str(c.name));
    if (names.length) setters.push(containersText(names));
    const bad = sortedSet(values);
    const anns: string[] = [];
    for (const [key, value] of Object.entries(annotations)) {
      if (key.startsWith(APPARMOR_PREFIX) && value && value !== 'runtime/default' && !value.startsWith('localhost/')) anns.push(`${key}=${JSON.stringify(value)}`);
    }
    if (anns.length) {
      bad.push(...anns.sort());
      setters.push(pluralize('annotation', 'annotations', anns.length));
    }
    if (!setters.length) return null;
    return { reason: pluralize('forbidden AppArmor profile', 'forbidden AppArmor profiles', bad.length), detail: `${setters.join(' and ')} must not set AppArmor profile type to ${joinQuote(bad)}` };
  },
};

export const procMount: Check = {
  id: 'procMount',
  level: 'baseline',
  since: 0,
  run: ({ containers }) => {
    const names: string[] = [];
    const types: string[] = [];
    for (const c of containers) {
      const pm = sc(c).procMount;
      if (typeof pm === 'string' && pm !== 'Default') {
        names.push(str(c.name));
        types.push(pm);
      }
    }
    if (!names.length) return null;
    return { reason: 'procMount', detail: `${containersText(names)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}` };
  },
};

export const seLinuxOptions: Check = {
  id: 'seLinuxOptions',
  level: 'baseline',
  since: 0,
  run: ({ podSc, containers }, minor) => {
    const allowed = new Set(['', 'container_t', 'container_init_t', 'container_kvm_t']);
    if (minor >= 31) allowed.add('container_engine_t');
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const valid = (s: Json): boolean => {
      if (s.seLinuxOptions == null) return true;
      const o = obj(s.seLinuxOptions);
      let ok = true;
      if (!allowed.has(str(o.type))) {
        ok = false;
        badTypes.push(str(o.type));
      }
      if (str(o.user)) {
        ok = false;
        setUser = true;
      }
      if (str(o.role)) {
        ok = false;
        setRole = true;
      }
      return ok;
    };
    const pod = !valid(podSc);
    const names = containers.filter((c) => !valid(sc(c))).map((c) => str(c.name));
    if (!pod && !names.length) return null;
    const data: string[] = [];
    // upstream names the user and role only alongside a forbidden type
    if (badTypes.length) {
      const types = sortedSet(badTypes);
      data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
      if (setUser) data.push('user may not be set');
      if (setRole) data.push('role may not be set');
    }
    return { reason: 'seLinuxOptions', detail: `${settersText(pod, names)} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}` };
  },
};

const SYSCTLS: [number, string[]][] = [
  [0, ['kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.tcp_syncookies', 'net.ipv4.ping_group_range', 'net.ipv4.ip_unprivileged_port_start']],
  [27, ['net.ipv4.ip_local_reserved_ports']],
  [29, ['net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout', 'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes']],
  [32, ['net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem']],
];

export const sysctls: Check = {
  id: 'sysctls',
  level: 'baseline',
  since: 0,
  run: ({ podSc }, minor) => {
    const allowed = new Set(SYSCTLS.filter(([v]) => v <= minor).flatMap(([, names]) => names));
    const bad = arr(podSc.sysctls).map((s) => str(s.name)).filter((n) => !allowed.has(n));
    return bad.length ? { reason: 'forbidden sysctls', detail: bad.join(', ') } : null;
  },
};

const DEFAULT_CAPABILITIES = new Set(['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT']);

export const capabilitiesBaseline: Check = {
  id: 'capabilities_baseline',
  level: 'baseline',
  overlap: true,
  since: 0,
  run: ({ containers }) => {
    const names: string[] = [];
    const caps: string[] = [];
    for (const c of containers) {
      const added = arr(obj(sc(c).capabilities).add).map(String).filter((cap) => !DEFAULT_CAPABILITIES.has(cap));
      if (added.length) names.push(str(c.name));
      caps.push(...added);
    }
    if (!names.length) return null;
    return { reason: 'non-default capabilities', detail: `${containersText(names)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add` };
  },
};

export function validSeccomp(type: unknown): boolean {
  return type === 'RuntimeDefault' || type === 'Localhost';
}

const SECCOMP_POD = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER = 'container.seccomp.security.alpha.kubernetes.io/';

export const seccompProfileBaseline: Check = {
  id: 'seccompProfile_baseline',
  level: 'baseline',
  overlap: true,
  since: 0,
  run: ({ annotations, podSc, containers }, minor) => {
    if (minor < 19) {
      const ok = (v: string) => v === 'runtime/default' || v === 'docker/default' || v.startsWith('localhost/');
      const bad: string[] = [];
      const keys = [SECCOMP_POD, ...containers.map((c) => SECCOMP_CONTAINER + str(c.name))];
      for (const k of keys) if (k in annotations && !ok(annotations[k])) bad.push(`${k}=${JSON.stringify(annotations[k])}`);
      const set = sortedSet(bad);
      return set.length ? { reason: 'seccompProfile', detail: `forbidden ${pluralize('annotation', 'annotations', set.length)} ${set.join(', ')}` } : null;
    }
    const values: string[] = [];
    const badType = (s: Json) => s.seccompProfile != null && !validSeccomp(obj(s.seccompProfile).type) && values.push(str(obj(s.seccompProfile).type)) > 0;
    const pod = badType(podSc);
    const names = containers.filter((c) => badType(sc(c))).map((c) => str(c.name));
    if (!pod && !names.length) return null;
    return { reason: 'seccompProfile', detail: `${settersText(pod, names)} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}` };
  },
};
