// Validation of a custom object against its version's schema as the custom resource strategy runs it: kube-openapi
// errors converted by apiextensions, embedded ObjectMeta, list-type set/map uniqueness; type meta and scale paths.
import { type FieldError, fieldErrorString, invalid, notSupported, required } from '../apimachinery/errors.js';
import { validateEmbeddedResources } from './object-meta.js';
import { validateListSetsAndMaps } from './list-type-validation.js';
import { fromJSONSchemaProps, type OASchema } from './openapi-schema.js';
import { type OpenAPIError, openAPIValidate } from './schema-validator.js';
import { newStructural } from './structural.js';
import type { JSONSchemaProps, Structural } from './types.js';

/** A version's schema, compiled once per CRD version. */
export interface CustomResourceSchema {
  structural: Structural;
  /** What kube-openapi validates against (unsupported formats stripped). */
  openapi: OASchema;
  /** The `status` property's schema (validated alone on the status subresource). */
  statusOpenapi?: OASchema;
}

export function compileCustomResourceSchema(openAPIV3Schema: JSONSchemaProps): CustomResourceSchema {
  const openapi = fromJSONSchemaProps(openAPIV3Schema);
  return { structural: newStructural(openAPIV3Schema), openapi, statusOpenapi: openapi.properties?.status };
}

const tooLong = (field: string, max: number): FieldError => ({ type: 'FieldValueTooLong', field, detail: max >= 0 ? `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` : 'value is too long' });
const tooMany = (field: string, actual: number, max: number): FieldError => ({
  type: 'FieldValueTooMany',
  field,
  badValue: actual >= 0 ? actual : undefined,
  omitValue: actual < 0,
  detail: max >= 0 ? `must have at most ${max} ${max === 1 ? 'item' : 'items'}` : 'has too many items',
});

/** kubeOpenAPIResultToFieldErrors: `fldPath` undefined is Go's nil path (printed `<nil>` where nothing is added). */
export function openAPIErrorsToFieldErrors(fldPath: string | undefined, errors: OpenAPIError[]): FieldError[] {
  return errors.map((e) => {
    if (e.code === 'Composite') return invalid(fldPath ?? '<nil>', '', e.message);
    let p = fldPath;
    if (e.name && e.name !== '.') {
      const n = e.name.replace(/^\./, '');
      p = p ? `${p}.${n}` : n;
    }
    const path = p ?? '<nil>';
    switch (e.code) {
      case 'Required':
        return required(path);
      case 'Enum':
        return notSupported(path, e.value, (e.values ?? []).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))));
      case 'TooLong':
        return tooLong(path, e.valid ?? -1);
      case 'MaxItems':
      case 'TooManyProperties':
        return tooMany(path, typeof e.value === 'number' ? e.value : -1, e.valid ?? -1);
      case 'InvalidType':
        return { type: 'FieldValueTypeInvalid', field: path, badValue: e.value ?? '', detail: e.message };
      default:
        return invalid(path, e.value ?? '', e.message);
    }
  });
}

export interface ValidateCustomResourceOptions {
  /** The object before an update: list-type checks are skipped when the old object already violated them. */
  old?: Record<string, unknown>;
}

/**
 * The schema part of custom resource validation (the caller validates the root ObjectMeta, type meta, scale
 * and CEL rules): kube-openapi errors, embedded resources, then list-type set/map duplicates.
 */
export function validateCustomResource(obj: Record<string, unknown>, schema: CustomResourceSchema, opts: ValidateCustomResourceOptions = {}): FieldError[] {
  const errs = openAPIErrorsToFieldErrors(undefined, openAPIValidate(schema.openapi, obj));
  errs.push(...validateEmbeddedResources('', obj, schema.structural));
  if (!opts.old || validateListSetsAndMaps('', schema.structural, opts.old).length === 0) errs.push(...validateListSetsAndMaps('', schema.structural, obj));
  return errs;
}

/** Validation on the status subresource: only `status`, against the status schema (paths under `status`). */
export function validateCustomResourceStatus(obj: Record<string, unknown>, schema: CustomResourceSchema, opts: ValidateCustomResourceOptions = {}): FieldError[] {
  const errs: FieldError[] = [];
  if ('status' in obj && schema.statusOpenapi) errs.push(...openAPIErrorsToFieldErrors('status', openAPIValidate(schema.statusOpenapi, obj.status)));
  errs.push(...validateEmbeddedResources('', obj, schema.structural));
  if (!opts.old || validateListSetsAndMaps('', schema.structural, opts.old).length === 0) errs.push(...validateListSetsAndMaps('', schema.structural, obj));
  return errs;
}

/** customResourceValidator.ValidateTypeMeta: kind and apiVersion must be the served ones. */
export function validateCustomResourceTypeMeta(obj: Record<string, unknown>, gvk: { group: string; version: string; kind: string }): FieldError[] {
  const errs: FieldError[] = [];
  const gv = `${gvk.group}/${gvk.version}`;
  if (obj.kind !== gvk.kind) errs.push(invalid('kind', obj.kind ?? '', `must be ${gvk.kind}`));
  if (obj.apiVersion !== gv) errs.push(invalid('apiVersion', obj.apiVersion ?? '', `must be ${gv}`));
  return errs;
}

const goTypeName = (v: unknown) =>
  typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'float64' : Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';

function nested(obj: Record<string, unknown>, path: string): { value: unknown; found: boolean; error?: string } {
  const fields = path.replace(/^\./, '').split('.');
  let cur: unknown = obj;
  for (let i = 0; i < fields.length; i++) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur)) {
      return { value: undefined, found: false, error: `${'.' + fields.slice(0, i).join('.')} accessor error: ${JSON.stringify(cur)} is of the type ${goTypeName(cur)}, expected map[string]interface{}` };
    }
    if (!(fields[i] in (cur as object))) return { value: undefined, found: false };
    cur = (cur as Record<string, unknown>)[fields[i]];
  }
  return { value: cur, found: true };
}

function replicasErrors(obj: Record<string, unknown>, path: string): FieldError[] {
  const { value, found, error } = nested(obj, path);
  if (error) return [invalid(path, 0, error)];
  if (!found) return [];
  if (typeof value !== 'number' || !Number.isInteger(value)) return [invalid(path, 0, `${path} accessor error: ${typeof value === 'string' ? value : JSON.stringify(value)} is of the type ${goTypeName(value)}, expected int64`)];
  if (value < 0) return [invalid(path, value, 'should be a non-negative integer')];
  if (value > 2147483647) return [invalid(path, value, 'should be less than or equal to 2147483647')];
  return [];
}

/** ValidateScaleSpec + ValidateScaleStatus for a CRD's scale subresource paths. */
export function validateCustomResourceScale(obj: Record<string, unknown>, scale: { specReplicasPath: string; statusReplicasPath: string; labelSelectorPath?: string }, which: 'spec+status' | 'status' = 'spec+status'): FieldError[] {
  const errs = which === 'spec+status' ? replicasErrors(obj, scale.specReplicasPath) : [];
  errs.push(...replicasErrors(obj, scale.statusReplicasPath));
  if (scale.labelSelectorPath) {
    const { value, found, error } = nested(obj, scale.labelSelectorPath);
    if (error) errs.push(invalid(scale.labelSelectorPath, '', error));
    else if (found && typeof value !== 'string')
      errs.push(invalid(scale.labelSelectorPath, '', `${scale.labelSelectorPath} accessor error: ${JSON.stringify(value)} is of the type ${goTypeName(value)}, expected string`));
  }
  return errs;
}

export { fieldErrorString };
