// The PodSecurity plugin's PodSecurityConfiguration (pod-security.admission.config.k8s.io/v1, v1beta1, v1alpha1):
// the levels a namespace without labels gets, and the users, namespaces and runtime classes left unchecked.
import { duplicate, fieldErrorString, invalid, type FieldError } from '../../../apimachinery/errors.js';
import { dns1123LabelErrors, dns1123SubdomainErrors } from '../../../apimachinery/validation.js';
import type { Level } from './check.js';
import type { Policy } from './policy-labels.js';

export const POD_SECURITY_CONFIG_GROUP = 'pod-security.admission.config.k8s.io';
const VERSIONS = ['v1', 'v1beta1', 'v1alpha1'];
const LEVELS: Level[] = ['privileged', 'baseline', 'restricted'];
const VERSION = /^v1\.([0-9]|[1-9][0-9]*)$/;
const DEFAULT_FIELDS = ['enforce', 'enforce-version', 'audit', 'audit-version', 'warn', 'warn-version'];
const EXEMPTION_FIELDS = ['usernames', 'namespaces', 'runtimeClasses'];

export interface PodSecurityConfig {
  defaults: Policy;
  exemptions: { usernames: string[]; namespaces: string[]; runtimeClasses: string[] };
}

export const DEFAULT_POD_SECURITY_CONFIG: PodSecurityConfig = {
  defaults: { enforce: { level: 'privileged', version: 'latest' }, audit: { level: 'privileged', version: 'latest' }, warn: { level: 'privileged', version: 'latest' } },
  exemptions: { usernames: [], namespaces: [], runtimeClasses: [] },
};

/** Decoding fails (upstream's newPlugin error): not a PodSecurityConfiguration, or a field it does not have. */
export class PodSecurityDecodeError extends Error {}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Decodes and defaults the configuration; throws PodSecurityDecodeError, or Error with upstream's validation aggregate. */
export function podSecurityConfig(raw: unknown): PodSecurityConfig {
  if (raw === undefined || raw === null) return DEFAULT_POD_SECURITY_CONFIG;
  if (!isObj(raw)) throw new PodSecurityDecodeError(`couldn't get version/kind; json parse error: cannot unmarshal ${Array.isArray(raw) ? 'array' : typeof raw} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  const apiVersion = typeof raw.apiVersion === 'string' ? raw.apiVersion : '';
  const kind = typeof raw.kind === 'string' ? raw.kind : '';
  if (!kind) throw new PodSecurityDecodeError(`Object 'Kind' is missing in '${JSON.stringify(raw)}'`);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  if (group !== POD_SECURITY_CONFIG_GROUP || !VERSIONS.includes(version!) || kind !== 'PodSecurityConfiguration')
    throw new PodSecurityDecodeError(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "k8s.io/pod-security-admission/admission/api/scheme/scheme.go:31"`);
  const unknown: string[] = [];
  const strings = (o: unknown, path: string, fields: string[]): Obj => {
    if (o === undefined || o === null) return {};
    if (!isObj(o)) throw new PodSecurityDecodeError(`json: cannot unmarshal ${Array.isArray(o) ? 'array' : typeof o} into Go struct field PodSecurityConfiguration.${path} of type ${path === 'defaults' ? 'v1.PodSecurityDefaults' : 'v1.PodSecurityExemptions'}`);
    for (const k of Object.keys(o)) if (!fields.includes(k)) unknown.push(`unknown field "${path}.${k}"`);
    return o;
  };
  for (const k of Object.keys(raw)) if (!['apiVersion', 'kind', 'defaults', 'exemptions'].includes(k)) unknown.push(`unknown field "${k}"`);
  const d = strings(raw.defaults, 'defaults', DEFAULT_FIELDS);
  const e = strings(raw.exemptions, 'exemptions', EXEMPTION_FIELDS);
  if (unknown.length) throw new PodSecurityDecodeError(`strict decoding error: ${unknown.join(', ')}`);
  const str = (v: unknown, dflt: string) => (typeof v === 'string' && v !== '' ? v : dflt);
  const list = (v: unknown) => (Array.isArray(v) ? v.map((x) => String(x ?? '')) : []);
  const cfg = {
    defaults: {
      enforce: { level: str(d.enforce, 'privileged'), version: str(d['enforce-version'], 'latest') },
      audit: { level: str(d.audit, 'privileged'), version: str(d['audit-version'], 'latest') },
      warn: { level: str(d.warn, 'privileged'), version: str(d['warn-version'], 'latest') },
    },
    exemptions: { usernames: list(e.usernames), namespaces: list(e.namespaces), runtimeClasses: list(e.runtimeClasses) },
  };
  const errs = validatePodSecurityConfig(cfg);
  if (errs.length) {
    const msgs = [...new Set(errs.map(fieldErrorString))];
    throw new Error(msgs.length === 1 ? msgs[0] : `[${msgs.join(', ')}]`);
  }
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    const v = cfg.defaults[mode].version;
    if (v !== 'latest') cfg.defaults[mode].version = `v1.${Number(VERSION.exec(v)![1])}`;
  }
  return cfg as PodSecurityConfig;
}

/** upstream's ValidatePodSecurityConfiguration, in its order. */
function validatePodSecurityConfig(cfg: { defaults: Record<'enforce' | 'audit' | 'warn', { level: string; version: string }>; exemptions: PodSecurityConfig['exemptions'] }): FieldError[] {
  const errs: FieldError[] = [];
  for (const mode of ['enforce', 'warn', 'audit'] as const) {
    const { level, version } = cfg.defaults[mode];
    if (!LEVELS.includes(level as Level)) errs.push(invalid(`defaults.${mode}`, level, `must be one of ${LEVELS.join(', ')}`));
    if (version !== 'latest' && !VERSION.test(version)) errs.push(invalid(`defaults.${mode}-version`, version, 'must be "latest" or "v1.x"'));
  }
  const unique = (field: string, values: string[], problems: (v: string) => string[]) => {
    const seen = new Set<string>();
    values.forEach((v, i) => {
      const p = problems(v);
      if (p.length) errs.push(invalid(`exemptions.${field}[${i}]`, v, p.join(', ')));
      else if (seen.has(v)) errs.push(duplicate(`exemptions.${field}[${i}]`, v));
      else seen.add(v);
    });
  };
  unique('namespaces', cfg.exemptions.namespaces, dns1123LabelErrors);
  unique('runtimeClasses', cfg.exemptions.runtimeClasses, dns1123SubdomainErrors);
  unique('usernames', cfg.exemptions.usernames, (u) => (u === '' ? ['username must not be empty'] : []));
  return errs;
}
