// The apiextensions schema machinery: CRD validation, structural schemas, custom resource validation, pruning,
// defaulting, OpenAPI publishing and server-side apply types (pure functions; no HTTP).
export type { JSONSchemaProps, Structural, ValidationRule } from './types.js';
export { newStructural } from './structural.js';
export { validateStructural } from './structural-validation.js';
export { validateCustomResourceDefinition, validateCustomResourceDefinitionUpdate, type CRDValidationOptions } from './crd-validation.js';
export type { RuleCompiler, RuleCompileResult } from './crd-schema-validation.js';
export {
  compileCustomResourceSchema,
  validateCustomResource,
  validateCustomResourceStatus,
  validateCustomResourceTypeMeta,
  validateCustomResourceScale,
  type CustomResourceSchema,
} from './custom-resource-validation.js';
export { pruneCustomResource, type PruneCustomResourceResult } from './custom-resource-decode.js';
export { prunePaths } from './pruning.js';
export { applyDefaults, pruneNonNullableNullsWithoutDefaults } from './defaulting.js';
export { buildCRDOpenAPISchemas, definitionName, type CRDOpenAPISchemas } from './openapi-builder.js';
export { typeNodeFromSchema } from './type-node.js';
