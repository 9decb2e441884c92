// The resource definitions of a CustomResourceDefinition: one per served version, sharing one key prefix,
// with the custom resource strategy (prune, default, validate against the version's schema), Table columns,
// selectable fields, status and scale subresources and apiVersion conversion to the storage version.
import { invalid } from '../../apimachinery/errors.js';
import { hasCELRules, validateCELRules } from '../../apiextensions/cel-validation.js';
import {
  applyDefaults,
  compileCustomResourceSchema,
  pruneCustomResource,
  typeNodeFromSchema,
  validateCustomResource,
  validateCustomResourceScale,
  validateCustomResourceTypeMeta,
  type CustomResourceSchema,
} from '../../apiextensions/index.js';
import { evaluateJSONPath, parseJSONPath } from '../../apiextensions/jsonpath.js';
import { SCALE, STATUS, defineResource, fieldLabelNotSupported } from '../define.js';
import type { KObject, ResourceDef, ScalePaths, SubresourceDef } from '../types.js';
import { customResourcePrinter } from './printer.js';

export function storageVersionOf(crd: KObject): string {
  return (crd.spec?.versions ?? []).find((v: KObject) => v.storage)?.name ?? '';
}

export function isTerminating(crd: KObject): boolean {
  return (crd.status?.conditions ?? []).some((c: KObject) => c.type === 'Terminating' && c.status === 'True') || !!crd.metadata?.deletionTimestamp;
}

/** A field selector value as upstream prints it: strings as they are, numbers and booleans in Go's form. */
function fieldValue(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function selectableFieldsOf(version: KObject): ((o: KObject) => Record<string, string>) | undefined {
  const fields: { key: string; path: ReturnType<typeof parseJSONPath> }[] = [];
  for (const f of version.selectableFields ?? []) {
    try {
      fields.push({ key: String(f.jsonPath).replace(/^\./, ''), path: parseJSONPath(f.jsonPath) });
    } catch {
      // an invalid path was refused by CRD validation
    }
  }
  if (!fields.length) return undefined;
  return (o) => {
    const out: Record<string, string> = {};
    for (const f of fields) out[f.key] = fieldValue(evaluateJSONPath(f.path, o)[0]) ?? '';
    return out;
  };
}

const sources = new WeakMap<ResourceDef, KObject>();

/** The CRD a custom resource's definition was made from (the OpenAPI documents are built from it). */
export function crdOf(def: ResourceDef): KObject | undefined {
  return sources.get(def);
}

/** Definitions of every served version of an established CRD (crd.status.acceptedNames name them). */
export function customResourceDefs(crd: KObject): ResourceDef[] {
  const spec = crd.spec ?? {};
  const names = crd.status?.acceptedNames?.plural ? crd.status.acceptedNames : spec.names;
  const group: string = spec.group;
  const storage = storageVersionOf(crd);
  const keyPrefix = `/registry/${group}/${names.plural}/`;
  const defs: ResourceDef[] = [];
  for (const v of spec.versions ?? []) {
    if (!v.served) continue;
    let schema: CustomResourceSchema | undefined;
    try {
      schema = v.schema?.openAPIV3Schema ? compileCustomResourceSchema(v.schema.openAPIV3Schema) : undefined;
    } catch {
      schema = undefined;
    }
    const structural = schema?.structural;
    const celRules = hasCELRules(structural);
    const gvk = { group, version: v.name, kind: names.kind };
    const prune = (obj: KObject) => pruneCustomResource(obj, structural, { preserveUnknownFields: spec.preserveUnknownFields === true }).warnings;
    const defaults = (obj: KObject) => {
      prune(obj);
      applyDefaults(obj, structural);
    };
    const scale: ScalePaths | undefined = v.subresources?.scale
      ? { specReplicasPath: v.subresources.scale.specReplicasPath, statusReplicasPath: v.subresources.scale.statusReplicasPath, labelSelectorPath: v.subresources.scale.labelSelectorPath }
      : undefined;
    const validate = (obj: KObject, old?: KObject) => {
      const errs = validateCustomResourceTypeMeta(obj, gvk);
      if (schema) errs.push(...validateCustomResource(obj, schema, { old }));
      if (celRules) {
        // as upstream: a mistyped object is not handed to the rules (they would only fail on it)
        if (errs.some((e) => e.type === 'FieldValueTypeInvalid')) errs.push(invalid('<nil>', null, 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation'));
        else errs.push(...validateCELRules(structural!, obj, old));
      }
      if (scale) errs.push(...validateCustomResourceScale(obj, scale));
      return errs;
    };
    const subresources: SubresourceDef[] = [];
    if (v.subresources?.status) subresources.push(STATUS);
    if (scale) subresources.push(SCALE);
    const apiVersion = `${group}/${v.name}`;
    const storageAPIVersion = `${group}/${storage}`;
    const def = defineResource({
      group,
      version: v.name,
      resource: names.plural,
      kind: names.kind,
      singular: names.singular ?? names.kind.toLowerCase(),
      namespaced: spec.scope !== 'Cluster',
      shortNames: names.shortNames,
      categories: names.categories,
      subresources,
      keyPrefix,
      generation: true,
      customResource: true,
      printer: customResourcePrinter(v.additionalPrinterColumns),
      scale,
      deprecationWarning: v.deprecated ? (v.deprecationWarning ?? `${group}/${v.name} ${names.kind} is deprecated`) : undefined,
      custom: { prune, typeNode: typeNodeFromSchema(structural), terminating: () => isTerminating(crd) },
      strategy: {
        prepareForCreate: (obj) => defaults(obj),
        prepareForUpdate: (obj) => defaults(obj),
        validate: (obj) => validate(obj),
        validateUpdate: (obj, old) => validate(obj, old),
        selectableFields: selectableFieldsOf(v),
        unknownFieldLabel: fieldLabelNotSupported,
      },
      // versions differ in apiVersion only (conversion strategy None); the stored form is the storage version
      convert:
        v.name === storage
          ? undefined
          : {
              toStorage: (obj) => ({ ...obj, apiVersion: storageAPIVersion }),
              fromStorage: (obj) => {
                obj.apiVersion = apiVersion;
                return obj;
              },
            },
    });
    sources.set(def, crd);
    defs.push(def);
  }
  return defs;
}
