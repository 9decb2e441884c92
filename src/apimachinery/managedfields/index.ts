// Server-side apply and managedFields bookkeeping (a port of structured-merge-diff and apimachinery's fieldmanager).
export { FieldSet, type FieldsV1 } from './field-set.js';
export { fieldPE, keyPE, pathString, serializePE, type Path, type PathElement, type Value } from './path-element.js';
export { DEDUCED, FALLBACK_SEMANTICS, type ChildType, type ListSemantics, type ListType, type TypeNode } from './type-node.js';
export { SCHEMA_SEMANTICS, typeFor } from './schema-binding.js';
export { compare, merge, removeItems, toFieldSet, validate, type Comparison } from './typed.js';
export { Updater, ConflictsError, type Conflict, type ManagedFields } from './updater.js';
export { decodeManagedFields, encodeManagedFields, managerIdentifier, type ManagedFieldsEntry } from './managed-fields.js';
export {
  FIELD_MANAGER_MAX_LENGTH,
  LAST_APPLIED,
  applyConfiguration,
  conflictError,
  isPrintable,
  managerOrUserAgent,
  updateManagedFields,
  type FieldManagerScope,
} from './field-manager.js';
