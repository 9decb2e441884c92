// CEL declarations from structural OpenAPI v3 schemas, as apiserver's SchemaDeclType and DeclType do:
// objects become struct types with declared fields, additionalProperties maps, items lists,
// int-or-string dyn, formats timestamp/duration/bytes, and size bounds for cost estimation.
import type { TypeProvider } from './checker.js';
import { escapeName, RESERVED_SYMBOLS } from './escaping.js';
import { BOOL, BYTES, CelType, DOUBLE, DURATION, DYN, INT, STRING, TIMESTAMP, listOf, mapOf, structType } from './types.js';

/** The JSON shape of a structural schema (a CRD's openAPIV3Schema). */
export interface StructuralSchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, StructuralSchema>;
  items?: StructuralSchema;
  additionalProperties?: boolean | StructuralSchema;
  required?: string[];
  nullable?: boolean;
  enum?: unknown[];
  default?: unknown;
  maxLength?: number;
  maxItems?: number;
  maxProperties?: number;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: string;
  [k: string]: unknown;
}

/** apiserver's maximum request size, used to bound sizes the schema leaves open. */
export const MAX_REQUEST_SIZE_BYTES = 3 * 1024 * 1024;
const MAX_DURATION_SIZE_JSON = 32;
const MAX_DATETIME_SIZE_JSON = 32;
const MIN_DURATION_SIZE_JSON = 3;
const JSON_DATE_SIZE = 12;
const MIN_DATETIME_SIZE_JSON = 21;
const MIN_STRING_SIZE = 2;
const MIN_BOOL_SIZE = 4;
const MIN_NUMBER_SIZE = 1;

export interface DeclField {
  name: string;
  type: DeclType;
  required: boolean;
}

export class DeclType {
  constructor(
    readonly kind: 'object' | 'list' | 'map' | 'simple',
    readonly name: string,
    readonly celType: CelType,
    readonly minSerializedSize: number,
    public maxElements = 0,
    readonly fields?: Map<string, DeclField>,
    readonly elemType?: DeclType,
    readonly keyType?: DeclType,
    /** The schema this type was made from (for value conversion). */
    readonly schema?: StructuralSchema,
  ) {}
}

const simple = (name: string, t: CelType, minSize: number, max = 0) => new DeclType('simple', name, t, minSize, max);

export const DECL_STRING = simple('string', STRING, MIN_STRING_SIZE);
export const DECL_INT = simple('int', INT, MIN_NUMBER_SIZE);
export const DECL_DOUBLE = simple('double', DOUBLE, MIN_NUMBER_SIZE);
export const DECL_BOOL = simple('bool', BOOL, MIN_BOOL_SIZE);
export const DECL_DYN = simple('dyn', DYN, 1);
export const DECL_TIMESTAMP = simple('timestamp', TIMESTAMP, JSON_DATE_SIZE);

function listDecl(elem: DeclType, maxItems: number, schema?: StructuralSchema): DeclType {
  return new DeclType('list', 'list', listOf(elem.celType), 2, maxItems, undefined, elem, undefined, schema);
}

function mapDecl(elem: DeclType, maxProperties: number, schema?: StructuralSchema): DeclType {
  return new DeclType('map', 'map', mapOf(STRING, elem.celType), 2, maxProperties, undefined, elem, DECL_STRING, schema);
}

const zeroIfNegative = (n: number) => (n < 0 ? 0 : n);
const maxItemsFromMinSize = (minSize: number) => Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (minSize + 1));
const maxPropertiesFromMinSize = (minSize: number) => Math.floor((MAX_REQUEST_SIZE_BYTES - 2) / (minSize + 6));

