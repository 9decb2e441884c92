// The internal (hub) shape upstream validates a v1 CustomResourceDefinition in: per-version schemas,
// subresources, columns and selectable fields that are identical across versions move to the spec, which is
// why errors name `spec.validation.openAPIV3Schema` for a single-version CRD.
import type { JSONSchemaProps } from './types.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface InternalVersion {
  name: string;
  served: boolean;
  storage: boolean;
  deprecated: boolean;
  deprecationWarning?: string;
  schema?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: Obj;
  additionalPrinterColumns?: Obj[];
  selectableFields?: Obj[];
}

export interface InternalSpec {
  group: string;
  version: string;
  names: Obj;
  scope: string;
  validation?: { openAPIV3Schema?: JSONSchemaProps };
  subresources?: Obj;
  versions: InternalVersion[];
  additionalPrinterColumns?: Obj[];
  selectableFields?: Obj[];
  conversion?: { strategy: string; webhookClientConfig?: Obj; conversionReviewVersions?: string[] };
  preserveUnknownFields?: boolean;
}

/** apiequality.Semantic.DeepEqual on decoded JSON: key order does not matter, absent and null differ from empty. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(b)) {
    const ka = Object.keys(a).filter((k) => (a as Obj)[k] !== undefined);
    const kb = Object.keys(b).filter((k) => (b as Obj)[k] !== undefined);
    return ka.length === kb.length && ka.every((k) => semanticEqual((a as Obj)[k], (b as Obj)[k]));
  }
  return false;
}

const listOrUndefined = (l: unknown): Obj[] | undefined => (Array.isArray(l) && l.length ? l : undefined);

/** Convert_v1_CustomResourceDefinitionSpec_To_apiextensions_CustomResourceDefinitionSpec. */
export function toInternalSpec(spec: Obj | undefined): InternalSpec {
  const s = spec ?? {};
  const versions: InternalVersion[] = (Array.isArray(s.versions) ? s.versions : []).map((v: Obj) => ({
    name: v?.name ?? '',
    served: !!v?.served,
    storage: !!v?.storage,
    deprecated: !!v?.deprecated,
    deprecationWarning: v?.deprecationWarning ?? undefined,
    schema: v?.schema ?? undefined,
    subresources: v?.subresources ?? undefined,
    additionalPrinterColumns: listOrUndefined(v?.additionalPrinterColumns),
    selectableFields: listOrUndefined(v?.selectableFields),
  }));
  const out: InternalSpec = { group: s.group ?? '', version: '', names: s.names ?? {}, scope: s.scope ?? '', versions, preserveUnknownFields: !!s.preserveUnknownFields };
  const conv = s.conversion;
  if (conv) {
    out.conversion = { strategy: conv.strategy ?? '' };
    if (conv.webhook?.clientConfig) out.conversion.webhookClientConfig = conv.webhook.clientConfig;
    if (conv.webhook?.conversionReviewVersions) out.conversion.conversionReviewVersions = conv.webhook.conversionReviewVersions;
  }
  if (!versions.length) return out;
  out.version = versions[0].name;
  const fields = ['subresources', 'schema', 'additionalPrinterColumns', 'selectableFields'] as const;
  for (const f of fields) {
    const first = versions[0][f];
    if (!versions.every((v) => semanticEqual(v[f], first))) continue;
    if (f === 'schema') out.validation = first as InternalSpec['validation'];
    else (out as Obj)[f] = first;
    for (const v of versions) delete v[f];
  }
  return out;
}
