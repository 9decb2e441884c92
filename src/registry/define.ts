import { ALL_VERBS, type ResourceDef, type Strategy, type SubresourceDef, type Verb } from './types.js';

export interface ResourceSpec {
  group?: string;
  version?: string;
  resource: string;
  kind: string;
  singular?: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: Verb[];
  subresources?: SubresourceDef[];
  strategy?: Strategy;
  keyPrefix?: string;
  generation?: boolean;
  statusSubresource?: boolean;
  allowCreateOnUpdate?: boolean;
  keepsStatusOnCreate?: boolean;
  returnDeletedObject?: boolean;
  nameValidation?: ResourceDef['nameValidation'];
  createOnly?: ResourceDef['createOnly'];
  computed?: ResourceDef['computed'];
  convert?: ResourceDef['convert'];
  printer?: ResourceDef['printer'];
  customResource?: boolean;
  custom?: ResourceDef['custom'];
  scale?: ResourceDef['scale'];
  deprecationWarning?: string;
}

export const STATUS: SubresourceDef = { name: 'status', verbs: ['get', 'patch', 'update'] };
/** The refusal of upstream's per-kind field label conversion functions. */
export const fieldLabelNotSupported = (label: string): string => `field label not supported: ${label}`;

export const SCALE: SubresourceDef = { name: 'scale', group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] };

export function defineResource(s: ResourceSpec): ResourceDef {
  const list = s.subresources ?? (s.statusSubresource ? [STATUS] : []);
  const subresources = new Map(list.map((r) => [r.name, r]));
  return {
    group: s.group ?? '',
    version: s.version ?? 'v1',
    resource: s.resource,
    kind: s.kind,
    singular: s.singular ?? s.kind.toLowerCase(),
    namespaced: s.namespaced ?? true,
    shortNames: s.shortNames,
    categories: s.categories,
    verbs: s.verbs ?? (s.createOnly ? ['create'] : ALL_VERBS),
    subresources,
    strategy: s.strategy ?? {},
    keyPrefix: s.keyPrefix ?? `/registry/${s.resource}/`,
    generation: s.generation ?? false,
    statusSubresource: s.statusSubresource ?? subresources.has('status'),
    allowCreateOnUpdate: s.allowCreateOnUpdate ?? false,
    keepsStatusOnCreate: s.keepsStatusOnCreate ?? false,
    returnDeletedObject: s.returnDeletedObject ?? false,
    nameValidation: s.nameValidation ?? 'subdomain',
    createOnly: s.createOnly,
    computed: s.computed,
    convert: s.convert,
    printer: s.printer,
    customResource: s.customResource,
    custom: s.custom,
    scale: s.scale,
    deprecationWarning: s.deprecationWarning,
  };
}
