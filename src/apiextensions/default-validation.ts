// defaulting.ValidateDefaults: every `default` must be pruned (no unknown fields), valid metadata where it
// applies to metadata, and valid against its own schema.
import { type FieldError, fieldErrorString, invalid } from '../apimachinery/errors.js';
import { child, key } from './field-path.js';
import { coerceEmbeddedResources, validateEmbeddedResources } from './object-meta.js';
import { openAPIErrorsToFieldErrors } from './custom-resource-validation.js';
import { fromStructural } from './openapi-schema.js';
import { prunePaths } from './pruning.js';
import { openAPIValidate } from './schema-validator.js';
import type { Structural } from './types.js';

type Surrounding = (v: unknown) => unknown;
const rootWrap: Surrounding = (v) => v;
const wrapChild = (f: Surrounding, k: string): Surrounding => (v) => f({ [k]: v });
const wrapIndex = (f: Surrounding): Surrounding => (v) => f([v]);
const typeMetaRoot: Surrounding = (v) => ({ apiVersion: 'validation/v1', kind: 'Validation', ...(v as object) });

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
}
function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

function validate(pth: string, s: Structural | undefined, root: Structural, f: Surrounding, insideMeta: boolean, requirePruned: boolean): FieldError[] {
  if (!s) return [];
  if (s.xEmbeddedResource) {
    insideMeta = false;
    f = typeMetaRoot;
    root = s;
  }
  const errs: FieldError[] = [];
  const dflt = s.default;
  if (dflt !== undefined) {
    const schema = fromStructural(s);
    const dpath = child(pth, 'default');
    if (insideMeta) {
      const obj = f(structuredClone(dflt));
      const coerced = coerceEmbeddedResources(obj, root, { isResourceRoot: true });
      const metaErrs = coerced.error ? [] : validateEmbeddedResources('', obj, root, true);
      if (coerced.error) errs.push(invalid(dpath, dflt, `must result in valid metadata: ${fieldErrorString(coerced.error)}`));
      else if (metaErrs.length) errs.push(invalid(dpath, dflt, `must result in valid metadata: ${metaErrs.length === 1 ? fieldErrorString(metaErrs[0]) : `[${metaErrs.map(fieldErrorString).join(', ')}]`}`));
      else errs.push(...openAPIErrorsToFieldErrors(dpath, openAPIValidate(schema, dflt)));
    } else {
      if (requirePruned) {
        const pruned = structuredClone(dflt);
        prunePaths(pruned, s, !!s.xEmbeddedResource, false);
        if (!deepEqual(pruned, dflt)) errs.push(invalid(dpath, dflt, 'must not have unknown fields'));
      }
      const copy = structuredClone(dflt);
      const coerced = coerceEmbeddedResources(copy, s, { isResourceRoot: !!s.xEmbeddedResource, pth: dpath });
      const metaErrs = coerced.error ? [] : validateEmbeddedResources(dpath, dflt, s, !!s.xEmbeddedResource);
      if (coerced.error) errs.push(coerced.error);
      else if (metaErrs.length) errs.push(...metaErrs);
      else errs.push(...openAPIErrorsToFieldErrors(dpath, openAPIValidate(schema, dflt)));
    }
  }
  if (s.items) errs.push(...validate(child(pth, 'items'), s.items, root, wrapIndex(f), insideMeta, requirePruned));
  for (const [k, sub] of Object.entries(s.properties ?? {})) {
    const subInsideMeta = insideMeta || (!!s.xEmbeddedResource && (k === 'metadata' || k === 'apiVersion' || k === 'kind'));
    errs.push(...validate(key(child(pth, 'properties'), k), sub, root, wrapChild(f, k), subInsideMeta, requirePruned));
  }
  return errs;
}

/** Every invalid default of a structural schema (`pth` is the openAPIV3Schema path). */
export function validateDefaults(pth: string, s: Structural, isResourceRoot: boolean, requirePrunedDefaults = true): FieldError[] {
  const root = isResourceRoot && !s.xEmbeddedResource ? { ...s, xEmbeddedResource: true } : s;
  return validate(pth, root, root, typeMetaRoot, false, requirePrunedDefaults);
}

export { rootWrap };
