// Function and variable declarations: type signatures for the checker, implementations for the interpreter.
import { CelType, DYN, mapOf, listOf, typeParam, typeOf } from './types.js';
import type { Val } from './values.js';

export type Impl = (args: Val[]) => Val;

export interface OverloadDecl {
  id: string;
  /** Receiver-style call; args[0] is then the receiver type. */
  member: boolean;
  args: CelType[];
  result: CelType;
  /** Names of type parameters appearing in args/result. */
  typeParams: string[];
  impl?: Impl;
  /** Called even when arguments are errors (only && || ?: and friends). */
  nonStrict?: boolean;
}

export interface FunctionDecl {
  name: string;
  overloads: OverloadDecl[];
  /** One implementation for every overload, as cel-go's singleton bindings (operators). */
  singleton?: Impl;
  /** Implementations check their own argument types (cel-go's DisableTypeGuards). */
  noTypeGuards?: boolean;
}

function collectParams(ts: CelType[], out = new Set<string>()): string[] {
  for (const t of ts) {
    if (t.kind === 'typeparam') out.add(t.name);
    collectParams([...t.params], out);
  }
  return [...out];
}

export function overload(id: string, args: CelType[], result: CelType, impl?: Impl): OverloadDecl {
  return { id, member: false, args, result, typeParams: collectParams([...args, result]), impl };
}

export function memberOverload(id: string, args: CelType[], result: CelType, impl?: Impl): OverloadDecl {
  return { id, member: true, args, result, typeParams: collectParams([...args, result]), impl };
}

export function fn(name: string, overloads: OverloadDecl[], singleton?: Impl): FunctionDecl {
  return { name, overloads, singleton };
}

export const A = typeParam('A');
export const B = typeParam('B');
export const LIST_A = listOf(A);
export const MAP_AB = mapOf(A, B);

/** Identifiers naming types (`int`, `list`, `google.protobuf.Timestamp`, ...) have type type(T). */
export function typeIdent(t: CelType): [string, CelType] {
  return [t.name, typeOf(t)];
}

/** Merges function declarations by name, later overloads with the same id replacing earlier ones. */
export function mergeFunctions(decls: FunctionDecl[]): Map<string, FunctionDecl> {
  const out = new Map<string, FunctionDecl>();
  for (const d of decls) {
    const prev = out.get(d.name);
    if (!prev) {
      out.set(d.name, { ...d, overloads: [...d.overloads] });
      continue;
    }
    for (const o of d.overloads) {
      const i = prev.overloads.findIndex((p) => p.id === o.id);
      if (i >= 0) prev.overloads[i] = o;
      else prev.overloads.push(o);
    }
    if (d.singleton) prev.singleton = d.singleton;
  }
  return out;
}

export { DYN };
