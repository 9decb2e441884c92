// The PodSecurity policy a namespace's labels ask for, with upstream's parse errors for bad values.
import { invalid, type FieldError } from '../../../apimachinery/errors.js';
import type { Level } from './check.js';
import { LATEST_MINOR } from './evaluate.js';

export const LABEL_PREFIX = 'pod-security.kubernetes.io/';
const LEVELS: Level[] = ['privileged', 'baseline', 'restricted'];
const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;

export interface LevelVersion {
  level: Level;
  /** 'latest' or 'v1.x' as labelled. */
  version: string;
}

export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version}`;
}

/** The minor version a policy evaluates at. */
export function policyMinor(lv: LevelVersion): number {
  const m = VERSION.exec(lv.version);
  return m ? Math.min(Number(m[1]), LATEST_MINOR) : LATEST_MINOR;
}

export function sameLevelVersion(a: LevelVersion, b: LevelVersion): boolean {
  return a.level === b.level && a.version === b.version;
}

const DEFAULT_POLICY: Policy = { enforce: { level: 'privileged', version: 'latest' }, audit: { level: 'privileged', version: 'latest' }, warn: { level: 'privileged', version: 'latest' } };

/**
 * upstream's PolicyToEvaluate: the labels over the configured defaults; bad levels fall back to restricted
 * for enforce and privileged for audit and warn; warn follows an explicitly stricter enforce level.
 */
export function policyFromLabels(labels: Record<string, string> | undefined, defaults: Policy = DEFAULT_POLICY): { policy: Policy; errs: FieldError[] } {
  const errs: FieldError[] = [];
  const policy: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  if (!labels) return { policy, errs };
  let enforceLevelSet = false;
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const levelKey = `${LABEL_PREFIX}${mode}`;
    const versionKey = `${levelKey}-version`;
    const level = labels[levelKey];
    if (level !== undefined) {
      if (LEVELS.includes(level as Level)) {
        policy[mode].level = level as Level;
        if (mode === 'enforce') enforceLevelSet = true;
      } else {
        policy[mode].level = mode === 'enforce' ? 'restricted' : 'privileged';
        errs.push(invalid(`metadata.labels[${levelKey}]`, level, `must be one of ${LEVELS.join(', ')}`));
      }
    }
    const version = labels[versionKey];
    if (version !== undefined) {
      if (version === 'latest' || VERSION.test(version)) policy[mode].version = version === 'latest' ? 'latest' : `v1.${Number(VERSION.exec(version)![1])}`;
      else {
        policy[mode].version = 'latest';
        errs.push(invalid(`metadata.labels[${versionKey}]`, version, 'must be "latest" or "v1.x"'));
      }
    }
  }
  const warnKey = `${LABEL_PREFIX}warn`;
  if (labels[warnKey] === undefined && enforceLevelSet && compareLevels(policy.enforce.level, policy.warn.level) > 0) {
    policy.warn.level = policy.enforce.level;
    if (labels[`${warnKey}-version`] === undefined) policy.warn.version = policy.enforce.version;
  }
  return { policy, errs };
}

/** Policy.Equivalent: the same level in each mode, and the same version unless the level is privileged. */
export function equivalentPolicies(a: Policy, b: Policy): boolean {
  return (['enforce', 'audit', 'warn'] as const).every((m) => a[m].level === b[m].level && (a[m].level === 'privileged' || a[m].version === b[m].version));
}

export function compareLevels(a: Level, b: Level): number {
  return Math.sign(LEVELS.indexOf(a) - LEVELS.indexOf(b));
}
