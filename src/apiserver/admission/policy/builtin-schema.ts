// Structural schemas of built-in kinds for CEL type checking, from the generated model data: references
// resolved, int-or-string and quantities as int-or-string, raw objects as preserve-unknown-fields.
import type { StructuralSchema } from '../../../cel/schema-types.js';
import { knownKinds, resolveType, schemaFor, type FieldSchema, type TypeSchema } from '../../../schema/index.js';

// recursive definitions (JSONSchemaProps) are cut off here, as dyn
const MAX_DEPTH = 16;
const ANY: StructuralSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };

function fromType(t: TypeSchema, depth: number): StructuralSchema {
  if (t.oneOf || !t.type) return { 'x-kubernetes-int-or-string': true };
  if (t.opaque) return ANY;
  if (t.type !== 'object') return { type: t.type, ...(t.format ? { format: t.format } : {}) };
  if (!t.properties || depth > MAX_DEPTH) return ANY;
  const properties: Record<string, StructuralSchema> = {};
  for (const [k, f] of Object.entries(t.properties)) properties[k] = fromField(f, depth + 1);
  const s: StructuralSchema = { type: 'object', properties };
  if (t.required?.length) s.required = t.required;
  return s;
}

function fromField(f: FieldSchema, depth: number): StructuralSchema {
  if (f.ref) {
    const t = resolveType(f.ref);
    return t ? fromType(t, depth) : ANY;
  }
  if (f.type === 'array') {
    const s: StructuralSchema = { type: 'array', items: f.items ? fromField(f.items, depth + 1) : ANY };
    if (f.listType) s['x-kubernetes-list-type'] = f.listType;
    if (f.listMapKeys) s['x-kubernetes-list-map-keys'] = f.listMapKeys;
    return s;
  }
  if (f.type === 'object') return f.additionalProperties ? { type: 'object', additionalProperties: fromField(f.additionalProperties, depth + 1) } : ANY;
  if (!f.type) return ANY;
  return { type: f.type, ...(f.format ? { format: f.format } : {}), ...(f.enum ? { enum: f.enum } : {}) };
}

/** The structural schema of a built-in kind, or undefined when the models do not know it. */
export function builtinSchema(group: string, version: string, kind: string): StructuralSchema | undefined {
  const t = schemaFor(group, version, kind);
  return t ? fromType(t, 0) : undefined;
}

/** The kind served at a group/version/resource, as a RESTMapper's KindsFor answers for built-ins. */
export function builtinKindFor(group: string, version: string, resource: string): string | undefined {
  return knownKinds().find((k) => k.group === group && k.version === version && k.resource === resource)?.kind;
}
