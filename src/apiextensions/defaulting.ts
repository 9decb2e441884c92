// Structural defaulting (defaulting.Default) and the pruning of nulls a non-nullable field without a default
// may not keep (PruneNonNullableNullsWithoutDefaults).
import type { Structural } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const copy = (v: unknown): unknown => (v === undefined ? undefined : structuredClone(v));
const nonNullableNull = (x: unknown, s: Structural | undefined) => x === null && !!s && !s.nullable;

/** Applies every `default` of the schema to `x` in place (absent fields, and nulls where null is not allowed). */
export function applyDefaults(x: unknown, s: Structural | undefined): void {
  if (!s) return;
  if (isObject(x)) {
    for (const [k, prop] of Object.entries(s.properties ?? {})) {
      if (prop.default === undefined) continue;
      if (!(k in x) || nonNullableNull(x[k], prop)) x[k] = copy(prop.default);
    }
    for (const k of Object.keys(x)) {
      const prop = s.properties?.[k];
      if (prop) applyDefaults(x[k], prop);
      else if (s.additionalProperties) {
        const ap = s.additionalProperties.schema;
        if (nonNullableNull(x[k], ap)) x[k] = copy(ap!.default) ?? null;
        applyDefaults(x[k], ap);
      }
    }
  } else if (Array.isArray(x)) {
    for (let i = 0; i < x.length; i++) {
      if (nonNullableNull(x[i], s.items)) x[i] = copy(s.items!.default) ?? null;
      applyDefaults(x[i], s.items);
    }
  }
}

function schemaFor(k: string, s: Structural | undefined): Structural | undefined {
  if (!s) return undefined;
  return s.properties?.[k] ?? s.additionalProperties?.schema;
}

/** Drops fields whose value is null where the schema neither allows null nor defaults it. */
export function pruneNonNullableNullsWithoutDefaults(x: unknown, s: Structural | undefined): void {
  if (isObject(x)) {
    for (const [k, v] of Object.entries(x)) {
      const sub = schemaFor(k, s);
      if (v === null && sub && !sub.nullable && sub.default === undefined) delete x[k];
      else pruneNonNullableNullsWithoutDefaults(v, sub);
    }
  } else if (Array.isArray(x)) for (const v of x) pruneNonNullableNullsWithoutDefaults(v, s?.items);
}