/** apiserver's WithTypeAndObjectMeta: kind, apiVersion and metadata.name/generateName are always present. */
export function withTypeAndObjectMeta(s: StructuralSchema): StructuralSchema {
  const p = s.properties;
  const isString = (x?: StructuralSchema) => x?.type === 'string';
  if (p && isString(p.kind) && isString(p.apiVersion) && p.metadata?.type === 'object' && p.metadata.properties &&
    isString(p.metadata.properties.name) && isString(p.metadata.properties.generateName)) return s;
  return {
    ...s,
    properties: {
      ...(p ?? {}),
      kind: { type: 'string' },
      apiVersion: { type: 'string' },
      metadata: { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' } } },
    },
  };
}

function maxStringLength(s: StructuralSchema): number {
  if (s['x-kubernetes-int-or-string']) return MAX_REQUEST_SIZE_BYTES - 2;
  switch (s.format) {
    case 'duration':
      return MAX_DURATION_SIZE_JSON;
    case 'date':
      return JSON_DATE_SIZE;
    case 'date-time':
      return MAX_DATETIME_SIZE_JSON;
  }
  return MAX_REQUEST_SIZE_BYTES - 2;
}

/**
 * SchemaDeclType: the CEL declaration of a schema, or undefined when CEL cannot see it
 * (no type and not int-or-string, arrays without items, maps whose values are invisible).
 */
export function schemaDeclType(schema: StructuralSchema | undefined, isResourceRoot: boolean): DeclType | undefined {
  if (!schema) return undefined;
  if (schema['x-kubernetes-int-or-string']) return simple('dyn', DYN, 1, MAX_REQUEST_SIZE_BYTES - 2);
  const s = isResourceRoot ? withTypeAndObjectMeta(schema) : schema;
  switch (s.type) {
    case 'array': {
      if (!s.items) return undefined;
      const items = schemaDeclType(s.items, !!s.items['x-kubernetes-embedded-resource']);
      if (!items) return undefined;
      const max = s.maxItems !== undefined ? zeroIfNegative(s.maxItems) : maxItemsFromMinSize(items.minSerializedSize);
      return listDecl(items, max, s);
    }
    case 'object': {
      const ap = s.additionalProperties;
      if (ap && typeof ap === 'object') {
        const props = schemaDeclType(ap, !!ap['x-kubernetes-embedded-resource']);
        if (!props) return undefined;
        const max = s.maxProperties !== undefined ? zeroIfNegative(s.maxProperties) : maxPropertiesFromMinSize(props.minSerializedSize);
        return mapDecl(props, max, s);
      }
      const required = new Set(s.required ?? []);
      const fields = new Map<string, DeclField>();
      let minSize = 2;
      for (const [name, prop] of Object.entries(s.properties ?? {})) {
        const t = schemaDeclType(prop, !!prop['x-kubernetes-embedded-resource']);
        if (!t) continue;
        const escaped = escapeName(name);
        if (escaped !== undefined) fields.set(escaped, { name: escaped, type: t, required: required.has(name) });
        if (required.has(name) && prop.default === undefined) minSize += name.length + t.minSerializedSize + 4;
      }
      return new DeclType('object', 'object', structType('object'), minSize, 0, fields, undefined, undefined, s);
    }
    case 'string':
      switch (s.format) {
        case 'byte':
          return simple('bytes', BYTES, MIN_STRING_SIZE, s.maxLength !== undefined ? zeroIfNegative(s.maxLength) : maxStringLength(s));
        case 'duration':
          return simple('duration', DURATION, MIN_DURATION_SIZE_JSON, maxStringLength(s));
        case 'date':
          return simple('timestamp', TIMESTAMP, JSON_DATE_SIZE, maxStringLength(s));
        case 'date-time':
          return simple('timestamp', TIMESTAMP, MIN_DATETIME_SIZE_JSON, maxStringLength(s));
      }
      if (s.maxLength !== undefined) return simple('string', STRING, MIN_STRING_SIZE, zeroIfNegative(s.maxLength) * 4);
      if (s.enum && s.enum.length > 0) {
        const longest = Math.max(0, ...s.enum.filter((e): e is string => typeof e === 'string').map((e) => Buffer.byteLength(e)));
        return simple('string', STRING, MIN_STRING_SIZE, longest);
      }
      return simple('string', STRING, MIN_STRING_SIZE, maxStringLength(s));
    case 'boolean':
      return DECL_BOOL;
    case 'number':
      return DECL_DOUBLE;
    case 'integer':
      return DECL_INT;
  }
  return undefined;
}

/** DeclType.MaybeAssignTypeName: names object types after their path (root, root.spec, root.items.@idx, root.@elem). */
export function assignTypeNames(t: DeclType, name: string): DeclType {
  if (t.kind === 'object') {
    const own = t.name !== 'object' ? t.name : name;
    const fields = new Map<string, DeclField>();
    for (const [fname, f] of t.fields!) fields.set(fname, { ...f, type: assignTypeNames(f.type, `${own}.${fname}`) });
    return new DeclType('object', own, structType(own), t.minSerializedSize, t.maxElements, fields, undefined, undefined, t.schema);
  }
  if (t.kind === 'map') {
    const elem = assignTypeNames(t.elemType!, `${name}.@elem`);
    return elem === t.elemType ? t : mapDecl(elem, t.maxElements, t.schema);
  }
  if (t.kind === 'list') {
    const elem = assignTypeNames(t.elemType!, `${name}.@idx`);
    return elem === t.elemType ? t : listDecl(elem, t.maxElements, t.schema);
  }
  return t;
}

/** A declared object type built by hand (admission request, namespace). */
export function objectDecl(name: string, fields: Record<string, DeclType>): DeclType {
  const m = new Map(Object.entries(fields).map(([n, t]): [string, DeclField] => [n, { name: n, type: t, required: true }]));
  return new DeclType('object', name, structType(name), 2, 0, m);
}

export { listDecl, mapDecl };

/** Finds object types and their fields among registered declarations (DeclTypeProvider). */
export class DeclTypeRegistry implements TypeProvider {
  private readonly types = new Map<string, DeclType>();

  constructor(
    private readonly libraryTypes: ReadonlyMap<string, CelType>,
    /** 1.31+: a reserved word finds the field escaped as __word__. */
    private readonly keywordFieldNames: boolean,
  ) {}

  register(t: DeclType): void {
    if (t.kind === 'object') {
      this.types.set(t.name, t);
      for (const f of t.fields!.values()) this.register(f.type);
    } else if (t.elemType) this.register(t.elemType);
  }

  findDeclType(name: string): DeclType | undefined {
    return this.types.get(name);
  }

  findStructType(name: string): CelType | undefined {
    return this.types.get(name)?.celType ?? this.libraryTypes.get(name);
  }

  findFieldType(structName: string, field: string): CelType | undefined {
    const t = this.types.get(structName);
    if (!t) return undefined;
    let f = t.fields!.get(field);
    if (!f && this.keywordFieldNames && RESERVED_SYMBOLS.has(field)) f = t.fields!.get(`__${field}__`);
    return f?.type.celType;
  }
}
