// --admission-control-config-file: an apiserver.config.k8s.io AdmissionConfiguration naming, per plugin, its
// configuration inline or in a file (relative paths from the configuration's directory), as kube-apiserver reads it.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { LimitedResource } from './resource-quota.js';
import { PodSecurityDecodeError, podSecurityConfig, type PodSecurityConfig } from './pod-security/pod-security-config.js';

const GROUPS = ['apiserver.config.k8s.io', 'apiserver.k8s.io'];
const VERSIONS = ['v1', 'v1alpha1'];

/** Each configured plugin's configuration object, by plugin name. */
export type AdmissionPluginConfigs = Map<string, unknown>;

/** A start-up failure worded as kube-apiserver's. */
export class AdmissionConfigError extends Error {}

async function parseDocument(text: string): Promise<unknown> {
  const { parse } = await import('yaml');
  return parse(text);
}

/** Reads the file; throws AdmissionConfigError with upstream's `failed to apply admission: …` wording. */
export async function readAdmissionConfiguration(path: string | undefined): Promise<AdmissionPluginConfigs> {
  const out: AdmissionPluginConfigs = new Map();
  if (!path) return out;
  const fail = (msg: string) => new AdmissionConfigError(`failed to apply admission: failed to read plugin config: ${msg}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw fail(`unable to read admission control configuration from ${JSON.stringify(path)} [${goFileError(e, path)}]`);
  }
  let doc: unknown;
  try {
    doc = await parseDocument(text);
  } catch (e) {
    throw fail(`error converting YAML to JSON: ${(e as Error).message.split('\n')[0]}`);
  }
  const o = (doc ?? {}) as Record<string, unknown>;
  if (typeof o !== 'object' || Array.isArray(o)) throw fail(`couldn't get version/kind; json parse error: cannot unmarshal ${Array.isArray(o) ? 'array' : typeof o} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`);
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const kind = typeof o.kind === 'string' ? o.kind : '';
  if (!kind) throw fail(`Object 'Kind' is missing in '${text.trim()}'`);
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  if (!GROUPS.includes(group!) || !VERSIONS.includes(version!) || kind !== 'AdmissionConfiguration')
    throw fail(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "k8s.io/apiserver/pkg/apis/apiserver/install/install.go"`);
  const unknown = Object.keys(o).filter((k) => !['apiVersion', 'kind', 'plugins'].includes(k));
  const plugins = Array.isArray(o.plugins) ? (o.plugins as Record<string, unknown>[]) : [];
  plugins.forEach((p, i) => {
    for (const k of Object.keys(p ?? {})) if (!['name', 'path', 'configuration'].includes(k)) unknown.push(`plugins[${i}].${k}`);
  });
  if (unknown.length) throw fail(`strict decoding error: ${unknown.map((k) => `unknown field ${JSON.stringify(k)}`).join(', ')}`);
  for (const p of plugins) {
    const name = String(p?.name ?? '');
    // the first entry for a name wins, as upstream's ConfigFor
    if (out.has(name)) continue;
    if (p.configuration !== undefined && p.configuration !== null) out.set(name, p.configuration);
    else if (typeof p.path === 'string' && p.path) {
      const file = isAbsolute(p.path) ? p.path : join(dirname(path), p.path);
      try {
        out.set(name, await parseDocument(readFileSync(file, 'utf8')));
      } catch (e) {
        throw fail(`couldn't open admission plugin configuration ${file}: ${goFileError(e, file)}`);
      }
    }
  }
  return out;
}

/** The PodSecurity plugin's configuration, or upstream's plugin initialisation error. */
export function podSecurityPluginConfig(configs: AdmissionPluginConfigs): PodSecurityConfig {
  try {
    return podSecurityConfig(configs.get('PodSecurity'));
  } catch (e) {
    if (e instanceof PodSecurityDecodeError) throw new AdmissionConfigError(`failed to apply admission: couldn't init admission plugin "PodSecurity": ${e.message}`);
    throw new AdmissionConfigError(`failed to apply admission: failed to initialize admission plugin "PodSecurity": PodSecurity invalid: ${(e as Error).message}`);
  }
}

/** The ResourceQuota plugin's ResourceQuotaConfiguration (apiserver.config.k8s.io/v1): its limitedResources. */
export function resourceQuotaPluginConfig(configs: AdmissionPluginConfigs): LimitedResource[] {
  const raw = configs.get('ResourceQuota');
  if (raw === undefined || raw === null) return [];
  const fail = (msg: string) => new AdmissionConfigError(`failed to apply admission: couldn't init admission plugin "ResourceQuota": ${msg}`);
  const o = raw as Record<string, unknown>;
  const kind = typeof o.kind === 'string' ? o.kind : '';
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  if (!kind) throw fail(`Object 'Kind' is missing in '${JSON.stringify(raw)}'`);
  const known = ['apiserver.config.k8s.io/v1', 'resourcequota.admission.k8s.io/v1beta1', 'resourcequota.admission.k8s.io/v1alpha1'];
  if (kind !== 'ResourceQuotaConfiguration' || !known.includes(apiVersion))
    throw fail(`no kind ${JSON.stringify(kind)} is registered for version ${JSON.stringify(apiVersion)} in scheme "k8s.io/kubernetes/plugin/pkg/admission/resourcequota/apis/resourcequota/install/install.go"`);
  const list = Array.isArray(o.limitedResources) ? (o.limitedResources as Record<string, unknown>[]) : [];
  const limited = list.map((l) => ({
    apiGroup: typeof l.apiGroup === 'string' ? l.apiGroup : '',
    resource: typeof l.resource === 'string' ? l.resource : '',
    matchContains: Array.isArray(l.matchContains) ? l.matchContains.map(String) : [],
    matchScopes: Array.isArray(l.matchScopes) ? (l.matchScopes as Record<string, unknown>[]).map((m) => ({ scopeName: String(m?.scopeName ?? ''), operator: String(m?.operator ?? ''), values: Array.isArray(m?.values) ? m.values.map(String) : [] })) : [],
  }));
  // the plugin's ValidateConfiguration: every entry names its resource
  const missing = limited.flatMap((l, i) => (l.resource ? [] : [`limitedResources[${i}].resource: Required value`]));
  if (missing.length) throw fail(missing.length === 1 ? missing[0] : `[${missing.join(', ')}]`);
  return limited;
}

/** Go's *PathError text for a file that cannot be read. */
function goFileError(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return `open ${path}: no such file or directory`;
  if (code === 'EACCES') return `open ${path}: permission denied`;
  if (code === 'EISDIR') return `read ${path}: is a directory`;
  return (e as Error).message;
}
