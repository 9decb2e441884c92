// What the custom resource decoder does to an object after JSON decoding (unstructuredSchemaCoercer.apply):
// unknown root metadata fields, pruning, non-nullable nulls, embedded ObjectMeta coercion, with the unknown
// field paths strict field validation reports, in upstream's order.
import type { FieldError } from '../apimachinery/errors.js';
import { pruneNonNullableNullsWithoutDefaults } from './defaulting.js';
import { coerceEmbeddedResources, normalizeObjectMeta, unknownMetadataFields } from './object-meta.js';
import { prunePaths } from './pruning.js';
import type { Structural } from './types.js';

export interface PruneCustomResourceResult {
  /** Paths of dropped fields, e.g. `metadata.foo`, `spec.bar`, `spec.template.metadata.baz`. */
  unknownFieldPaths: string[];
  /** The same as fieldValidation=Strict/Warn words them: `unknown field "spec.bar"`. */
  warnings: string[];
  /** A malformed embedded apiVersion/kind/metadata (the request is a 400 BadRequest upstream). */
  error?: FieldError;
}

/**
 * Prunes and coerces a decoded custom resource in place. `preserveUnknownFields` is the CRD's legacy
 * spec.preserveUnknownFields (nothing is pruned then); root metadata keeps only ObjectMeta's fields.
 */
export function pruneCustomResource(obj: Record<string, unknown>, structural: Structural | undefined, opts: { preserveUnknownFields?: boolean } = {}): PruneCustomResourceResult {
  const paths = unknownMetadataFields(obj.metadata);
  if (!opts.preserveUnknownFields) {
    paths.push(...prunePaths(obj, structural, true));
    pruneNonNullableNullsWithoutDefaults(obj, structural);
  }
  const coerced = coerceEmbeddedResources(obj, structural, { isResourceRoot: false });
  paths.push(...coerced.unknownFieldPaths);
  const meta = obj.metadata;
  if (meta && typeof meta === 'object' && !Array.isArray(meta)) obj.metadata = normalizeObjectMeta(meta as Record<string, unknown>);
  return { unknownFieldPaths: paths, warnings: paths.map((p) => `unknown field "${p}"`), error: coerced.error };
}
