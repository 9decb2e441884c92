// Where each kind keeps the pod it runs: the pod itself, or the template of a workload (upstream's
// DefaultPodSpecExtractor). Templates are only warned and audited, never enforced.
import type { KObject } from '../../../registry/types.js';
import { obj, type Json } from './check.js';

const TEMPLATE_PATHS: Record<string, string[]> = {
  '/podtemplates': ['template'],
  '/replicationcontrollers': ['spec', 'template'],
  'apps/replicasets': ['spec', 'template'],
  'apps/deployments': ['spec', 'template'],
  'apps/statefulsets': ['spec', 'template'],
  'apps/daemonsets': ['spec', 'template'],
  'batch/jobs': ['spec', 'template'],
  'batch/cronjobs': ['spec', 'jobTemplate', 'spec', 'template'],
};

export function hasPodTemplate(group: string, resource: string): boolean {
  return `${group}/${resource}` in TEMPLATE_PATHS;
}

/** The template's metadata and spec, or undefined when the (optional) template is absent. */
export function podTemplateOf(group: string, resource: string, o: KObject): { metadata: Json; spec: Json } | undefined {
  let cur: unknown = o;
  for (const key of TEMPLATE_PATHS[`${group}/${resource}`] ?? []) cur = obj(cur)[key];
  if (cur == null) return undefined;
  return { metadata: obj(obj(cur).metadata), spec: obj(obj(cur).spec) };
}
