// listtype.ValidateListSetsAndMaps: duplicates in x-kubernetes-list-type=set lists and duplicate keys in
// list-type=map lists, reported as `Duplicate value` at the second occurrence.
import { type FieldError, duplicate as duplicateValue, invalid } from '../apimachinery/errors.js';
import { goBadValue } from '../apimachinery/go-sprint.js';
import { child, index, key } from './field-path.js';
import type { Structural } from './types.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Go's json.Marshal of a decoded value: object keys sorted, so equal values compare equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  return JSON.stringify(v) ?? 'undefined';
}

const UNSPECIFIED = Symbol('unspecified');

/** field.Duplicate of a value decoded from JSON: printed as Go prints an interface{} (`%#v` for maps and lists). */
const duplicate = (field: string, v: unknown): FieldError => ({ ...duplicateValue(field, v), badValueText: goBadValue(v) });

function nonUnique(values: unknown[]): number[] {
  if (values.length <= 1) return [];
  const seen = new Map<string, number>();
  const out: number[] = [];
  values.forEach((x, i) => {
    const k = x === UNSPECIFIED ? '\u0000unspecified' : (Array.isArray(x) || isObject(x) ? 'c' : 's') + canonical(x);
    const times = seen.get(k);
    if (times === undefined) seen.set(k, 1);
    else {
      seen.set(k, times + 1);
      if (times === 1) out.push(i);
    }
  });
  return out;
}

function listMap(p: string, s: Structural, list: unknown[]): FieldError[] {
  for (let i = 0; i < list.length; i++) if (list[i] !== null && !isObject(list[i])) return [invalid(index(p, i), list[i], 'must be an object for an array of list-type map')];
  if (list.length <= 1) return [];
  const keys = s.xListMapKeys ?? [];
  if (keys.length === 1) {
    const k = keys[0];
    const vals = list.map((x) => (isObject(x) && k in x ? x[k] : UNSPECIFIED));
    return nonUnique(vals).map((i) => duplicate(index(p, i), vals[i] === UNSPECIFIED ? {} : { [k]: vals[i] }));
  }
  const vals = list.map((x) => {
    const out: Record<string, unknown> = {};
    if (isObject(x)) for (const k of keys) if (k in x) out[k] = x[k];
    return out;
  });
  return nonUnique(vals).map((i) => duplicate(index(p, i), vals[i]));
}

function array(p: string, s: Structural, list: unknown[]): FieldError[] {
  const errs: FieldError[] = [];
  if (s.xListType === 'set') for (const i of nonUnique(list)) errs.push(duplicate(index(p, i), list[i]));
  else if (s.xListType === 'map') errs.push(...listMap(p, s, list));
  if (s.items) list.forEach((v, i) => errs.push(...value(index(p, i), s.items!, v)));
  return errs;
}

function value(p: string, s: Structural, v: unknown): FieldError[] {
  if (Array.isArray(v)) return array(p, s, v);
  if (isObject(v)) return validateListSetsAndMaps(p, s, v);
  return [];
}

/** Every list-type set/map violation in an object (field paths from `fldPath`, "" at the root). */
export function validateListSetsAndMaps(fldPath: string, s: Structural | undefined, obj: Record<string, unknown> | undefined): FieldError[] {
  if (!s || !obj) return [];
  const errs: FieldError[] = [];
  const ap = s.additionalProperties?.schema;
  if (ap) for (const [k, v] of Object.entries(obj)) errs.push(...value(key(fldPath, k), ap, v));
  if (s.properties) for (const [k, v] of Object.entries(obj)) if (s.properties[k]) errs.push(...value(child(fldPath, k), s.properties[k], v));
  return errs;
}
