// Runs the checks of a level in upstream's order (its checks register by file name: baseline ones,
// then restricted ones or, at baseline, the overlapping baseline ones) and aggregates the violations.
import { appArmorProfile, capabilitiesBaseline, procMount, seccompProfileBaseline, seLinuxOptions, sysctls } from './baseline-security-context.js';
import { hostNamespaces, hostPathVolumes, hostPorts, privileged, windowsHostProcess } from './baseline-host.js';
import { podView, type Check, type Json, type Level, type Violation } from './check.js';
import { allowPrivilegeEscalation, capabilitiesRestricted, restrictedVolumes, runAsNonRoot, runAsUser, seccompProfileRestricted } from './restricted-checks.js';

/** The newest policy version this server knows; `latest` and newer versions evaluate as it. */
export const LATEST_MINOR = 33;

const BASELINE: Check[] = [appArmorProfile, hostNamespaces, hostPathVolumes, hostPorts, privileged, procMount, seLinuxOptions, sysctls, windowsHostProcess];
const OVERLAPPING: Check[] = [capabilitiesBaseline, seccompProfileBaseline];
const RESTRICTED: Check[] = [allowPrivilegeEscalation, capabilitiesRestricted, restrictedVolumes, runAsNonRoot, runAsUser, seccompProfileRestricted];

export function checksFor(level: Level): Check[] {
  if (level === 'privileged') return [];
  return [...BASELINE, ...(level === 'baseline' ? OVERLAPPING : RESTRICTED)];
}

/** The violations of a pod (or pod template) at a level and policy minor version, in upstream's order. */
export function evaluatePod(level: Level, minor: number, metadata: Json, spec: Json): Violation[] {
  const view = podView(metadata, spec);
  const m = Math.min(minor, LATEST_MINOR);
  return checksFor(level).filter((c) => c.since <= m).map((c) => c.run(view, m)).filter((v): v is Violation => v !== null);
}

/** `reason (detail), reason, …` as in a denial or warning. */
export function forbiddenDetail(vs: Violation[]): string {
  return vs.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}

/** `reason, reason, …` as in the namespace label warnings. */
export function forbiddenReason(vs: Violation[]): string {
  return vs.map((v) => v.reason).join(', ');
}
