// Modules only some requests need, loaded on first use so that start-up stays fast.
import type * as YAML from 'yaml';

let yamlModule: typeof YAML | undefined;

export async function loadYAML(): Promise<typeof YAML> {
  return (yamlModule ??= await import('yaml'));
}

/** The YAML module; callers reach it only after `loadYAML()` ran for the request (see the app's filter). */
export function yaml(): typeof YAML {
  if (!yamlModule) throw new Error('yaml module not loaded');
  return yamlModule;
}
