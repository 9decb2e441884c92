// Field selection and indexing as cel-go's attribute qualifiers do it, with their error texts.
import { formatDouble } from './std-functions.js';
import { runtimeTypeName } from './runtime.js';
import { CelError, CelUint, Optional, isList, isMap, type Val } from './values.js';

/** How Go's %v prints a CEL value in error messages. */
export function goDisplay(v: Val): string {
  if (v instanceof CelUint) return v.value.toString();
  if (typeof v === 'number') return formatDouble(v);
  if (v === null) return 'null';
  return String(v);
}

function listIndex(k: Val): number | CelError {
  if (typeof k === 'bigint') return Number(k);
  if (k instanceof CelUint) return k.value < 1n << 63n ? Number(k.value) : new CelError(`unsupported index value ${goDisplay(k)} in list`);
  if (typeof k === 'number') return Number.isInteger(k) ? k : new CelError(`unsupported index value ${goDisplay(k)} in list`);
  return new CelError(`unsupported index type '${runtimeTypeName(k)}' in list`);
}

/**
 * Selects `key` from `obj`. Optional qualification yields optional.none() for absent entries;
 * a presence test yields a bool instead of the value.
 */
export function qualify(obj: Val, key: Val, optional: boolean, presence = false): Val {
  if (obj instanceof CelError) return obj;
  if (isMap(obj)) {
    const v = obj.get(key);
    if (v instanceof CelError) return v;
    if (v === undefined) return presence ? false : optional ? Optional.NONE : new CelError(`no such key: ${goDisplay(key)}`);
    return presence ? true : v;
  }
  if (isList(obj)) {
    const i = listIndex(key);
    if (i instanceof CelError) return i;
    if (i >= 0 && i < obj.size()) return presence ? true : obj.get(i);
    return presence ? false : optional ? Optional.NONE : new CelError(`index out of bounds: ${goDisplay(key)}`);
  }
  if (presence) return false;
  return optional ? Optional.NONE : new CelError(`no such key: ${goDisplay(key)}`);
}
