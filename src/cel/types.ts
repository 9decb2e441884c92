// CEL types as cel-go's checker models them: kinds, names, formatting, assignability with type parameters.

export type Kind =
  | 'dyn' | 'any' | 'bool' | 'bytes' | 'double' | 'int' | 'uint' | 'string' | 'null'
  | 'timestamp' | 'duration' | 'list' | 'map' | 'type' | 'opaque' | 'struct' | 'typeparam' | 'error';

export class CelType {
  constructor(
    readonly kind: Kind,
    /** cel-go's TypeName(): the runtime type name. */
    readonly name: string,
    readonly params: readonly CelType[] = [],
  ) {}

  toString(): string {
    return formatType(this);
  }
}

export const DYN = new CelType('dyn', 'dyn');
export const ANY = new CelType('any', 'google.protobuf.Any');
export const BOOL = new CelType('bool', 'bool');
export const BYTES = new CelType('bytes', 'bytes');
export const DOUBLE = new CelType('double', 'double');
export const INT = new CelType('int', 'int');
export const UINT = new CelType('uint', 'uint');
export const STRING = new CelType('string', 'string');
export const NULL = new CelType('null', 'null_type');
export const TIMESTAMP = new CelType('timestamp', 'google.protobuf.Timestamp');
export const DURATION = new CelType('duration', 'google.protobuf.Duration');
export const ERROR = new CelType('error', '*error*');
export const TYPE = new CelType('type', 'type');

export const listOf = (elem: CelType) => new CelType('list', 'list', [elem]);
export const mapOf = (key: CelType, value: CelType) => new CelType('map', 'map', [key, value]);
export const typeOf = (t: CelType) => new CelType('type', 'type', [t]);
export const opaque = (name: string, ...params: CelType[]) => new CelType('opaque', name, params);
export const optionalOf = (t: CelType) => opaque('optional_type', t);
export const typeParam = (name: string) => new CelType('typeparam', name);
export const structType = (name: string) => new CelType('struct', name);

/** Runtime names of the abstract list and map types (`type([]) == list`). */
export const LIST_TYPE = listOf(DYN);
export const MAP_TYPE = mapOf(DYN, DYN);

/** cel-go's FormatCELType, used in error messages. */
export function formatType(t: CelType): string {
  switch (t.kind) {
    case 'any':
      return 'any';
    case 'duration':
      return 'duration';
    case 'error':
      return '!error!';
    case 'null':
      return 'null';
    case 'timestamp':
      return 'timestamp';
    case 'typeparam':
      return t.name;
  }
  if (t.params.length === 0) return t.name;
  return `${t.name}(${t.params.map(formatType).join(', ')})`;
}

export function isOptionalType(t: CelType): boolean {
  return t.kind === 'opaque' && t.name === 'optional_type';
}

export function sameType(a: CelType, b: CelType): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.name !== b.name || a.params.length !== b.params.length) return false;
  return a.params.every((p, i) => sameType(p, b.params[i]));
}

const isDyn = (t: CelType) => t.kind === 'dyn' || t.kind === 'any';
const isDynOrError = (t: CelType) => isDyn(t) || t.kind === 'error';

/** Type parameter substitutions found during checking (keyed by the parameter's formatted name). */
export class Mapping {
  constructor(private readonly m = new Map<string, CelType>()) {}
  find(t: CelType): CelType | undefined {
    return this.m.get(formatType(t));
  }
  add(from: CelType, to: CelType): void {
    this.m.set(formatType(from), to);
  }
  copy(): Mapping {
    return new Mapping(new Map(this.m));
  }
}

/** Is t1 the same as, or less specific than, t2. */
function equalOrLessSpecific(t1: CelType, t2: CelType): boolean {
  if (isDyn(t1) || t1.kind === 'typeparam') return true;
  if (isDyn(t2) || t2.kind === 'typeparam') return false;
  if (t1.kind !== t2.kind) return false;
  switch (t1.kind) {
    case 'opaque':
      return t1.name === t2.name && t1.params.length === t2.params.length && t1.params.every((p, i) => equalOrLessSpecific(p, t2.params[i]));
    case 'list':
      return equalOrLessSpecific(t1.params[0], t2.params[0]);
    case 'map':
      return equalOrLessSpecific(t1.params[0], t2.params[0]) && equalOrLessSpecific(t1.params[1], t2.params[1]);
    case 'type':
      return true;
    default:
      return sameType(t1, t2);
  }
}

