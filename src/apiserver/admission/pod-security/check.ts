// The shape of one PodSecurity check and the helpers its messages share (upstream's joinQuote and pluralize).
export type Json = Record<string, unknown>;

export type Level = 'privileged' | 'baseline' | 'restricted';

/** A forbidden result: the reason, and the detail printed in parentheses after it (may be empty). */
export interface Violation {
  reason: string;
  detail: string;
}

/** What a check looks at: the pod's (or template's) metadata and spec. */
export interface PodView {
  annotations: Record<string, string>;
  spec: Json;
  /** Init, regular and ephemeral containers, in that order. */
  containers: Json[];
  /** spec.securityContext, or {}. */
  podSc: Json;
}

export interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  /** Baseline checks a restricted check replaces (only run at baseline). */
  overlap?: boolean;
  /** The first policy minor version (v1.x) the check applies to. */
  since: number;
  run(pod: PodView, minor: number): Violation | null;
}

export function obj(v: unknown): Json {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {};
}

export function arr(v: unknown): Json[] {
  return Array.isArray(v) ? (v as Json[]) : [];
}

export function str(v: unknown): string {
  return typeof v === 'string' ? v : '';
}

export function sc(container: Json): Json {
  return obj(container.securityContext);
}

export function joinQuote(items: string[]): string {
  return items.length ? `"${items.join('", "')}"` : '';
}

export function pluralize(singular: string, plural: string, n: number): string {
  return n === 1 ? singular : plural;
}

/** `container "a"` / `containers "a", "b"` */
export function containersText(names: string[]): string {
  return `${pluralize('container', 'containers', names.length)} ${joinQuote(names)}`;
}

/** Go's sets.String.List(): unique and sorted bytewise. */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** `pod and containers "a", "b"` from who set a value. */
export function settersText(pod: boolean, containers: string[]): string {
  const parts: string[] = [];
  if (pod) parts.push('pod');
  if (containers.length) parts.push(containersText(containers));
  return parts.join(' and ');
}

export function podView(metadata: Json, spec: Json): PodView {
  const containers = [...arr(spec.initContainers), ...arr(spec.containers), ...arr(spec.ephemeralContainers)];
  return { annotations: obj(metadata.annotations) as Record<string, string>, spec, containers, podSc: obj(spec.securityContext) };
}
