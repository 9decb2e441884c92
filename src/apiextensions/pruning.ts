// Pruning of unknown fields per a structural schema (pruning.PruneWithOptions), returning the pruned paths as
// strict field validation reports them (`spec.foo`, `spec.list[0].bar`), sorted as upstream sorts them.
import type { Structural } from './types.js';

const META = new Set(['apiVersion', 'kind', 'metadata']);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class Paths {
  readonly found: string[] = [];
  constructor(private readonly track: boolean) {}
  record(parent: string, k: string): void {
    if (this.track) this.found.push(parent ? `${parent}.${k}` : k);
  }
}

const keyPath = (parent: string, k: string) => (parent ? `${parent}.${k}` : k);

function prune(x: unknown, s: Structural | undefined, parent: string, paths: Paths): void {
  if (s?.xPreserveUnknownFields) return skipPrune(x, s, parent, paths);
  if (isObject(x)) {
    if (!s) {
      for (const k of Object.keys(x)) {
        paths.record(parent, k);
        delete x[k];
      }
      return;
    }
    for (const [k, v] of Object.entries(x)) {
      if (s.xEmbeddedResource && META.has(k)) continue;
      const prop = s.properties?.[k];
      if (prop) prune(v, prop, keyPath(parent, k), paths);
      else if (s.additionalProperties) prune(v, s.additionalProperties.schema, keyPath(parent, k), paths);
      else {
        if (!META.has(k) || parent) paths.record(parent, k);
        delete x[k];
      }
    }
  } else if (Array.isArray(x)) x.forEach((v, i) => prune(v, s?.items, `${parent}[${i}]`, paths));
}

function skipPrune(x: unknown, s: Structural | undefined, parent: string, paths: Paths): void {
  if (!s) return;
  if (isObject(x)) {
    for (const [k, v] of Object.entries(x)) {
      if (s.xEmbeddedResource && META.has(k)) continue;
      const prop = s.properties?.[k];
      if (prop) prune(v, prop, keyPath(parent, k), paths);
      else if (s.additionalProperties) prune(v, s.additionalProperties.schema, keyPath(parent, k), paths);
    }
  } else if (Array.isArray(x)) x.forEach((v, i) => skipPrune(v, s.items, `${parent}[${i}]`, paths));
}

/**
 * Removes from `obj` (in place) every field the schema does not specify. At a resource root apiVersion, kind
 * and metadata are kept (the caller prunes metadata through ObjectMeta). Returns the pruned paths, sorted.
 */
export function prunePaths(obj: unknown, s: Structural | undefined, isResourceRoot: boolean, trackPaths = true): string[] {
  if (isResourceRoot) s = { ...(s ?? {}), xEmbeddedResource: true };
  const paths = new Paths(trackPaths);
  prune(obj, s, '', paths);
  return paths.found.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}