export function mostGeneral(t1: CelType, t2: CelType): CelType {
  return equalOrLessSpecific(t1, t2) ? t1 : t2;
}

function notReferencedIn(m: Mapping, t: CelType, within: CelType): boolean {
  if (sameType(t, within)) return false;
  if (within.kind === 'typeparam') {
    const sub = m.find(within);
    return sub === undefined ? true : notReferencedIn(m, t, sub);
  }
  if (['opaque', 'list', 'map', 'type'].includes(within.kind)) return within.params.every((p) => notReferencedIn(m, t, p));
  return true;
}

function validSubstitution(m: Mapping, t1: CelType, t2: CelType): [boolean, boolean] {
  if (t1.kind === t2.kind && sameType(t1, t2)) return [true, true];
  const sub = m.find(t2);
  if (sub) {
    if (t1.kind === sub.kind && sameType(t1, sub)) return [true, true];
    if (assignableInternal(m, t1, sub)) {
      const general = mostGeneral(t1, sub);
      if (notReferencedIn(m, t2, general)) m.add(t2, general);
      return [true, true];
    }
    return [false, true];
  }
  if (notReferencedIn(m, t2, t1)) {
    m.add(t2, t1);
    return [true, false];
  }
  return [false, false];
}

const nullable = (t: CelType) => ['opaque', 'struct', 'any', 'duration', 'timestamp', 'null', 'dyn'].includes(t.kind);

/** cel-go's type assignment check (t2 assignable to t1's slot, binding type parameters in m). */
function assignableInternal(m: Mapping, t1: CelType, t2: CelType): boolean {
  if (t2.kind === 'typeparam') {
    const [valid, hasSub] = validSubstitution(m, t1, t2);
    if (valid) return true;
    if (hasSub) return false;
  }
  if (t1.kind === 'typeparam') return validSubstitution(m, t2, t1)[0];
  if (isDynOrError(t1) || isDynOrError(t2)) return true;
  if (t1.kind === 'null') return nullable(t2);
  if (t2.kind === 'null') return nullable(t1);
  switch (t1.kind) {
    case 'bool': case 'bytes': case 'double': case 'int': case 'string': case 'uint':
    case 'duration': case 'timestamp': case 'struct':
      return sameType(t1, t2);
    case 'type':
      return t2.kind === 'type';
    case 'opaque': case 'list': case 'map':
      return t1.kind === t2.kind && t1.name === t2.name && t1.params.length === t2.params.length &&
        t1.params.every((p, i) => assignableInternal(m, p, t2.params[i]));
    default:
      return false;
  }
}

/** Returns the updated mapping when t2 may be used where t1 is expected, else undefined. */
export function isAssignable(m: Mapping, t1: CelType, t2: CelType): Mapping | undefined {
  const c = m.copy();
  return assignableInternal(c, t1, t2) ? c : undefined;
}

export function isAssignableList(m: Mapping, l1: readonly CelType[], l2: readonly CelType[]): Mapping | undefined {
  if (l1.length !== l2.length) return undefined;
  const c = m.copy();
  return l1.every((t, i) => assignableInternal(c, t, l2[i])) ? c : undefined;
}

/** Replaces bound type parameters; unbound ones become dyn when asked. */
export function substitute(m: Mapping, t: CelType, paramToDyn: boolean): CelType {
  const sub = m.find(t);
  if (sub) return substitute(m, sub, paramToDyn);
  if (paramToDyn && t.kind === 'typeparam') return DYN;
  if (t.params.length === 0) return t;
  return new CelType(t.kind, t.name, t.params.map((p) => substitute(m, p, paramToDyn)));
}
