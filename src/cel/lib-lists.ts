// Kubernetes lists library (isSorted, sum, min, max, indexOf, lastIndexOf) and regex library (find, findAll).
import { A, fn, memberOverload, type FunctionDecl, type Impl } from './decls.js';
import { compileRegex } from './regex.js';
import { compare, equals } from './runtime.js';
import { add } from './std-operators.js';
import { BOOL, BYTES, DOUBLE, DURATION, INT, STRING, TIMESTAMP, UINT, listOf, type CelType } from './types.js';
import { ArrayList, CelError, CelUint, Duration, isList, type Val } from './values.js';

const SUMMABLE: [string, CelType, Val][] = [
  ['int', INT, 0n], ['uint', UINT, new CelUint(0n)], ['double', DOUBLE, 0], ['duration', DURATION, new Duration(0n)],
];
const COMPARABLE: [string, CelType][] = [
  ['int', INT], ['uint', UINT], ['double', DOUBLE], ['bool', BOOL], ['duration', DURATION], ['timestamp', TIMESTAMP],
  ['string', STRING], ['bytes', BYTES],
];

const isSorted: Impl = ([l]) => {
  if (!isList(l)) return new CelError('no such overload');
  let prev: Val | undefined;
  for (const v of l.values()) {
    if (prev !== undefined && compare(prev, v) === 1) return false;
    prev = v;
  }
  return true;
};

function sum(zero: Val): Impl {
  return ([l]) => {
    if (!isList(l)) return new CelError('no such overload');
    let acc = zero;
    for (const v of l.values()) {
      acc = add([acc, v]);
      if (acc instanceof CelError) return acc;
    }
    return acc;
  };
}

function extreme(name: string, prefer: number): Impl {
  return ([l]) => {
    if (!isList(l)) return new CelError('no such overload');
    let result: Val | undefined;
    for (const v of l.values()) {
      if (result === undefined || compare(result, v) === prefer) result = v;
    }
    return result === undefined ? new CelError(`${name} called on empty list`) : result;
  };
}

function indexOf(last: boolean): Impl {
  return ([l, item]) => {
    if (!isList(l)) return new CelError('no such overload');
    const n = l.size();
    for (let k = 0; k < n; k++) {
      const i = last ? n - 1 - k : k;
      if (equals(l.get(i), item) === true) return BigInt(i);
    }
    return -1n;
  };
}

export const LISTS_LIBRARY: FunctionDecl[] = [
  fn('isSorted', COMPARABLE.map(([n, t]) => memberOverload(`list_${n}_is_sorted_bool`, [listOf(t)], BOOL, isSorted))),
  fn('sum', SUMMABLE.map(([n, t, z]) => memberOverload(`list_${n}_sum_${n}`, [listOf(t)], t, sum(z)))),
  fn('max', COMPARABLE.map(([n, t]) => memberOverload(`list_${n}_max_${n}`, [listOf(t)], t, extreme('max', -1)))),
  fn('min', COMPARABLE.map(([n, t]) => memberOverload(`list_${n}_min_${n}`, [listOf(t)], t, extreme('min', 1)))),
  fn('indexOf', [memberOverload('list_a_index_of_int', [listOf(A), A], INT, indexOf(false))]),
  fn('lastIndexOf', [memberOverload('list_a_last_index_of_int', [listOf(A), A], INT, indexOf(true))]),
];

function withRegex(pattern: Val, f: (re: Exclude<ReturnType<typeof compileRegex>, CelError>) => Val): Val {
  const re = compileRegex(pattern as string);
  return re instanceof CelError ? new CelError(`Illegal regex: ${re.message}`) : f(re);
}

export const REGEX_LIBRARY: FunctionDecl[] = [
  fn('find', [memberOverload('string_find_string', [STRING, STRING], STRING, ([s, p]) => withRegex(p, (re) => re.find(s as string)))]),
  fn('findAll', [
    memberOverload('string_find_all_string', [STRING, STRING], listOf(STRING), ([s, p]) => withRegex(p, (re) => new ArrayList(re.findAll(s as string, -1)))),
    memberOverload('string_find_all_string_int', [STRING, STRING, INT], listOf(STRING), ([s, p, n]) =>
      withRegex(p, (re) => new ArrayList(re.findAll(s as string, Number(n as bigint))))),
  ]),
];
