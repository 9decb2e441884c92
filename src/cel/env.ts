// The Kubernetes base CEL environment by compatibility version (k8s.io/apiserver/pkg/cel/environment/base.go).
import { mergeFunctions, type FunctionDecl } from './decls.js';
import { AUTHZ_LIBRARY, AUTHZ_SELECTORS_LIBRARY, AUTHZ_TYPES } from './lib-authz.js';
import { CIDR_LIBRARY, CIDR_TYPE, IP_LIBRARY, IP_TYPE } from './lib-ip.js';
import { COMPREHENSIONS_LIBRARY, OPTIONAL_LIBRARY, SETS_LIBRARY } from './lib-ext.js';
import { FORMAT_LIBRARY, FORMAT_TYPE } from './lib-format.js';
import { LISTS_LIBRARY, REGEX_LIBRARY } from './lib-lists.js';
import { QUANTITY_LIBRARY, QUANTITY_TYPE } from './lib-quantity.js';
import { SEMVER_LIBRARY, SEMVER_TYPE } from './lib-semver.js';
import { stringsLibrary } from './lib-strings.js';
import { URL_LIBRARY, URL_TYPE } from './lib-url.js';
import { STD_FUNCTIONS, STD_TYPE_IDENTS } from './std-functions.js';
import { OPERATORS } from './std-operators.js';
import { optionalOf, typeOf, DYN, type CelType } from './types.js';

/** Kubernetes 1.33: new expressions are checked against the previous minor version (n-1). */
export const DEFAULT_NEW_EXPRESSIONS_VERSION = 32;
export const CURRENT_VERSION = 33;

export interface BaseEnv {
  functions: Map<string, FunctionDecl>;
  typeIdents: Map<string, CelType>;
  /** Struct types the libraries define (no selectable fields). */
  structTypes: Map<string, CelType>;
  optionals: boolean;
  twoVarComprehensions: boolean;
  /** 1.31+: reserved words may name object fields (`self.namespace`). */
  keywordFieldNames: boolean;
  /** 1.29+: duration, timestamp and regex literal validators. */
  literalValidators: boolean;
  /** strings.format validator (strings extension version 1 and later). */
  formatValidator: boolean;
}

const CROSS_TYPE = /^(less|greater)(_equals)?_(int64_double|int64_uint64|uint64_double|uint64_int64|double_int64|double_uint64)$/;

const cache = new Map<number, BaseEnv>();

/** The base environment at a Kubernetes minor version (1.x), as used for new or stored expressions. */
export function baseEnv(minor: number): BaseEnv {
  const hit = cache.get(minor);
  if (hit) return hit;
  const decls: FunctionDecl[] = [...OPERATORS, ...STD_FUNCTIONS, ...URL_LIBRARY, ...REGEX_LIBRARY, ...LISTS_LIBRARY];
  decls.push(...stringsLibrary(minor >= 29 ? 2 : 0));
  if (minor >= 27) decls.push(...AUTHZ_LIBRARY);
  if (minor >= 28) decls.push(...OPTIONAL_LIBRARY, ...QUANTITY_LIBRARY);
  if (minor >= 29) decls.push(...SETS_LIBRARY);
  if (minor >= 30) decls.push(...IP_LIBRARY, ...CIDR_LIBRARY);
  if (minor >= 31) decls.push(...FORMAT_LIBRARY, ...AUTHZ_SELECTORS_LIBRARY);
  if (minor >= 32) decls.push(...COMPREHENSIONS_LIBRARY);
  if (minor >= 33) decls.push(...SEMVER_LIBRARY);
  const functions = mergeFunctions(decls);
  if (minor < 28) {
    for (const f of functions.values()) f.overloads = f.overloads.filter((o) => !CROSS_TYPE.test(o.id));
  }
  const typeIdents = new Map<string, CelType>(STD_TYPE_IDENTS);
  const structs: CelType[] = [URL_TYPE];
  if (minor >= 27) structs.push(...AUTHZ_TYPES);
  if (minor >= 28) {
    typeIdents.set('optional_type', typeOf(optionalOf(DYN)));
    structs.push(QUANTITY_TYPE);
  }
  if (minor >= 30) for (const t of [IP_TYPE, CIDR_TYPE]) typeIdents.set(t.name, typeOf(t));
  if (minor >= 31) structs.push(FORMAT_TYPE);
  if (minor >= 33) structs.push(SEMVER_TYPE);
  const structTypes = new Map(structs.map((t) => [t.name, t]));
  const env: BaseEnv = {
    functions,
    typeIdents,
    structTypes,
    optionals: minor >= 28,
    twoVarComprehensions: minor >= 32,
    keywordFieldNames: minor >= 31,
    literalValidators: minor >= 29,
    formatValidator: minor >= 29,
  };
  cache.set(minor, env);
  return env;
}
