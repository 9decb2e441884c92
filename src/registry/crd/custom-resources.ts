// The resource definitions of a CustomResourceDefinition: one per served version, sharing one key prefix,
// with the custom resource strategy (prune, default, validate against the version's schema), Table columns,
// selectable fields, status and scale subresources and conversion to the storage version (apiVersion only, or
// through the CRD's conversion webhook).
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
import type { AsyncConversion, KObject, ResourceDef, ScalePaths, StorageConversion, StrategyServices, SubresourceDef } from '../types.js';
import { convertThroughWebhook, type ConversionWebhookOptions } from './conversion-webhook.js';
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

/** strategy Webhook: every object not in the wanted version goes through the webhook (a list in one review). */
function webhookConversion(crd: KObject, apiVersion: string, storageAPIVersion: string, kind: string, opts: ConversionWebhookOptions): AsyncConversion {
  return {
    async fromStorage(objs) {
      if (objs.every((o) => o.apiVersion === apiVersion)) return objs;
      if (objs.length === 1) return [await convertThroughWebhook(crd, objs[0]!, apiVersion, opts)];
      // named as the stored objects are (the error texts then read as for one object)
      return (await convertThroughWebhook(crd, { apiVersion: storageAPIVersion, kind, items: objs }, apiVersion, opts)).items;
    },
    toStorage: async (obj) => (obj.apiVersion === storageAPIVersion ? obj : convertThroughWebhook(crd, obj, storageAPIVersion, opts)),
  };
}

/** How a served version reaches storage: nothing to do, apiVersion rewritten (strategy None), or the webhook. */
function conversionFor(crd: KObject, version: string, storage: string, services: StrategyServices | undefined): StorageConversion | undefined {
  const group = crd.spec.group;
  const apiVersion = `${group}/${version}`;
  const storageAPIVersion = `${group}/${storage}`;
  // objects written under an earlier storage version may still be stored in it
  const olderStored = (crd.status?.storedVersions ?? []).some((v: string) => v !== storage);
  if (crd.spec.conversion?.strategy === 'Webhook' && ((crd.spec.versions ?? []).length > 1 || olderStored)) {
    const call = services && ((cc: KObject, review: KObject, t: number) => services.callConversionWebhook!(cc, review, t));
    const opts: ConversionWebhookOptions = { call: services?.callConversionWebhook ? call : undefined };
    return { toStorage: (obj) => obj, fromStorage: (obj) => obj, webhook: webhookConversion(crd, apiVersion, storageAPIVersion, crd.spec.names?.kind ?? '', opts) };
  }
  if (version === storage && !olderStored) return undefined;
  return {
    toStorage: (obj) => ({ ...obj, apiVersion: storageAPIVersion }),
    fromStorage: (obj) => {
      obj.apiVersion = apiVersion;
      return obj;
    },
  };
}

const sources = new WeakMap<ResourceDef, KObject>();

/** The CRD a custom resource's definition was made from (the OpenAPI documents are built from it). */
export function crdOf(def: ResourceDef): KObject | undefined {
  return sources.get(def);
}

/** Definitions of every served version of an established CRD (crd.status.acceptedNames name them). */
export function customResourceDefs(crd: KObject, services?: StrategyServices): ResourceDef[] {
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
      convert: conversionFor(crd, v.name, storage, services),
    });
    sources.set(def, crd);
    defs.push(def);
  }
  return defs;
}
