// cel-go extensions Kubernetes enables: sets, two-variable comprehension helpers, optional types.
import { A, fn, memberOverload, overload, type FunctionDecl, type Impl } from './decls.js';
import { equals } from './runtime.js';
import { goDisplay } from './qualify.js';
import { BOOL, DYN, INT, STRING, listOf, mapOf, optionalOf, typeParam } from './types.js';
import { ArrayList, CelError, CelUint, Duration, EntriesMap, MutableMap, Optional, Timestamp, isList, isMap, type CelList, type CelMap, type Val } from './values.js';

function contains(list: CelList, v: Val): boolean {
  for (const e of list.values()) if (equals(e, v) === true) return true;
  return false;
}

function setsContains(a: CelList, b: CelList): boolean {
  for (const v of b.values()) if (!contains(a, v)) return false;
  return true;
}

const lists = (f: (a: CelList, b: CelList) => boolean): Impl => ([a, b]) => (isList(a) && isList(b) ? f(a, b) : new CelError('no such overload'));

export const SETS_LIBRARY: FunctionDecl[] = [
  fn('sets.contains', [overload('list_sets_contains_list', [listOf(A), listOf(A)], BOOL, lists(setsContains))]),
  fn('sets.equivalent', [overload('list_sets_equivalent_list', [listOf(A), listOf(A)], BOOL, lists((a, b) => setsContains(a, b) && setsContains(b, a)))]),
  fn('sets.intersects', [overload('list_sets_intersects_list', [listOf(A), listOf(A)], BOOL, lists((a, b) => [...b.values()].some((v) => contains(a, v))))]),
];

const K = typeParam('K');
const V = typeParam('V');

function insert(m: CelMap, k: Val, v: Val): Val {
  if (m.get(k) !== undefined) return new CelError(`insert failed: key ${goDisplay(k)} already exists`);
  const out = m instanceof MutableMap ? m : new EntriesMap([...m.keys()].map((x): [Val, Val] => [x, m.get(x) as Val]));
  out.put(k, v);
  return out;
}

const mapInsert: Impl = (args) => {
  const [m] = args;
  if (!isMap(m)) return new CelError('no such overload');
  if (args.length === 3) return insert(m, args[1], args[2]);
  const update = args[1];
  if (!isMap(update)) return new CelError('no such overload');
  let acc: Val = m;
  for (const k of update.keys()) {
    acc = insert(acc as CelMap, k, update.get(k) as Val);
    if (acc instanceof CelError) return acc;
  }
  return acc;
};

export const COMPREHENSIONS_LIBRARY: FunctionDecl[] = [
  fn('cel.@mapInsert', [
    overload('@mapInsert_map_key_value', [mapOf(K, V), K, V], mapOf(K, V), mapInsert),
    overload('@mapInsert_map_map', [mapOf(K, V), mapOf(K, V)], mapOf(K, V), mapInsert),
  ]),
];

/** cel-go's IsZeroValue for values that have one. */
function isZero(v: Val): boolean {
  switch (typeof v) {
    case 'boolean':
      return v === false;
    case 'bigint':
      return v === 0n;
    case 'number':
      return v === 0;
    case 'string':
      return v === '';
  }
  if (v === null) return true;
  if (v instanceof Uint8Array) return v.length === 0;
  if (v instanceof CelUint) return v.value === 0n;
  if (v instanceof Duration) return v.nanos === 0n;
  if (v instanceof Timestamp) return v.nanos === -62135596800000000000n;
  if (v instanceof ArrayList || v instanceof EntriesMap) return v.size() === 0;
  return false;
}

const optArg = (f: (o: Optional) => Val): Impl => ([o]) => (o instanceof Optional ? f(o) : new CelError('no such overload'));

function unwrapAll([l]: Val[]): Val {
  if (!isList(l)) return new CelError('no such overload');
  const out: Val[] = [];
  for (const v of l.values()) {
    if (!(v instanceof Optional)) return new CelError(`value ${goDisplay(v)} is not optional`);
    if (v.hasValue()) out.push(v.value!);
  }
  return new ArrayList(out);
}

export const OPTIONAL_LIBRARY: FunctionDecl[] = [
  fn('optional.of', [overload('optional_of', [V], optionalOf(V), ([v]) => Optional.of(v))]),
  fn('optional.ofNonZeroValue', [overload('optional_ofNonZeroValue', [V], optionalOf(V), ([v]) => (isZero(v) ? Optional.NONE : Optional.of(v)))]),
  fn('optional.none', [overload('optional_none', [], optionalOf(V), () => Optional.NONE)]),
  fn('value', [memberOverload('optional_value', [optionalOf(V)], V, optArg((o) => (o.hasValue() ? o.value! : new CelError('optional.none() dereference'))))]),
  fn('hasValue', [memberOverload('optional_hasValue', [optionalOf(V)], BOOL, optArg((o) => o.hasValue()))]),
  fn('or', [memberOverload('optional_or_optional', [optionalOf(V), optionalOf(V)], optionalOf(V))]),
  fn('orValue', [memberOverload('optional_orValue_value', [optionalOf(V), V], V)]),
  fn('_?._', [overload('select_optional_field', [DYN, STRING], optionalOf(V))]),
  fn('_[?_]', [
    overload('list_optindex_optional_int', [listOf(V), INT], optionalOf(V)),
    overload('optional_list_optindex_optional_int', [optionalOf(listOf(V)), INT], optionalOf(V)),
    overload('map_optindex_optional_value', [mapOf(K, V), K], optionalOf(V)),
    overload('optional_map_optindex_optional_value', [optionalOf(mapOf(K, V)), K], optionalOf(V)),
  ]),
  fn('_[_]', [
    overload('optional_list_index_int', [optionalOf(listOf(V)), INT], optionalOf(V)),
    overload('optional_map_index_value', [optionalOf(mapOf(K, V)), K], optionalOf(V)),
  ]),
  fn('last', [memberOverload('list_last', [listOf(V)], optionalOf(V), ([l]) => (isList(l) && l.size() ? Optional.of(l.get(l.size() - 1)) : Optional.NONE))]),
  fn('first', [memberOverload('list_first', [listOf(V)], optionalOf(V), ([l]) => (isList(l) && l.size() ? Optional.of(l.get(0)) : Optional.NONE))]),
  fn('optional.unwrap', [overload('optional_unwrap', [listOf(optionalOf(V))], listOf(V), unwrapAll)]),
  fn('unwrapOpt', [memberOverload('optional_unwrapOpt', [listOf(optionalOf(V))], listOf(V), unwrapAll)]),
];
