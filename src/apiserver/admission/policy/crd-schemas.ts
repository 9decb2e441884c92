// Type checking's view of custom resources: the kinds and openAPIV3Schemas of served CRD versions, ahead of
// the built-in kinds.
import type { StructuralSchema } from '../../../cel/schema-types.js';
import type { KObject } from '../../../registry/types.js';
import { BUILTIN_SCHEMAS, type SchemaResolver } from './type-check-policy.js';

/** A resolver over the given CustomResourceDefinitions, falling back to the built-in kinds. */
export function crdSchemaResolver(crds: readonly KObject[]): SchemaResolver {
  const kinds = new Map<string, string>();
  const schemas = new Map<string, StructuralSchema>();
  for (const crd of crds) {
    const spec = crd.spec ?? {};
    const names = crd.status?.acceptedNames?.plural ? crd.status.acceptedNames : spec.names ?? {};
    for (const v of (spec.versions ?? []) as KObject[]) {
      if (!v.served) continue;
      kinds.set(`${spec.group}/${v.name}/${names.plural}`, names.kind);
      if (v.schema?.openAPIV3Schema) schemas.set(`${spec.group}/${v.name}/${names.kind}`, v.schema.openAPIV3Schema);
    }
  }
  return {
    kindFor: (g, v, r) => kinds.get(`${g}/${v}/${r}`) ?? BUILTIN_SCHEMAS.kindFor(g, v, r),
    schemaFor: (g, v, k) => schemas.get(`${g}/${v}/${k}`) ?? BUILTIN_SCHEMAS.schemaFor(g, v, k),
  };
}
